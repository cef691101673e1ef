"""Pure cell parsers for roster files: one function per column, no database.

Each parser takes a cell as the reader hands it over (``str`` from CSV and text
cells, ``float`` from number cells, ``date``/``datetime`` from date cells) and
returns the clean value, or raises ``ValidationError`` whose message says what
is wrong and how to fix it, in Indonesian. The message texts are module
constants so that tests can assert them exactly; they are formatted with
``params``.

NIK (DOMAIN.md §5) is checked with python-stdnum's ``stdnum.id.nik`` for the
format and the birth date. What stdnum does *not* know, and what is done here
instead:

- its place table (``stdnum/id/loc.dat``) stops at the regencies of about 2008
  and numbers Sulawesi Tenggara in the statistics-bureau order (7401 Buton,
  7404 Kolaka), the opposite of the Kemendagri codes NIKs use; so
  ``nik.validate()``, which looks up province *and* regency, would reject
  every NIK issued in Kolaka Timur, Konawe Kepulauan, Muna Barat, Buton
  Tengah or Buton Selatan. Only the province is a hard check here (stdnum's
  provinces plus those formed since: 65 Kalimantan Utara, 92–96 Papua); the
  regency is checked against our Regency table by the caller
  (``known_regencies``) and is only a warning, because a NIK records where it
  was issued, possibly another province;
- ``get_birth_date`` guesses the century (19xx first); the century is taken
  from the row's birth date when the two-digit years agree.
"""

import re
from datetime import date, datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik

from regencies.models import Segment

# --- messages (Indonesian; each says what is wrong and how to fix it) --------------------------

NIK_REQUIRED = _("NIK kosong. Isi 16 digit NIK dari KTP atau Kartu Keluarga.")
NIK_ROUNDED = _(
    "NIK %(value)s telah dibulatkan oleh Excel (angka hanya disimpan 15 digit, digit terakhir "
    "hilang). Format kolom NIK sebagai Teks (Text), lalu ketik ulang NIK dari KTP."
)
NIK_SERIAL_ZERO = _(
    "NIK %(value)s berakhir 0000, nomor urut yang tidak pernah diterbitkan: kemungkinan "
    "dibulatkan oleh Excel. Format kolom NIK sebagai Teks (Text), lalu ketik ulang NIK dari KTP."
)
NIK_NOT_DIGITS = _("NIK '%(value)s' memuat karakter selain angka. NIK terdiri dari 16 angka saja.")
NIK_LENGTH = _(
    "NIK '%(value)s' terdiri dari %(length)s digit, seharusnya 16. "
    "Periksa kembali NIK pada KTP atau Kartu Keluarga."
)
NIK_PROVINCE = _(
    "NIK '%(value)s' diawali kode provinsi %(code)s yang tidak ada. "
    "Periksa dua digit pertama NIK pada KTP."
)
NIK_DATE = _(
    "NIK '%(value)s' memuat tanggal lahir yang tidak mungkin (digit 7–12: %(digits)s). "
    "Digit 7–12 adalah tanggal lahir DDMMYY (perempuan: tanggal + 40); periksa NIK pada KTP."
)
NIK_REGENCY_UNKNOWN = _(
    "Kode kabupaten/kota %(code)s pada NIK tidak dikenal di Sulawesi Tenggara. "
    "Periksa digit 3–4 NIK (abaikan bila NIK memang terbit di daerah lain)."
)
NIK_BIRTH_DATE_MISMATCH = _(
    "Tanggal lahir menurut NIK (%(nik_date)s) berbeda dengan kolom tanggal lahir "
    "(%(row_date)s). Periksa salah satunya."
)
NIK_SEX_MISMATCH = _(
    "NIK menunjukkan %(nik_sex)s, tetapi kolom jenis kelamin berisi %(row_sex)s "
    "(pada NIK perempuan, tanggal lahir ditambah 40). Periksa salah satunya."
)

NAME_REQUIRED = _("Nama kosong. Isi nama lengkap sesuai KTP.")
NAME_NOT_TEXT = _("Nama berisi angka %(value)s. Isi nama lengkap sesuai KTP.")
TEXT_TOO_LONG = _(
    "Isian terlalu panjang (%(length)s karakter, paling banyak %(max)s). Singkat isian."
)

DATE_REQUIRED = _("Tanggal kosong. Isi tanggal dengan format DD-MM-YYYY, misalnya 17-08-1990.")
DATE_FORMAT = _(
    "'%(value)s' bukan tanggal yang dikenali. Tulis DD-MM-YYYY (misalnya 17-08-1990), "
    "DD/MM/YYYY atau YYYY-MM-DD, atau gunakan sel berformat Tanggal (Date)."
)
DATE_NUMBER = _(
    "Berisi angka %(value)s, bukan tanggal. Format sel sebagai Tanggal (Date) atau tulis "
    "DD-MM-YYYY, misalnya 17-08-1990."
)
DATE_IMPOSSIBLE = _("Tanggal '%(value)s' tidak ada di kalender. Periksa hari dan bulannya.")
BIRTH_DATE_FUTURE = _("Tanggal lahir %(date)s ada di masa depan. Periksa tahun lahir.")
BIRTH_DATE_TOO_EARLY = _("Tanggal lahir %(date)s sebelum tahun 1900. Periksa tahun lahir.")
START_BEFORE_AGE_15 = _(
    "TMT %(start)s sebelum pekerja berusia 15 tahun (lahir %(birth)s). "
    "Periksa TMT dan tanggal lahir."
)

SEX_REQUIRED = _("Jenis kelamin kosong. Isi L (laki-laki) atau P (perempuan).")
SEX_INVALID = _(
    "'%(value)s' bukan jenis kelamin yang dikenali. Isi L (laki-laki) atau P (perempuan)."
)

SEGMENT_REQUIRED = _("Kategori kosong. Pilih non_asn, perangkat_desa atau pekerja_rentan.")
SEGMENT_INVALID = _(
    "Kategori '%(value)s' tidak dikenali. Pilih non_asn, perangkat_desa atau pekerja_rentan "
    "(daftar pilihan ada di templat)."
)

WAGE_REQUIRED = _("Upah kosong. Isi upah sebulan dalam Rupiah, misalnya 2500000.")
WAGE_NOT_NUMBER = _(
    "Upah '%(value)s' bukan angka Rupiah. Tulis angka saja, misalnya 2500000, 2.500.000 "
    "atau Rp 2.500.000."
)
WAGE_NEGATIVE = _("Upah %(value)s negatif. Isi upah sebulan dalam Rupiah, tanpa tanda minus.")
WAGE_FRACTION = _(
    "Upah %(value)s memuat pecahan Rupiah. Tulis upah dalam Rupiah bulat, misalnya 2500000."
)

KPJ_INVALID = _(
    "KPJ '%(value)s' tidak sah: nomor KPJ terdiri dari 10–15 angka (umumnya 11). "
    "Kosongkan bila belum ada, atau format kolom KPJ sebagai Teks (Text)."
)

SEX_LABELS = {"L": _("laki-laki"), "P": _("perempuan")}

# --- reference lists --------------------------------------------------------------------------

# Provinces formed after stdnum's place table was written (Kemendagri codes).
NEWER_PROVINCES = {"65", "92", "93", "94", "95", "96"}


def _stdnum_provinces() -> frozenset[str]:
    places = numdb.get("id/loc")
    return frozenset(f"{code:02d}" for code in range(10, 100) if places.info(f"{code:02d}")[0][1])


KNOWN_PROVINCES = _stdnum_provinces() | NEWER_PROVINCES

SEX_ALIASES = {
    **dict.fromkeys(["l", "lk", "laki-laki", "laki laki", "lakilaki", "m", "male", "pria"], "L"),
    **dict.fromkeys(["p", "pr", "perempuan", "f", "female", "wanita"], "P"),
}


def _normal(text: str) -> str:
    return " ".join(re.split(r"[\s_\-/]+", text.strip().lower())).strip()


SEGMENT_ALIASES = {
    **dict.fromkeys(
        ["non asn", "nonasn", "honorer", "non asn honorer", "tenaga honorer"], Segment.NON_ASN
    ),
    **dict.fromkeys(
        ["perangkat desa", "village official", "aparat desa"], Segment.VILLAGE_OFFICIAL
    ),
    **dict.fromkeys(["pekerja rentan", "vulnerable"], Segment.VULNERABLE),
    # Choice labels, whatever they read today.
    **{_normal(str(label)): value for value, label in Segment.choices},
}
# Values written into the template's drop-down list (the contract's spellings).
SEGMENT_CHOICES_IN_FILE = ["non_asn", "perangkat_desa", "pekerja_rentan"]
SEX_CHOICES_IN_FILE = ["L", "P"]

SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
FLOAT_TEXT_RE = re.compile(r"^\d{15,17}[.,]0+$")
DMY_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
WAGE_PLAIN_RE = re.compile(r"^\d+(?:[.,](\d{1,2}))?$")
WAGE_ID_RE = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,(\d+))?$")
WAGE_EN_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.(\d+))?$")
WAGE_CURRENCY_RE = re.compile(r"^rp\.?\s*", re.IGNORECASE)
KPJ_RE = re.compile(r"^\d{10,15}$")
FLOAT_EXACT_LIMIT = 2**53  # beyond this a float cannot hold every integer


def format_date(value: date) -> str:
    return value.strftime("%d-%m-%Y")


# --- NIK ----------------------------------------------------------------------------------------


class NikResult(NamedTuple):
    nik: str
    birth_date: date  # encoded in the NIK, century from the row when the years agree
    sex: str  # "L" or "P" (women: day + 40)
    warnings: tuple[str, ...] = ()


def _rounded(value) -> ValidationError:
    return ValidationError(NIK_ROUNDED, code="nik_rounded", params={"value": value})


def _nik_text_from_number(value) -> str:
    """A NIK typed into a number cell: only trustworthy when no digit can have been lost."""
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= FLOAT_EXACT_LIMIT:
            raise _rounded(f"{value:.15g}")
        value = int(value)
    text = str(value)
    if len(text) > 16 or (len(text) == 16 and text.endswith("0")):
        raise _rounded(text)
    if len(text) < 16:
        raise ValidationError(
            NIK_LENGTH, code="nik_length", params={"value": text, "length": len(text)}
        )
    return text


def parse_nik(
    value,
    *,
    sex: str | None = None,
    birth_date: date | None = None,
    known_regencies: set[str] | frozenset[str] | None = None,
    today: date | None = None,
) -> NikResult:
    """Parse a NIK cell; hard errors raise, disagreements with the row come back as warnings.

    `sex` and `birth_date` are the row's own columns (when they parsed), `known_regencies`
    the Kemendagri regency codes of province 74 ("74.09", ...) for the regency warning.
    A clean 16-digit text cell, the common case, takes a short path (this runs for
    every row of a 100,000-row roster).
    """
    if type(value) is str and len(value) == 16 and value.isdigit() and value.isascii():
        text, warnings = value, None
        if text.endswith("0000"):
            raise ValidationError(NIK_SERIAL_ZERO, code="nik_rounded", params={"value": text})
    else:
        text, warnings = _nik_text(value)
    province = text[:2]
    if province not in KNOWN_PROVINCES:
        raise ValidationError(
            NIK_PROVINCE, code="nik_province", params={"value": text, "code": province}
        )
    day, month, yy = int(text[6:8]), int(text[8:10]), int(text[10:12])
    nik_sex = "L"
    if day > 40:
        day, nik_sex = day - 40, "P"
    if (
        birth_date is not None
        and birth_date.day == day
        and birth_date.month == month
        and birth_date.year % 100 == yy
    ):
        nik_date = birth_date
    else:
        nik_date = _nik_birth_date(text, day, month, yy, birth_date, today)
        if birth_date is not None:
            warnings = warnings or []
            warnings.append(
                str(
                    NIK_BIRTH_DATE_MISMATCH
                    % {"nik_date": format_date(nik_date), "row_date": format_date(birth_date)}
                )
            )
    if known_regencies is not None and province == "74":
        regency = f"74.{text[2:4]}"
        if regency not in known_regencies:
            warnings = warnings or []
            warnings.append(str(NIK_REGENCY_UNKNOWN % {"code": regency}))
    if sex is not None and sex != nik_sex:
        warnings = warnings or []
        warnings.append(
            str(NIK_SEX_MISMATCH % {"nik_sex": SEX_LABELS[nik_sex], "row_sex": SEX_LABELS[sex]})
        )
    return NikResult(text, nik_date, nik_sex, tuple(warnings) if warnings else ())


def _nik_text(value) -> tuple[str, list[str]]:
    """The NIK's 16 digits from anything but a clean text cell, or the reason it is not one."""
    if value is None:
        raise ValidationError(NIK_REQUIRED, code="required")
    if isinstance(value, bool):
        raise ValidationError(NIK_NOT_DIGITS, code="nik_digits", params={"value": value})
    if isinstance(value, int | float):
        # Exact when no digit can have been lost (the contract only refuses the others).
        return _nik_text_from_number(value), []
    text = str(value).strip().lstrip("'").strip()
    if not text:
        raise ValidationError(NIK_REQUIRED, code="required")
    if SCIENTIFIC_RE.match(text) or FLOAT_TEXT_RE.match(text):
        raise _rounded(text)
    text = stdnum_nik.compact(text)
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(NIK_NOT_DIGITS, code="nik_digits", params={"value": value})
    if len(text) != 16:
        raise ValidationError(
            NIK_LENGTH, code="nik_length", params={"value": text, "length": len(text)}
        )
    if text.endswith("0000"):
        raise ValidationError(NIK_SERIAL_ZERO, code="nik_rounded", params={"value": text})
    return text, []


def _nik_birth_date(
    text: str, day: int, month: int, yy: int, row_birth_date: date | None, today: date | None
) -> date:
    """The DDMMYY part as a date; century from the row when the two-digit years agree."""
    try:
        stdnum_nik.get_birth_date(text)  # raises when no century makes a real date
    except StdnumError:
        raise ValidationError(
            NIK_DATE, code="nik_date", params={"value": text, "digits": text[6:12]}
        ) from None
    if row_birth_date is not None and row_birth_date.year % 100 == yy:
        centuries = [row_birth_date.year - yy, 1900, 2000]
    else:
        this_year = (today or localdate()).year
        # Workers are at least 15: prefer the century that makes them so.
        centuries = [2000, 1900] if 2000 + yy <= this_year - 15 else [1900, 2000]
    for century in centuries:
        try:
            return date(century + yy, month, day)
        except ValueError:
            continue
    raise ValidationError(NIK_DATE, code="nik_date", params={"value": text, "digits": text[6:12]})


# --- other columns ------------------------------------------------------------------------------


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_name(value, *, max_length: int = 200) -> str:
    if type(value) is str:  # the common case, first
        text = " ".join(value.split())
        if text and len(text) <= max_length:
            return text
    if _is_empty(value):
        raise ValidationError(NAME_REQUIRED, code="required")
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValidationError(NAME_NOT_TEXT, code="name_number", params={"value": value})
    return parse_text(value, max_length=max_length)


def parse_text(value, *, max_length: int = 200) -> str:
    """Free text (position): whitespace collapsed; numbers written without '.0'."""
    if _is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    if len(text) > max_length:
        raise ValidationError(
            TEXT_TOO_LONG, code="too_long", params={"length": len(text), "max": max_length}
        )
    return text


def parse_date(value) -> date:
    """A date cell, or text DD-MM-YYYY, DD/MM/YYYY (also DD.MM.YYYY) or YYYY-MM-DD."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if _is_empty(value):
        raise ValidationError(DATE_REQUIRED, code="required")
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = int(value) if float(value).is_integer() else value
        raise ValidationError(DATE_NUMBER, code="date_number", params={"value": shown})
    text = str(value).strip()
    match = DMY_RE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = ISO_RE.match(text)
        if not match:
            raise ValidationError(DATE_FORMAT, code="date_format", params={"value": text})
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            DATE_IMPOSSIBLE, code="date_impossible", params={"value": text}
        ) from None


def check_birth_date(birth_date: date, *, today: date) -> None:
    if birth_date > today:
        raise ValidationError(
            BIRTH_DATE_FUTURE, code="birth_future", params={"date": format_date(birth_date)}
        )
    if birth_date.year < 1900:
        raise ValidationError(
            BIRTH_DATE_TOO_EARLY, code="birth_too_early", params={"date": format_date(birth_date)}
        )


def check_start_date(start: date, *, birth_date: date) -> None:
    """No one starts work before the age of 15."""
    try:
        fifteen = birth_date.replace(year=birth_date.year + 15)
    except ValueError:  # born on 29 February
        fifteen = date(birth_date.year + 15, 3, 1)
    if start < fifteen:
        raise ValidationError(
            START_BEFORE_AGE_15,
            code="start_too_young",
            params={"start": format_date(start), "birth": format_date(birth_date)},
        )


def parse_sex(value) -> str:
    if _is_empty(value):
        raise ValidationError(SEX_REQUIRED, code="required")
    sex = SEX_ALIASES.get(" ".join(str(value).lower().split()))
    if sex is None:
        raise ValidationError(SEX_INVALID, code="sex_invalid", params={"value": value})
    return sex


def parse_segment(value) -> str:
    if _is_empty(value):
        raise ValidationError(SEGMENT_REQUIRED, code="required")
    segment = SEGMENT_ALIASES.get(_normal(str(value)))
    if segment is None:
        raise ValidationError(SEGMENT_INVALID, code="segment_invalid", params={"value": value})
    return str(segment)


def parse_wage(value) -> int:
    """Whole Rupiah: 2500000, 2.500.000, Rp 2.500.000 (also 2,500,000); no negatives."""
    if isinstance(value, bool):
        raise ValidationError(WAGE_NOT_NUMBER, code="wage_text", params={"value": value})
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(WAGE_FRACTION, code="wage_fraction", params={"value": value})
        amount = int(value)
    else:
        if _is_empty(value):
            raise ValidationError(WAGE_REQUIRED, code="required")
        raw = str(value).strip()
        text = WAGE_CURRENCY_RE.sub("", raw).replace("\u00a0", "").replace(" ", "")
        negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
        text = text.strip("-()")
        text = WAGE_CURRENCY_RE.sub("", text)
        amount = _wage_digits(text, raw)
        if negative and amount:
            raise ValidationError(WAGE_NEGATIVE, code="wage_negative", params={"value": raw})
    if amount < 0:
        raise ValidationError(WAGE_NEGATIVE, code="wage_negative", params={"value": amount})
    return amount


def _wage_digits(text: str, raw: str) -> int:
    for pattern, group_sep in ((WAGE_PLAIN_RE, None), (WAGE_ID_RE, "."), (WAGE_EN_RE, ",")):
        match = pattern.match(text)
        if not match:
            continue
        decimals = match.group(1)
        if decimals and decimals.strip("0"):
            raise ValidationError(WAGE_FRACTION, code="wage_fraction", params={"value": raw})
        if group_sep is None:
            whole = re.split(r"[.,]", text, maxsplit=1)[0]
        else:
            whole = text.split("," if group_sep == "." else ".", 1)[0].replace(group_sep, "")
        return int(whole)
    raise ValidationError(WAGE_NOT_NUMBER, code="wage_text", params={"value": raw})


def parse_kpj(value) -> str:
    """Optional membership number: 10–15 digits (DOMAIN.md §5, unconfirmed range)."""
    if value == "" or value is None:
        return ""
    if type(value) is str and 10 <= len(value) <= 15 and value.isdigit() and value.isascii():
        return value
    if _is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s.\-]", "", str(value).strip().lstrip("'"))
    if not KPJ_RE.match(text):
        raise ValidationError(KPJ_INVALID, code="kpj_invalid", params={"value": value})
    return text
