"""Endorsement requests from ask to answer: links, states, answers, trust and signals.

Every function takes the session and the time ("now") it works at, so tests can move
the clock and the caller owns the transaction. Links are tokens of 192 random bits;
only their SHA-256 is stored, so a stolen database opens no request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final, Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from api.conversations.models import Conversation
from api.credentials import service as credentials
from api.endorsements import issuing
from api.endorsements.models import (
    AskedOutcome,
    Endorsement,
    EndorsementRequest,
    OutcomeVerdict,
    RequestLink,
)
from api.notices.models import Notice

TOKEN_BYTES: Final = 24  # 192 bits
EMAIL_CODE_DIGITS: Final = 6
EMAIL_CODE_LIFETIME: Final = timedelta(minutes=15)
EMAIL_CODE_ATTEMPTS: Final = 5
MAX_OUTCOMES_PER_REQUEST: Final = 12

RELATIONSHIPS: Final = ("supervisor", "colleague", "teacher", "association_leader", "other")
VERDICTS: Final = ("yes", "partly", "no")
DECLINE_REASONS: Final = ("not_me", "prefer_not")
ANSWERED_NOTICE: Final = "endorsement_answered"
DECLINED_NOTICE: Final = "endorsement_declined"
RETRACTED_NOTICE: Final = "endorsement_retracted"

# Addresses anyone can make in a minute. An answer from one is not wrong, but it is
# weaker evidence that the endorser speaks for an organisation.
FREE_MAIL_DOMAINS: Final = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.se",
        "outlook.com",
        "outlook.se",
        "live.com",
        "live.se",
        "msn.com",
        "yahoo.com",
        "yahoo.se",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.com",
        "gmx.net",
        "protonmail.com",
        "proton.me",
        "mail.com",
        "yandex.com",
        "telia.com",
        "spray.se",
    }
)


class RequestState(StrEnum):
    """What the learner sees about a request, and what its link does."""

    SENT = "sent"
    OPENED = "opened"
    ANSWERED = "answered"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


OPEN_STATES: Final = frozenset({RequestState.SENT, RequestState.OPENED})


class TrustLevel(StrEnum):
    SELF_DECLARED = "self_declared"
    EMAIL_VERIFIED = "email_verified"


class RequestClosed(Exception):
    """The request can no longer take an answer; ``state`` says why."""

    def __init__(self, state: RequestState) -> None:
        super().__init__(state.value)
        self.state = state


@dataclass(frozen=True, slots=True)
class AskedItem:
    """One thing to confirm: a catalogue outcome, or a skill in the learner's own words."""

    skill_id: str | None = None
    outcome_id: str | None = None
    own_words: str | None = None


@dataclass(frozen=True, slots=True)
class NewRequest:
    learner_id: int
    experience_id: int
    learner_name: str
    endorser_name: str
    locale: str
    items: Sequence[AskedItem]
    endorser_role: str = ""
    endorser_email: str | None = None
    endorser_phone: str | None = None
    # The web chat's chat id when the learner asked from the web chat.
    learner_web_chat: str | None = None


@dataclass(frozen=True, slots=True)
class EndorserAnswer:
    """A validated form from the endorser's page."""

    relationship: str
    # asked outcome id -> (verdict, comment)
    verdicts: Mapping[int, tuple[str, str]]
    name: str
    role: str
    organisation: str
    email: str
    declared: bool
    period_from: str | None = None
    period_to: str | None = None
    comment: str = ""


@dataclass(frozen=True, slots=True)
class RequestSummary:
    """A request as the learner's list shows it."""

    id: int
    experience_id: int
    endorser_name: str
    endorser_role: str
    state: RequestState
    created_at: datetime
    expires_at: datetime
    outcome_count: int
    confirmed: int = 0
    partly: int = 0
    trust_level: str | None = None
    signals: Mapping[str, object] = field(default_factory=dict)
    # The endorser answered, then took the answer back through their link.
    retracted: bool = False


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class HasState(Protocol):
    """Anything that knows a request's stored status and expiry (a row, or a page's read)."""

    @property
    def status(self) -> str: ...

    @property
    def expires_at(self) -> datetime: ...


def state_of(request: HasState, now: datetime) -> RequestState:
    state = RequestState(request.status)
    if state in OPEN_STATES and as_utc(request.expires_at) <= now:
        return RequestState.EXPIRED
    return state


async def create_request(
    session: AsyncSession, new: NewRequest, *, now: datetime, lifetime: timedelta
) -> tuple[EndorsementRequest, str]:
    """Store the request and its first link; returns the request and the link's token."""
    items = list(dict.fromkeys(new.items))
    if not items or len(items) > MAX_OUTCOMES_PER_REQUEST:
        raise ValueError("a request asks about 1 to 12 outcomes")
    request = EndorsementRequest(
        learner_id=new.learner_id,
        experience_id=new.experience_id,
        learner_name=new.learner_name[:80],
        endorser_name=new.endorser_name[:120],
        endorser_role=new.endorser_role[:120],
        endorser_email=new.endorser_email,
        endorser_phone=new.endorser_phone,
        locale=new.locale,
        status=RequestState.SENT.value,
        created_at=now,
        expires_at=now + lifetime,
        learner_web_chat=new.learner_web_chat,
        endorsement=None,
        outcomes=[
            AskedOutcome(
                position=i,
                skill_id=item.skill_id,
                outcome_id=item.outcome_id,
                own_words=item.own_words[:120] if item.own_words else None,
            )
            for i, item in enumerate(items)
        ],
    )
    session.add(request)
    await session.flush()
    token = await _add_link(session, request, now)
    return request, token


async def _add_link(session: AsyncSession, request: EndorsementRequest, now: datetime) -> str:
    token = new_token()
    session.add(RequestLink(request_id=request.id, token_hash=token_hash(token), created_at=now))
    await session.flush()
    return token


async def request_by_token(session: AsyncSession, token: str) -> EndorsementRequest | None:
    """The request a link opens, or None for an unknown (or garbage) token."""
    if not token or len(token) > 128:
        return None
    return (
        await session.execute(
            select(EndorsementRequest)
            .join(RequestLink, RequestLink.request_id == EndorsementRequest.id)
            .where(RequestLink.token_hash == token_hash(token))
        )
    ).scalar_one_or_none()


async def learner_request(
    session: AsyncSession, learner_id: int, request_id: int
) -> EndorsementRequest | None:
    return (
        await session.execute(
            select(EndorsementRequest).where(
                EndorsementRequest.id == request_id, EndorsementRequest.learner_id == learner_id
            )
        )
    ).scalar_one_or_none()


def mark_opened(request: EndorsementRequest, now: datetime) -> None:
    """The endorser has seen the page: "sent" becomes "opened" (once)."""
    if state_of(request, now) is RequestState.SENT:
        request.status = RequestState.OPENED.value
        request.opened_at = now


async def mark_opened_by_id(session: AsyncSession, request_id: int, now: datetime) -> None:
    """``mark_opened`` without loading the request: one statement, a no-op after the first."""
    await session.execute(
        update(EndorsementRequest)
        .where(
            EndorsementRequest.id == request_id,
            EndorsementRequest.status == RequestState.SENT.value,
            EndorsementRequest.expires_at > now,
        )
        .values(status=RequestState.OPENED.value, opened_at=now)
    )


def _require_open(request: EndorsementRequest, now: datetime) -> None:
    state = state_of(request, now)
    if state not in OPEN_STATES:
        raise RequestClosed(state)


async def submit(
    session: AsyncSession,
    request: EndorsementRequest,
    answer: EndorserAnswer,
    *,
    now: datetime,
    client_web_chat: str | None = None,
) -> Endorsement:
    """Store the endorser's one answer; queue the news for the learner and the credentials.

    Raises ``RequestClosed`` for a request that is answered, declined, cancelled or
    expired (a second submit among them), and ``ValueError`` for an answer that does
    not fit the request; nothing is stored then.
    """
    _require_open(request, now)
    asked = {outcome.id for outcome in request.outcomes}
    if set(answer.verdicts) != asked:
        raise ValueError("every asked outcome needs exactly one verdict")
    if answer.relationship not in RELATIONSHIPS:
        raise ValueError(f"unknown relationship {answer.relationship!r}")
    if any(verdict not in VERDICTS for verdict, _ in answer.verdicts.values()):
        raise ValueError("unknown verdict")
    if not answer.declared:
        raise ValueError("the declaration must be ticked")
    endorsement = Endorsement(
        request_id=request.id,
        relationship_kind=answer.relationship,
        period_from=answer.period_from,
        period_to=answer.period_to,
        comment=answer.comment,
        name=answer.name,
        role=answer.role,
        organisation=answer.organisation,
        email=answer.email,
        declared=True,
        trust_level=TrustLevel.SELF_DECLARED.value,
        signals=await fraud_signals(session, request, answer, now, client_web_chat),
        submitted_at=now,
        verdicts=[
            OutcomeVerdict(asked_outcome_id=outcome_id, verdict=verdict, comment=comment)
            for outcome_id, (verdict, comment) in sorted(answer.verdicts.items())
        ],
    )
    session.add(endorsement)
    request.status = RequestState.ANSWERED.value
    request.closed_at = now
    session.add(
        Notice(
            learner_id=request.learner_id,
            kind=ANSWERED_NOTICE,
            payload={"request_id": request.id},
            created_at=now,
        )
    )
    # In the same transaction: the credentials it earns are signed by the issuing queue.
    issuing.record_due(session, endorsement, request, now)
    await session.flush()
    return endorsement


async def decline(
    session: AsyncSession, request: EndorsementRequest, reason: str, *, now: datetime
) -> None:
    """The endorser says "this is not me" or "I prefer not to answer": the link closes."""
    if reason not in DECLINE_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    _require_open(request, now)
    request.status = RequestState.DECLINED.value
    request.decline_reason = reason
    request.closed_at = now
    session.add(
        Notice(
            learner_id=request.learner_id,
            kind=DECLINED_NOTICE,
            payload={"request_id": request.id, "reason": reason},
            created_at=now,
        )
    )
    await session.flush()


def can_retract(request: EndorsementRequest, now: datetime) -> bool:
    """An answer can be taken back through its link while the link still works."""
    endorsement = request.endorsement
    return (
        state_of(request, now) is RequestState.ANSWERED
        and endorsement is not None
        and endorsement.retracted_at is None
        and as_utc(request.expires_at) > now
    )


async def retract(session: AsyncSession, request: EndorsementRequest, *, now: datetime) -> int:
    """The endorser takes their answer back: it stops counting, its credentials are revoked.

    Returns how many credentials were revoked. Raises ``RequestClosed`` when the answer
    cannot be taken back (not answered, already taken back, or the link has expired).
    """
    endorsement = request.endorsement
    if endorsement is None or not can_retract(request, now):
        raise RequestClosed(state_of(request, now))
    # A write first, so this transaction holds the answer's row (PostgreSQL) or the
    # database's write lock (SQLite) before it looks for credentials: the issuing queue
    # either finished before (and they are revoked here) or sees the answer taken back.
    taken = await session.execute(
        update(Endorsement)
        .where(Endorsement.id == endorsement.id, Endorsement.retracted_at.is_(None))
        .values(retracted_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(taken, "rowcount", 0):
        raise RequestClosed(RequestState.ANSWERED)  # taken back a moment ago
    set_committed_value(endorsement, "retracted_at", now)
    revoked = await credentials.revoke_for_endorsement(session, endorsement.id, now=now)
    session.add(
        Notice(
            learner_id=request.learner_id,
            kind=RETRACTED_NOTICE,
            payload={"request_id": request.id, "revoked": revoked},
            created_at=now,
        )
    )
    await session.flush()
    return revoked


async def cancel(session: AsyncSession, learner_id: int, request_id: int, *, now: datetime) -> bool:
    """The learner withdraws an open request; its links stop working at once."""
    request = await learner_request(session, learner_id, request_id)
    if request is None or state_of(request, now) not in OPEN_STATES:
        return False
    request.status = RequestState.CANCELLED.value
    request.closed_at = now
    await session.flush()
    return True


async def remind(
    session: AsyncSession, learner_id: int, request_id: int, *, now: datetime
) -> str | None:
    """A new link for a reminder (the first link's token is not stored to send again).

    Every earlier link keeps working until the request closes. None when the request
    is not the learner's or is no longer open.
    """
    request = await learner_request(session, learner_id, request_id)
    if request is None or state_of(request, now) not in OPEN_STATES:
        return None
    request.reminded_at = now
    request.reminders += 1
    return await _add_link(session, request, now)


async def requests_of(
    session: AsyncSession, learner_id: int, *, now: datetime
) -> list[RequestSummary]:
    """The learner's requests, newest first, each with its state and its answer in short."""
    requests = (
        (
            await session.execute(
                select(EndorsementRequest)
                .where(EndorsementRequest.learner_id == learner_id)
                .order_by(EndorsementRequest.created_at.desc(), EndorsementRequest.id.desc())
            )
        )
        .scalars()
        .all()
    )
    return [summary_of(request, now) for request in requests]


def summary_of(request: EndorsementRequest, now: datetime) -> RequestSummary:
    endorsement = request.endorsement
    # An answer the endorser took back confirms nothing any more.
    counts = endorsement is not None and endorsement.retracted_at is None
    verdicts = [v.verdict for v in endorsement.verdicts] if endorsement and counts else []
    return RequestSummary(
        id=request.id,
        experience_id=request.experience_id,
        endorser_name=request.endorser_name,
        endorser_role=request.endorser_role,
        state=state_of(request, now),
        created_at=as_utc(request.created_at),
        expires_at=as_utc(request.expires_at),
        outcome_count=len(request.outcomes),
        confirmed=verdicts.count("yes"),
        partly=verdicts.count("partly"),
        trust_level=endorsement.trust_level if endorsement else None,
        signals=dict(endorsement.signals) if endorsement else {},
        retracted=endorsement is not None and endorsement.retracted_at is not None,
    )


async def fraud_signals(
    session: AsyncSession,
    request: EndorsementRequest,
    answer: EndorserAnswer,
    now: datetime,
    client_web_chat: str | None,
) -> dict[str, object]:
    """Facts that make an answer weaker evidence, recorded as they were, not judged.

    We never ask a learner for their own e-mail, so an address cannot be compared with
    theirs; instead the answer records whether the endorser typed a different address
    from the one the learner gave, and whether the name typed is the learner's own.
    """
    email = answer.email.strip().lower()
    domain = email.rpartition("@")[2]
    learner_client = False
    if client_web_chat:
        learner_client = (
            client_web_chat == request.learner_web_chat
            or (
                await session.execute(
                    select(Conversation.id).where(
                        Conversation.channel == "web",
                        Conversation.chat_id == client_web_chat,
                        Conversation.learner_id == request.learner_id,
                    )
                )
            ).first()
            is not None
        )
    given = (request.endorser_email or "").strip().lower()
    return {
        "seconds_to_answer": max(0, int((now - as_utc(request.created_at)).total_seconds())),
        "free_mail_domain": domain in FREE_MAIL_DOMAINS,
        "email_differs_from_request": bool(given) and given != email,
        "same_browser_as_learner": learner_client,
        "name_matches_learner": _same_name(answer.name, request.learner_name),
    }


def _same_name(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def _code_hash(endorsement: Endorsement, code: str) -> str:
    # Keyed by the endorsement, so the same six digits never hash alike twice.
    return hmac.new(str(endorsement.id).encode(), code.encode(), hashlib.sha256).hexdigest()


def start_email_check(endorsement: Endorsement, *, now: datetime) -> str:
    """A fresh one-time code for the endorser's address; the caller e-mails it."""
    code = f"{secrets.randbelow(10**EMAIL_CODE_DIGITS):0{EMAIL_CODE_DIGITS}d}"
    endorsement.email_code_hash = _code_hash(endorsement, code)
    endorsement.email_code_expires_at = now + EMAIL_CODE_LIFETIME
    endorsement.email_code_attempts = 0
    return code


class CodeCheck(StrEnum):
    VERIFIED = "verified"
    WRONG = "wrong"
    EXPIRED = "expired"
    TOO_MANY = "too_many"
    NOT_STARTED = "not_started"


def check_email_code(endorsement: Endorsement, code: str, *, now: datetime) -> CodeCheck:
    """Compare the typed code; the right one raises the answer's trust level."""
    if endorsement.email_verified_at is not None:
        return CodeCheck.VERIFIED
    if endorsement.email_code_hash is None or endorsement.email_code_expires_at is None:
        return CodeCheck.NOT_STARTED
    if endorsement.email_code_attempts >= EMAIL_CODE_ATTEMPTS:
        return CodeCheck.TOO_MANY
    if as_utc(endorsement.email_code_expires_at) <= now:
        return CodeCheck.EXPIRED
    endorsement.email_code_attempts += 1
    typed = "".join(ch for ch in code if ch.isdigit())[:EMAIL_CODE_DIGITS]
    if not hmac.compare_digest(_code_hash(endorsement, typed), endorsement.email_code_hash):
        return CodeCheck.WRONG
    endorsement.email_verified_at = now
    endorsement.email_code_hash = None
    endorsement.trust_level = TrustLevel.EMAIL_VERIFIED.value
    return CodeCheck.VERIFIED
