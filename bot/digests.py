"""Digests for mentors and gentle reminders for learners, on a schedule that survives restarts.

Every tick (python-telegram-bot's JobQueue with Telegram; an asyncio loop in the
service's lifespan without it) does three things:

1. **Build what is due.** The next due time of every mentor's digest lives in the
   database (``mentors.next_digest_at``). A worker leases the due mentors with one
   conditional UPDATE (only rows whose lease is free), builds all their digests in bulk
   (a fixed number of queries, see api/mentors/digest.py) and, in one transaction,
   stores each digest and moves the mentor's due time on. The digest table is unique
   on (mentor, due time), so however many workers race, a digest exists once. A
   restart before the commit leaves the due time where it was: the digest is built
   after the restart, once. Due times missed while the service was down give one
   digest, not one per missed day.
2. **Deliver.** Stored digests are an outbox. A worker leases some, sends each one's
   messages (a heading, then per learner the progress card with their part as its
   caption) and records after every message how many went out, so a restart carries on
   after the last one sent. Only a crash in the instant between Telegram accepting a
   message and that record can repeat one message. E-mail goes out once the chat part
   is done. A web-chat mentor's digest waits in the outbox until their next turn
   (``news_for_chat``), marked delivered in the same transaction that reads it.
3. **Remind.** A learner who stopped in the middle of something (paused, or left a
   flow unfinished) two days ago gets at most one short reminder a week, with buttons
   to go on or to turn reminders off. The week is claimed in the database before the
   message is sent: two workers never both remind.

Telegram's flood limits: digests are bulk messages, which Telegram allows at about 30
a second; a limiter keeps them under ``telegram_messages_per_second``. A 429 answer's
``retry_after`` is honoured: by the application's AIORateLimiter (bot/telegram_app.py)
and, should its retries run out, here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import aiosmtplib
from aiolimiter import AsyncLimiter
from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, false, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from api.conversations.models import Conversation
from api.db.outage import log_failure
from api.i18n import render, resolve_locale
from api.mail import Mailer, MailNotConfigured
from api.mentors import digest
from api.mentors.models import Digest, LearnerReminder, Mentor, MentorLink
from api.mentors.service import ACTIVE, next_due
from api.mentors.texts import card_title, email_bodies, email_subject, heading, learner_part
from api.pictures.progress import render_progress_card
from api.settings import Settings
from bot.mentoring import CONTINUE, REMINDERS_OFF, progress_card, start_link
from bot.rendering import Reply
from dialogs.home import RESUMABLE_PREFIXES
from dialogs.texts import N_, pN_

log = logging.getLogger(__name__)

TELEGRAM: Final = "telegram"
LEASE: Final = timedelta(minutes=10)
# Mentors built, and digests delivered, per lease: each batch is its own lease.
BUILD_BATCH: Final = 5000
SEND_BATCH: Final = 100
SEND_ATTEMPTS: Final = 5
PARALLEL_CHATS: Final = 8
# A reminder goes to a learner who stopped this long ago, at most once a week, and
# not any more once they have been away for a month.
PAUSED_FOR: Final = timedelta(days=2)
REMIND_EVERY: Final = timedelta(days=7)
GIVE_UP_AFTER: Final = timedelta(days=30)

REMINDER = N_(
    "👋 Hello! You stopped in the middle of something. Everything is saved. "
    "Tap Continue when you want to go on."
)


def _upsert_nothing(session: AsyncSession, table: Any, keys: list[str]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, in the database's own words."""
    make = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return make(table).on_conflict_do_nothing(index_elements=keys)


@dataclass(frozen=True, slots=True)
class Tick:
    built: int = 0
    delivered: int = 0
    reminded: int = 0


class Unsent(Exception):
    """A message could not go out now (network, server, flood limit): try on a later tick."""


class TelegramSender:
    """Bulk messages through a PTB bot, under the flood limit, honouring retry_after."""

    def __init__(self, bot: Bot, per_second: float) -> None:
        self.bot = bot
        self._limiter = AsyncLimiter(per_second, 1) if per_second > 0 else None

    async def text(
        self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        await self._send(lambda: self.bot.send_message(int(chat_id), text, reply_markup=markup))

    async def photo(self, chat_id: str, png: bytes, caption: str) -> None:
        await self._send(lambda: self.bot.send_photo(int(chat_id), png, caption=caption[:1024]))

    async def _send(self, call: Any) -> None:
        for _attempt in range(SEND_ATTEMPTS):
            if self._limiter is not None:
                await self._limiter.acquire()
            try:
                await call()
                return
            except RetryAfter as error:
                await asyncio.sleep(_seconds(error.retry_after) + 0.05)
            except Forbidden:
                # The person blocked the bot: nothing will reach them; do not try forever.
                log.info("a chat cannot take messages; digest part dropped")
                return
            except BadRequest as error:
                if "chat not found" in str(error).lower():
                    log.info("a chat is gone; digest part dropped")
                    return
                raise Unsent(str(error)) from error
            except TelegramError as error:
                raise Unsent(str(error)) from error
        raise Unsent("flood limit: still too many requests")


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def worker_name() -> str:
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{secrets.token_hex(4)}"


class DigestScheduler:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        settings: Settings,
        mailer: Mailer | None = None,
        worker: str | None = None,
        lease: timedelta = LEASE,
        build_batch: int = BUILD_BATCH,
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._mailer = mailer or Mailer(settings)
        self.worker = worker or worker_name()
        self._lease = lease
        self._build_batch = build_batch
        self.sender: TelegramSender | None = None
        self.bot_username = settings.telegram_bot_username

    def use_bot(self, bot: Bot) -> None:
        if self.sender is None or self.sender.bot is not bot:
            self.sender = TelegramSender(bot, self._settings.telegram_messages_per_second)
        self.bot_username = self._settings.telegram_bot_username or (bot.username or "")

    async def tick(self, now: datetime | None = None) -> Tick:
        now = now or datetime.now(UTC)
        built = await self.build_due(now)
        delivered = await self.deliver(now)
        reminded = await self.remind(now) if self.sender is not None else 0
        return Tick(built, delivered, reminded)

    # --- 1. build what is due ----------------------------------------------------------
    async def build_due(self, now: datetime) -> int:
        built = 0
        while True:
            claimed = await self._claim_mentors(now)
            if not claimed:
                return built
            built += await self._build_claimed(now)

    async def _claim_mentors(self, now: datetime) -> int:
        free = or_(Mentor.lease_until.is_(None), Mentor.lease_until < now)
        due = and_(Mentor.next_digest_at.is_not(None), Mentor.next_digest_at <= now, free)
        batch = select(Mentor.id).where(due).order_by(Mentor.id).limit(self._build_batch)
        async with self._sessions() as session, session.begin():
            return await _lease(session, Mentor, batch, due, self.worker, now + self._lease)

    async def _build_claimed(self, now: datetime) -> int:
        async with self._sessions() as session:
            mentors = (
                (await session.execute(select(Mentor).where(Mentor.lease_owner == self.worker)))
                .scalars()
                .all()
            )
            by_mentor: dict[int, list[dict[str, Any]]] = defaultdict(list)
            pairs = digest.leased_pairs(self.worker)
            for mentor_id, progress in await digest.build_by_mentor(session, pairs, now):
                by_mentor[mentor_id].append(progress.as_json())
        rows = [
            {
                "mentor_id": m.id,
                "due_at": m.next_digest_at,
                "created_at": now,
                "payload": {"learners": by_mentor[m.id]},
                "parts_sent": 0,
                "emailed": not (m.email and self._mailer.enabled),
            }
            for m in mentors
            if by_mentor.get(m.id)
        ]
        moves = [
            {"m_id": m.id, "m_next": next_due(m, now), "m_due": m.next_digest_at} for m in mentors
        ]
        table: Table = Digest.__table__  # type: ignore[assignment]
        mentors_table: Table = Mentor.__table__  # type: ignore[assignment]
        async with self._sessions() as session, session.begin():
            if rows:
                await session.execute(
                    _upsert_nothing(session, table, ["mentor_id", "due_at"]), rows
                )
            await session.execute(
                update(mentors_table)
                .where(
                    mentors_table.c.id == bindparam("m_id"),
                    mentors_table.c.lease_owner == self.worker,
                    mentors_table.c.next_digest_at == bindparam("m_due"),
                )
                .values(
                    next_digest_at=bindparam("m_next"),
                    last_digest_at=now,
                    lease_owner=None,
                    lease_until=None,
                ),
                moves,
            )
        return len(rows)

    # --- 2. deliver --------------------------------------------------------------------
    async def deliver(self, now: datetime) -> int:
        delivered = 0
        while True:
            claimed = await self._claim_digests(now)
            if not claimed:
                return delivered
            delivered += await self._deliver_claimed(now)

    async def _claim_digests(self, now: datetime) -> int:
        free = or_(Digest.lease_until.is_(None), Digest.lease_until < now)
        chat_due: ColumnElement[bool] = (
            and_(Digest.delivered_at.is_(None), Mentor.channel == TELEGRAM)
            if self.sender is not None
            else false()
        )
        mail_due: ColumnElement[bool] = (
            and_(Digest.emailed.is_(False), Mentor.email.is_not(None))
            if self._mailer.enabled
            else false()
        )
        batch = (
            select(Digest.id)
            .join(Mentor, Mentor.id == Digest.mentor_id)
            .where(or_(chat_due, mail_due), free)
            .order_by(Digest.id)
            .limit(SEND_BATCH)
        )
        async with self._sessions() as session, session.begin():
            return await _lease(session, Digest, batch, free, self.worker, now + self._lease)

    async def _deliver_claimed(self, now: datetime) -> int:
        async with self._sessions() as session:
            claimed = (
                await session.execute(
                    select(Digest, Mentor)
                    .join(Mentor, Mentor.id == Digest.mentor_id)
                    .where(Digest.lease_owner == self.worker)
                    .order_by(Digest.id)
                )
            ).all()
            following = await _still_following(session, [m.id for _, m in claimed])
        # Several chats at once (the flood limiter keeps the pace); one chat's messages
        # strictly in order.
        gate = asyncio.Semaphore(PARALLEL_CHATS)

        async def one(item: Digest, mentor: Mentor) -> int:
            async with gate:
                try:
                    return await self._deliver_one(item, mentor, following[mentor.id], now)
                except Unsent as error:
                    log.warning("a digest could not go out now; trying again later: %s", error)
                    return 0
                finally:
                    await self._release(item.id)

        return sum(await asyncio.gather(*(one(item, mentor) for item, mentor in claimed)))

    async def _deliver_one(
        self, item: Digest, mentor: Mentor, following: set[int], now: datetime
    ) -> int:
        locale = resolve_locale(mentor.locale)
        learners = _learners(item, following)
        head = heading(len(learners), now, locale)
        parts = [(learner_part(p, locale), p) for p in learners]
        if item.delivered_at is None and mentor.channel == TELEGRAM and self.sender:
            sent = item.parts_sent
            messages = 1 + len(parts) if learners else 0
            while sent < messages:
                if sent == 0:
                    await self.sender.text(mentor.chat_id, head)
                else:
                    text, progress = parts[sent - 1]
                    png = await asyncio.to_thread(
                        render_progress_card,
                        card_title(progress, locale),
                        progress.figures,
                        locale,
                    )
                    await self.sender.photo(mentor.chat_id, png, text)
                sent += 1
                await self._record(item.id, parts_sent=sent)
            await self._record(item.id, delivered_at=now)
        if not item.emailed and mentor.email and learners:
            await self._email(mentor.email, head, parts, locale, now)
            await self._record(item.id, emailed=True)
        elif not item.emailed:
            await self._record(item.id, emailed=True)
        return 1

    async def _email(
        self,
        to: str,
        head: str,
        parts: Sequence[tuple[str, digest.LearnerProgress]],
        locale: str,
        now: datetime,
    ) -> None:
        cards = [
            (
                text,
                await asyncio.to_thread(
                    render_progress_card, card_title(p, locale), p.figures, locale
                ),
            )
            for text, p in parts
        ]
        plain, html = email_bodies(head, cards, locale)
        try:
            await self._mailer.send(to, email_subject(now, locale), plain, html)
        except (MailNotConfigured, aiosmtplib.SMTPException, OSError) as error:
            raise Unsent(f"e-mail: {type(error).__name__}") from error

    async def _record(self, digest_id: int, **values: Any) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Digest)
                .where(Digest.id == digest_id, Digest.lease_owner == self.worker)
                .values(**values)
            )

    async def _release(self, digest_id: int) -> None:
        await self._record(digest_id, lease_owner=None, lease_until=None)

    # --- 3. remind ---------------------------------------------------------------------
    async def remind(self, now: datetime) -> int:
        assert self.sender is not None
        week_ago = now - REMIND_EVERY
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(
                        Conversation.learner_id,
                        Conversation.chat_id,
                        Conversation.state,
                        LearnerReminder.learner_id,
                    )
                    .outerjoin(
                        LearnerReminder, LearnerReminder.learner_id == Conversation.learner_id
                    )
                    .where(
                        Conversation.channel == TELEGRAM,
                        Conversation.learner_id.is_not(None),
                        Conversation.updated_at < now - PAUSED_FOR,
                        Conversation.updated_at > now - GIVE_UP_AFTER,
                        or_(LearnerReminder.enabled.is_(None), LearnerReminder.enabled.is_(True)),
                        or_(
                            LearnerReminder.last_sent_at.is_(None),
                            LearnerReminder.last_sent_at < week_ago,
                        ),
                    )
                    .limit(BUILD_BATCH)
                )
            ).all()
        reminded = 0
        for learner_id, chat_id, state, known in rows:
            if not in_the_middle(state) or not await self._claim_week(learner_id, known, now):
                continue
            locale = resolve_locale((state.get("profile") or {}).get("locale"))
            try:
                await self.sender.text(
                    chat_id, render(REMINDER, locale), self._reminder_buttons(locale)
                )
                reminded += 1
            except Unsent as error:
                # The week is claimed: a lost reminder is better than a second one.
                log.info("a reminder did not go out: %s", error)
        return reminded

    async def _claim_week(self, learner_id: int, known: int | None, now: datetime) -> bool:
        async with self._sessions() as session, session.begin():
            if known is None:
                table: Table = LearnerReminder.__table__  # type: ignore[assignment]
                result = await session.execute(
                    _upsert_nothing(session, table, ["learner_id"]).values(
                        learner_id=learner_id, enabled=True, last_sent_at=now
                    )
                )
            else:
                result = await session.execute(
                    update(LearnerReminder)
                    .where(
                        LearnerReminder.learner_id == learner_id,
                        LearnerReminder.enabled.is_(True),
                        or_(
                            LearnerReminder.last_sent_at.is_(None),
                            LearnerReminder.last_sent_at < now - REMIND_EVERY,
                        ),
                    )
                    .values(last_sent_at=now)
                )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def _reminder_buttons(self, locale: str) -> InlineKeyboardMarkup | None:
        if not self.bot_username:
            return None

        def link(payload: str) -> str:
            return start_link(
                TELEGRAM, payload, settings=self._settings, bot_username=self.bot_username
            )

        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        f"▶️ {render(pN_('button', 'Continue'), locale)}", url=link(CONTINUE)
                    )
                ],
                [
                    InlineKeyboardButton(
                        f"🔕 {render(pN_('button', 'No more reminders'), locale)}",
                        url=link(REMINDERS_OFF),
                    )
                ],
            ]
        )


def in_the_middle(state: dict[str, Any] | None) -> bool:
    """Whether a learner left something unfinished: paused, or a flow half done."""
    if not state or not (state.get("profile") or {}).get("consented"):
        return False
    at = str(state.get("at") or "")
    return bool(state.get("paused") or state.get("resume_at") or at.startswith(RESUMABLE_PREFIXES))


async def _still_following(session: AsyncSession, mentor_ids: list[int]) -> dict[int, set[int]]:
    """Per mentor, the learners who still have them: a digest says nothing about others."""
    found: dict[int, set[int]] = defaultdict(set)
    if not mentor_ids:
        return found
    rows = await session.execute(
        select(MentorLink.mentor_id, MentorLink.learner_id).where(
            MentorLink.mentor_id.in_(mentor_ids), MentorLink.status == ACTIVE
        )
    )
    for mentor_id, learner_id in rows:
        found[mentor_id].add(learner_id)
    return found


def _learners(item: Digest, following: set[int]) -> list[digest.LearnerProgress]:
    return [
        progress
        for progress in map(digest.LearnerProgress.from_json, item.payload.get("learners", []))
        if progress.learner_id in following
    ]


# --- the web chat: digests come with the mentor's next turn ------------------------------
async def news_for_chat(
    sessions: async_sessionmaker[AsyncSession], channel: str, chat_id: str
) -> list[Reply]:
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        found = (
            await session.execute(
                select(Digest, Mentor)
                .join(Mentor, Mentor.id == Digest.mentor_id)
                .where(
                    Mentor.channel == channel,
                    Mentor.chat_id == chat_id,
                    Digest.delivered_at.is_(None),
                )
                .order_by(Digest.id)
            )
        ).all()
        if not found:
            return []
        following = await _still_following(session, [found[0][1].id])
        replies: list[Reply] = []
        for item, mentor in found:
            taken = await session.execute(
                update(Digest)
                .where(Digest.id == item.id, Digest.delivered_at.is_(None))
                .values(delivered_at=now)
            )
            if not taken.rowcount:  # type: ignore[attr-defined]
                continue  # another request showed it
            locale = resolve_locale(mentor.locale)
            learners = _learners(item, following[mentor.id])
            if not learners:
                continue
            replies.append(Reply(text=heading(len(learners), item.created_at, locale), emoji=""))
            replies += [
                Reply(
                    text=learner_part(p, locale),
                    card=progress_card(card_title(p, locale), p.figures, locale),
                )
                for p in learners
            ]
    return replies


# --- running it ----------------------------------------------------------------------------
async def on_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue's job: one tick with the application's bot."""
    scheduler: DigestScheduler = context.bot_data["digests"]
    scheduler.use_bot(context.bot)
    try:
        await scheduler.tick()
    except Exception as error:
        # A failed tick (database or network down) is simply done again on the next.
        log_failure(log, "the digest tick failed; trying again on the next one", error)


async def loop(scheduler: DigestScheduler, seconds: float) -> None:
    """Ticks without Telegram (the web chat only): digests still reach news and e-mail."""
    while True:
        try:
            await scheduler.tick()
        except Exception as error:
            log_failure(log, "the digest tick failed; trying again on the next one", error)
        await asyncio.sleep(seconds)


def start_loop(scheduler: DigestScheduler, seconds: float) -> asyncio.Task[None]:
    return asyncio.create_task(loop(scheduler, seconds), name="digests")


async def stop_loop(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _lease(
    session: AsyncSession,
    model: type[Mentor] | type[Digest],
    batch: Select[Any],
    still_free: ColumnElement[bool],
    worker: str,
    until: datetime,
) -> int:
    """Lease the rows ``batch`` picks to ``worker``; returns how many it got.

    On PostgreSQL the rows are locked in id order and rows another worker holds are
    skipped, so two workers never wait on each other (an UPDATE over a subquery locked
    them in scan order, and two workers could deadlock). The UPDATE checks again that
    each row is still free, which is what keeps a row to one worker on SQLite, where
    FOR UPDATE does not exist and one writer at a time is the lock.
    """
    locked = batch.with_for_update(skip_locked=True, of=model)
    ids = (await session.execute(locked)).scalars().all()
    if not ids:
        return 0
    result = await session.execute(
        update(model)
        .where(model.id.in_(ids), still_free)
        .values(lease_owner=worker, lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
