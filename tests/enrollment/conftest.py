"""Fixtures for roster tests: sample files, in-memory roster files, one period."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "rosters"
PERIOD = dt.date(2025, 1, 1)
HEADERS = ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Jabatan", "Kategori", "Upah", "TMT"]


def sample(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes())


def worker_row(nik, name, *, birth="17-08-1990", sex="L", position="Staf", wage="2500000",
               start="01-01-2020", segment="non_asn"):  # fmt: skip
    return [nik, name, birth, sex, position, segment, wage, start]


def roster_csv(rows, *, name="roster.csv", headers=HEADERS) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"))


def roster_xlsx(rows, *, name="roster.xlsx", headers=HEADERS) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def period():
    return PERIOD
