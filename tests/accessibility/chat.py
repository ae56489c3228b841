"""Driving the web chat by the values its buttons send, whatever the language shows."""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect

# What the learner answers, in order, to reach the menu after choosing a language.
TO_THE_MENU = ("yes", "fewer")
# From the menu to "Where was it?", the first question answered by typing.
TO_A_TYPED_QUESTION = ("experience", "job", "hotel", "r0")


def newest_buttons(page: Page) -> Locator:
    return page.locator("#log .msg.bot .buttons button:not([disabled])")


def button_for(page: Page, value: str) -> Locator:
    """The live button that answers ``value`` (buttons send "<question number>|<value>")."""
    return newest_buttons(page).and_(page.locator(f'[data-value$="|{value}"]'))


async def tap(page: Page, value: str) -> None:
    bots = await page.locator("#log .msg.bot").count()
    await button_for(page, value).click()
    await expect(page.locator("#log .msg.bot")).not_to_have_count(bots)
    await expect(newest_buttons(page).first).to_be_visible()


async def open_chat(page: Page, url: str) -> None:
    await page.goto(f"{url}/chat")
    await expect(newest_buttons(page).first).to_be_visible()
