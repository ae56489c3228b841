"""Everything works with the keyboard alone: Tab, Shift+Tab, Enter and Space.

A learner answers the web chat's questions and a reader checks a credential on the
verify page without a mouse; wherever the focus lands, a visible outline shows it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.accessibility.bounded import (
    close,
    evaluate,
    insert_text,
    new_context,
    new_page,
    press,
    press_to_open,
    type_text,
)
from tests.accessibility.chat import open_chat
from tests.accessibility.site import PHONE, LiveSite

pytestmark = pytest.mark.browser

# More presses than any question here has buttons: past this, the control is unreachable.
MAX_PRESSES = 40
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  return {
    tag: e.tagName, text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim(),
    id: e.id, value: e.dataset.value || '', type: e.type || '',
    outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
  };
}"""


async def focused(page: Page) -> dict[str, object] | None:
    found: dict[str, object] | None = await evaluate(page, FOCUSED)
    return found


async def tab_to(
    page: Page, wanted: str, *, backwards: bool = False, prefix: bool = False
) -> dict[str, object]:
    """Press Tab (or Shift+Tab) until the focused control's text, value or id names ``wanted``
    (or, with ``prefix``, its text starts with it).

    Every stop on the way must show where the focus is.
    """
    key = "Shift+Tab" if backwards else "Tab"
    seen: list[str] = []
    for _ in range(MAX_PRESSES):
        await press(page, key)
        now = await focused(page)
        if now is None:
            continue
        seen.append(f"{now['tag']} {now['text'] or now['id']}")
        assert float(str(now["outline"])) >= 2, f"no visible focus on {seen[-1]}"
        if wanted in (now["text"], now["id"]) or str(now["value"]).endswith(f"|{wanted}"):
            return now
        if prefix and str(now["text"]).startswith(wanted):
            return now
    raise AssertionError(f"{key} never reached {wanted!r}; it went: {seen}")


@pytest_asyncio.fixture
async def keyboard_user(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await new_context(browser, viewport=PHONE, locale="en")
    try:
        yield context
    finally:
        await close(context)


async def test_a_learner_answers_the_chat_with_the_keyboard_alone(
    live: LiveSite, keyboard_user: BrowserContext
) -> None:
    page = await new_page(keyboard_user)
    try:
        await open_chat(page, live.url)
        await tab_to(page, "en")
        await press(page, "Enter")
        await expect(page.locator("#log .msg.bot").last).to_contain_text("I save your answers")
        await tab_to(page, "yes")
        await press(page, "Space")
        await expect(page.locator("#log .msg.bot").last).to_contain_text("more pictures")
        # Past the answer wanted, and back with Shift+Tab.
        await tab_to(page, "nav:help")
        await tab_to(page, "fewer", backwards=True)
        await press(page, "Enter")
        await expect(page.locator("#log .msg.bot").last).to_contain_text("What do you want to do?")
        for value in ("experience", "job", "hotel", "r0"):
            await tab_to(page, value)
            await press(page, "Enter")
            await expect(page.locator(f'button[data-value$="|{value}"]')).to_be_disabled()
        await expect(page.locator("#log .msg.bot").last).to_contain_text("Where")
        await tab_to(page, "message")
        await type_text(page, "Hotell Norra")
        await press(page, "Enter")
        await expect(page.locator("#log .msg.bot").last).to_contain_text("When did you start?")
        await tab_to(page, "send", backwards=False)  # the send button is reachable too
    finally:
        await close(page)


async def test_a_reader_checks_a_credential_with_the_keyboard_alone(
    live: LiveSite, keyboard_user: BrowserContext
) -> None:
    page = await new_page(keyboard_user)
    try:
        await page.goto(f"{live.url}/verify?lang=en")
        await tab_to(page, "credential")
        await insert_text(page, json.dumps(live.credential))
        await tab_to(page, "file")
        await tab_to(page, "Check")
        await press_to_open(page, "Enter")
        await expect(page.locator(".result.ok")).to_contain_text("This credential is genuine.")
        # Once more with Space, the other key that presses a button.
        await tab_to(page, "Check")
        await press_to_open(page, "Space")
        await expect(page.locator(".result.ok")).to_be_visible()
        # The language links are in reach as well.
        await tab_to(page, "Svenska", backwards=True)
        await press_to_open(page, "Enter")
        await expect(page.locator("html")).to_have_attribute("lang", "sv")
    finally:
        await close(page)


async def test_the_portfolio_page_is_read_with_the_keyboard_and_without_script(
    live: LiveSite, browser: Browser
) -> None:
    context = await new_context(browser, viewport=PHONE, locale="ar", java_script_enabled=False)
    page = await new_page(context)
    try:
        await page.goto(live.portfolio("ar"))
        await expect(page.locator("html")).to_have_attribute("dir", "rtl")
        # Mirrored: the experience's picture stands at the right of its title.
        picture = await page.locator("article.experience h3 .picture").bounding_box()
        title = await page.locator("article.experience h3 bdi").first.bounding_box()
        assert picture and title and picture["x"] > title["x"]
        await press(page, "Tab")
        first = await focused(page)
        assert first and first["tag"] == "A"  # the skip link, first of all
        await tab_to(page, "English")
        await press_to_open(page, "Enter")
        await expect(page.locator("html")).to_have_attribute("dir", "ltr")
        link = await tab_to(page, "Check that it is genuine", prefix=True)
        assert str(link["text"]).endswith(live.credential["name"])  # which one, for a reader
        assert link["tag"] == "A"
        await press_to_open(page, "Enter")
        await expect(page.locator(".result.ok")).to_be_visible()
    finally:
        await close(context)
