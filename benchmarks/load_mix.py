"""What the load test's users request, shared by `load.py` (locust, over HTTP) and
`request_cpu.py` (Django's test client, in process): the 1,000-row roster they upload and the
patterns that find the links and choices in the pages they read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BILL_LINK = re.compile(r'href="/admin/enrollment/bill/(\d+)/change/')
CLAIM_LINK = re.compile(r'href="/admin/claims/claim/(\d+)/change/')
PREVIEW_URL = re.compile(r"/admin/enrollment/roster/upload/\d+/$")
UNIT_OPTION = re.compile(r'<option value="(\d+)"')
HEADERS = ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Jabatan", "Kategori", "Upah", "TMT"]
UPLOAD_PERIOD = "2025-03"

# The mix: each task's weight and the pages it requests one after the other.
TASKS = {
    "dashboard": (3, ["dashboard"]),
    "changelists": (3, ["changelist: rosters", "changelist: bills", "changelist: memberships"]),
    "bill_page": (2, ["bill page"]),
    "roster_preview": (1, ["upload form", "roster upload 1,000 rows (POST + preview)"]),
    "claim_page": (1, ["claim page"]),
}


def roster_file(rows: int = 1000) -> bytes:
    """A valid 1,000-row roster (Kendari NIKs, birth dates spread so every NIK differs)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    for i in range(rows):
        birth = dt.date(1980, 1, 1) + dt.timedelta(days=i)
        nik = f"747101{birth:%d%m%y}{i % 9999 + 1:04d}"
        writer.writerow(
            [nik, f"Pekerja Uji {i}", f"{birth:%d-%m-%Y}", "L", "Staf", "non_asn", 2_500_000,
             "01-01-2020"]
        )  # fmt: skip
    return buffer.getvalue().encode()


ROSTER = roster_file()
