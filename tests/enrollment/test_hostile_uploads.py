"""Hostile files (tests/data/hostile/make_hostile.py) are refused with one message, within bounds.

Each file is read in a child process (tests/data/hostile/probe.py) that reports its
own peak resident memory, Rust (calamine) included, which tracemalloc cannot see.
Bounds from issue #11: one clear message, at most 300 MB and 10 s per file.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.data.hostile.make_hostile import CORPUS, build

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "data" / "hostile" / "probe.py"
MAX_MB = 300
MAX_SECONDS = 10

# Each file and the words its one message must contain (Indonesian, saying what is wrong).
EXPECTED = {
    "inline_string_bomb": "membesar",
    "sheet_xml_bomb": "membesar",
    "too_many_rows": "lebih dari 200.000 baris",
    "sparse_corner": "Area sel yang terpakai terlalu besar",
    "far_column": "16.384 kolom",
    "huge_shared_strings": "teks berbeda",
    "rows_without_refs": "50.000 kolom",
    "many_entries": "1.206 bagian",
    "xlsm_renamed": "makro",
    "external_link": "tautan eksternal",
    "truncated_zip": "tidak dapat dibaca",
    "html_named_xlsx": "tidak dapat dibaca",
    "csv_named_xlsx": "tidak dapat dibaca",
    "csv_million_rows": "lebih dari 200.000 baris",
    "csv_wide": "20.008 kolom",
    "csv_long_cell": "lebih dari 1.000 karakter",
    "csv_long_cell_within_csv_limit": "lebih dari 1.000 karakter",
    "csv_utf16": "UTF-16",
    "csv_bom_with_windows_line": "Baris 3",
    "csv_nul_bytes": "bukan teks CSV",
    "oversized": "melebihi batas 20 MB",
    "payments_oversized": "melebihi batas 20 MB",
}


def probe(tmp_path, kind: str, data: bytes, filename: str) -> dict:
    path = tmp_path / f"upload{Path(filename).suffix}"
    path.write_bytes(data)
    done = subprocess.run(  # noqa: S603 - our own probe script
        [sys.executable, str(PROBE), kind, str(path), filename],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_every_corpus_file_has_an_expected_message():
    assert set(EXPECTED) == set(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_file_is_refused_with_one_message_within_bounds(tmp_path, name):
    data, filename = build(name)
    kind = "payments" if name.startswith("payments") else "roster"
    figures = probe(tmp_path, kind, data, filename)
    assert figures["refused"], figures
    assert figures["message_count"] == 1, figures["messages"]
    assert EXPECTED[name] in figures["messages"][0]
    assert figures["peak_mb"] <= MAX_MB, figures
    assert figures["seconds"] <= MAX_SECONDS, figures


@pytest.mark.parametrize("name", ["csv_wide", "truncated_zip", "csv_utf16", "sparse_corner"])
def test_kpj_file_is_refused_the_same_way(tmp_path, name):
    data, filename = build(name)
    figures = probe(tmp_path, "kpj", data, filename)
    assert figures["message_count"] == 1 and EXPECTED[name] in figures["messages"][0]


def test_a_legitimate_100000_row_roster_still_passes_the_bounds(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import roster_import as bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    path = tmp_path / "big.xlsx"
    bench.write_xlsx(path, bench.make_rows(100_000))
    figures = probe(tmp_path, "roster", path.read_bytes(), "big.xlsx")
    assert not figures["refused"], figures["messages"]
    assert figures["peak_mb"] <= MAX_MB, figures
