"""With a token set, the service runs the bot in the same process: polling, or a webhook."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.app import webhook_secret
from api.settings import Settings
from tests.fakes.telegram import FakeBotApi
from tests.servers import running_service


def settings_for(api: FakeBotApi, tmp_path: Path, public_url: str = "") -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        telegram_bot_token=api.token,
        telegram_api_base_url=api.url,
        public_url=public_url,
    )


async def test_the_service_polls_telegram_when_it_has_a_token(tmp_path: Path) -> None:
    async with FakeBotApi() as api, running_service(settings_for(api, tmp_path)):
        api.user_sends_command(2001, "/start", language_code="en")
        reply = await api.wait_for_reply(2001, timeout=10)
        assert "Choose your language" in (reply[-1].plain_text or "")


async def test_with_a_public_url_telegram_posts_to_our_webhook(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        settings = settings_for(api, tmp_path, public_url="https://meritkompis.example")
        async with running_service(settings) as (url, _app):
            secret = webhook_secret(settings)
            assert api.webhook_url.endswith(f"/telegram/webhook/{secret}")
            api.add_user(2002, language_code="en")
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 2002, "type": "private"},
                    "from": {"id": 2002, "is_bot": False, "first_name": "A", "language_code": "en"},
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
            async with httpx.AsyncClient(base_url=url) as http:
                refused = await http.post(f"/telegram/webhook/{secret}", json=update)
                assert refused.status_code == 403, "without Telegram's secret header"
                accepted = await http.post(
                    f"/telegram/webhook/{secret}",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                )
                assert accepted.status_code == 200
            reply = await api.wait_for_reply(2002, timeout=10)
            assert "Choose your language" in (reply[-1].plain_text or "")
