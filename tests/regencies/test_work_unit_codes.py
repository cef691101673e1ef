import pytest
from django.core.exceptions import ValidationError

from regencies.models import Regency, Village, WorkUnit

pytestmark = pytest.mark.django_db


def _unit(**kwargs):
    defaults = {"name": "Contoh", "kind": "opd", "regency": Regency.objects.get(code="74.71")}
    return WorkUnit(**{**defaults, **kwargs})


def test_opd_code_is_regency_code_dash_acronym():
    _unit(code="74.71-SATPOLPP").full_clean()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "74.71-satpol pp",
            "Kode OPD '74.71-satpol pp' tidak sah: gunakan <kode kab/kota>-<SINGKATAN>, huruf besar "
            "dan angka, misalnya 74.71-SATPOLPP.",
        ),
        ("74.09-SATPOLPP", "Kode OPD harus diawali kode kabupaten/kotanya (74.71)."),
        (
            "7471-DLHK",
            "Kode OPD '7471-DLHK' tidak sah: gunakan <kode kab/kota>-<SINGKATAN>, huruf besar "
            "dan angka, misalnya 74.71-SATPOLPP.",
        ),
    ],
)
def test_bad_opd_codes_are_refused_with_the_expected_form(code, message):
    with pytest.raises(ValidationError) as excinfo:
        _unit(code=code).full_clean()
    assert excinfo.value.message_dict["code"] == [message]


def test_village_unit_code_is_the_village_code():
    village = Village.objects.get(code="74.09.01.2020")
    unit = _unit(
        code="74.09.01.2020", kind="village", village=village, regency=village.district.regency
    )
    unit.full_clean()
    unit.code = "74.09.01.2021"
    with pytest.raises(ValidationError) as excinfo:
        unit.full_clean()
    assert excinfo.value.message_dict["code"] == [
        "Kode unit desa harus sama dengan kode desanya (74.09.01.2020)."
    ]


def test_a_kelurahan_cannot_be_a_village_government():
    kelurahan = Village.objects.filter(kind="kelurahan", district__regency__code="74.71").first()
    unit = _unit(code=kelurahan.code, kind="village", village=kelurahan)
    with pytest.raises(ValidationError) as excinfo:
        unit.full_clean()
    assert "adalah kelurahan, bukan desa" in excinfo.value.message_dict["village"][0]


def test_npp_must_be_digits():
    with pytest.raises(ValidationError) as excinfo:
        _unit(code="74.71-DLHK", npp="NPP-123").full_clean()
    assert excinfo.value.message_dict["npp"] == [
        "NPP 'NPP-123' tidak sah: harus berupa angka (umumnya 8 digit)."
    ]


def test_a_village_code_must_lie_under_its_district():
    from regencies.models import District

    village = Village(
        code="74.09.02.2001",
        name="Uji",
        kind="desa",
        district=District.objects.get(code="74.09.01"),
    )
    with pytest.raises(ValidationError) as excinfo:
        village.full_clean(validate_unique=False)
    assert excinfo.value.message_dict["code"] == [
        "Kode 74.09.02.2001 tidak berada di bawah 74.09.01 Asera."
    ]


def test_a_village_kind_must_match_its_number():
    from regencies.models import District

    village = Village(
        code="74.09.01.1099",
        name="Uji",
        kind="desa",
        district=District.objects.get(code="74.09.01"),
    )
    with pytest.raises(ValidationError) as excinfo:
        village.full_clean()
    assert excinfo.value.message_dict["kind"] == [
        "Nomor desa diawali 2, nomor kelurahan diawali 1."
    ]


def test_region_code_format_is_validated_on_the_model():
    regency = Regency(
        code="74.1", name="Uji", kind="kabupaten", province=Regency.objects.first().province
    )
    with pytest.raises(ValidationError) as excinfo:
        regency.full_clean()
    assert excinfo.value.message_dict["code"] == [
        "Kode kabupaten/kota '74.1' tidak sah: harus berbentuk 74.09 (kode Kemendagri)."
    ]
