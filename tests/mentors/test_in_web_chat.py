"""The invite in the web chat: /chat?start=<payload> opens it, as a deep link does in Telegram."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from api.app import create_app
from api.settings import Settings
from tests.chat_script import talk
from tests.endorsements.learner_chat import ONBOARDING
from tests.servers import app_lifespan
from tests.webchat.test_webchat_http import WebChat

WEB_LINK = re.compile(r"http://\S+/chat\?start=(m-[A-Za-z0-9_\-]+)")


async def test_a_web_chat_invite_opens_in_another_browser(
    database_url: str, tmp_path: Path
) -> None:
    app = create_app(Settings(database_url=database_url, data_dir=tmp_path))
    async with app_lifespan(app):
        transport = httpx.ASGITransport(app=app)

        def browser() -> httpx.AsyncClient:
            return httpx.AsyncClient(
                transport=transport, base_url="http://testserver", headers={"Accept-Language": "en"}
            )

        async with browser() as jacobs, browser() as annas:
            await jacobs.get("/chat")
            await annas.get("/chat")
            jacob = WebChat(jacobs)
            await talk(jacob, ONBOARDING["en"])
            made = await talk(
                jacob,
                [
                    ("/mentor", "What name should your mentor see?"),
                    ("Jacob", "Send this link to your mentor"),
                ],
            )
            found = WEB_LINK.search("\n".join(m.text for m in made))
            assert found is not None
            anna = WebChat(annas)
            opened = await anna._post("start", found[1])
            assert "Jacob asks you to be a mentor" in opened[-1].text
            await talk(
                anna,
                [
                    ("tap: Yes, I want to be a mentor", "What name should the learner see?"),
                    ("Anna", "Now Jacob must say yes"),
                ],
            )
            news = await jacobs.get("/chat/news")
            assert "Anna wants to be your mentor" in str(news.json())
