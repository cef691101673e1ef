"""Kemendagri region codes (Permendagri 58/2021): parse and explain what is wrong.

Province ``74`` -> regency ``74.09`` -> district ``74.09.01`` -> village
``74.09.01.2001``. Regency numbers 01-69 are kabupaten, 71-99 kota; a village
number starting with 1 is a kelurahan, 2 a desa (3 desa adat).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PROVINCE_RE = re.compile(r"^\d{2}$")
REGENCY_RE = re.compile(r"^\d{2}\.\d{2}$")
DISTRICT_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
VILLAGE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.[123]\d{3}$")
OPD_CODE_RE = re.compile(r"^(?P<regency>\d{2}\.\d{2})-(?P<acronym>[A-Z0-9]{2,20})$")

FORMATS = {
    "province": (PROVINCE_RE, "74"),
    "regency": (REGENCY_RE, "74.09"),
    "district": (DISTRICT_RE, "74.09.01"),
    "village": (VILLAGE_RE, "74.09.01.2001"),
}
LEVEL_LABELS = {
    "province": _("provinsi"),
    "regency": _("kabupaten/kota"),
    "district": _("kecamatan"),
    "village": _("desa/kelurahan"),
}


def validate_code(code: str, level: str) -> str:
    """Return `code` stripped, or raise ValidationError saying the expected form."""
    pattern, example = FORMATS[level]
    code = (code or "").strip()
    if not pattern.match(code):
        raise ValidationError(
            _(
                "Kode %(level)s '%(code)s' tidak sah: harus berbentuk %(example)s (kode Kemendagri)."
            ),
            code="invalid_region_code",
            params={"level": LEVEL_LABELS[level], "code": code, "example": example},
        )
    return code


def parent_code(code: str) -> str:
    return code.rsplit(".", 1)[0]


def regency_kind(code: str) -> str:
    return "kota" if int(code.split(".")[1]) >= 71 else "kabupaten"


def village_kind(code: str) -> str:
    return {"1": "kelurahan", "2": "desa", "3": "desa_adat"}[code.split(".")[3][0]]


def validate_province_code(value):
    validate_code(value, "province")


def validate_regency_code(value):
    validate_code(value, "regency")


def validate_district_code(value):
    validate_code(value, "district")


def validate_village_code(value):
    validate_code(value, "village")


NPP_RE = re.compile(r"^\d{8,15}$")


def validate_npp(value):
    if value and not NPP_RE.match(value):
        raise ValidationError(
            _("NPP '%(value)s' tidak sah: harus berupa angka (umumnya 8 digit)."),
            code="invalid_npp",
            params={"value": value},
        )


def work_unit_code_errors(*, code: str, kind: str, regency_code: str | None, village) -> dict:
    """Field errors for a work unit's code (DESIGN.md: village code, or <regency>-<ACRONYM>)."""
    code = (code or "").strip()
    if kind == "village":
        if village is None:
            return {"village": _("Unit pemerintah desa harus menunjuk desanya.")}
        if village.kind != "desa":
            return {
                "village": _(
                    "%(name)s adalah kelurahan, bukan desa: kelurahan bagian dari pemerintah "
                    "kabupaten/kota, daftarkan sebagai OPD."
                )
                % {"name": village.name}
            }
        if code != village.code:
            return {
                "code": _("Kode unit desa harus sama dengan kode desanya (%(code)s).")
                % {"code": village.code}
            }
        if regency_code and not code.startswith(regency_code + "."):
            return {"regency": _("Desa ini tidak berada di kabupaten/kota yang dipilih.")}
        return {}
    match = OPD_CODE_RE.match(code)
    if not match:
        return {
            "code": _(
                "Kode OPD '%(code)s' tidak sah: gunakan <kode kab/kota>-<SINGKATAN>, "
                "huruf besar dan angka, misalnya 74.71-SATPOLPP."
            )
            % {"code": code}
        }
    if regency_code and match["regency"] != regency_code:
        return {
            "code": _("Kode OPD harus diawali kode kabupaten/kotanya (%(regency)s).")
            % {"regency": regency_code}
        }
    return {}
