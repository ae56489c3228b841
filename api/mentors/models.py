"""Mentors, the links between mentors and learners, invites, and the digest ledger.

A mentor is known by the chat they accepted an invite in (Telegram or the web chat);
they need not be a learner themselves. A link is made only when the mentor accepts
an invite and counts only once the learner confirms it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, utcnow
from api.db.types import JsonDocument


class Mentor(Base):
    __tablename__ = "mentors"
    __table_args__ = (UniqueConstraint("channel", "chat_id", name="uq_mentors_chat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    # How the learners see the mentor ("Anna at the job centre").
    name: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(40), default="Europe/Stockholm")
    # daily | weekly | off
    frequency: Mapped[str] = mapped_column(String(8), default="weekly")
    # 0 = Monday, as Python's date.weekday(); used when weekly.
    weekday: Mapped[int] = mapped_column(Integer, default=0)
    hour: Mapped[int] = mapped_column(Integer, default=8)
    email: Mapped[str | None] = mapped_column(String(254))
    # The next digest is due at this moment (None: digests are off). Kept in the
    # database so that a restart neither skips nor repeats one.
    next_digest_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # What the last digest covered up to: the next one tells what is new since then.
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A worker building this mentor's digest holds the lease until it has stored it.
    lease_owner: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MentorInvite(Base):
    """A one-time invite link. Only the SHA-256 of its token is kept."""

    __tablename__ = "mentor_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    # How the learner wants to be named to the mentor.
    learner_name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MentorLink(Base):
    """A mentor following a learner: "pending" until the learner confirms, then "active"."""

    __tablename__ = "mentor_links"
    __table_args__ = (UniqueConstraint("mentor_id", "learner_id", name="uq_mentor_links_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentors.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    learner_name: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(8), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Digest(Base):
    """One digest for one mentor and one due time: the ledger and the outbox in one.

    The unique (mentor, due time) pair is what makes a digest exist at most once, however
    many workers race. ``parts_sent`` counts the messages already delivered, so a
    restart in the middle of sending carries on after the last one that went out.
    """

    __tablename__ = "mentor_digests"
    __table_args__ = (UniqueConstraint("mentor_id", "due_at", name="uq_mentor_digests_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentors.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The figures per learner (see api.mentors.digest.LearnerProgress), not the words:
    # the words are written in the mentor's language when it is sent.
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    # Chat delivery done (Telegram sent, or shown in the web chat); e-mail done or not wanted.
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    lease_owner: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LearnerReminder(Base):
    """Gentle reminders for a learner who paused in the middle of something."""

    __tablename__ = "learner_reminders"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
