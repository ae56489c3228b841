"""Every browser call in these tests ends: with the answer, or with a clear failure.

Playwright's waits (``goto``, clicks, locators, ``expect``) take a timeout, and
``new_context`` here sets their defaults once. Some calls take none and wait as long as
the browser is silent: ``page.evaluate``, keyboard presses and typing,
``set_viewport_size``, opening and closing pages and contexts. CI once sat ten minutes
in one of them on the verify page, where a key press starts a navigation and the next
call waits on a page that is being replaced. ``answered`` puts an end on those, so a
browser that stops answering fails the one test, saying what it was asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, Final, TypeVar

from playwright.async_api import Browser, BrowserContext, Page, ViewportSize

# Clicks, fills and locator waits; page loads (the service runs on loopback).
ACTION_MS: Final = 15_000
NAVIGATION_MS: Final = 30_000
# Calls with no timeout of their own; axe-core's run is the slowest (a few seconds).
ANSWER_SECONDS: Final = 60.0

T = TypeVar("T")


async def answered(call: Awaitable[T], what: str, seconds: float = ANSWER_SECONDS) -> T:
    """``await call``, failing the test if the browser has not answered in ``seconds``."""
    try:
        return await asyncio.wait_for(call, seconds)
    except TimeoutError:
        raise AssertionError(f"the browser did not answer within {seconds:g} s: {what}") from None


async def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context whose every wait has an end (see the module's docstring)."""
    context = await answered(browser.new_context(**options), "opening a browser context")
    context.set_default_timeout(ACTION_MS)
    context.set_default_navigation_timeout(NAVIGATION_MS)
    return context


async def new_page(context: BrowserContext) -> Page:
    return await answered(context.new_page(), "opening a page")


async def close(closable: Page | BrowserContext) -> None:
    await answered(closable.close(), f"closing {type(closable).__name__}")


async def evaluate(page: Page, script: str, arg: Any = None) -> Any:
    return await answered(page.evaluate(script, arg), f"running {script[:60]!r} on {page.url}")


async def press(page: Page, key: str) -> None:
    await answered(page.keyboard.press(key), f"pressing {key} on {page.url}")


async def press_to_open(page: Page, key: str) -> None:
    """Press a key that opens another page (a form sent, a link followed) and wait, with
    an end, until that page has loaded: the next call then talks to the new page rather
    than racing the old one away."""
    async with page.expect_navigation(timeout=NAVIGATION_MS):
        await press(page, key)


async def type_text(page: Page, text: str) -> None:
    await answered(page.keyboard.type(text), f"typing {text[:30]!r} on {page.url}")


async def insert_text(page: Page, text: str) -> None:
    await answered(page.keyboard.insert_text(text), f"pasting {len(text)} characters")


async def set_viewport(page: Page, size: dict[str, int]) -> None:
    viewport = ViewportSize(width=size["width"], height=size["height"])
    await answered(page.set_viewport_size(viewport), f"resizing the window to {size}")
