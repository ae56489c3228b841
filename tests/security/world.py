"""Learners with everything a learner can have, made the way the service makes it.

Each learner onboards in the web chat (their browser's cookie is their only key),
has an internship and a self-check saved, asks two people to confirm it (one answers
on the real endorser page, so a credential is signed by the news loop; one link stays
open), shares their portfolio and one merit, and has a mentor who accepted an invite
in a web chat of their own and whom the learner said yes to. What each person typed
comes from ``Words``, so the same world carries plain names for the authorisation
matrix and hostile payloads for the XSS tests.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.conversations.models import Conversation
from api.credentials.models import Credential
from api.endorsements import issuing
from api.endorsements import service as endorsements
from api.endorsements.security import CSRF_FIELD
from api.endorsements.service import AskedItem, NewRequest
from api.experiences.service import save_experience, save_self_check
from api.settings import Settings
from bot.webchat.routes import COOKIE, chat_id
from tests.chat_script import BotMessage, talk
from tests.endorsements.learner_chat import ONBOARDING
from tests.servers import running_service

CHANNEL = "web"
INVITE = re.compile(r"start=(m-[A-Za-z0-9_\-]+)")
SHARED = re.compile(r"/([pm])/([A-Za-z0-9_\-]+)")
FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{64})"')


@dataclass(frozen=True)
class Words:
    """Everything a learner, their endorser and their mentor type about the learner."""

    first_name: str
    role: str
    place: str
    task: str
    own_skill: str
    example: str
    endorser_name: str
    endorser_role: str
    organisation: str
    comment: str
    outcome_comment: str
    endorser_email: str
    mentor_name: str
    # The second person asked, who has not answered.
    other_endorser: str
    other_email: str

    @classmethod
    def all(cls, text: str, tag: str) -> Words:
        """The same text in every field (e-mail addresses stay addresses, and the
        endorsers' names differ from the learner's, or their answers would not count)."""
        same = ("email", "endorser_name", "other_endorser")
        return cls(
            **{name: text for name in cls.__dataclass_fields__ if not name.endswith(same)},
            endorser_name=f"{text[:117]} E",
            other_endorser=f"{text[:117]} O",
            endorser_email=f"endorser-{tag}@hotel.example",
            other_email=f"other-{tag}@hotel.example",
        )

    def contact_details(self) -> tuple[str, ...]:
        """What only the learner's endorsers gave about themselves."""
        return (self.endorser_email, self.other_email)


class WebChatter:
    """One browser in the web chat: its own cookie jar, so its own chat."""

    def __init__(self, url: str, language: str = "en") -> None:
        self.client = httpx.AsyncClient(
            base_url=url, headers={"Accept-Language": language}, timeout=30
        )
        self.history: list[BotMessage] = []
        self.raw: list[dict[str, Any]] = []

    async def open(self) -> None:
        page = await self.client.get("/chat")
        assert page.status_code == 200 and self.cookie, "the chat page set no cookie"

    @property
    def cookie(self) -> str:
        return str(self.client.cookies.get(COOKIE) or "")

    @property
    def chat_id(self) -> str:
        return chat_id(self.cookie)

    async def post(self, kind: str, value: str) -> list[BotMessage]:
        response = await self.client.post("/chat/events", json={"kind": kind, "value": value})
        assert response.status_code == 200, response.text
        messages = response.json()["messages"]
        self.raw.extend(messages)
        found = [
            BotMessage(m["text"], [[(b["label"], b["data"]) for b in row] for row in m["buttons"]])
            for m in messages
        ]
        self.history.extend(found)
        return found

    async def send_text(self, text: str) -> list[BotMessage]:
        return await self.post("text", text)

    async def send_command(self, command: str) -> list[BotMessage]:
        return await self.post("text", command)

    async def tap_data(self, data: str, message: BotMessage) -> list[BotMessage]:
        return await self.post("tap", data)

    async def close(self) -> None:
        await self.client.aclose()


@dataclass
class Learner:
    words: Words
    chat: WebChatter
    mentor: WebChatter
    id: int
    experience_id: int
    answered_token: str  # the endorser's link she answered on
    open_token: str  # the link the other person has not answered yet
    credential_ids: list[str]
    portfolio_token: str
    merit_token: str  # a link to the first credential

    @property
    def credential_id(self) -> str:
        return self.credential_ids[0]


@dataclass
class Live:
    url: str
    app: FastAPI
    settings: Settings
    chats: list[WebChatter] = field(default_factory=list)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.app.state.sessions  # type: ignore[no-any-return]

    async def chatter(self, language: str = "en") -> WebChatter:
        chatter = WebChatter(self.url, language)
        await chatter.open()
        self.chats.append(chatter)
        return chatter


def settings_for(folder: Path) -> Settings:
    return Settings(
        data_dir=folder,
        database_url=f"sqlite+aiosqlite:///{folder}/db.sqlite3",
        # Many pages from one address in a few seconds: the limiters are not the subject.
        endorsement_rate_per_minute=100_000,
        api_rate_per_minute=100_000,
        api_key_rate_per_minute=100_000,
    )


@asynccontextmanager
async def live_service(folder: Path) -> AsyncIterator[Live]:
    """The whole service on a loopback port (pages for Chromium, HTTP for httpx)."""
    settings = settings_for(folder)
    async with running_service(settings) as (url, app):
        live = Live(url, app, settings)
        try:
            yield live
        finally:
            for chatter in live.chats:
                await chatter.close()


async def make_learner(live: Live, words: Words, language: str = "en") -> Learner:
    chat = await live.chatter(language)
    await talk(chat, ONBOARDING[language])
    learner_id = await _learner_of(live.sessions, chat.chat_id)
    async with live.sessions() as session, session.begin():
        experience = await save_experience(
            session,
            learner_id,
            {
                "kind": "internship",
                "area": "hotel",
                "role": words.role,
                "place": words.place,
                "start_year": 2026,
                "start_month": 3,
                "ongoing": True,
                "tasks": [words.task],
                "skills": ["hotel_room_cleaning"],
                "own_skills": [words.own_skill],
            },
        )
        await save_self_check(
            session,
            learner_id,
            "arrives_on_time",
            {"on_time_every_shift": {"level": "yes", "example": words.example}},
        )
        now = datetime.now(UTC)
        asked = NewRequest(
            learner_id=learner_id,
            experience_id=experience.id,
            learner_name=words.first_name,
            endorser_name=words.endorser_name,
            endorser_role=words.endorser_role,
            endorser_email=words.endorser_email,
            locale=language,
            items=(
                AskedItem("hotel_room_cleaning", "prepares_guest_rooms"),
                AskedItem(own_words=words.own_skill),
            ),
        )
        _, answered = await endorsements.create_request(
            session, asked, now=now, lifetime=timedelta(days=30)
        )
        _, still_open = await endorsements.create_request(
            session,
            replace(asked, endorser_name=words.other_endorser, endorser_email=words.other_email),
            now=now,
            lifetime=timedelta(days=30),
        )
    await endorser_answers(live, answered, words)
    credential_ids = await _credentials_of(live.sessions, learner_id)
    portfolio, merit = await shares(chat)
    mentor = await mentor_follows(live, chat, words)
    return Learner(
        words=words,
        chat=chat,
        mentor=mentor,
        id=learner_id,
        experience_id=experience.id,
        answered_token=answered,
        open_token=still_open,
        credential_ids=credential_ids,
        portfolio_token=portfolio,
        merit_token=merit,
    )


async def shares(chat: WebChatter) -> tuple[str, str]:
    """In the chat: the learner shares their page, then their first merit; both tokens."""
    made = await talk(chat, [("/share", "Do you want a link?"), ("tap: Yes, make a link", "/p/")])
    await talk(
        chat,
        [
            ("/merits", "Which merit do you want to use?"),
            ("tap: Cleaning hotel rooms", "What do you want to do with it?"),
        ],
    )
    linked = await talk(chat, [("tap: Share a link", "/m/")])
    await talk(chat, [("/menu", "What do you want to do?")])
    [portfolio] = {t for m in made for kind, t in SHARED.findall(m.text) if kind == "p"}
    [merit] = {t for m in linked for kind, t in SHARED.findall(m.text) if kind == "m"}
    return portfolio, merit


async def stops_sharing(chat: WebChatter) -> None:
    """In the chat: the learner stops their page's link, then their merit's."""
    await talk(
        chat,
        [
            ("/share", "Your page is shared now"),
            ("tap: Stop sharing", "The old link does not work now"),
            ("/merits", "Which merit do you want to use?"),
            ("tap: Cleaning hotel rooms", "What do you want to do with it?"),
            ("tap: Stop sharing", ""),
            ("/menu", "What do you want to do?"),
        ],
    )


async def endorser_answers(live: Live, token: str, words: Words) -> None:
    """The endorser opens the link on her phone and confirms everything, with comments."""
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as phone:
        page = await phone.get(f"/e/{token}")
        assert page.status_code == 200, page.text
        found = FORM_TOKEN.search(page.text)
        assert found is not None
        async with live.sessions() as session:
            request = await endorsements.request_by_token(session, token)
            assert request is not None
            outcome_ids = [asked.id for asked in request.outcomes]
        fields = {
            CSRF_FIELD: found[1],
            "relationship": "supervisor",
            "period_from": "2026-03",
            "period_to": "",
            "comment": words.comment,
            "name": words.endorser_name,
            "role": words.endorser_role,
            "organisation": words.organisation,
            "email": words.endorser_email,
            "declared": "yes",
        }
        for outcome_id in outcome_ids:
            fields[f"verdict-{outcome_id}"] = "yes"
            fields[f"comment-{outcome_id}"] = words.outcome_comment
        sent = await phone.post(f"/e/{token}", data=fields)
        assert sent.status_code == 303, sent.text


async def mentor_follows(live: Live, learner: WebChatter, words: Words) -> WebChatter:
    """The learner invites a mentor, the mentor accepts in their browser, the learner says yes."""
    made = await talk(
        learner,
        [
            ("/mentor", "What name should your mentor see?"),
            (words.first_name, "Send this link to your mentor"),
        ],
    )
    [payload] = {p for message in made for p in INVITE.findall(message.text)}
    mentor = await live.chatter()
    opened = await mentor.post("start", payload)
    assert "asks you to be a mentor" in opened[-1].text, opened[-1].text
    await talk(
        mentor,
        [
            ("tap: Yes, I want to be a mentor", "What name should the learner see?"),
            (words.mentor_name, "must say yes"),
        ],
    )
    listed = await learner.send_command("/mentors")
    [yes] = [
        data
        for message in listed
        for row in message.buttons
        for label, data in row
        if "Yes to" in label
    ]
    said = await learner.post("tap", yes)
    assert "can now follow your progress" in "\n".join(m.text for m in said)
    return mentor


async def _learner_of(sessions: async_sessionmaker[AsyncSession], chat: str) -> int:
    async with sessions() as session:
        found = await session.execute(
            select(Conversation.learner_id).where(
                Conversation.channel == CHANNEL, Conversation.chat_id == chat
            )
        )
        learner_id = found.scalar_one()
    assert learner_id is not None
    return int(learner_id)


async def _credentials_of(sessions: async_sessionmaker[AsyncSession], learner_id: int) -> list[str]:
    """The learner's credentials, once the news loop has signed the answer's."""
    deadline = time.monotonic() + 20
    while True:
        async with sessions() as session:
            if await issuing.waiting(session) == 0:
                found = await session.execute(
                    select(Credential.id)
                    .where(Credential.learner_id == learner_id)
                    .order_by(Credential.id)
                )
                ids = list(found.scalars())
                if ids:
                    return ids
        assert time.monotonic() < deadline, "no credential was signed in time"
        await asyncio.sleep(0.05)
