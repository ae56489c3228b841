"""Text scales to 200% without loss, and every page reflows at 320 CSS pixels.

At 200% text (the root font size doubled, as a reader's browser setting does) on a
1280-pixel-wide window nothing needs horizontal scrolling and no text is cut off;
at 320 pixels wide (1280 at 400% zoom) the pages reflow into one column.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.accessibility.bounded import close, evaluate, new_context, new_page, set_viewport
from tests.accessibility.chat import TO_THE_MENU, open_chat, tap
from tests.accessibility.site import DESKTOP, LiveSite

pytestmark = pytest.mark.browser

REFLOW = {"width": 320, "height": 640}
# Elements whose content does not fit their box and whose overflow is hidden: cut-off text.
CUT_OFF = """() => {
  const cut = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('.visually-hidden, .skip, script, style, noscript')) continue;
    const style = getComputedStyle(e);
    const hides = v => v === 'hidden' || v === 'clip';
    const wide = e.scrollWidth > e.clientWidth + 1 && hides(style.overflowX);
    const tall = e.scrollHeight > e.clientHeight + 1 && hides(style.overflowY);
    if ((wide || tall) && e.innerText && e.innerText.trim()) cut.push(e.outerHTML.slice(0, 120));
  }
  return cut;
}"""
SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


async def nothing_lost(page: Page, where: str) -> None:
    assert not await evaluate(page, SCROLLS_SIDEWAYS), f"{where}: scrolls sideways"
    cut = await evaluate(page, CUT_OFF)
    assert cut == [], f"{where}: text cut off in {cut}"


async def text_size(page: Page) -> float:
    size: str = await evaluate(page, "getComputedStyle(document.body).fontSize")
    return float(size.removesuffix("px"))


async def check_sizes(page: Page, where: str) -> None:
    await set_viewport(page, DESKTOP)
    before = await text_size(page)
    await evaluate(page, "document.documentElement.style.fontSize = '200%'")
    assert await text_size(page) == 2 * before  # the page's text follows the reader's size
    await nothing_lost(page, f"{where} at 200% text")
    await evaluate(page, "document.documentElement.style.fontSize = ''")
    await set_viewport(page, REFLOW)
    await nothing_lost(page, f"{where} at 320 pixels")


@pytest.mark.parametrize("lang", ["en", "ar"])
async def test_every_page_keeps_its_text_at_200_percent_and_reflows(
    live: LiveSite, browser: Browser, lang: str
) -> None:
    context = await new_context(browser, viewport=DESKTOP, locale=lang)
    page = await new_page(context)
    try:
        await open_chat(page, live.url)
        await check_sizes(page, "the chat's first question")
        await tap(page, lang)
        for value in TO_THE_MENU:
            await tap(page, value)
        await check_sizes(page, "the chat's menu")

        await page.goto(f"{live.url}/verify?lang={lang}&credential={live.credential_id}")
        await expect(page.locator(".result.ok")).to_be_visible()
        await check_sizes(page, "the verify page")

        await page.goto(live.portfolio(lang))
        await check_sizes(page, "the portfolio page")
        await page.goto(f"{live.url}/p/gone?lang={lang}")
        await check_sizes(page, "the not-shared page")
    finally:
        await close(context)
