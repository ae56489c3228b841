"""Debian's Chromium, driven by Playwright, reads and clicks a page served on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.async_api import Page

from tests.support.fixtures import STARTUP_SECONDS

pytestmark = pytest.mark.browser

HTML = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Prov</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
  <h1 id="greeting">Hej! Vad kan du göra? 🛠️</h1>
  <button id="go" type="button">Berätta</button>
  <p id="out"></p>
  <p id="lang"></p>
  <script>
    document.getElementById("lang").textContent = navigator.language;
    document.getElementById("go").addEventListener("click", () => {
      document.getElementById("out").textContent = "Tack, " + window.innerWidth + "px";
    });
  </script>
</body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = HTML.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


async def test_chromium_reads_text_and_clicks(page: Page, site: str) -> None:
    await page.goto(site)
    assert await page.title() == "Prov"
    assert await page.locator("#greeting").inner_text() == "Hej! Vad kan du göra? 🛠️"
    await page.get_by_role("button", name="Berätta").click()
    await page.locator("#out").filter(has_text="Tack").wait_for()
    assert await page.locator("#out").inner_text() == "Tack, 390px"


async def test_page_is_a_phone_in_swedish(page: Page, site: str) -> None:
    await page.goto(site)
    assert page.viewport_size == {"width": 390, "height": 844}
    assert await page.locator("#lang").inner_text() == "sv-SE"
    assert STARTUP_SECONDS["chromium"] < 60, STARTUP_SECONDS


async def test_screenshot_renders(page: Page, site: str) -> None:
    await page.goto(site)
    png = await page.screenshot(full_page=True)
    assert png.startswith(b"\x89PNG")
