"""End-to-end tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

- One Chromium serves a run of browser tests; each test gets a fresh context (no cookie, no storage).
- The live server reads and writes the real test database, so the tests are transactional: each starts
  from the data of the migrations (serialized rollback), and the run puts that data back when it leaves
  the browser tests, for the transactional tests that come after them.
- Requests to any other host than the live server are aborted: the pages must work offline (SPEC §4).
- A JavaScript error on a page fails the test.
- A failing test leaves a full-page screenshot and the page's HTML in test-artifacts/<test name>.png/.html.

Never `playwright install`: the browser is Debian's (/usr/bin/chromium, or CRM_TEST_CHROMIUM).
"""

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django import db
from django.core.signals import request_finished, request_started
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright
from pytest_django.plugin import blocking_manager_key

CHROMIUM = os.environ.get("CRM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000
PASSWORD = "demo"  # tests.factories.UserFactory

# A browser test is transactional (the live server runs in another thread) and starts from the
# migrations' data (statuses, groups, CRM settings), which the flush after the previous one removed.
BROWSER_TEST = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

expect.set_options(timeout=TIMEOUT_MS)


class ServerActivity:
    """How many requests the live server is answering: Django's request signals, sent in its threads
    (the test client's, in the main thread, are not the live server's)."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.active = 0

    def started(self, **kwargs) -> None:
        if threading.current_thread() is threading.main_thread():
            return
        with self.changed:
            self.active += 1

    def finished(self, **kwargs) -> None:
        if threading.current_thread() is threading.main_thread():
            return
        with self.changed:
            self.active = max(0, self.active - 1)
            self.changed.notify_all()

    def wait_until_idle(self, *, quiet: float = 0.1, timeout: float = 15) -> None:
        """Until no request has run for `quiet` seconds: one the closed browser had already sent may
        still be on its way to the server, and the database must not be flushed under a request."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"the live server is still answering {self.active} request(s)")
                if not self.changed.wait_for(lambda: self.active == 0, timeout=remaining):
                    continue
                self.changed.wait(timeout=quiet)
                if self.active == 0:
                    return


SERVER_ACTIVITY = ServerActivity()
request_started.connect(SERVER_ACTIVITY.started, dispatch_uid="browser-tests-request-started")
request_finished.connect(SERVER_ACTIVITY.finished, dispatch_uid="browser-tests-request-finished")


def french(message: str) -> str:
    """A message as the French interface shows it."""
    with translation.override("fr"):
        return gettext(message)


class Chromium:
    """The browser of a run of browser tests, launched by the first and closed when the run leaves them.

    Playwright's synchronous API marks its asyncio loop as running in the main thread between its
    calls, which changes two things for Django in that thread while Playwright runs:
    - the ORM refuses to run in a thread with a running loop: the tests need it, so it is allowed for
      exactly that time (DJANGO_ALLOW_ASYNC_UNSAFE), never for the other tests;
    - `django.db.connections` keeps its connections in a context variable instead of the thread: the
      test database's connections (which carry the serialized data of the migrations, and the shared
      in-memory SQLite database) are handed over to it, or Django would open new ones.
    """

    def __init__(self) -> None:
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None
        self.previous_async_unsafe: str | None = None

    def get(self) -> Browser:
        if self.browser is None:
            if not Path(CHROMIUM).exists():
                pytest.fail(f"{CHROMIUM} not found: install Debian's chromium package (scripts/test.sh does)")
            self.previous_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            connections = {connection.alias: connection for connection in db.connections.all()}
            self.playwright = sync_playwright().start()
            for alias, connection in connections.items():
                db.connections[alias] = connection
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        return self.browser

    def close(self) -> None:
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None
            if self.previous_async_unsafe is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.previous_async_unsafe


CHROMIUM_RUN = Chromium()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    yield CHROMIUM_RUN
    CHROMIUM_RUN.close()


@pytest.fixture
def browser(chromium: Chromium) -> Browser:
    return chromium.get()


def _open_page(browser: Browser, base_url: str, **options) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, locale="fr-FR", timezone_id="Europe/Paris", **options)
    context.set_default_timeout(TIMEOUT_MS)
    # Everything a page needs comes from the app itself (SPEC §4: machines may be offline).
    origin = re.escape(base_url.rstrip("/"))
    context.route(re.compile(rf"^(?!{origin}/)(https?|wss?)://"), lambda route: route.abort())
    # The favicon the browser asks for on its own after each page: no request left running at the end.
    context.route(f"{base_url.rstrip('/')}/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    SERVER_ACTIVITY.wait_until_idle()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A desktop-sized page in a fresh browser context, its relative URLs on the live server."""
    yield from _open_page(browser, live_server.url, viewport=DESKTOP)


@pytest.fixture
def phone_page(browser: Browser, live_server) -> Iterator[Page]:
    """A phone-sized page (390×844, touch, mobile viewport rules) in a fresh browser context."""
    yield from _open_page(
        browser, live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )


def submit_login(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_username) button[type=submit]").click()
    page.wait_for_load_state()


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form and land on the home page."""
    submit_login(page, username, password)
    expect(page.locator("header.topbar")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def click_menu(page: Page, href: str) -> None:
    """Follow a link of the main menu, its drop-down opened by the mouse as a user does."""
    group = page.locator("nav.menu .menu-group", has=page.locator(f"a[href='{href}']"))
    group.hover()
    group.locator(f"a[href='{href}']").click()
    page.wait_for_load_state()


def success_message(page: Page):
    return page.locator(".messages .message.success")


def error_message(page: Page):
    return page.locator(".messages .message.error")


# Artefacts of failures and the end of a run of browser tests ---------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed and report.when in ("setup", "call"):
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, Page) and not value.is_closed():
                _save_artifacts(value, item.name)
    return report


def _save_artifacts(page: Page, test_name: str) -> None:
    name = re.sub(r"[^\w.-]+", "_", test_name)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, timeout=5_000)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
    except Exception as error:  # noqa: BLE001 - the test's own failure is the one to report
        (ARTIFACTS / f"{name}.txt").write_text(f"No screenshot: {error!r}\n", encoding="utf-8")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    try:
        return (yield)
    finally:
        if nextitem is None or nextitem.get_closest_marker("browser") is None:
            CHROMIUM_RUN.close()
        # At the end of the session (no next item) the test database is already gone.
        if nextitem is not None and nextitem.get_closest_marker("browser") is None:
            _restore_migrations_data(item.config)


def _restore_migrations_data(config: pytest.Config) -> None:
    """Put back what the last browser test's flush removed, as the non-browser tests expect it."""
    with config.stash[blocking_manager_key].unblock():
        for connection in db.connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
