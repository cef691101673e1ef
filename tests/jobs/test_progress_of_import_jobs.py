"""Progress of the import jobs: a file's declared size first, then rows read, checked, written.

Payment and KPJ files report through the same `Progress` as the roster job; a roster's
first figure is the sheet's declared size ("membaca berkas: ~100.000 baris"), read from
the zip before the parse (`declared_rows`), never trusted beyond what the file can hold.
"""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from bpjs_tracker.roles import Role
from enrollment import import_jobs
from enrollment.imports.reading import declared_rows
from enrollment.jobs import IMPORT, roster_import_start
from enrollment.services.rosters import roster_upload_keep
from jobs.models import Job
from jobs.services import Progress
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik
from tests.jobs.conftest import JAN
from tests.jobs.test_payment_and_kpj_jobs import _check_payments, _confirm_payments, _kpj_file


@pytest.fixture
def reported(monkeypatch):
    """Every `progress(...)` call a job makes, in order, with the job row's counts after it."""
    calls: list[dict] = []
    real = Progress.__call__

    def record(self, **counts):
        calls.append(counts)
        real(self, **counts)

    monkeypatch.setattr(Progress, "__call__", record)
    return calls


def _counts(job: Job) -> tuple:
    job.refresh_from_db()
    return (job.rows_total, job.rows_read, job.rows_checked, job.rows_written)


def _merged(calls: list[dict]) -> dict:
    merged: dict = {}
    for call in calls:
        merged.update(call)
    return merged


def test_a_payment_import_job_reports_rows_read_checked_then_written(
    bills, client, as_jobs, reported
):
    checked = _check_payments(client, bills.user(Role.BRANCH_STAFF))
    assert reported[0] == {"estimate": 3}  # the CSV's lines, before it is parsed
    assert {"total": 3, "read": 3} in reported and {"checked": 3} in reported
    assert "written" not in _merged(reported)  # a check writes nothing
    assert _counts(checked) == (3, 3, 3, 0)

    reported.clear()
    done = _confirm_payments(client, checked)
    assert done.state == Job.State.DONE, done.error
    keys = [next(iter(call)) for call in reported]
    assert keys.index("estimate") < keys.index("total") < keys.index("checked")
    assert keys[-1] == "written" and reported[-1] == {"written": 3}
    assert _counts(done) == (3, 3, 3, 3)


def test_a_kpj_import_job_reports_rows_read_checked_then_written(
    members, client, as_jobs, reported
):
    client.force_login(members.user(Role.BRANCH_STAFF))
    url = reverse("admin:enrollment_membership_kpj")
    client.post(url, {"file": _kpj_file()})
    checked = Job.objects.get(kind=import_jobs.KPJ)
    assert reported[0] == {"estimate": 2}
    assert _counts(checked) == (2, 2, 2, 0)

    reported.clear()
    client.post(url, {"confirm": "1", "job": checked.pk})
    done = Job.objects.get(kind=import_jobs.KPJ, params__dry_run=False)
    assert done.state == Job.State.DONE, done.error
    assert reported[-1] == {"written": 4}  # two workers, two programmes each
    assert _counts(done) == (2, 2, 2, 4)


def test_progress_shows_on_the_job_page_and_its_json(bills, client, as_jobs):
    checked = _check_payments(client, bills.user(Role.BRANCH_STAFF))
    Job.objects.filter(pk=checked.pk).update(state=Job.State.RUNNING)  # as if it still ran
    data = client.get(reverse("jobs:progress_json", args=[checked.pk])).json()
    assert data["rows"] == {"total": 3, "read": 3, "checked": 3, "written": 0, "estimate": 3}
    page = client.get(reverse("jobs:progress", args=[checked.pk])).content.decode()
    assert '<td id="job-checked">3</td>' in page


def _xlsx(rows: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NIK", "Nama"])
    for i in range(rows):
        sheet.append([f"74710{i:011d}", f"Pekerja {i}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_sheet(data: bytes, edit) -> bytes:
    """The same workbook with its first sheet's XML changed by `edit(xml) -> xml`."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = edit(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def test_declared_rows_reads_the_sheets_dimension():
    assert declared_rows(_xlsx(2500), filename="roster.xlsx") == 2500


def test_declared_rows_without_a_dimension_estimates_from_the_sheets_size():
    import re

    data = _with_sheet(_xlsx(20_000), lambda xml: re.sub(rb"<dimension[^>]*/>", b"", xml))
    estimate = declared_rows(data, filename="roster.xlsx")
    assert 18_000 <= estimate <= 22_000  # two significant figures of a guess


def test_declared_rows_distrusts_a_dimension_the_sheet_cannot_hold():
    import re

    lying = _with_sheet(
        _xlsx(300),
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B199999"', xml),
    )
    assert declared_rows(lying, filename="roster.xlsx") == 300  # the whole sheet was read
    single = _with_sheet(
        _xlsx(300), lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml)
    )
    assert declared_rows(single, filename="roster.xlsx") == 300


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"NIK,Nama\n1,a\n2,b\n", "a.csv", 2),
        (b"NIK,Nama\n1,a\n2,b", "a.csv", 2),
        (b"NIK,Nama\n", "a.csv", None),
        (b"PK\x03\x04 not a zip", "a.xlsx", None),
        (b"\xd0\xcf\x11\xe0 old excel", "a.xls", None),
    ],
)
def test_declared_rows_of_other_files(data, name, expected):
    assert declared_rows(data, filename=name) == expected


def test_a_roster_jobs_first_figure_is_the_files_declared_size(
    world, opd_treasurer, reported, monkeypatch
):
    from enrollment.services import rosters

    seen_before_parse = []
    real = rosters.read_roster_file

    def parse(data, **kwargs):
        seen_before_parse.append(list(reported))
        return real(data, **kwargs)

    monkeypatch.setattr(rosters, "read_roster_file", parse)
    rows = [worker_row(make_nik(i), f"Pekerja {i}") for i in range(1, 6)]
    upload = roster_upload_keep(
        unit=world.kdi_dlhk, period=JAN, upload=roster_csv(rows), by=opd_treasurer
    )
    job = roster_import_start(upload=upload, by=opd_treasurer)
    assert job.kind == IMPORT and job.state == Job.State.DONE, job.error
    assert seen_before_parse == [[{"estimate": 5}]]
    assert _counts(job) == (5, 5, 5, 5)
    assert job.rows_estimate == 5
