"""The web chat in a real headless Chromium, at a phone's size.

A learner goes through a whole experience and the self-check by tapping and typing,
the service is restarted half-way, and the page carries on where it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from api.i18n import render
from api.settings import Settings
from dialogs.texts import Msg
from tests.servers import running_service

pytestmark = pytest.mark.browser


async def tap(page: Page, label: str) -> None:
    """Tap a button on the newest message that has live buttons."""
    button = page.locator("#log .msg.bot .buttons button:not([disabled])", has_text=label)
    await button.first.click()


async def type_answer(page: Page, text: str) -> None:
    await page.fill("#message", text)
    await page.press("#message", "Enter")


async def bot_says(page: Page, text: str) -> None:
    await expect(page.locator("#log .msg.bot").last).to_contain_text(text)


async def test_a_learner_documents_an_experience_in_the_browser_across_a_restart(
    page: Page, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3"
    )
    async with running_service(settings) as (url, _app):
        await page.goto(f"{url}/chat")
        await bot_says(page, "Välj ditt språk")  # the phone says Swedish first
        await tap(page, "English")
        await bot_says(page, "I save your answers")
        await tap(page, "Yes, that is OK")
        await tap(page, "No, thank you")
        await bot_says(page, "What do you want to do?")
        await tap(page, "Add an experience")
        await tap(page, "A job")
        await tap(page, "Car repair")
        await bot_says(page, "What was your job there?")

    # The service stops and starts again on the same database; the learner reloads.
    async with running_service(settings) as (url, _app):
        await page.goto(f"{url}/chat")
        await bot_says(page, "What was your job there?")
        # A tap whose answer a typed reply follows waits for that answer: the page
        # takes nothing new while a message is on its way (the typed words stay in
        # the box), and a quick test would otherwise type into that moment.
        await tap_and_wait(page, "Car mechanic")
        await type_answer(page, "Verkstad <script>alert(1)</script>")
        await bot_says(page, "When did you start?")
        await tap_and_wait(page, "Earlier")
        await type_answer(page, "2009")
        await tap(page, "I do not remember")
        await tap_and_wait(page, "Another year")
        await type_answer(page, "2015")
        await tap(page, "June")
        await bot_says(page, "What did you do there?")
        await tap(page, "changed brakes")
        await tap(page, "Done")
        await bot_says(page, "These skills may fit")
        await tap(page, "rake")
        await tap(page, "Done")
        await bot_says(page, "Is this right?")
        await bot_says(page, "<script>alert(1)</script>")  # shown as words, never run
        await tap(page, "Save")
        await bot_says(page, "What do you want to do?")
        assert await page.evaluate("document.querySelectorAll('#log script').length") == 0


def shots_dir(default: Path) -> Path:
    """Where screenshots go: MERITKOMPIS_SCREENSHOTS to keep them for a person to look at."""
    kept = os.environ.get("MERITKOMPIS_SCREENSHOTS")
    return Path(kept) if kept else default


async def tap_and_wait(page: Page, label: str) -> None:
    """Tap, then wait for the bot's answer (the page ignores taps while it is busy)."""
    before = await page.locator("#log .msg.bot").count()
    await tap(page, label)
    await expect(page.locator("#log .msg.bot")).not_to_have_count(before)


def arabic(msgid: str, context: str | None = None) -> str:
    return render(Msg(msgid, context=context), "ar")


async def test_the_self_check_in_arabic_is_right_to_left(page: Page, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3"
    )
    async with running_service(settings) as (url, _app):
        await page.goto(f"{url}/chat")
        await tap_and_wait(page, "العربية")
        await expect(page.locator("html")).to_have_attribute("dir", "rtl")
        await expect(page.locator("html")).to_have_attribute("lang", "ar")
        await expect(page.locator("#send")).to_have_text(arabic("Send", "button"))
        await tap_and_wait(page, arabic("Yes, that is OK", "button"))
        await tap_and_wait(page, arabic("No, thank you", "button"))
        await bot_says(page, arabic("What do you want to do?"))
        await tap_and_wait(page, arabic("Check my work skills", "button"))
        await tap_and_wait(page, arabic("Start", "button"))
        for _ in range(3):
            await tap_and_wait(page, arabic("Yes, I can", "button"))
        await bot_says(page, "\u20684\u2069")  # question 4, isolated inside Arabic text
        # Buttons in a row start at the right for a right-to-left reader.
        row = page.locator("#log .msg.bot .buttons:not(:has(button[disabled])) .row").last
        first, last = row.locator("button").first, row.locator("button").last
        first_box, last_box = await first.bounding_box(), await last.bounding_box()
        assert first_box is not None and last_box is not None
        assert first_box["x"] > last_box["x"]
        await page.screenshot(path=str(shots_dir(tmp_path) / "self_check_arabic.png"))
