"""Many mentors following many learners, stored as the chat would store them.

Used by the digest tests and by ``bench/bench_digests.py``: learners with an
experience, skills, a self-check and a request (one answered with a comment that a
mentor must never see); mentors who accepted an invite that their learners confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.endorsements.models import (
    AskedOutcome,
    Endorsement,
    EndorsementRequest,
    OutcomeVerdict,
)
from api.experiences.models import Experience, SelfCheckAnswer, SkillClaim
from api.learners.models import Learner
from api.mentors.models import Mentor, MentorLink
from api.mentors.service import ACTIVE, next_due

T0 = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # a Monday, after the digest hour
SECRET_COMMENT = "She was late twice, keep this between us"
ENDORSER = "Maria Berg"


@dataclass(frozen=True)
class World:
    mentor_chats: dict[int, str]  # mentor id -> chat id
    learners_of: dict[int, list[int]]  # mentor id -> learner ids
    first_due: datetime


async def build_world(
    sessions: async_sessionmaker[AsyncSession],
    *,
    learners: int,
    mentors: int,
    per_learner: int = 1,
    channel: str = "telegram",
    chat_base: int = 5000,
    email: str | None = None,
) -> World:
    """``learners`` learners, each followed by ``per_learner`` of the ``mentors`` mentors."""
    async with sessions() as session, session.begin():
        learner_ids = await _learners(session, learners)
        mentor_rows = [
            {
                "channel": channel,
                "chat_id": str(chat_base + i),
                "name": f"Mentor {i}",
                "locale": ("sv", "en", "ar")[i % 3],
                "timezone": "Europe/Stockholm",
                "frequency": "weekly",
                "weekday": 0,
                "hour": 8,
                "email": email,
                "created_at": T0,
            }
            for i in range(mentors)
        ]
        await session.execute(insert(Mentor), mentor_rows)
        found = (await session.execute(select(Mentor))).scalars().all()
        due = next_due(found[0], T0)
        for mentor in found:
            mentor.next_digest_at = due
        mentor_ids = [m.id for m in found]
        links = []
        learners_of: dict[int, list[int]] = {m: [] for m in mentor_ids}
        for index, learner_id in enumerate(learner_ids):
            for k in range(per_learner):
                mentor_id = mentor_ids[(index + k * 7) % len(mentor_ids)]
                if learner_id in learners_of[mentor_id]:
                    continue
                learners_of[mentor_id].append(learner_id)
                links.append(
                    {
                        "mentor_id": mentor_id,
                        "learner_id": learner_id,
                        "learner_name": f"Learner {index}",
                        "status": ACTIVE,
                        "created_at": T0 - timedelta(days=20),
                        "confirmed_at": T0 - timedelta(days=20),
                    }
                )
        await session.execute(insert(MentorLink), links)
    assert due is not None
    return World({m.id: m.chat_id for m in found}, learners_of, due)


async def _learners(session: AsyncSession, count: int) -> list[int]:
    """Learners with documented work, inserted in bulk (the chat is not the subject here)."""
    old, new = T0 - timedelta(days=20), T0 + timedelta(days=2)
    rows = [{"locale": "sv", "more_pictures": False, "created_at": old} for _ in range(count)]
    await session.execute(insert(Learner), rows)
    ids = list((await session.execute(select(Learner.id).order_by(Learner.id))).scalars())[-count:]
    await session.execute(
        insert(Experience),
        [
            {
                "learner_id": i,
                "kind": "internship",
                "area": "hotel",
                "role": "Room attendant",
                "place": "Hotel North",
                "tasks": [],
                "description": "",
                "created_at": new if n % 2 else old,
            }
            for n, i in enumerate(ids)
        ],
    )
    experiences = (
        await session.execute(
            select(Experience.id, Experience.learner_id).where(Experience.learner_id.in_(ids))
        )
    ).all()
    await session.execute(
        insert(SkillClaim),
        [
            {"experience_id": e, "skill_id": skill, "created_at": new}
            for e, _ in experiences
            for skill in ("hotel_room_cleaning", "customer_service")
        ],
    )
    await session.execute(
        insert(SelfCheckAnswer),
        [
            {
                "learner_id": i,
                "skill_id": "punctuality",
                "outcome_id": "arrives_on_time",
                "level": "yes",
                "answered_at": new,
            }
            for i in ids[::2]
        ],
    )
    requests = [
        {
            "learner_id": learner,
            "experience_id": experience,
            "learner_name": "Learner",
            "endorser_name": ENDORSER,
            "endorser_role": "Supervisor",
            "locale": "sv",
            "status": "answered" if n % 3 == 0 else "sent",
            "created_at": T0 - timedelta(days=12),
            "expires_at": T0 + timedelta(days=18),
            "reminders": 0,
        }
        for n, (experience, learner) in enumerate(experiences)
    ]
    await session.execute(insert(EndorsementRequest), requests)
    answered = (
        (
            await session.execute(
                select(EndorsementRequest.id).where(
                    EndorsementRequest.learner_id.in_(ids), EndorsementRequest.status == "answered"
                )
            )
        )
        .scalars()
        .all()
    )
    await session.execute(
        insert(AskedOutcome),
        [
            {"request_id": r, "position": 0, "skill_id": "hotel_room_cleaning", "outcome_id": "x"}
            for r in answered
        ],
    )
    await session.execute(
        insert(Endorsement),
        [
            {
                "request_id": r,
                "relationship_kind": "supervisor",
                "comment": SECRET_COMMENT,
                "name": ENDORSER,
                "role": "Supervisor",
                "organisation": "Hotel North",
                # Empty: contact details are sealed at rest, and the digest never reads them.
                "email": "",
                "declared": True,
                "trust_level": "self_declared",
                "signals": {},
                "submitted_at": new,
                "email_code_attempts": 0,
            }
            for r in answered
        ],
    )
    pairs = (
        await session.execute(
            select(Endorsement.id, AskedOutcome.id).join(
                AskedOutcome, AskedOutcome.request_id == Endorsement.request_id
            )
        )
    ).all()
    await session.execute(
        insert(OutcomeVerdict),
        [
            {
                "endorsement_id": e,
                "asked_outcome_id": a,
                "verdict": "yes",
                "comment": SECRET_COMMENT,
            }
            for e, a in pairs
        ],
    )
    return ids
