"""Building digests in bulk: a fixed number of queries, however many learners.

A digest tells a mentor, per learner who said yes, what is new since the last digest
(experiences, skills, self-checks), how requests to confirm skills stand (sent,
answered, waiting, expired), credentials, days since the learner was last active,
and one suggested next step. Nothing else: never who confirmed or what they wrote.

Every figure comes from one aggregate query over all (mentor, learner) pairs at once,
grouped by the pair, so building for 100 learners or 100,000 costs the same eight
queries; only the rows grow. ``pairs`` chooses whose digests: the mentors a worker has
leased (the schedule), one mentor (/progress), or one learner (their own card).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    Subquery,
    and_,
    case,
    distinct,
    func,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from api.conversations.models import Conversation
from api.credentials.models import Credential
from api.endorsements.models import (
    AskedOutcome,
    Endorsement,
    EndorsementRequest,
    OutcomeVerdict,
)
from api.experiences.models import Experience, SelfCheckAnswer, SkillClaim
from api.mentors.models import Mentor, MentorLink
from api.mentors.service import ACTIVE, as_utc
from api.pictures.progress import ProgressFigures

OPEN = ("sent", "opened")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class LearnerProgress:
    learner_id: int
    name: str
    # What is new since the last digest.
    new_experiences: int = 0
    new_skills: int = 0
    new_checks: int = 0
    requests_sent: int = 0
    requests_answered: int = 0
    requests_expired: int = 0
    credentials_new: int = 0
    # How things stand now.
    requests_waiting: int = 0
    oldest_wait_days: int = 0
    experiences: int = 0
    skills: int = 0
    confirmed: int = 0
    checks: int = 0
    credentials: int = 0
    # None: never active in a chat we know of.
    days_idle: int | None = None

    @property
    def figures(self) -> ProgressFigures:
        return ProgressFigures(
            experiences=self.experiences,
            skills=self.skills + self.checks,
            confirmed=self.confirmed,
            credentials=self.credentials,
            waiting=self.requests_waiting,
        )

    def as_json(self) -> dict[str, Any]:
        # Not dataclasses.asdict, which deep-copies each value: 10,000 of these per build.
        return {name: getattr(self, name) for name in _FIELDS}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LearnerProgress:
        return cls(**{k: v for k, v in data.items() if k in _FIELDS})


_FIELDS = tuple(f.name for f in fields(LearnerProgress))


# --- choosing whose digests --------------------------------------------------------------
def leased_pairs(owner: str) -> Subquery:
    """Every confirmed (mentor, learner) pair of the mentors ``owner`` has leased."""
    return _pairs(Mentor.lease_owner == owner)


def mentor_pairs(mentor_id: int) -> Subquery:
    return _pairs(Mentor.id == mentor_id)


def _pairs(which: ColumnElement[bool]) -> Subquery:
    since = func.coalesce(Mentor.last_digest_at, MentorLink.confirmed_at, MentorLink.created_at)
    return (
        select(
            MentorLink.mentor_id.label("mentor_id"),
            MentorLink.learner_id.label("learner_id"),
            MentorLink.learner_name.label("name"),
            since.label("since"),
        )
        .join(Mentor, Mentor.id == MentorLink.mentor_id)
        .where(which, MentorLink.status == ACTIVE)
        .subquery("pairs")
    )


def learner_pair(learner_id: int) -> Subquery:
    """The learner alone (their own card): everything counts as new."""
    return select(
        literal(0, Integer).label("mentor_id"),
        literal(learner_id, Integer).label("learner_id"),
        literal("", String).label("name"),
        literal(EPOCH, DateTime(timezone=True)).label("since"),
    ).subquery("pairs")


# --- the figures -----------------------------------------------------------------------------
def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _queries(pairs: Subquery, now: datetime) -> dict[str, Select[Any]]:
    key = (pairs.c.mentor_id, pairs.c.learner_id)
    is_open = and_(EndorsementRequest.status.in_(OPEN), EndorsementRequest.expires_at > now)
    expired = and_(
        EndorsementRequest.status.in_(OPEN),
        EndorsementRequest.expires_at <= now,
        EndorsementRequest.expires_at > pairs.c.since,
    )
    return {
        "experiences": select(
            *key, func.count(Experience.id), _count_if(Experience.created_at > pairs.c.since)
        )
        .join(Experience, Experience.learner_id == pairs.c.learner_id)
        .group_by(*key),
        "skills": select(
            *key, func.count(SkillClaim.id), _count_if(SkillClaim.created_at > pairs.c.since)
        )
        .join(Experience, Experience.learner_id == pairs.c.learner_id)
        .join(SkillClaim, SkillClaim.experience_id == Experience.id)
        .group_by(*key),
        "checks": select(
            *key,
            func.count(distinct(SelfCheckAnswer.skill_id)),
            func.count(
                distinct(
                    case(
                        (SelfCheckAnswer.answered_at > pairs.c.since, SelfCheckAnswer.skill_id),
                        else_=None,
                    )
                )
            ),
        )
        .join(SelfCheckAnswer, SelfCheckAnswer.learner_id == pairs.c.learner_id)
        .group_by(*key),
        "requests": select(
            *key,
            _count_if(EndorsementRequest.created_at > pairs.c.since),
            _count_if(is_open),
            _count_if(expired),
            func.min(case((is_open, EndorsementRequest.created_at), else_=None)),
        )
        .join(EndorsementRequest, EndorsementRequest.learner_id == pairs.c.learner_id)
        .group_by(*key),
        "answered": select(*key, func.count(Endorsement.id))
        .join(EndorsementRequest, EndorsementRequest.learner_id == pairs.c.learner_id)
        .join(Endorsement, Endorsement.request_id == EndorsementRequest.id)
        .where(Endorsement.submitted_at > pairs.c.since, Endorsement.retracted_at.is_(None))
        .group_by(*key),
        "confirmed": select(
            *key, func.count(distinct(func.coalesce(AskedOutcome.skill_id, AskedOutcome.own_words)))
        )
        .join(EndorsementRequest, EndorsementRequest.learner_id == pairs.c.learner_id)
        .join(Endorsement, Endorsement.request_id == EndorsementRequest.id)
        .join(OutcomeVerdict, OutcomeVerdict.endorsement_id == Endorsement.id)
        .join(AskedOutcome, AskedOutcome.id == OutcomeVerdict.asked_outcome_id)
        .where(OutcomeVerdict.verdict == "yes", Endorsement.retracted_at.is_(None))
        .group_by(*key),
        "credentials": select(
            *key, func.count(Credential.id), _count_if(Credential.issued_at > pairs.c.since)
        )
        .join(Credential, Credential.learner_id == pairs.c.learner_id)
        .where(Credential.revoked_at.is_(None))
        .group_by(*key),
        "active": select(*key, func.max(Conversation.updated_at))
        .join(Conversation, Conversation.learner_id == pairs.c.learner_id)
        .group_by(*key),
    }


def _days(earlier: datetime | str | None, now: datetime) -> int | None:
    if earlier is None:
        return None
    if isinstance(earlier, str):
        # SQLite's MIN over a CASE loses the column type: the stored text comes back.
        earlier = datetime.fromisoformat(earlier)
    return max((now - as_utc(earlier)).days, 0)


async def build(session: AsyncSession, pairs: Subquery, now: datetime) -> list[LearnerProgress]:
    """Each pair's progress, in pair order (by mentor, then learner)."""
    return [progress for _, progress in await build_by_mentor(session, pairs, now)]


async def build_by_mentor(
    session: AsyncSession, pairs: Subquery, now: datetime
) -> list[tuple[int, LearnerProgress]]:
    """(mentor id, progress) for every pair, ordered by mentor and then learner."""
    rows = (
        await session.execute(
            select(pairs.c.mentor_id, pairs.c.learner_id, pairs.c.name).order_by(
                pairs.c.mentor_id, pairs.c.learner_id
            )
        )
    ).all()
    figures: dict[tuple[int, int], dict[str, Any]] = {
        (mentor_id, learner_id): {"learner_id": learner_id, "name": name}
        for mentor_id, learner_id, name in rows
    }
    if not figures:
        return []
    for what, query in _queries(pairs, now).items():
        for row in await session.execute(query):
            found = figures.get((row[0], row[1]))
            if found is not None:
                found.update(_fields(what, row[2:], now))
    return [(key[0], LearnerProgress(**value)) for key, value in figures.items()]


def _fields(what: str, values: Iterable[Any], now: datetime) -> dict[str, Any]:
    v = list(values)
    if what == "experiences":
        return {"experiences": int(v[0]), "new_experiences": int(v[1])}
    if what == "skills":
        return {"skills": int(v[0]), "new_skills": int(v[1])}
    if what == "checks":
        return {"checks": int(v[0]), "new_checks": int(v[1])}
    if what == "requests":
        return {
            "requests_sent": int(v[0]),
            "requests_waiting": int(v[1]),
            "requests_expired": int(v[2]),
            "oldest_wait_days": _days(v[3], now) or 0,
        }
    if what == "answered":
        return {"requests_answered": int(v[0])}
    if what == "confirmed":
        return {"confirmed": int(v[0])}
    if what == "credentials":
        return {"credentials": int(v[0]), "credentials_new": int(v[1])}
    return {"days_idle": _days(v[0], now)}


async def own_progress(session: AsyncSession, learner_id: int, now: datetime) -> LearnerProgress:
    found = await build(session, learner_pair(learner_id), now)
    return found[0] if found else LearnerProgress(learner_id, "")


# --- one next step ----------------------------------------------------------------------
WAITED_LONG = 7
IDLE_LONG = 14


def next_step(progress: LearnerProgress) -> tuple[str, dict[str, int]]:
    """The one suggestion that helps most now, as a key and its numbers (see texts.py)."""
    p = progress
    if p.requests_waiting and p.oldest_wait_days >= WAITED_LONG:
        return "remind", {"n": p.requests_waiting, "days": p.oldest_wait_days}
    if p.requests_expired:
        return "ask_again", {"n": p.requests_expired}
    if p.days_idle is not None and p.days_idle >= IDLE_LONG:
        return "idle", {"days": p.days_idle}
    if p.experiences == 0:
        return "first_experience", {}
    if p.requests_answered:
        return "congratulate", {"n": p.requests_answered}
    if p.skills and not (p.requests_sent or p.requests_waiting or p.confirmed):
        return "ask_someone", {}
    if p.checks == 0:
        return "self_check", {}
    return "keep_going", {}
