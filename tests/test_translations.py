"""English is real: every string of ours is translated, compiled, and shown after the switch.

Source strings are Indonesian; locale/en/LC_MESSAGES/django.po holds their English. The
compiled django.mo is committed because a user's machine has no GNU gettext (msgfmt).
"""

import ast
import gettext
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from enrollment.billing import payments
from enrollment.billing import services as billing_service

LOCALE_DIR = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

SITE_HEADER_ID = "Pemantauan Kepesertaan BPJS Ketenagakerjaan"
SITE_HEADER_EN = "BPJS Ketenagakerjaan Membership Monitoring"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')
_PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd%]|\{[a-z_]*\}")


def _po_entries():
    """(flags, fields) per entry of the .po; enough of the format for makemessages' output."""
    entries = []
    for block in PO_FILE.read_text(encoding="utf-8").split("\n\n"):
        flags, fields, current = [], {}, None
        for line in block.strip("\n").splitlines():
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif match := _KEYWORD.match(line):
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"'):
                fields[current] += ast.literal_eval(line)
        if "msgid" in fields:
            entries.append((flags, fields))
    return entries


def _translations():
    """(msgid, [msgstr, ...]) for every entry but the header."""
    return [
        (fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")])
        for _flags, fields in _po_entries()
        if fields["msgid"]
    ]


# --- the catalogue ------------------------------------------------------------------------------


def test_the_catalogue_holds_our_strings():
    assert len(_translations()) > 500


def test_no_entry_is_fuzzy():
    fuzzy = [fields["msgid"] or "(header)" for flags, fields in _po_entries() if "fuzzy" in flags]
    assert fuzzy == []


def test_no_entry_is_untranslated():
    empty = [msgid for msgid, msgstrs in _translations() if not all(msgstrs)]
    assert empty == []


def test_plural_entries_have_both_forms():
    plurals = [fields for _flags, fields in _po_entries() if "msgid_plural" in fields]
    assert plurals
    for fields in plurals:
        assert fields["msgstr[0]"] and fields["msgstr[1]"], fields["msgid"]


def test_translations_keep_placeholders_and_surrounding_whitespace():
    wrong = []
    for msgid, msgstrs in _translations():
        for msgstr in msgstrs:
            if sorted(_PLACEHOLDER.findall(msgid)) != sorted(_PLACEHOLDER.findall(msgstr)):
                wrong.append((msgid, msgstr))
            if msgid[:1].isspace() != msgstr[:1].isspace() or (
                msgid[-1:].isspace() != msgstr[-1:].isspace()
            ):
                wrong.append((msgid, msgstr))
    assert wrong == []


def test_the_committed_mo_matches_the_po():
    """A fresh machine cannot run compilemessages; the .mo in the repository must be current."""
    assert MO_FILE.exists(), "run: python manage.py compilemessages -l en, and commit the .mo"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for _flags, fields in _po_entries():
        msgid = fields["msgid"]
        if not msgid:
            continue
        if "msgctxt" in fields:
            got, want = compiled.pgettext(fields["msgctxt"], msgid), fields["msgstr"]
        elif "msgid_plural" in fields:
            got = [compiled.ngettext(msgid, fields["msgid_plural"], n) for n in (1, 2)]
            want = [fields["msgstr[0]"], fields["msgstr[1]"]]
        else:
            got, want = compiled.gettext(msgid), fields["msgstr"]
        if got != want:
            stale.append(msgid)
    assert stale == [], "the .mo is stale: run compilemessages -l en and commit django.mo"


@pytest.mark.parametrize(
    ("indonesian", "english"),
    [
        (SITE_HEADER_ID, SITE_HEADER_EN),
        ("unit kerja", "work unit"),
        ("kabupaten/kota", "regency/city"),
        ("Unggah roster", "Upload roster"),
        ("Tunggakan iuran", "Contribution arrears"),
        ("Sekretaris daerah (Sekda)", "Regional secretary (Sekda)"),
    ],
)
def test_known_strings_in_english_and_indonesian(indonesian, english):
    with translation.override("en"):
        assert translation.gettext(indonesian) == english
    with translation.override("id"):
        assert translation.gettext(indonesian) == indonesian


def test_plural_forms_in_english():
    with translation.override("en"):
        assert translation.ngettext("%(days)s hari lagi", "%(days)s hari lagi", 1) == (
            "%(days)s day left"
        )
        assert translation.ngettext("%(days)s hari lagi", "%(days)s hari lagi", 5) == (
            "%(days)s days left"
        )


def test_module_level_messages_follow_the_active_language():
    """Messages kept in module constants are lazy, not frozen in the language at import time."""
    with translation.override("en"):
        assert str(payments.PAID_IN_FUTURE % {"day": "2099-01-01"}) == (
            "Payment date 2099-01-01 is in the future."
        )
        assert str(payments.STATUS_LABELS[payments.Status.OVERPAID]) == "overpaid"
        assert str(billing_service.NO_RATES % {"period": "2025-01"}).startswith(
            "No contribution rate"
        )
    assert str(payments.STATUS_LABELS[payments.Status.OVERPAID]) == "lebih bayar"


# --- the admin after the language switch ----------------------------------------------------------


def _switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_admin_index_in_english_after_the_switch(client, world, sekda):
    client.force_login(sekda)
    _switch_to_english(client)
    page = client.get(reverse("admin:index")).content.decode()
    assert '<html lang="en"' in page
    assert SITE_HEADER_EN in page
    assert SITE_HEADER_ID not in page
    assert "Dashboard" in page
    assert "Work units" in page  # regencies.WorkUnit's plural name (context "plural")
    assert "Coverage targets" in page
    assert "Regions &amp; work units" in page  # the regencies app
    assert "Unit kerja" not in page


@pytest.mark.django_db
def test_admin_change_list_in_english_after_the_switch(client, world, sekda):
    client.force_login(sekda)
    _switch_to_english(client)
    page = client.get(reverse("admin:regencies_workunit_changelist")).content.decode()
    assert "Select work unit to change" in page
    assert "Regency/city" in page  # a column header from our verbose names


@pytest.mark.django_db
def test_a_service_error_is_in_the_active_language(world):
    """A service's error reaches an English user in English (a payment dated in the future)."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    for language, expected in [("en", "is in the future"), ("id", "belum terjadi")]:
        with translation.override(language), pytest.raises(ValidationError) as raised:
            payments.payment_record(
                unit=world.kdi_dlhk, amount=1000, paid_on=tomorrow, reference="REF-1"
            )
        assert expected in str(raised.value.message_dict["paid_on"])


@pytest.mark.django_db
def test_admin_stays_indonesian_without_the_cookie_even_if_the_browser_asks_english(
    client, world, sekda
):
    client.force_login(sekda)
    response = client.get(reverse("admin:index"), headers={"accept-language": "en-US,en;q=0.9"})
    page = response.content.decode()
    assert '<html lang="id"' in page
    assert SITE_HEADER_ID in page
    assert SITE_HEADER_EN not in page
    assert "Dasbor" in page
    assert "Unit kerja" in page
    assert "Work unit" not in page


@pytest.mark.django_db
def test_switching_back_to_indonesian(client, world, sekda):
    client.force_login(sekda)
    _switch_to_english(client)
    client.post(reverse("set_language"), {"language": "id", "next": "/admin/"})
    page = client.get(reverse("admin:index")).content.decode()
    assert SITE_HEADER_ID in page
    assert "Unit kerja" in page
