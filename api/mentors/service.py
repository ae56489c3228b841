"""Mentors from invite to digest settings: links only with both people's yes.

Every function takes the session and the time ("now") it works at, so tests can move
the clock and the caller owns the transaction. An invite is a token of 192 random
bits; only its SHA-256 is stored, so a stolen database opens no invite.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.mentors.models import LearnerReminder, Mentor, MentorInvite, MentorLink
from api.notices.models import Notice
from dialogs.mentors import DigestSettings, InviteLink, Mentoring, Person

TOKEN_BYTES: Final = 24  # 192 bits
INVITE_LIFETIME: Final = timedelta(days=7)
# A Telegram deep link carries at most 64 characters of A-Z, a-z, 0-9, "_" and "-".
INVITE_PREFIX: Final = "m-"
DEFAULT_TIMEZONE: Final = "Europe/Stockholm"
MENTOR_ACCEPTED_NOTICE: Final = "mentor_accepted"
PENDING: Final = "pending"
ACTIVE: Final = "active"


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# --- invites --------------------------------------------------------------------------
async def new_invite(
    session: AsyncSession,
    learner_id: int,
    learner_name: str,
    *,
    now: datetime,
    lifetime: timedelta = INVITE_LIFETIME,
) -> str:
    """Store a one-time invite; returns the deep-link payload (shown once, never stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        MentorInvite(
            learner_id=learner_id,
            learner_name=learner_name[:80],
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.flush()
    return INVITE_PREFIX + token


async def open_invite(
    session: AsyncSession, payload: str, *, learner_id: int | None, now: datetime
) -> InviteLink | None:
    """What an invite payload opens, for the dialog; None when it is no invite at all."""
    if not payload.startswith(INVITE_PREFIX):
        return None
    token = payload[len(INVITE_PREFIX) :]
    invite = None
    if 0 < len(token) <= 64:
        invite = (
            await session.execute(
                select(MentorInvite).where(MentorInvite.token_hash == token_hash(token))
            )
        ).scalar_one_or_none()
    if invite is None:
        return InviteLink(None, problem="unknown")
    if learner_id is not None and invite.learner_id == learner_id:
        return InviteLink(None, problem="own")
    if invite.used_at is not None:
        return InviteLink(None, problem="used")
    if as_utc(invite.expires_at) <= now:
        return InviteLink(None, problem="expired")
    return InviteLink(invite.id, invite.learner_name)


@dataclass(frozen=True, slots=True)
class Accepted:
    """How accepting went: ``learner_name`` is set when a link is waiting for the learner."""

    learner_name: str = ""
    # "", "gone" (used or expired meanwhile), "already" (this mentor follows them already)
    problem: str = ""


async def accept_invite(
    session: AsyncSession,
    invite_id: int,
    *,
    channel: str,
    chat_id: str,
    mentor_name: str,
    locale: str,
    now: datetime,
) -> Accepted:
    """Use the invite (once, whoever is first) and make a link the learner must confirm."""
    # The conditional UPDATE is what makes the invite one-time when two people race.
    used = await session.execute(
        update(MentorInvite)
        .where(
            MentorInvite.id == invite_id,
            MentorInvite.used_at.is_(None),
            MentorInvite.expires_at > now,
        )
        .values(used_at=now)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        return Accepted(problem="gone")
    invite = await session.get(MentorInvite, invite_id)
    assert invite is not None
    mentor = await mentor_of_chat(session, channel, chat_id)
    if mentor is None:
        mentor = Mentor(
            channel=channel,
            chat_id=chat_id,
            name=mentor_name[:80],
            locale=locale,
            timezone=DEFAULT_TIMEZONE,
            frequency="weekly",
            weekday=0,
            hour=8,
            created_at=now,
        )
        mentor.next_digest_at = next_due(mentor, now)
        session.add(mentor)
        await session.flush()
    else:
        mentor.name = mentor_name[:80]
    existing = (
        await session.execute(
            select(MentorLink).where(
                MentorLink.mentor_id == mentor.id, MentorLink.learner_id == invite.learner_id
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        return Accepted(invite.learner_name, problem="already")
    link = MentorLink(
        mentor_id=mentor.id,
        learner_id=invite.learner_id,
        learner_name=invite.learner_name,
        status=PENDING,
        created_at=now,
    )
    session.add(link)
    await session.flush()
    # News for the learner, in the same transaction: "Anna wants to be your mentor".
    session.add(
        Notice(
            learner_id=invite.learner_id,
            kind=MENTOR_ACCEPTED_NOTICE,
            payload={"link_id": link.id, "mentor_name": mentor.name},
            created_at=now,
        )
    )
    await session.flush()
    return Accepted(invite.learner_name)


async def mentor_of_chat(session: AsyncSession, channel: str, chat_id: str) -> Mentor | None:
    return (
        await session.execute(
            select(Mentor).where(Mentor.channel == channel, Mentor.chat_id == chat_id)
        )
    ).scalar_one_or_none()


# --- the learner says yes, no, or removes; the mentor leaves ----------------------------
async def confirm(session: AsyncSession, learner_id: int, link_id: int, *, now: datetime) -> bool:
    result = await session.execute(
        update(MentorLink)
        .where(
            MentorLink.id == link_id,
            MentorLink.learner_id == learner_id,
            MentorLink.status == PENDING,
        )
        .values(status=ACTIVE, confirmed_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def remove(session: AsyncSession, learner_id: int, link_id: int) -> None:
    """The learner removes a mentor (or says no to one); the mentor sees nothing more."""
    await session.execute(
        delete(MentorLink).where(MentorLink.id == link_id, MentorLink.learner_id == learner_id)
    )


async def leave(session: AsyncSession, channel: str, chat_id: str, link_id: int) -> None:
    """The mentor stops following a learner."""
    mentor = await mentor_of_chat(session, channel, chat_id)
    if mentor is not None:
        await session.execute(
            delete(MentorLink).where(MentorLink.id == link_id, MentorLink.mentor_id == mentor.id)
        )


async def unlink_all(session: AsyncSession, learner_id: int) -> None:
    """Erase every link and invite of a learner (for /delete). Digests waiting to be sent
    are filtered by the links at send time, so none about this learner goes out."""
    await session.execute(delete(MentorLink).where(MentorLink.learner_id == learner_id))
    await session.execute(delete(MentorInvite).where(MentorInvite.learner_id == learner_id))


# --- digest settings ----------------------------------------------------------------------
def next_due(mentor: Mentor | DigestSettings, after: datetime, zone: str = "") -> datetime | None:
    """The first digest time strictly after ``after`` in the mentor's time zone (UTC)."""
    if mentor.frequency not in ("daily", "weekly"):
        return None
    tz = ZoneInfo(zone or getattr(mentor, "timezone", None) or DEFAULT_TIMEZONE)
    local = as_utc(after).astimezone(tz)
    day = local.date()
    if mentor.frequency == "weekly":
        day += timedelta(days=(mentor.weekday - day.weekday()) % 7)
    step = timedelta(days=7 if mentor.frequency == "weekly" else 1)
    while True:
        # Wall-clock time on that day, so the hour stays the same across summer time.
        candidate = datetime(day.year, day.month, day.day, mentor.hour, tzinfo=tz)
        if candidate > local:
            return candidate.astimezone(UTC)
        day += step


async def save_settings(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    settings: DigestSettings,
    *,
    locale: str,
    now: datetime,
) -> bool:
    mentor = await mentor_of_chat(session, channel, chat_id)
    if mentor is None:
        return False
    mentor.frequency = settings.frequency
    mentor.weekday = settings.weekday
    mentor.hour = settings.hour
    mentor.email = settings.email
    mentor.locale = locale
    mentor.next_digest_at = next_due(mentor, now)
    await session.flush()
    return True


# --- what the dialog sees ---------------------------------------------------------------
async def snapshot(
    session: AsyncSession, channel: str, chat_id: str, learner_id: int | None
) -> Mentoring:
    mentors: tuple[Person, ...] = ()
    if learner_id is not None:
        rows = await session.execute(
            select(MentorLink.id, Mentor.name, MentorLink.status)
            .join(Mentor, Mentor.id == MentorLink.mentor_id)
            .where(MentorLink.learner_id == learner_id)
            .order_by(MentorLink.id)
        )
        mentors = tuple(Person(i, name, status == ACTIVE) for i, name, status in rows)
    mentor = await mentor_of_chat(session, channel, chat_id)
    if mentor is None:
        return Mentoring(mentors=mentors)
    rows = await session.execute(
        select(MentorLink.id, MentorLink.learner_name, MentorLink.status)
        .where(MentorLink.mentor_id == mentor.id)
        .order_by(MentorLink.id)
    )
    learners = tuple(Person(i, name, status == ACTIVE) for i, name, status in rows)
    settings = DigestSettings(mentor.frequency, mentor.weekday, mentor.hour, mentor.email)
    return Mentoring(mentors=mentors, learners=learners, settings=settings)


# --- reminders ------------------------------------------------------------------------
async def set_reminders(session: AsyncSession, learner_id: int, enabled: bool) -> None:
    row = await session.get(LearnerReminder, learner_id)
    if row is None:
        session.add(LearnerReminder(learner_id=learner_id, enabled=enabled))
    else:
        row.enabled = enabled
    await session.flush()
