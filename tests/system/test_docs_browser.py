"""The API docs in a real browser: a headless Chromium loads /api/docs and /api/redoc from a real
museion server, every request to another host is aborted and recorded, and the pages must still
render every operation. Works offline, and tells nobody else who reads the docs.

Playwright drives the system's Chromium (`chromium` on the PATH, or MUSEION_CHROMIUM); without one
the test skips, unless MUSEION_REQUIRE_BROWSER=1 (CI) makes that a failure.
MUSEION_DOCS_SCREENSHOTS=DIR also keeps the screenshots there (api-docs.png, api-redoc.png).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, Request, Route, sync_playwright

from tests.server import running_server

pytestmark = pytest.mark.server

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_MS = 60_000  # two shared cores: starting a browser and rendering 1.5 MB of script is slow


def find_chromium() -> str | None:
    if explicit := os.environ.get("MUSEION_CHROMIUM"):
        return explicit
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = find_chromium()
    if chromium is None:
        message = f"no Chromium found (looked for {', '.join(CHROMIUM_NAMES)}, MUSEION_CHROMIUM)"
        if os.environ.get("MUSEION_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; MUSEION_REQUIRE_BROWSER=1 demands one", pytrace=False)
        pytest.skip(message + ": skipping the browser test of the API docs")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # The docs need no data, only the app: a fresh SQLite file whatever --db says.
    workdir = tmp_path_factory.mktemp("docs-server")
    with running_server(f"sqlite:///{workdir / 'docs.db'}", workdir) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def operation_count(server: str) -> int:
    spec = httpx.get(f"{server}/api/openapi.json").json()
    return sum(len(methods) for methods in spec["paths"].values())


# ReDoc's side menu shows Redocly's logo from their CDN, and no option turns it off: the docs
# pages' Content-Security-Policy keeps the browser from even asking for it.
REFUSED_BY_POLICY = {"https://cdn.redoc.ly/redoc/logo-mini.svg"}


class Offline:
    """Lets requests to the server through; aborts and records every other one. Also records
    what the page's Content-Security-Policy refused: no request left the browser for those."""

    def __init__(self, page: Page, server: str) -> None:
        self.host = urlsplit(server).hostname
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.refused: set[str] = set()
        page.route("**/*", self._route)
        page.on("requestfailed", self._failed)

    def _route(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname == self.host:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _failed(self, request: Request) -> None:
        if request.failure == "csp":  # what Chromium reports for a load the policy refused
            self.refused.add(request.url)
        elif request.url not in self.blocked:
            self.failed.append(f"{request.url}: {request.failure}")


def keep(screenshot: Path) -> None:
    if target := os.environ.get("MUSEION_DOCS_SCREENSHOTS"):
        shutil.copy(screenshot, Path(target) / screenshot.name)


def test_swagger_ui_renders_every_operation_without_other_hosts(
    browser: Browser, server: str, operation_count: int, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.set_default_timeout(TIMEOUT_MS)
    offline = Offline(page, server)
    page.goto(f"{server}/api/docs")
    # Locators, not wait_for_function: the page's policy forbids evaluating strings.
    page.locator(".opblock").nth(operation_count - 1).wait_for()
    assert page.locator(".opblock").count() == operation_count
    # An operation opens with its description, token kinds, body example and error answers.
    create_order = page.locator("#operations-orders-create_order_api_v4_orders_post")
    create_order.locator(".opblock-summary").click()
    page.get_by_text("Token kinds:").first.wait_for()
    assert create_order.locator(".response[data-code='422']").count() == 1
    assert '"error": "ticket 99 not found"' in create_order.inner_text()  # ErrorOut's example
    create_order.scroll_into_view_if_needed()
    screenshot = tmp_path / "api-docs.png"
    page.screenshot(path=screenshot)
    keep(screenshot)
    assert offline.blocked == []
    assert offline.failed == []
    assert offline.refused == set()


def test_redoc_renders_every_operation_without_other_hosts(
    browser: Browser, server: str, operation_count: int, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.set_default_timeout(TIMEOUT_MS)
    offline = Offline(page, server)
    page.goto(f"{server}/api/redoc")
    sections = "[data-section-id*='/operation/']"
    page.locator(sections).nth(operation_count - 1).wait_for()
    assert page.locator(sections).count() == operation_count
    page.get_by_text("Token kinds:").first.wait_for()
    screenshot = tmp_path / "api-redoc.png"
    page.screenshot(path=screenshot)
    keep(screenshot)
    assert offline.blocked == []
    assert offline.failed == []
    assert offline.refused <= REFUSED_BY_POLICY
