"""Real headless Chromium (Debian's package) driven by Playwright.

Chromium is a system package: ``.ci/run`` installs it. On a machine without
it these tests are skipped, except under CI (``CI=true``), where a missing
browser is a failure rather than a silent skip.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CDT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed; .ci/run should have installed it")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while it runs;
    # the database setup and fixtures' ORM calls are still synchronous. The
    # variable is removed afterwards (Django's deploy check rejects it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    yield page
    close_quietly(page)


def close_quietly(page) -> None:
    """Close the page's context once the browser has no request in flight:
    the live server must not be answering this test's requests while the
    database is flushed for the next one."""
    try:
        page.wait_for_load_state("networkidle", timeout=5000)
    except Exception:  # noqa: BLE001 — a page that never idles is closed all the same
        pass
    page.context.close()


def open_tab(page, key: str) -> None:
    """Open a tab of the case page by its key (``council``, ``sharing``),
    whatever the page's language, as a user clicks it."""
    tab = page.locator(f'[role=tab][data-tab="{key}"]')
    tab.click()
    page.wait_for_selector(f'[role=tab][data-tab="{key}"][aria-selected="true"]')
