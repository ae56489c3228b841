"""The learner shares the page from the chat, makes a new link, and stops sharing.

Every link is shown once, in the turn that makes it; the page opens only while that
link is the live one.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio
from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings
from tests.chat_script import BotMessage, ServiceChat, talk
from tests.endorsements.learner_chat import ONBOARDING
from tests.servers import app_lifespan

PAGE_LINK = re.compile(r"(http://127\.0\.0\.1:8000)(/p/[A-Za-z0-9_\-]+)")


@pytest_asyncio.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    app = create_app(Settings(database_url=database_url, data_dir=tmp_path))
    async with app_lifespan(app):
        yield app


def link_in(answer: list[BotMessage]) -> str:
    """The page's path in the message with the link, which offers to open and to copy it."""
    [message] = [m for m in answer if PAGE_LINK.search(m.text)]
    found = PAGE_LINK.search(message.text)
    assert found is not None
    buttons = [button for row in message.buttons for button in row]
    assert [data for _, data in buttons] == [found[0], found[0]]
    assert [label for label, _ in buttons] == ["🌐 Open my page", "📋 Copy the link"]
    return found[2]


async def status(app: FastAPI, path: str) -> tuple[int, str]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        page = await http.get(path, headers={"accept-language": "en"})
    return page.status_code, page.text


async def test_the_learner_shares_renews_and_stops_sharing_the_page(app: FastAPI) -> None:
    chat = ServiceChat(app.state.conversations, chat_id="share-1", language="en")
    await talk(chat, ONBOARDING["en"])

    answer = await talk(
        chat,
        [
            ("/share", "Anyone with the link can see it. You can stop it at any time."),
            ("tap: Yes, make a link", "Here is the link to your page"),
        ],
    )
    assert answer[-1].text.endswith("What do you want to do?")  # then back at the menu
    first = link_in(answer)
    code, page = await status(app, first)
    assert code == 200 and "What I can do" in page  # no name given: none shown

    answer = await talk(
        chat,
        [
            ("/settings", "What do you want to change?"),
            ("tap: Share my page", "Your page is shared now."),
            ("tap: Make a new link", "Here is the link to your page"),
        ],
    )
    second = link_in(answer)
    assert second != first
    assert (await status(app, first))[0] == 404
    assert (await status(app, second))[0] == 200

    await talk(
        chat,
        [
            ("/share", "Your page is shared now."),
            ("tap: Stop sharing", "Your page is not shared any more."),
        ],
    )
    code, page = await status(app, second)
    assert code == 404 and "This page is not shared" in page
    await talk(chat, [("/share", "Do you want a link?"), ("tap: Back to the menu", "What do")])


async def test_in_arabic_the_link_stays_whole_inside_the_sentence(app: FastAPI) -> None:
    chat = ServiceChat(app.state.conversations, chat_id="share-2", language="ar")
    await talk(chat, ONBOARDING["ar"])
    answer = await talk(
        chat, [("/share", "هل تريد رابطًا؟"), ("tap: نعم، اصنع رابطًا", "هذا هو رابط صفحتك")]
    )
    path = link_in_arabic(answer)
    code, page = await status(app, path + "?lang=ar")
    assert code == 200 and 'dir="rtl"' in page


def link_in_arabic(answer: list[BotMessage]) -> str:
    [message] = [m for m in answer if PAGE_LINK.search(m.text)]
    found = re.search("\u2068(" + PAGE_LINK.pattern + ")\u2069", message.text)
    assert found, message.text
    return found[3]
