"""The web chat's HTTP side: the same conversation as in Telegram, through /chat/events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio

from api.app import create_app
from api.settings import Settings
from tests.chat_script import BotMessage, talk
from tests.dialogs.test_experience_conversation import HOTEL_INTERNSHIP, ONBOARDING_IN_ENGLISH
from tests.servers import app_lifespan


class WebChat:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.history: list[BotMessage] = []
        self.last: dict[str, Any] = {}

    async def _post(self, kind: str, value: str) -> list[BotMessage]:
        response = await self.client.post("/chat/events", json={"kind": kind, "value": value})
        assert response.status_code == 200, response.text
        self.last = response.json()
        messages = [
            BotMessage(
                f"{m['emoji']} {m['text']}" if m["emoji"] and not m["picture"] else m["text"],
                [[(b["label"], b["data"]) for b in row] for row in m["buttons"]],
                bool(m["picture"]),
            )
            for m in self.last["messages"]
        ]
        self.history.extend(messages)
        return messages

    async def send_text(self, text: str) -> list[BotMessage]:
        return await self._post("text", text)

    async def send_command(self, command: str) -> list[BotMessage]:
        return await self._post("text", command)

    async def tap_data(self, data: str, message: BotMessage) -> list[BotMessage]:
        return await self._post("tap", data)


@pytest_asyncio.fixture
async def client(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=database_url, data_dir=tmp_path))
    async with app_lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers={"Accept-Language": "en"}
        ) as http:
            page = await http.get("/chat")
            assert page.status_code == 200
            yield http


async def test_the_web_chat_documents_a_whole_experience(client: httpx.AsyncClient) -> None:
    chat = WebChat(client)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP)


async def test_a_reload_shows_the_question_the_learner_was_on(client: httpx.AsyncClient) -> None:
    chat = WebChat(client)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP[:3])
    reloaded = await chat._post("resume", "")
    assert "What was your job there?" in reloaded[-1].text


async def test_arabic_is_right_to_left_and_isolates_the_learners_words(
    client: httpx.AsyncClient,
) -> None:
    chat = WebChat(client)
    await talk(chat, [("/start", "")])
    await chat.tap_data(chat.history[-1].find_button("العربية")[1], chat.history[-1])  # type: ignore[index]
    assert chat.last["dir"] == "rtl"
    assert chat.last["locale"] == "ar"


async def test_a_card_picture_is_a_png(client: httpx.AsyncClient) -> None:
    chat = WebChat(client)
    await talk(chat, ONBOARDING_IN_ENGLISH[:3])
    await talk(chat, [("tap: Yes, more pictures", "")])
    pictures = [m["picture"] for m in chat.last["messages"] if m["picture"]]
    assert pictures, "with more pictures on, every message carries a card"
    response = await client.get(pictures[0])
    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")


async def test_a_garbage_card_address_is_a_plain_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/chat/cards/not-base64!!.png")
    assert response.status_code == 404


async def test_when_the_database_fails_the_learner_gets_a_kind_answer_not_a_500(
    client: httpx.AsyncClient,
) -> None:
    chat = WebChat(client)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    app = client._transport.app  # type: ignore[attr-defined]
    service = app.state.conversations
    working = service._sessions

    def broken() -> None:
        raise ConnectionError("database is down")

    service._sessions = broken
    try:
        response = await client.post("/chat/events", json={"kind": "text", "value": "hello"})
        assert response.status_code == 503
        assert "try again in a moment" in response.json()["error"]
    finally:
        service._sessions = working
    await talk(chat, [("tap: Add an experience", "What kind of experience is it?")])
