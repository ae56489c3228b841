"""The web chat in Chromium: the message to forward comes with e-mail, SMS and copy links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from api.conversations.models import Conversation
from api.experiences.service import save_experience
from api.settings import Settings
from tests.endorsements.learner_chat import INTERNSHIP
from tests.servers import running_service
from tests.webchat.test_webchat_browser import bot_says, tap, type_answer

pytestmark = pytest.mark.browser


async def test_the_learner_forwards_the_message_from_the_browser(
    page: Page, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3"
    )
    async with running_service(settings) as (url, app):
        await page.goto(f"{url}/chat")
        await tap(page, "English")
        await tap(page, "Yes, that is OK")
        await tap(page, "No, thank you")
        await bot_says(page, "What do you want to do?")
        async with app.state.sessions() as session, session.begin():
            learner_id = (await session.execute(select(Conversation.learner_id))).scalar_one()
            await save_experience(session, learner_id, INTERNSHIP)
        await type_answer(page, "/ask")
        await bot_says(page, "First choose the experience.")
        await tap(page, "Rumsstädare, Hotell Norra")
        await tap(page, "Choose all")
        await bot_says(page, "Chosen: 4 of 4.")
        await tap(page, "Done")
        await bot_says(page, "What is your first name?")
        await type_answer(page, "Jacob")
        await bot_says(page, "What is the name of the person you ask?")
        await type_answer(page, "Maria Berg")
        await bot_says(page, "What is Maria Berg's role?")
        await tap(page, "Supervisor")
        await bot_says(page, "e-mail address or phone number")
        await type_answer(page, "maria@hotel.example")
        await bot_says(page, "Which language should the message")
        await tap(page, "English")
        await bot_says(page, "Please check.")
        await tap(page, "Yes, make the message")
        await bot_says(page, "When Maria Berg answers, I will tell you here.")

        forward = page.locator("#log .msg.bot", has_text="Hello Maria Berg!")
        mail = forward.locator("a.button-link", has_text="Send by e-mail")
        await expect(mail).to_have_attribute(
            "href",
            re.compile(r"^mailto:maria@hotel\.example\?subject=Jacob%20asks%3A.*&body=Hello"),
        )
        await expect(forward.locator("a.button-link", has_text="Send by SMS")).to_be_visible()
        # Later questions disable old buttons, but not the copy button beside the message.
        copy = forward.locator("button.copy")
        await expect(copy).to_be_enabled()
        await tap(page, "My requests")
        await bot_says(page, "Sent. Not opened yet.")
        await expect(copy).to_be_enabled()
