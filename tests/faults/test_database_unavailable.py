"""The database goes away for 30 seconds, as issue 7 says, while people keep using the service.

Four learners are half-way through adding an experience: two in the web chat, two in
Telegram, each in a language other than their device's (Swedish, Arabic, English,
Arabic). While the database is away they keep answering, and every time they hear the
plain "try again in a moment" in the language they chose; an endorser who opens their
link gets a kind page, and a client checking a credential a JSON 503 that says what is
going on. After the database is back, with no restart, each learner's next answer
goes on where they were, and nothing they had answered is lost.

The service runs as a process of its own (``meritkompis serve``), so the test can see
that it never exits and read its log: no 500, no traceback, no unhandled exception,
and no background loop logging at full speed. The PostgreSQL server is a throw-away
cluster of this test's own, stopped with ``pg_ctl stop -m fast`` (every connection cut)
and started again on the same port.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.conversations.models import Conversation
from api.credentials.cli import create_api_key
from api.credentials.errors import DATABASE_AWAY
from api.db.engine import create_engine, create_session_factory
from api.endorsements import service as endorsements
from api.experiences.service import save_experience
from api.i18n import render, translations
from api.settings import Settings
from bot.telegram_app import SOMETHING_WENT_WRONG
from bot.webchat.routes import page_texts
from dialogs.experience import KIND_LABELS
from dialogs.texts import N_, pN_
from tests.bot.telegram_chat import TelegramChat
from tests.chat_script import Chat, talk
from tests.endorsements.learner_chat import ONBOARDING
from tests.endorsements.people import JACOBS_INTERNSHIP
from tests.fakes.telegram import FakeBotApi
from tests.faults.service_process import ServiceProcess
from tests.support.fixtures import unavailable
from tests.support.postgres import PostgresServer, start_postgres
from tests.webchat.test_webchat_http import WebChat

DOWN_SECONDS = 30
# Each person tries again this long after their last answer, all through the outage.
TRY_EVERY_SECONDS = 1.5
# An answer must come well before a person gives up (and before any pool timeout).
ANSWER_WITHIN_SECONDS = 15
PLACE = "Hotel Baltic"
ACHIEVEMENT = {"credential": {"credentialSubject": {"achievement": {"name": "Forklift basics"}}}}


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


# --- the people ----------------------------------------------------------------------------
def adding_a_job_until_the_place(locale: str, role: str) -> list[tuple[str, str]]:
    """From the menu to "Where was it?", in the learner's language."""

    def said(text: Any) -> str:
        return render(text, locale)

    return [
        (
            f"tap: {said(pN_('button', 'Add an experience'))}",
            said(N_("What kind of experience is it?")),
        ),
        (f"tap: {said(KIND_LABELS['job'])}", said(N_("What kind of work was it?"))),
        (
            f"tap: {said(pN_('button', 'Other work'))}",
            said(N_("What was your job there? Write it in a few words.")),
        ),
        (role, said(N_("Where was it? Write the name of the place."))),
    ]


def the_next_question(locale: str) -> str:
    return render(N_("When did you start? Choose the year."), locale)


@dataclass
class Learner:
    """Someone half-way through adding a job, who keeps answering during the outage."""

    name: str
    chat: Chat
    locale: str
    role: str
    answers_at: list[float] = field(default_factory=list)

    async def try_the_place(self, outage_began: float) -> None:
        """Answer "Where was it?" while the database is away: hear "try again", kindly."""
        started = time.monotonic()
        if isinstance(self.chat, WebChat):
            response = await self.chat.client.post(
                "/chat/events", json={"kind": "text", "value": PLACE}
            )
            assert response.status_code == 503, (self.name, response.status_code, response.text)
            assert response.json() == {"error": page_texts(self.locale)["error"]}, self.name
            assert response.headers["retry-after"].isdigit()
        else:
            assert isinstance(self.chat, TelegramChat)
            [said] = await self.chat.send_text(PLACE)
            assert said.text == render(SOMETHING_WENT_WRONG, self.locale), (self.name, said.text)
        assert time.monotonic() - started < ANSWER_WITHIN_SECONDS, self.name
        self.answers_at.append(started - outage_began)


async def web_learner(url: str, browser: str) -> tuple[httpx.AsyncClient, WebChat]:
    client = httpx.AsyncClient(base_url=url, headers={"Accept-Language": browser}, timeout=30)
    assert (await client.get("/chat")).status_code == 200
    return client, WebChat(client)


# --- what the test process reads and writes in the database ---------------------------------
async def drafts_by_role(sessions: async_sessionmaker[AsyncSession]) -> dict[str, dict[str, Any]]:
    """Every conversation's unsaved experience, by the job the learner wrote."""
    async with sessions() as session:
        states = (await session.execute(select(Conversation.state))).scalars().all()
    return {
        state["draft"]["role"]: state["draft"] for state in states if state["draft"].get("role")
    }


async def a_request_to_endorse(sessions: async_sessionmaker[AsyncSession], chat_id: str) -> str:
    """The learner of this Telegram chat asked Maria about an internship (a link to pass
    on, no e-mail); the link's token."""
    async with sessions() as session, session.begin():
        learner_id = (
            await session.execute(
                select(Conversation.learner_id).where(
                    Conversation.channel == "telegram", Conversation.chat_id == chat_id
                )
            )
        ).scalar_one()
        assert learner_id is not None
        experience = await save_experience(session, learner_id, JACOBS_INTERNSHIP)
        _, token = await endorsements.create_request(
            session,
            endorsements.NewRequest(
                learner_id=learner_id,
                experience_id=experience.id,
                learner_name="Rania",
                endorser_name="Maria Berg",
                endorser_role="Head of housekeeping",
                locale="sv",
                items=(endorsements.AskedItem("hotel_room_cleaning", "prepares_guest_rooms"),),
            ),
            now=datetime.now(UTC),
            lifetime=timedelta(days=30),
        )
    return token


# --- the log ---------------------------------------------------------------------------------
OUTAGE_LINE = "the database cannot be reached just now"
BACKGROUND = ("news loop", "digest tick", "contact details sweep")


def problems_in(log: str) -> list[str]:
    """Lines of the service's log that would wake someone up: 500s and tracebacks."""
    return [
        line
        for line in log.splitlines()
        if "Traceback" in line
        or "Exception in ASGI application" in line
        or "exception was never retrieved" in line
        or (re.search(r'" 5\d\d\b', line) is not None and '" 503' not in line)
    ]


async def keep_trying(attempt: Callable[[], Awaitable[None]], until: asyncio.Event) -> None:
    while not until.is_set():
        await attempt()
        await asyncio.sleep(TRY_EVERY_SECONDS)


async def test_for_thirty_seconds_everyone_hears_try_again_and_then_goes_on_where_they_were(
    own_postgres: PostgresServer, tmp_path: Path
) -> None:
    database_url = await own_postgres.create_database("unavailable")
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    clients: list[httpx.AsyncClient] = []
    async with FakeBotApi() as api:
        service = ServiceProcess(
            tmp_path,
            database_url,
            {
                "telegram_bot_token": api.token,
                "telegram_api_base_url": api.url,
                # Maria reloads her page every second or two here, more than anyone would.
                "endorsement_rate_per_minute": "1000",
            },
        )
        await service.start()
        try:
            # Each chose a language other than their browser's or phone's.
            sara_client, sara_chat = await web_learner(service.url, browser="en")
            omar_client, omar_chat = await web_learner(service.url, browser="sv")
            clients += [sara_client, omar_client]
            learners = [
                Learner("Sara, web chat", sara_chat, "sv", "Städare"),
                Learner("Omar, web chat", omar_chat, "ar", "طباخ"),
                Learner("Jon, Telegram", TelegramChat(api, 4711, language="ar"), "en", "Gardener"),
                Learner("Rania, Telegram", TelegramChat(api, 4712, language="sv"), "ar", "نجار"),
            ]
            greetings = {"en": "Choose your language", "sv": "Välj ditt språk", "ar": "اختر لغتك"}
            devices = ["en", "sv", "ar", "sv"]
            for learner, device in zip(learners, devices, strict=True):
                await talk(
                    learner.chat,
                    [
                        ("/start", greetings[device]),
                        *ONBOARDING[learner.locale][1:],
                        *adding_a_job_until_the_place(learner.locale, learner.role),
                    ],
                )
            token = await a_request_to_endorse(sessions, "4712")
            key = await create_api_key(
                Settings(data_dir=tmp_path, database_url=database_url), {"issue"}, "outage"
            )
            endorser = httpx.AsyncClient(
                base_url=service.url, headers={"Accept-Language": "sv"}, timeout=30
            )
            clients.append(endorser)
            assert (await endorser.get(f"/e/{token}")).status_code == 200
            issued = await endorser.post(
                "/credentials/issue", json=ACHIEVEMENT, headers={"Authorization": f"Bearer {key}"}
            )
            assert issued.status_code == 201, issued.text
            credential = issued.json()["verifiableCredential"]
            await engine.dispose()
            assert service.process is not None
            pid = service.process.pid

            # --- the database is away for 30 seconds ----------------------------------------
            maria_saw: list[float] = []
            checked: list[float] = []
            sv = translations("sv")

            async def maria_opens_her_link() -> None:
                started = time.monotonic()
                page = await endorser.get(f"/e/{token}")
                assert page.status_code == 503, page.status_code
                assert page.headers["retry-after"].isdigit()
                assert sv.gettext("Sorry, something went wrong") in page.text
                assert sv.gettext("Please try again in a moment.") in page.text
                assert "Traceback" not in page.text
                assert time.monotonic() - started < ANSWER_WITHIN_SECONDS
                maria_saw.append(started - outage_began)

            async def a_client_checks_the_credential() -> None:
                started = time.monotonic()
                answer = await endorser.post("/credentials/verify", json=credential)
                assert answer.status_code == 503, answer.text
                assert answer.json() == {"error": "unavailable", "message": DATABASE_AWAY}
                assert answer.headers["retry-after"].isdigit()
                assert time.monotonic() - started < ANSWER_WITHIN_SECONDS
                checked.append(started - outage_began)

            async def the_service_is_still_the_same_process() -> None:
                assert service.process is not None and service.process.poll() is None
                assert service.process.pid == pid
                assert (await endorser.get("/health")).status_code == 200

            await asyncio.to_thread(stop, own_postgres)
            outage_began = time.monotonic()
            stop_trying = asyncio.Event()
            everyone: list[Callable[[], Awaitable[None]]] = [
                *(partial(learner.try_the_place, outage_began) for learner in learners),
                maria_opens_her_link,
                a_client_checks_the_credential,
                the_service_is_still_the_same_process,
            ]
            trying = [
                asyncio.create_task(keep_trying(attempt, stop_trying)) for attempt in everyone
            ]
            try:
                await asyncio.sleep(DOWN_SECONDS)
                # Nobody is mid-answer when the database comes back: every answer above
                # was given while it was away.
                stop_trying.set()
                await asyncio.gather(*trying)
            finally:
                stop_trying.set()
                for task in trying:
                    task.cancel()
                await asyncio.to_thread(start, own_postgres)
            outage = time.monotonic() - outage_began

            # Answers came all through the outage, not only at its start.
            thirds = [outage * part / 3 for part in range(4)]
            for times in [*(learner.answers_at for learner in learners), maria_saw, checked]:
                for begin, end in pairwise(thirds):
                    assert any(begin <= at < end for at in times), (times, begin, end)

            # --- the database is back: no restart, everyone goes on where they were ----------
            assert service.process.poll() is None and service.process.pid == pid
            for learner in learners:
                await talk(learner.chat, [(PLACE, the_next_question(learner.locale))])
            drafts = await drafts_by_role(sessions)
            for learner in learners:
                assert drafts[learner.role]["kind"] == "job", learner.name
                assert drafts[learner.role]["area"] == "other", learner.name
                assert drafts[learner.role]["place"] == PLACE, learner.name
            page = await endorser.get(f"/e/{token}")
            assert page.status_code == 200 and "Rania" in page.text
            verified = await endorser.post("/credentials/verify", json=credential)
            assert verified.status_code == 200 and verified.json()["verified"] is True
        finally:
            for client in clients:
                await client.aclose()
            # Off the event loop: the fake Bot API must answer the service's last calls.
            await asyncio.to_thread(service.stop)
            await engine.dispose()

    log = service.log.read_text(errors="replace")
    assert problems_in(log) == []
    told = [line for line in log.splitlines() if OUTAGE_LINE in line]
    assert told, "the outage left no trace in the log"
    # The background loops wait between rounds: a line every few seconds, not a flood.
    from_loops = [line for line in told if any(loop in line for loop in BACKGROUND)]
    assert len(from_loops) <= DOWN_SECONDS, from_loops
