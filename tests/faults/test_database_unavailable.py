"""The database goes away for some seconds: learners hear "try again in a moment" in their
own language, in the web chat and in Telegram, and the service recovers by itself.

The PostgreSQL server here is a throw-away cluster of this test's own, stopped with
``pg_ctl stop -m fast`` (every connection cut) and started again on the same port.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.i18n import render
from api.settings import Settings
from bot.telegram_app import SOMETHING_WENT_WRONG
from bot.webchat.routes import page_texts
from tests.bot.telegram_chat import TelegramChat
from tests.chat_script import talk
from tests.endorsements.learner_chat import ONBOARDING
from tests.fakes.telegram import FakeBotApi
from tests.servers import running_service
from tests.support.fixtures import unavailable
from tests.support.postgres import PostgresServer, start_postgres
from tests.webchat.test_webchat_http import WebChat

DOWN_SECONDS = 3


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    server = start_postgres()
    if server is None or server.external or server.data_dir is None:
        unavailable("a throw-away PostgreSQL cluster is needed to stop and start it")
    assert server is not None
    try:
        yield server
    finally:
        server.stop()


def _pg_ctl(server: PostgresServer, *args: str) -> None:
    assert server.bin_dir is not None and server.base_dir is not None
    command = [str(server.bin_dir / "pg_ctl"), "-D", str(server.data_dir), *args]
    if server.run_as:
        command = ["runuser", "-u", server.run_as, "--", *command]
    subprocess.run(command, cwd=server.base_dir, check=True, capture_output=True, timeout=60)


def stop(server: PostgresServer) -> None:
    # "fast": every open connection is cut at once, but what was committed stays. (The
    # test cluster runs with synchronous_commit off, so "immediate" would lose the last
    # commits: a different fault from the one tested here.)
    _pg_ctl(server, "-m", "fast", "-w", "stop")


def start(server: PostgresServer) -> None:
    log = str(server.log_file)
    _pg_ctl(server, "-l", log, "-o", f"-p {server.port}", "-w", "-t", "60", "start")


async def test_learners_hear_try_again_in_their_language_and_the_service_recovers(
    own_postgres: PostgresServer, tmp_path: Path
) -> None:
    database_url = await own_postgres.create_database("unavailable")
    async with FakeBotApi() as api:
        settings = Settings(
            data_dir=tmp_path,
            database_url=database_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.url,
        )
        # The browser says English, the learner chose Swedish; the phone says Swedish,
        # the learner chose Arabic. Each hears their own choice.
        async with (
            running_service(settings) as (url, _app),
            httpx.AsyncClient(
                base_url=url, headers={"Accept-Language": "en"}, timeout=30
            ) as client,
        ):
            await client.get("/chat")
            web = WebChat(client)
            await talk(web, [("/start", "Choose your language"), *ONBOARDING["sv"][1:]])
            phone = TelegramChat(api, chat_id=4711, language="sv")
            await talk(phone, [("/start", "Välj ditt språk"), *ONBOARDING["ar"][1:]])

            await asyncio.to_thread(stop, own_postgres)
            try:
                for _ in range(DOWN_SECONDS):
                    response = await client.post(
                        "/chat/events", json={"kind": "text", "value": "hej"}
                    )
                    assert response.status_code == 503
                    assert response.json() == {"error": page_texts("sv")["error"]}
                    assert response.json() != {"error": page_texts("en")["error"]}

                    [said] = await phone.send_text("مرحبا")
                    assert said.text == render(SOMETHING_WENT_WRONG, "ar")
                    await asyncio.sleep(1)
            finally:
                await asyncio.to_thread(start, own_postgres)

            # No restart of the service: the next message simply works, where it was.
            await talk(web, [("/menu", "Vad vill du göra?")])
            await talk(phone, [("/menu", "ماذا تريد أن تفعل؟")])
            assert (await client.get("/health")).status_code == 200
