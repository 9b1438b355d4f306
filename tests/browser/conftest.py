"""Real-browser fixtures: one headless Debian Chromium driven by Playwright, a fresh page per test.

Pages come from pytest-django's ``live_server``, which also serves the static files (it
wraps the server in staticfiles' StaticFilesHandler because django.contrib.staticfiles is
installed), so no collectstatic is needed. Playwright cannot download a browser on our
machines; it drives the distribution's Chromium (/usr/bin/chromium, or CHROMIUM_PATH).
Without it the browser tests skip, unless REQUIRE_BROWSER=1 (CI), where they fail.
"""

import os
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

# The flags our machines need: no sandbox (CI runs as root); no GPU on a headless host;
# and no background traffic, which the closed network refuses by the dozen and which
# would make the tests' network log noisy and slow.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Fail fast: a missing element should not cost Playwright's default 30 s per step.
DEFAULT_TIMEOUT_MS = 10_000


def _required(name):
    # Same reading as tests/conftest.py (conftest modules are not meant to be imported).
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser/ ``browser``, so ``-m "not browser"`` leaves them
    out."""
    # This hook sees the whole session's items, not only this folder's.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def chromium_path():
    return os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


# Package scope, not session: one browser for all tests in this folder, stopped when they
# are done. While Playwright's sync API is started an asyncio loop counts as running in
# the test thread (see the environment variable below); with session scope every test
# pytest runs after these would run that way too, with Django's async-safety check off.
@pytest.fixture(scope="package")
def browser():
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        reason = (
            f"no Chromium at {path}: install Debian's chromium package "
            "(apt-get install chromium) or set CHROMIUM_PATH"
        )
        if _required("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but there is " + reason)
        pytest.skip(reason)

    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        # Playwright's sync API keeps an asyncio event loop running in the test thread
        # (it switches to it with greenlets). Django sees that loop and refuses ORM calls
        # from this thread with SynchronousOnlyOperation: the test's own data set-up and
        # pytest-django's flush after each live_server test. Nothing here is async; the
        # live server answers from its own thread, so lifting the check is safe, and only
        # for as long as Playwright runs.
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=path, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture
def offsite_requests():
    """URLs the page tried to fetch from anywhere but our own server (blocked, recorded)."""
    return []


@pytest.fixture
def page(browser, live_server, offsite_requests):
    """A new page in a fresh browser context (no cookies or storage shared between tests).

    Relative URLs go to the live server: ``page.goto("/om-oss/")``. Requests to any other
    host are blocked and recorded in ``offsite_requests``: the portal serves everything
    itself (no CDN, for visitors' privacy), and the closed network would only time out.
    """
    origin = live_server.url.rstrip("/")
    context = browser.new_context(base_url=origin)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)

    def block_offsite(route):
        offsite_requests.append(route.request.url)
        route.abort()

    # Anything whose scheme-and-host is not the live server's; data: URLs never reach
    # the router.
    context.route(re.compile(r"^(?!" + re.escape(origin) + r"(/|$))"), block_offsite)
    page = context.new_page()
    yield page
    context.close()



@pytest.fixture(autouse=True)
def _serve_renditions(settings):
    """The live server serves the image renditions, as nginx does in production."""
    settings.SERVE_MEDIA = True
