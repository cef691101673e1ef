"""Every URL the project serves, for every role and an anonymous visitor (issue #11, "Prove").

`tests/test_scoping_matrix.py` covers each admin's changelist, change and history
pages. This module covers the rest: every URL pattern must have an entry here
(standard admin pages by their suffix, custom views by name, public pages by
name), so a new URL without one fails `test_every_url_has_a_matrix_entry`. Then:

- an anonymous visitor gets the login page (a redirect) from every non-public URL;
- every role other than the province's gets 404 (or 403) from every URL that
  names an object outside its scope: delete pages, history versions (revert),
  custom views, downloads, GET and POST alike;
- every role gets 200 (or 403, without the permission) for the same URL with an
  object in its scope, so the 404 above is the scope and not a broken URL.
"""

import datetime

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bpjs_tracker.roles import Role
from enrollment.models import RosterUpload
from tests.scoping_cases import CASES

STANDARD_SUFFIXES = ("changelist", "add", "change", "delete", "history", "simple_history",
                     "export", "autocomplete")  # fmt: skip
PUBLIC = {"admin:login", "admin:logout", "admin:jsi18n", "set_language", "admin:password_change",
          "admin:password_change_done", "admin:password_reset",
          "healthz"}  # fmt: skip  (healthz: no login by design, says only "ok" per service)
# URLs outside the admin's login and scope rules, each proven by its own tests.
TESTED_ELSEWHERE = {
    # a job is its owner's only: 404 for everyone else, login page for the anonymous
    "jobs:progress": "tests/jobs/test_job_progress_is_the_owners_only.py",
    "jobs:progress_json": "tests/jobs/test_job_progress_is_the_owners_only.py",
    "jobs:result": "tests/jobs/test_export_jobs.py, tests/jobs/test_payment_and_kpj_jobs.py",
    "jobs:download": "tests/jobs/test_export_jobs.py",
    # the JSON API answers 403 (not a login redirect) and is scoped like the dashboard
    "api_coverage": "tests/dashboard/test_coverage_api.py",
    "api_units": "tests/dashboard/test_coverage_api.py",
}
SITE_PAGES = {"admin:index", "admin:app_list", "admin:autocomplete", "admin:view_on_site"}


def _upload(unit):
    from django.core.files.base import ContentFile

    upload = RosterUpload(unit=unit, period=datetime.date(2025, 1, 1), original_name="x.csv")
    upload.file.save("x.csv", ContentFile(b"NIK,Nama\n"), save=True)
    return upload


# Custom views: name -> (args for an object of `unit`/`regency`, or None when they take none).
def _roster_args(unit):
    from tests import factories

    return [factories.RosterFactory(unit=unit).pk]


def _upload_args(unit):
    return [_upload(unit).pk]


def _agreement_args(unit):
    from tests import factories

    return [factories.AgreementFactory(regency=unit.regency).pk]


def _regulation_args(unit):
    from tests import factories

    return [factories.RegionalRegulationFactory(regency=unit.regency).pk]


def _claim_args(unit):
    from tests import factories

    return [factories.ClaimFactory(unit=unit).pk]


def _claim_action_args(unit):
    from tests import factories

    # "reject": an action a GET shows as a form (the button-only ones answer 405 to a GET)
    return [factories.ClaimFactory(unit=unit, status="submitted").pk, "reject"]


def _claim_document_args(unit):
    from tests import factories

    document = factories.ClaimDocumentFactory(claim__unit=unit)
    return [document.claim_id, document.pk]


def _double_args(unit):
    from tests import factories

    return [factories.RosterEntryFactory(roster__unit=unit).worker_id]


def _bill_args(unit):
    from tests.scoping_cases import _bill

    return [_bill(unit).pk]


def _user_args(unit):
    from tests import factories

    user = factories.UserFactory(username=f"sekda-{unit.pk}", role="sekda", regency=unit.regency)
    return [user.pk]


CUSTOM = {
    "admin:auth_user_password_change": _user_args,  # UserAdmin's "set password" page
    "admin:enrollment_roster_upload": None,
    "admin:enrollment_roster_template": None,
    "admin:enrollment_membership_kpj": None,
    "admin:enrollment_payment_import": None,
    "admin:enrollment_bill_arrears": None,
    "admin:enrollment_bill_forecast": None,
    "admin:enrollment_bill_runs": None,  # the province admin's only (403 for the others)
    "admin:enrollment_bill_xlsx": _bill_args,
    "admin:enrollment_bill_print": _bill_args,
    "admin:enrollment_payment_unpaid_bills": lambda unit: [unit.pk],
    "admin:enrollment_roster_upload_preview": _upload_args,
    "admin:enrollment_roster_upload_errors": _upload_args,
    "admin:enrollment_roster_upload_changes": _upload_args,
    "admin:enrollment_roster_upload_file": _upload_args,
    "admin:enrollment_roster_verify": _roster_args,
    "admin:enrollment_roster_return": _roster_args,
    "admin:enrollment_roster_changes": _roster_args,
    "admin:enrollment_roster_file": _roster_args,
    "admin:mou_agreement_document": _agreement_args,
    "admin:mou_regionalregulation_document": _regulation_args,
    "admin:mou_regency_overview": lambda unit: [unit.regency.code],
    "admin:claims_claim_summary": _claim_args,
    "admin:claims_claim_action": _claim_action_args,
    "admin:claims_claim_document": _claim_document_args,
    "admin:dashboard_csv": None,
    "admin:dashboard_xlsx": None,
    "admin:dashboard_regency_summary": lambda unit: [unit.regency.code],
    "admin:dashboard_double_resolve": _double_args,
}


def _names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


MODEL_PREFIXES = {
    f"admin:{m._meta.app_label}_{m._meta.model_name}_": m for m in admin.site._registry
}


def _standard(name):
    for prefix, model in MODEL_PREFIXES.items():
        suffix = name.removeprefix(prefix)
        if suffix != name and suffix in STANDARD_SUFFIXES:
            return model, suffix
    return None


def test_every_url_has_a_matrix_entry():
    missing = sorted(
        name
        for name in set(_names())
        if name not in PUBLIC
        and name not in SITE_PAGES
        and name not in CUSTOM
        and name not in TESTED_ELSEWHERE
        and not (_standard(name) and _standard(name)[0] in CASES)
    )
    assert missing == [], missing


def _custom_url(name, unit):
    build = CUSTOM[name]
    return reverse(name, args=build(unit) if build else [])


@pytest.mark.parametrize("name", sorted(CUSTOM))
def test_anonymous_gets_the_login_page_from_every_custom_url(client, world, name):
    url = _custom_url(name, world.kdi_dlhk)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", sorted(CASES, key=lambda m: m._meta.label), ids=str)
def test_anonymous_gets_the_login_page_from_every_model_page(client, world, model):
    inside = CASES[model].inside(world, Role.PROVINCE_ADMIN)
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    for url in (
        reverse(f"{prefix}_changelist"),
        reverse(f"{prefix}_change", args=[inside.pk]),
        reverse(f"{prefix}_delete", args=[inside.pk]),
        reverse(f"{prefix}_history", args=[inside.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))


OBJECT_CUSTOM = sorted(name for name, build in CUSTOM.items() if build is not None)
# POST-only views answer a GET with 405 whatever the object: that tells nothing about scope.
POST_ONLY = {"admin:dashboard_double_resolve"}
LIMITED_ROLES = [role for role in Role if role != Role.PROVINCE_ADMIN]


@pytest.mark.parametrize("name", OBJECT_CUSTOM)
@pytest.mark.parametrize("role", LIMITED_ROLES, ids=str)
def test_custom_urls_answer_404_for_an_object_outside_the_scope(client, world, role, name):
    client.force_login(world.user(role))
    outside = _custom_url(name, world.buton_opd)
    get_ok = {403, 404, 405} if name in POST_ONLY else {403, 404}
    assert client.get(outside).status_code in get_ok, outside
    response = client.post(outside, {"reason": "x"})
    assert response.status_code in {403, 404}, (outside, response.status_code)
    inside = _custom_url(name, world.home_unit(role))
    # In scope: the page, a redirect (verify by GET), 403 without the permission, or 404 for
    # a file that was never uploaded (factory rosters and agreements have none).
    no_file = name == "admin:enrollment_roster_file" or name.endswith("_document")
    allowed = {200, 302, 403} | ({404} if no_file else set()) | ({405} if name in POST_ONLY else set())
    assert client.get(inside).status_code in allowed


@pytest.mark.parametrize("model", sorted(CASES, key=lambda m: m._meta.label), ids=str)
@pytest.mark.parametrize("role", LIMITED_ROLES, ids=str)
def test_delete_and_history_versions_of_out_of_scope_rows_answer_404(client, world, role, model):
    case = CASES[model]
    if case.outside is None:
        return
    outside = case.outside(world)
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    client.force_login(world.user(role))
    delete = reverse(f"{prefix}_delete", args=[outside.pk])
    for response in (client.get(delete), client.post(delete, {"post": "yes"})):
        assert response.status_code in {403, 404}, delete
    assert model._default_manager.filter(pk=outside.pk).exists()  # nothing was deleted
    history = getattr(model, "history", None)
    if history is not None and hasattr(model._meta, "simple_history_manager_attribute"):
        version = history.filter(**{model._meta.pk.attname: outside.pk}).first()
        if version is not None:
            url = reverse(f"{prefix}_simple_history", args=[outside.pk, version.history_id])
            for response in (client.get(url), client.post(url, {})):
                assert response.status_code in {403, 404}, url
