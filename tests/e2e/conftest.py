"""Real-browser journeys: Playwright drives the system Chromium against `live_server`.

No browser is downloaded: the journeys use the Debian `chromium` package
(`/usr/bin/chromium`, or `E2E_CHROMIUM`). Without it they are skipped, unless
`E2E_REQUIRED=1` (what `.ci/run` sets), which turns the skip into a failure.

Every journey module sets `pytestmark = JOURNEY` (the `e2e` marker and a transactional
database). It is a transactional test (the live server answers from another
thread, so it must see committed rows); the flush at its end empties the
database, so the reference data (regions, rates, roles) is loaded again at the
start of each journey and after the last one. Screenshots go to `var/e2e/`
(git-ignored; `E2E_ARTIFACTS` moves them).
"""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "var" / "e2e"))
PASSWORD = "sandi-uji"  # tests.factories.UserFactory's password
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
JOURNEY = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _chromium() -> str | None:
    candidate = os.environ.get("E2E_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


@pytest.fixture(scope="package")
def browser():
    """Chromium for the journeys of this package (closed after them, not at session end).

    Playwright's sync API keeps an event loop running in the test's thread; the ORM calls a
    journey makes between browser steps are synchronous and safe, so Django's guard against
    ORM calls from async code is lifted while the browser lives, and only then.
    """
    executable = _chromium()
    if executable is None:
        message = "no system Chromium (apt-get install chromium, or set E2E_CHROMIUM)"
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright, executable)
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch(sync_playwright, executable):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        # While Playwright's event loop runs, Django keeps this thread's connections apart
        # (asgiref's Local follows the loop's context): close them here, inside it, or the
        # test database cannot be dropped at the end ("accessed by other users").
        from django.db import connections

        connections.close_all()
        browser.close()


@pytest.fixture(scope="package", autouse=True)
def reference_data_restored(django_db_blocker):
    """The last journey's flush leaves an empty database; put the session's data back."""
    yield
    from bpjs_tracker.roles import sync_roles
    from regencies.services import reference_load

    with django_db_blocker.unblock():
        reference_load()
        sync_roles()


@pytest.fixture
def reference_data(transactional_db):
    """Regions, offices, rates and role groups, as the session loaded them."""
    from bpjs_tracker.roles import sync_roles
    from regencies.models import Regency
    from regencies.services import reference_load

    if not Regency.objects.exists():
        reference_load()
    sync_roles()


@pytest.fixture
def artifacts(request) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def open_page(browser, live_server, artifacts, request):
    """`open_page(width=390)` → a fresh browser context (own cookies) and its page."""
    contexts = []

    def make(*, viewport=DESKTOP):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="id-ID",
            timezone_id="Asia/Makassar",
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for number, context in enumerate(contexts):
        if failed:  # what the browser showed when the journey broke
            for page in context.pages:
                page.screenshot(
                    path=artifacts / f"{request.node.name}-FAILED-{number}.png", full_page=True
                )
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def log_out(page) -> None:
    page.locator("#logout-form button").click()
    page.wait_for_load_state()


def pick(page, field: str, text: str) -> None:
    """Choose in one of the admin's autocomplete boxes (select2): open, type, pick."""
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def screenshot(page, artifacts: Path, name: str) -> Path:
    """A full-page screenshot kept as the journey's artifact."""
    path = artifacts / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def page_is_not_wider_than_viewport(page) -> bool:
    """Nothing makes the page scroll sideways (wide tables scroll inside their own box)."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


def expect_no_sideways_scroll(page) -> None:
    assert page_is_not_wider_than_viewport(page), (
        f"{page.url} is wider than the {page.viewport_size['width']} px viewport"
    )


def workbook_from_download(download):
    """The downloaded .xlsx, opened (Playwright keeps downloads under names without suffix)."""
    import io

    from openpyxl import load_workbook

    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    return load_workbook(io.BytesIO(Path(download.path()).read_bytes()))


def person(username: str, first_name: str, last_name: str, **kwargs):
    """A user with a role, a scope and a name of their own (the greeting shows it)."""
    from tests import factories

    return factories.UserFactory(
        username=username, first_name=first_name, last_name=last_name, **kwargs
    )


def verified_roster(unit, period, rows):
    """A unit's roster for `period`, imported and verified through the services."""
    from enrollment.services.rosters import roster_import, roster_verify
    from tests.enrollment.conftest import roster_csv

    result = roster_import(unit=unit, period=period, upload=roster_csv(rows))
    assert result.ok, result.errors
    roster_verify(roster=result.roster)
    return result.roster


SERIOUS = {"serious", "critical"}


def accessibility_problems(page) -> list[str]:
    """axe-core (bundled with axe-playwright-python, no network) on the page as it is now:
    one line per serious or critical violation, with the first elements it names."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page).response
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in response["violations"]
        if v.get("impact") in SERIOUS
    ]


@pytest.fixture
def axe_pages():
    """Collect serious/critical violations along a journey; `check(page)` at each page, one
    assertion at the end so the journey shows every page's problems at once."""
    found: list[str] = []

    def check(page):
        found.extend(accessibility_problems(page))

    yield check
    assert not found, "axe-core found serious or critical problems:\n" + "\n".join(found)
