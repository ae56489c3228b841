"""Endorsement requests, the links that open them, and the endorsers' answers.

A learner asks one person (the endorser) about some learning outcomes of one
experience. The person gets a link; only a hash of its token is stored. A reminder
makes a new link for the same request, so the links table may hold several per
request. The endorser answers at most once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db.base import Base, utcnow
from api.db.types import EncryptedString, JsonDocument


class EndorsementRequest(Base):
    __tablename__ = "endorsement_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experiences.id", ondelete="CASCADE"), index=True
    )
    # How the learner wants to be named to the endorser ("Jacob").
    learner_name: Mapped[str] = mapped_column(String(80))
    endorser_name: Mapped[str] = mapped_column(String(120))
    endorser_role: Mapped[str] = mapped_column(String(120), default="")
    # Contact details: sealed at rest, and emptied a while after the request closes
    # (api/endorsements/retention.py).
    endorser_email: Mapped[str | None] = mapped_column(EncryptedString("endorser_email"))
    endorser_phone: Mapped[str | None] = mapped_column(EncryptedString("endorser_phone"))
    # The language the request and the page are written in.
    locale: Mapped[str] = mapped_column(String(8))
    # sent | opened | answered | declined | cancelled; "expired" follows from expires_at.
    status: Mapped[str] = mapped_column(String(16), default="sent", index=True)
    # not_me | prefer_not, when declined.
    decline_reason: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    # The web chat the learner asked from (its chat id, itself a hash), for the
    # "same browser as the learner" signal. None when asked from Telegram.
    learner_web_chat: Mapped[str | None] = mapped_column(String(64))
    # When the learner was told about the answer (None: not yet).
    learner_told_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    outcomes: Mapped[list[AskedOutcome]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="AskedOutcome.position",
        lazy="selectin",
    )
    endorsement: Mapped[Endorsement | None] = relationship(
        back_populates="request", cascade="all, delete-orphan", lazy="selectin", uselist=False
    )


class RequestLink(Base):
    """One personal link to a request. Only the SHA-256 of its token is kept."""

    __tablename__ = "endorsement_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("endorsement_requests.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AskedOutcome(Base):
    """One statement the endorser is asked to confirm.

    A catalogue outcome (skill_id + outcome_id), or a skill in the learner's own
    words (own_words, with no outcome id).
    """

    __tablename__ = "endorsement_asked_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("endorsement_requests.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    skill_id: Mapped[str | None] = mapped_column(String(64))
    outcome_id: Mapped[str | None] = mapped_column(String(64))
    own_words: Mapped[str | None] = mapped_column(String(120))

    request: Mapped[EndorsementRequest] = relationship(back_populates="outcomes")


class Endorsement(Base):
    """The endorser's answer to a request: who they are, and what they saw."""

    __tablename__ = "endorsements"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("endorsement_requests.id", ondelete="CASCADE"), unique=True
    )
    # supervisor | colleague | teacher | association_leader | other
    relationship_kind: Mapped[str] = mapped_column(String(32))
    # "YYYY-MM", as the endorser remembers the period they saw the learner work.
    period_from: Mapped[str | None] = mapped_column(String(7))
    period_to: Mapped[str | None] = mapped_column(String(7))
    comment: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(160))
    # Sealed at rest; emptied with the request's contact details.
    email: Mapped[str] = mapped_column(EncryptedString("endorsement_email"))
    declared: Mapped[bool] = mapped_column(Boolean)
    # self_declared | email_verified
    trust_level: Mapped[str] = mapped_column(String(16), default="self_declared")
    # Fraud and self-endorsement signals, recorded when the answer came in.
    signals: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The one-time code that verifies the e-mail address: a hash, its expiry, tries.
    email_code_hash: Mapped[str | None] = mapped_column(String(64))
    email_code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email_code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the endorser takes the answer back through their link.
    retracted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    request: Mapped[EndorsementRequest] = relationship(back_populates="endorsement")
    verdicts: Mapped[list[OutcomeVerdict]] = relationship(
        back_populates="endorsement",
        cascade="all, delete-orphan",
        order_by="OutcomeVerdict.id",
        lazy="selectin",
    )


class OutcomeVerdict(Base):
    """What the endorser said about one asked outcome."""

    __tablename__ = "endorsement_verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    endorsement_id: Mapped[int] = mapped_column(
        ForeignKey("endorsements.id", ondelete="CASCADE"), index=True
    )
    asked_outcome_id: Mapped[int] = mapped_column(
        ForeignKey("endorsement_asked_outcomes.id", ondelete="CASCADE")
    )
    # yes | partly | no
    verdict: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")

    endorsement: Mapped[Endorsement] = relationship(back_populates="verdicts")


class CredentialsDue(Base):
    """An answer whose credentials are still to be signed: the issuing queue.

    Written in the answer's own transaction, so a stored answer always gets its
    credentials; removed in the transaction that stores them. A failed try counts in
    ``tries`` and moves ``due_at`` later (see api/endorsements/issuing.py).
    """

    __tablename__ = "credentials_due"

    endorsement_id: Mapped[int] = mapped_column(
        ForeignKey("endorsements.id", ondelete="CASCADE"), primary_key=True
    )
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # Only to be written with a new answer in one flush; never loaded through.
    endorsement: Mapped[Endorsement] = relationship(lazy="raise")
