"""The web chat: forward links (mailto:, sms:, copy), and news on the next poll or turn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import select

from api.app import create_app
from api.conversations.models import Conversation
from api.endorsements import service as endorsements
from api.settings import Settings
from tests.chat_script import talk
from tests.endorsements.learner_chat import (
    endorser_answers,
    learner_with_internship,
    request_of,
    token_in,
)
from tests.endorsements.test_learner_asks import ASK_IN_ENGLISH
from tests.servers import app_lifespan
from tests.webchat.test_webchat_http import WebChat


@pytest_asyncio.fixture
async def site(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(Settings(database_url=database_url, data_dir=tmp_path))
    async with app_lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers={"Accept-Language": "en"}
        ) as http:
            assert (await http.get("/chat")).status_code == 200
            yield app, http


async def test_the_web_chat_forwards_by_link_and_brings_the_news_once(
    site: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, http = site
    sessions = app.state.sessions
    chat = WebChat(http)
    await talk(chat, [("/start", "Choose your language")])
    async with sessions() as session:
        chat_id = (await session.execute(select(Conversation.chat_id))).scalar_one()
    await learner_with_internship(chat, sessions, "web", chat_id, "en")
    await talk(chat, ASK_IN_ENGLISH)
    made = await talk(chat, [("tap: Yes, make the message", "Hello Maria Berg!")])
    token = token_in(made)
    forward = next(m for m in chat.last["messages"] if token in m["text"])
    assert [b["kind"] for row in forward["buttons"] for b in row] == ["url", "url", "copy"]
    copy = forward["buttons"][-1][0]
    assert copy["data"] == forward["text"], "the copy button copies the whole message"
    request, _ = await request_of(sessions, token)
    assert request.learner_web_chat == chat_id, "kept for the same-browser signal"

    assert (await http.get("/chat/news")).json() == {"messages": []}
    await endorser_answers(sessions, token, [("yes", ""), ("yes", ""), ("partly", "")])
    news = (await http.get("/chat/news")).json()["messages"]
    assert len(news) == 1 and news[0]["text"].startswith("🎉 Maria Berg has answered")
    assert (await http.get("/chat/news")).json() == {"messages": []}, "told once"

    # A decline comes with the next turn, before the question that turn asks.
    await talk(chat, [("/ask", "First choose the experience"), *ASK_IN_ENGLISH[1:]])
    second = token_in(await talk(chat, [("tap: Yes, make the message", "Hello Maria Berg!")]))
    async with sessions() as session, session.begin():
        declined = await endorsements.request_by_token(session, second)
        assert declined is not None
        await endorsements.decline(session, declined, "not_me", now=datetime.now(UTC))
    turn = await talk(chat, [("/requests", "reached the wrong person")])
    assert "reached the wrong person" in turn[0].text and "Your requests" in turn[-1].text
    assert "Did not want to answer." in turn[-1].text
