"""Sharing the portfolio, and what the public page may show of it.

A link's token (``secrets``, 192 bits) is shown to the learner once, in the chat turn
that makes it; only its SHA-256 is stored. At most one link per learner is live:
turning sharing on again stops the old link and makes a new one.

``public_portfolio`` is the one place that decides what a stranger with the link
sees. It reads endorsements only for their verdicts and the kind of relationship:
never an endorser's name, address or comments.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.credentials.models import Credential
from api.credentials.service import may_issue
from api.endorsements.models import Endorsement, EndorsementRequest
from api.experiences.models import Experience, SelfCheckAnswer
from api.learners.models import Learner
from api.portfolio.models import SharedPortfolio
from api.skills.catalogue import Catalogue

# 24 bytes: 192 bits, well over the 128 a link that cannot be guessed needs.
TOKEN_BYTES: Final = 24
MAX_TOKEN_LENGTH: Final = 128


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def start_sharing(session: AsyncSession, learner_id: int, *, now: datetime) -> str:
    """A new link to the learner's page (any older one stops); returns its token."""
    await stop_sharing(session, learner_id, now=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        SharedPortfolio(learner_id=learner_id, token_hash=token_hash(token), created_at=now)
    )
    await session.flush()
    return token


async def stop_sharing(session: AsyncSession, learner_id: int, *, now: datetime) -> bool:
    """Stop the live link, if any; True when one was live."""
    result = await session.execute(
        update(SharedPortfolio)
        .where(SharedPortfolio.learner_id == learner_id, SharedPortfolio.stopped_at.is_(None))
        .values(stopped_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def is_sharing(session: AsyncSession, learner_id: int) -> bool:
    found = await session.execute(
        select(SharedPortfolio.id).where(
            SharedPortfolio.learner_id == learner_id, SharedPortfolio.stopped_at.is_(None)
        )
    )
    return found.first() is not None


async def shared_learner(session: AsyncSession, token: str) -> Learner | None:
    """The learner whose live link this is; None for a stopped, unknown or garbage token."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = await session.execute(
        select(Learner)
        .join(SharedPortfolio, SharedPortfolio.learner_id == Learner.id)
        .where(
            SharedPortfolio.token_hash == token_hash(token), SharedPortfolio.stopped_at.is_(None)
        )
    )
    return found.scalar_one_or_none()


# --------------------------------------------------------------------------- the page's data


@dataclass(frozen=True, slots=True)
class ShownOutcome:
    text: str
    # Confirmed by someone who saw the learner at work (an endorser answered "yes").
    confirmed: bool


@dataclass(frozen=True, slots=True)
class ShownSkill:
    picture: str
    name: str
    outcomes: tuple[ShownOutcome, ...]
    # A skill in the learner's own words has no catalogue outcomes; it may be confirmed.
    own_words: bool = False
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class ShownExperience:
    kind: str
    role: str
    place: str
    start: tuple[int, int | None] | None
    end: tuple[int, int | None] | None
    ongoing: bool
    skills: tuple[ShownSkill, ...]


@dataclass(frozen=True, slots=True)
class ShownCheck:
    """A general work skill the learner checked: each outcome with the learner's answer."""

    picture: str
    name: str
    # (outcome text, "yes" | "help" | "not_yet")
    answers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ShownCredential:
    id: str
    title: str
    issued: datetime


@dataclass(frozen=True, slots=True)
class PublicPortfolio:
    first_name: str
    locale: str
    experiences: tuple[ShownExperience, ...]
    checks: tuple[ShownCheck, ...]
    credentials: tuple[ShownCredential, ...]

    @property
    def confirmed_count(self) -> int:
        return sum(
            sum(o.confirmed for o in s.outcomes) + (s.own_words and s.confirmed)
            for e in self.experiences
            for s in e.skills
        )

    @property
    def skill_count(self) -> int:
        return sum(len(e.skills) for e in self.experiences)


async def public_portfolio(
    session: AsyncSession, learner: Learner, catalogue: Catalogue, locale: str
) -> PublicPortfolio:
    """Everything the public page shows, in ``locale``, in five queries whatever the size."""
    experiences = (
        (
            await session.execute(
                select(Experience)
                .where(Experience.learner_id == learner.id)
                .order_by(Experience.start_year.desc().nulls_last(), Experience.id.desc())
            )
        )
        .scalars()
        .all()
    )
    requests = (
        (
            await session.execute(
                select(EndorsementRequest)
                .where(EndorsementRequest.learner_id == learner.id)
                .order_by(EndorsementRequest.created_at.desc(), EndorsementRequest.id.desc())
            )
        )
        .scalars()
        .all()
    )
    confirmed = _confirmed(requests)
    checks = (
        (
            await session.execute(
                select(SelfCheckAnswer)
                .where(SelfCheckAnswer.learner_id == learner.id)
                .order_by(SelfCheckAnswer.id)
            )
        )
        .scalars()
        .all()
    )
    credentials = (
        (
            await session.execute(
                select(Credential)
                .where(Credential.learner_id == learner.id, Credential.revoked_at.is_(None))
                .order_by(Credential.issued_at.desc())
            )
        )
        .scalars()
        .all()
    )
    return PublicPortfolio(
        first_name=_first_name(requests),
        locale=locale,
        experiences=tuple(_experience(e, confirmed, catalogue, locale) for e in experiences),
        checks=_checks(checks, catalogue, locale),
        credentials=tuple(
            ShownCredential(c.id, str(c.document.get("name", "")), c.issued_at) for c in credentials
        ),
    )


def _first_name(requests: Iterable[EndorsementRequest]) -> str:
    # The name the learner last gave when asking someone to confirm: the first word only.
    for request in requests:
        words = request.learner_name.split()
        if words:
            return words[0][:40]
    return ""


# (experience id, skill id, outcome id) or (experience id, None, own words) confirmed "yes".
Confirmed = set[tuple[int, str | None, str | None]]


def _confirmed(requests: Iterable[EndorsementRequest]) -> Confirmed:
    confirmed: Confirmed = set()
    for request in requests:
        endorsement: Endorsement | None = request.endorsement
        if endorsement is None or not may_issue(endorsement):
            # Retracted, undeclared or looking like the learner's own answer: not a confirmation.
            continue
        said = {v.asked_outcome_id: v.verdict for v in endorsement.verdicts}
        for asked in request.outcomes:
            if said.get(asked.id) != "yes":
                continue
            if asked.skill_id and asked.outcome_id:
                confirmed.add((request.experience_id, asked.skill_id, asked.outcome_id))
            elif asked.own_words:
                confirmed.add((request.experience_id, None, asked.own_words))
    return confirmed


def _experience(
    experience: Experience, confirmed: Confirmed, catalogue: Catalogue, locale: str
) -> ShownExperience:
    skills: list[ShownSkill] = []
    for claim in experience.skill_claims:
        if claim.skill_id:
            skill = catalogue.get(claim.skill_id)
            if skill is None:
                continue
            outcomes = tuple(
                ShownOutcome(o.in_locale(locale), (experience.id, skill.id, o.id) in confirmed)
                for o in skill.outcomes
            )
            skills.append(ShownSkill(skill.picture, skill.name_in(locale), outcomes))
        elif claim.own_words:
            skills.append(
                ShownSkill(
                    "✍️",
                    claim.own_words,
                    (),
                    own_words=True,
                    confirmed=(experience.id, None, claim.own_words) in confirmed,
                )
            )
    start = (experience.start_year, experience.start_month) if experience.start_year else None
    end = None
    if experience.end_year and not experience.ongoing:
        end = (experience.end_year, experience.end_month)
    return ShownExperience(
        kind=experience.kind,
        role=experience.role,
        place=experience.place,
        start=start,
        end=end,
        ongoing=experience.ongoing,
        skills=tuple(skills),
    )


def _checks(
    answers: Iterable[SelfCheckAnswer], catalogue: Catalogue, locale: str
) -> tuple[ShownCheck, ...]:
    by_skill: dict[str, dict[str, str]] = defaultdict(dict)
    for answer in answers:
        if answer.level:
            by_skill[answer.skill_id][answer.outcome_id] = answer.level
    shown: list[ShownCheck] = []
    # In the catalogue's order, the order the self-check asks them in.
    for skill in catalogue.general_skills():
        levels = by_skill.get(skill.id)
        if not levels:
            continue
        lines = tuple((o.in_locale(locale), levels[o.id]) for o in skill.outcomes if o.id in levels)
        shown.append(ShownCheck(skill.picture, skill.name_in(locale), lines))
    return tuple(shown)
