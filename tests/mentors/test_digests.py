"""Digests on a schedule: each one exactly once, through racing workers, restarts and 429s."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import AIORateLimiter, ExtBot

from api.db.engine import create_session_factory
from api.mentors.models import Digest, Mentor
from api.settings import Settings
from bot.digests import LEASE, DigestScheduler
from tests.fakes.telegram import FakeBotApi
from tests.mentors.world import ENDORSER, SECRET_COMMENT, World, build_world


@asynccontextmanager
async def telegram_bot(api: FakeBotApi) -> AsyncIterator[ExtBot[None]]:
    """A bot as the application builds it: 429 answers waited out and tried again."""
    bot: ExtBot[None] = ExtBot(
        api.token,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        rate_limiter=AIORateLimiter(overall_max_rate=0, max_retries=1),
    )
    async with bot:
        yield bot


def worker(engine: AsyncEngine, name: str, bot: ExtBot[None] | None) -> DigestScheduler:
    settings = Settings(telegram_messages_per_second=0)
    scheduler = DigestScheduler(create_session_factory(engine), settings=settings, worker=name)
    if bot is not None:
        scheduler.use_bot(bot)
    return scheduler


def delivered(api: FakeBotApi, world: World) -> dict[int, Counter[str]]:
    """Per mentor: how many headings and how many learner cards reached the chat."""
    seen: dict[int, Counter[str]] = {}
    for mentor_id, chat in world.mentor_chats.items():
        kinds = Counter("card" if m.photo is not None else "heading" for m in api.sent(int(chat)))
        seen[mentor_id] = kinds
    return seen


async def test_two_workers_a_crash_and_429s_still_deliver_every_digest_exactly_once(
    engine: AsyncEngine,
) -> None:
    sessions = create_session_factory(engine)
    world = await build_world(sessions, learners=24, mentors=6, per_learner=2)
    due = world.first_due
    async with FakeBotApi() as api, telegram_bot(api) as bot:
        for chat in world.mentor_chats.values():
            api.add_user(int(chat))
        # Before the due time nothing happens.
        assert (await worker(engine, "early", bot).tick(due - timedelta(minutes=1))).built == 0

        # Worker A leases every due mentor and dies before storing anything.
        crashed = worker(engine, "A", bot)
        assert await crashed._claim_mentors(due) == 6
        # Its lease holds: nobody builds them meanwhile...
        assert (await worker(engine, "B", bot).tick(due + timedelta(minutes=1))).built == 0

        # ...until it runs out. Then B and C race, Telegram says 429 twice and fails once.
        after = due + LEASE + timedelta(seconds=1)
        api.fail_next("sendPhoto", 2, status=429, retry_after=1)
        api.fail_next("sendMessage", 1, status=502)
        b, c = worker(engine, "B", bot), worker(engine, "C", bot)
        ticks = await asyncio.gather(b.tick(after), c.tick(after))
        assert sum(t.built for t in ticks) == 6

        # A restart (a new worker) carries on with what did not go out yet.
        await worker(engine, "D", bot).tick(after + timedelta(seconds=5))
        await worker(engine, "E", bot).tick(after + timedelta(seconds=10))

        for mentor_id, kinds in delivered(api, world).items():
            assert kinds == Counter(heading=1, card=len(world.learners_of[mentor_id])), mentor_id
        async with sessions() as session:
            stored = (await session.execute(select(Digest))).scalars().all()
            assert len(stored) == 6 and all(d.delivered_at is not None for d in stored)
            next_due = set((await session.execute(select(Mentor.next_digest_at))).scalars())
        assert len(next_due) == 1 and next_due.pop() is not None

        # What a mentor reads: counts and a next step, never who confirmed or what they wrote.
        every_text = "\n".join(m.plain_text or "" for m in api.sent())
        assert SECRET_COMMENT not in every_text and ENDORSER not in every_text
        assert "👉" in every_text

        # The next week brings one more each, however often the tick runs.
        week = due + timedelta(days=7, minutes=1)
        await asyncio.gather(*(worker(engine, f"W{i}", bot).tick(week) for i in range(3)))
        for mentor_id, kinds in delivered(api, world).items():
            assert kinds["heading"] == 2, mentor_id
        async with sessions() as session:
            assert (await session.execute(select(func.count(Digest.id)))).scalar_one() == 12


async def test_a_mentor_who_turned_digests_off_gets_none(engine: AsyncEngine) -> None:
    sessions = create_session_factory(engine)
    world = await build_world(sessions, learners=3, mentors=1)
    async with sessions() as session, session.begin():
        mentor = (await session.execute(select(Mentor))).scalar_one()
        mentor.frequency, mentor.next_digest_at = "off", None
    tick = await worker(engine, "A", None).tick(world.first_due + timedelta(days=30))
    assert tick.built == 0
