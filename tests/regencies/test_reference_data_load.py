"""Region reference data: the counts of Kepmendagri 300.2.2-2138/2025, and reloading changes nothing."""

import shutil

import pytest
from django.core.management import call_command

from regencies.models import BranchAssignment, District, Regency, Village
from regencies.services import ReferenceDataError, default_fixtures_dir, reference_load

pytestmark = pytest.mark.django_db


def test_province_74_has_17_regencies_15_kabupaten_and_2_kota():
    assert Regency.objects.count() == 17
    assert Regency.objects.filter(kind="kabupaten").count() == 15
    assert Regency.objects.filter(kind="kota").count() == 2


def test_province_74_has_221_districts_and_2285_villages():
    assert District.objects.count() == 221
    assert Village.objects.count() == 2285
    assert Village.objects.filter(kind="desa").count() == 1908
    assert Village.objects.filter(kind="kelurahan").count() == 377


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("74.09", "Kabupaten Konawe Utara"),
        ("74.01", "Kabupaten Kolaka"),
        ("74.04", "Kabupaten Buton"),
        ("74.71", "Kota Kendari"),
        ("74.72", "Kota Bau Bau"),
    ],
)
def test_regency_codes_are_kemendagri_not_bps(code, name):
    assert Regency.objects.get(code=code).name == name


def test_konawe_utara_has_159_desa():
    assert Village.objects.filter(district__regency__code="74.09", kind="desa").count() == 159


def test_reloading_reference_data_changes_nothing():
    before = Village.history.count()
    result = reference_load()
    assert not result.changed
    assert result.counts["village"].unchanged == 2285
    assert result.counts["branch_assignment"].unchanged == BranchAssignment.objects.count()
    assert Village.history.count() == before


def test_load_reference_command_reports_counts(capsys):
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "village: 0 baru, 0 diubah, 2285 tetap" in out


def test_loading_records_history_for_changed_names(tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), fixtures)
    villages = fixtures / "wilayah-74" / "villages.csv"
    villages.write_text(villages.read_text().replace(",Wunduhaka,desa", ",Wunduhaka Baru,desa"))
    result = reference_load(directory=fixtures)
    assert result.counts["village"].updated == 1
    village = Village.objects.get(code="74.09.01.2020")
    assert village.name == "Wunduhaka Baru"
    assert village.history.first().name == "Wunduhaka Baru"


def _broken_copy(tmp_path, filename, old, new):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), fixtures)
    path = fixtures / "wilayah-74" / filename
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return fixtures


@pytest.mark.parametrize(
    ("filename", "old", "new", "problem"),
    [
        (
            "regencies.csv",
            "74.10,Kabupaten Buton Utara",
            "74.1,Kabupaten Buton Utara",
            "regencies.csv:11: Kode kabupaten/kota '74.1' tidak sah: harus berbentuk 74.09 "
            "(kode Kemendagri).",
        ),
        (
            "villages.csv",
            "74.09.01.2020,74.09.01,Wunduhaka",
            "74.09.01.20201,74.09.01,Wunduhaka",
            "Kode desa/kelurahan '74.09.01.20201' tidak sah: harus berbentuk 74.09.01.2001 "
            "(kode Kemendagri).",
        ),
        (
            "villages.csv",
            "74.09.01.2020,74.09.01,Wunduhaka",
            "74.09.99.2020,74.09.99,Wunduhaka",
            "desa/kelurahan 74.09.99.2020 berada di bawah kecamatan 74.09.99 yang tidak ada",
        ),
        (
            "regencies.csv",
            "74.71,Kota Kendari,kota",
            "74.71,Kota Kendari,kabupaten",
            "regencies.csv:17: jenis 'kabupaten' tidak cocok dengan kode 74.71 (01-69 kabupaten, 71-99 kota)",
        ),
    ],
    ids=[
        "short-regency-code",
        "long-village-code",
        "village-under-missing-district",
        "kota-as-kabupaten",
    ],
)
def test_bad_codes_are_refused_with_a_clear_message_and_nothing_saved(
    tmp_path, filename, old, new, problem
):
    fixtures = _broken_copy(tmp_path, filename, old, new)
    history_before = Village.history.count() + Regency.history.count()
    with pytest.raises(ReferenceDataError) as excinfo:
        reference_load(directory=fixtures)
    assert any(problem in line for line in excinfo.value.problems), excinfo.value.problems
    assert Village.history.count() + Regency.history.count() == history_before
    assert not Village.objects.filter(code__in=["74.09.01.20201", "74.09.99.2020"]).exists()


def test_a_village_error_names_file_and_line(tmp_path):
    fixtures = _broken_copy(
        tmp_path, "villages.csv", "74.09.01.2020,74.09.01", "74.09.01.20201,74.09.01"
    )
    with pytest.raises(ReferenceDataError) as excinfo:
        reference_load(directory=fixtures)
    line = next(p for p in excinfo.value.problems if "20201" in p)
    assert line.startswith("villages.csv:")
    assert int(line.split(":")[1]) > 1


def test_load_reference_command_fails_with_problems_on_stderr(tmp_path, capsys):
    from django.core.management.base import CommandError

    fixtures = _broken_copy(tmp_path, "regencies.csv", "74.10,", "74.1,")
    with pytest.raises(CommandError, match="tidak ada yang disimpan"):
        call_command("load_reference", "--dir", str(fixtures))
    assert "Kode kabupaten/kota '74.1' tidak sah" in capsys.readouterr().err
