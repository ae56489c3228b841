"""The service is killed with SIGKILL while many web-chat learners are mid-dialog.

Fifty learners are each somewhere in documenting the same internship, and half of
them have an answer on its way when the process dies. After a restart every one of
them sees the question they were at (or, if their last answer was saved before the
kill, the question after it), and finishes: the saved experience holds every answer.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from sqlalchemy import select

from api.db.engine import create_engine, create_session_factory
from api.experiences.models import Experience
from tests.chat_script import act, talk
from tests.dialogs.test_experience_conversation import HOTEL_INTERNSHIP, ONBOARDING_IN_ENGLISH
from tests.faults.service_process import ServiceProcess
from tests.webchat.test_webchat_http import WebChat

LEARNERS = 50
SAVED = "Saved! You now have 2 skills from Hotel Baltic."


def _question(chat: WebChat) -> str:
    return next(m.text for m in reversed(chat.history) if m.buttons)


async def _learner(url: str, cookie: str | None = None) -> tuple[httpx.AsyncClient, WebChat]:
    client = httpx.AsyncClient(base_url=url, headers={"Accept-Language": "en"}, timeout=30)
    if cookie is None:
        await client.get("/chat")
    else:
        client.cookies.set("meritkompis_chat", cookie)
    return client, WebChat(client)


async def test_every_dialog_resumes_at_its_step_with_every_answer(
    database_url: str, tmp_path: Path
) -> None:
    service = ServiceProcess(tmp_path, database_url)
    await service.start()
    clients: list[httpx.AsyncClient] = []
    try:
        # Learner n has answered the first n % 14 + 1 questions of the internship.
        chats: list[WebChat] = []
        done: list[int] = []
        for number in range(LEARNERS):
            client, chat = await _learner(service.url)
            clients.append(client)
            chats.append(chat)
            done.append(number % (len(HOTEL_INTERNSHIP) - 2) + 1)
        await asyncio.gather(
            *(
                talk(chat, ONBOARDING_IN_ENGLISH + HOTEL_INTERNSHIP[:steps])
                for chat, steps in zip(chats, done, strict=True)
            )
        )
        before = [_question(chat) for chat in chats]

        # Half of them send their next answer; the process dies while those are on their way.
        in_flight = [
            asyncio.ensure_future(act(chat, HOTEL_INTERNSHIP[steps][0]))
            for chat, steps in list(zip(chats, done, strict=True))[::2]
        ]
        await asyncio.sleep(0.05)
        service.kill()
        await asyncio.gather(*in_flight, return_exceptions=True)
        cookies = [client.cookies["meritkompis_chat"] for client in clients]
        for client in clients:
            await client.aclose()
        clients.clear()

        await service.start()
        for number, (cookie, asked, steps) in enumerate(zip(cookies, before, done, strict=True)):
            client, chat = await _learner(service.url, cookie)
            clients.append(client)
            [*_, resumed] = await chat._post("resume", "")
            if resumed.text != asked:
                # Only an answer on its way may have moved the dialog on, by one question.
                assert number % 2 == 0, (number, asked, resumed.text)
                steps += 1
            await talk(chat, HOTEL_INTERNSHIP[steps:])
            assert SAVED in chat.history[-2].text or SAVED in chat.history[-1].text
    finally:
        for client in clients:
            await client.aclose()
        service.stop()

    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            saved = (await session.execute(select(Experience))).scalars().all()
    finally:
        await engine.dispose()
    assert len(saved) == LEARNERS
    for experience in saved:
        assert (experience.role, experience.place) == ("Receptionist", "Hotel Baltic")
        assert (experience.start_year, experience.start_month, experience.ongoing) == (
            2025,
            3,
            True,
        )
        assert {c.skill_id or c.own_words for c in experience.skill_claims} == {
            "kitchen_hygiene",
            "I can fold towels the hotel way",
        }
