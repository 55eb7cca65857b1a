"""Playwright journeys in Debian's headless Chromium against pytest-django's live_server."""

import os

import pytest

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test itself (reading the outbox, checking rows) are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def expected_console_errors() -> list[str]:
    """Console errors a test causes on purpose (e.g. the 400 of a refused form), by their start."""
    return []


@pytest.fixture
def new_page(browser, live_server, seeded_data, expected_console_errors):
    """Opens pages in fresh browser contexts (one per person); fails the test on any console error
    it did not expect."""
    contexts, errors = [], []

    def open_page():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        return page

    yield open_page
    for context in contexts:
        context.close()
    # A CSP violation or a broken script shows up as a console error.
    assert [e for e in errors if not e.startswith(tuple(expected_console_errors))] == [], errors


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def go(page, link: str) -> None:
    """Follow a link in the main navigation."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()
