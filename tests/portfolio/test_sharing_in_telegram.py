"""Jacob shares his page from Telegram, in Swedish: the link comes with a copy button.

Without a public https address the service is reached on loopback, and Telegram takes
no button that opens such an address: the link is in the text and in the copy button.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from api.settings import Settings
from tests.bot.telegram_chat import TelegramChat
from tests.chat_script import talk
from tests.endorsements.learner_chat import ONBOARDING
from tests.fakes.telegram import FakeBotApi
from tests.servers import running_service

LINK = re.compile(r"http://127\.0\.0\.1:\d+(/p/[A-Za-z0-9_\-]+)")


async def test_jacob_shares_his_page_from_telegram(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        settings = Settings(
            data_dir=tmp_path,
            database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
            telegram_bot_token=api.token,
            telegram_api_base_url=api.url,
        )
        async with running_service(settings) as (url, _app):
            chat = TelegramChat(api, chat_id=3301, language="sv")
            await talk(chat, ONBOARDING["sv"])
            answer = await talk(
                chat,
                [
                    ("/share", "Vill du ha en länk?"),
                    ("tap: Ja, gör en länk", "Här är länken till din sida"),
                ],
            )
            [message] = [m for m in answer if LINK.search(m.text)]
            found = LINK.search(message.text)
            assert found is not None
            assert message.buttons == [[("📋 Kopiera länken", found[0])]]
            async with httpx.AsyncClient(base_url=url) as http:
                page = await http.get(found[1], headers={"accept-language": "sv"})
            assert page.status_code == 200 and "Det här kan jag" in page.text
