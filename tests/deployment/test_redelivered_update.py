"""Telegram delivers an update to the webhook again: the learner still gets one answer.

One process, on SQLite and on PostgreSQL; tests/deployment/test_two_processes.py
does the same across two processes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from api.app import webhook_secret
from api.settings import Settings
from tests.deployment.cluster import PUBLIC_URL
from tests.fakes.telegram import FakeBotApi
from tests.servers import running_service


async def test_a_repeated_delivery_is_acknowledged_and_not_answered_again(
    database_url: str, tmp_path: Path
) -> None:
    async with FakeBotApi() as api:
        settings = Settings(
            data_dir=tmp_path,
            database_url=database_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.url,
            public_url=PUBLIC_URL,
        )
        async with running_service(settings) as (url, _app):
            path = urlsplit(api.webhook_url).path
            headers = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret(settings)}
            update_id = api.user_sends_command(4401, "/start", language_code="en")
            update = api.update(update_id).payload
            async with httpx.AsyncClient(base_url=url) as telegram:
                # Twice at the same moment, then once more a little later.
                answers = list(
                    await asyncio.gather(
                        telegram.post(path, json=update, headers=headers),
                        telegram.post(path, json=update, headers=headers),
                    )
                )
                await asyncio.sleep(0.3)
                answers.append(await telegram.post(path, json=update, headers=headers))
            assert [answer.status_code for answer in answers] == [200, 200, 200]

            said = await api.wait_for_messages(4401, timeout=10)
            assert "Choose your language" in (said[0].plain_text or "")
            await asyncio.sleep(1.0)  # a second handling would have answered by now
            assert len(api.sent(4401)) == 1
