"""Saving what the learner documented, and reading it back as a portfolio snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.credentials.listing import saved_merits
from api.endorsements.asking import saved_requests
from api.experiences.models import Experience, SelfCheckAnswer, SkillClaim
from dialogs.portfolio import EXPERIENCE_FIELDS, Portfolio, SavedExperience, SavedSkill


async def save_experience(
    session: AsyncSession, learner_id: int, data: Mapping[str, Any]
) -> Experience:
    """Create the experience, or replace a saved one the learner owns (``data["id"]``)."""
    experience: Experience | None = None
    if data.get("id"):
        experience = (
            await session.execute(
                select(Experience).where(
                    Experience.id == int(data["id"]), Experience.learner_id == learner_id
                )
            )
        ).scalar_one_or_none()
    if experience is None:
        experience = Experience(learner_id=learner_id)
        session.add(experience)
    for field in EXPERIENCE_FIELDS:
        value = data.get(field)
        setattr(experience, field, bool(value) if field == "ongoing" else value)
    experience.kind = str(data.get("kind") or "other")
    experience.area = str(data.get("area") or "other")
    experience.role = str(data.get("role") or "")[:120]
    experience.place = str(data.get("place") or "")[:120]
    experience.description = str(data.get("description") or "")
    experience.tasks = [str(t) for t in data.get("tasks") or []]
    claims = [SkillClaim(skill_id=str(s)) for s in dict.fromkeys(data.get("skills") or [])]
    claims += [
        SkillClaim(own_words=str(w)[:120]) for w in dict.fromkeys(data.get("own_skills") or [])
    ]
    experience.skill_claims = claims
    await session.flush()
    return experience


async def delete_experience(session: AsyncSession, learner_id: int, experience_id: int) -> None:
    await session.execute(
        delete(Experience).where(
            Experience.id == experience_id, Experience.learner_id == learner_id
        )
    )


async def save_self_check(
    session: AsyncSession, learner_id: int, skill_id: str, answers: Mapping[str, Mapping[str, Any]]
) -> None:
    """Replace the learner's answers for one general work skill."""
    await delete_self_check(session, learner_id, skill_id)
    session.add_all(
        SelfCheckAnswer(
            learner_id=learner_id,
            skill_id=skill_id,
            outcome_id=outcome_id,
            level=answer.get("level"),
            example=answer.get("example"),
        )
        for outcome_id, answer in answers.items()
    )
    await session.flush()


async def delete_self_check(session: AsyncSession, learner_id: int, skill_id: str) -> None:
    await session.execute(
        delete(SelfCheckAnswer).where(
            SelfCheckAnswer.learner_id == learner_id, SelfCheckAnswer.skill_id == skill_id
        )
    )


async def load_portfolio(session: AsyncSession, learner_id: int) -> Portfolio:
    experiences = (
        await session.execute(
            select(Experience).where(Experience.learner_id == learner_id).order_by(Experience.id)
        )
    ).scalars()
    answers = (
        await session.execute(
            select(SelfCheckAnswer)
            .where(SelfCheckAnswer.learner_id == learner_id)
            .order_by(SelfCheckAnswer.id)
        )
    ).scalars()
    checks: dict[str, dict[str, dict[str, Any]]] = {}
    for answer in answers:
        checks.setdefault(answer.skill_id, {})[answer.outcome_id] = {
            "level": answer.level,
            "example": answer.example,
        }
    return Portfolio(
        experiences=tuple(_saved(e) for e in experiences),
        self_checks=checks,
        requests=await saved_requests(session, learner_id, now=datetime.now(UTC)),
        merits=await saved_merits(session, learner_id),
    )


def _saved(experience: Experience) -> SavedExperience:
    return SavedExperience(
        id=experience.id,
        kind=experience.kind,
        area=experience.area,
        role=experience.role,
        place=experience.place,
        start_year=experience.start_year,
        start_month=experience.start_month,
        end_year=experience.end_year,
        end_month=experience.end_month,
        ongoing=experience.ongoing,
        tasks=tuple(experience.tasks or ()),
        description=experience.description,
        skills=tuple(SavedSkill(c.skill_id, c.own_words) for c in experience.skill_claims),
    )
