"""Everything stored about one learner, as one JSON document they can keep (/mydata).

Read straight from the tables, so nothing the service keeps is left out by a summary
that forgot a field. Left out on purpose: secrets that open something (hashes of
links and codes, worker leases) and the endorser's own address on their answer,
which is the endorser's, not the learner's.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from api.conversations.models import Conversation
from api.credentials.models import Credential
from api.endorsements import service as endorsements
from api.endorsements.models import EndorsementRequest
from api.experiences.models import Experience, SelfCheckAnswer
from api.learners.models import Learner
from api.mentors.models import Mentor, MentorInvite, MentorLink
from api.notices.models import Notice
from api.portfolio.models import SharedPortfolio

FORMAT: Final = "meritkompis-my-data/1"
# Columns that are keys to something, or someone else's, never handed out.
HIDDEN: Final = frozenset(
    {
        "token_hash",
        "key_hash",
        "email_code_hash",
        "email_code_expires_at",
        "email_code_attempts",
        "lease_owner",
        "lease_until",
    }
)


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(row: DeclarativeBase, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {
        column.key: _value(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in HIDDEN and column.key not in skip
    }


async def everything_about(
    session: AsyncSession, learner_id: int, *, now: datetime
) -> dict[str, Any]:
    """The learner's data; empty sections are there too, so the file shows what can be kept."""
    learner = await session.get(Learner, learner_id)
    if learner is None:
        raise LookupError(f"no learner {learner_id}")
    mine = {"learner_id": learner_id}
    return {
        "format": FORMAT,
        "exported_at": _value(now),
        "profile": _row(learner),
        "experiences": [
            _row(experience) | {"skill_claims": [_row(c) for c in experience.skill_claims]}
            for experience in await _all(session, Experience, mine)
        ],
        "self_checks": [_row(answer) for answer in await _all(session, SelfCheckAnswer, mine)],
        "endorsement_requests": [
            _request(request, now) for request in await _all(session, EndorsementRequest, mine)
        ],
        "credentials": [_row(credential) for credential in await _all(session, Credential, mine)],
        "news": [_row(notice) for notice in await _all(session, Notice, mine)],
        "shared_portfolio_links": [
            _row(link) for link in await _all(session, SharedPortfolio, mine)
        ],
        "mentors": await _mentors(session, learner_id),
        "conversations": [_row(chat) for chat in await _all(session, Conversation, mine)],
    }


def as_file(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode()


async def _all(session: AsyncSession, model: type[Any], where: dict[str, Any]) -> list[Any]:
    rows = await session.execute(
        select(model).filter_by(**where).order_by(*model.__table__.primary_key.columns)
    )
    return list(rows.scalars())


def _request(request: EndorsementRequest, now: datetime) -> dict[str, Any]:
    found = _row(request) | {
        "state": endorsements.state_of(request, now).value,
        "asked": [_row(asked) for asked in request.outcomes],
        "answer": None,
    }
    answer = request.endorsement
    if answer is not None:
        found["answer"] = _row(answer, skip=frozenset({"email"})) | {
            "verdicts": [_row(verdict) for verdict in answer.verdicts]
        }
    return found


async def _mentors(session: AsyncSession, learner_id: int) -> dict[str, Any]:
    links = await session.execute(
        select(MentorLink, Mentor.name)
        .join(Mentor, Mentor.id == MentorLink.mentor_id)
        .where(MentorLink.learner_id == learner_id)
        .order_by(MentorLink.id)
    )
    invites = await _all(session, MentorInvite, {"learner_id": learner_id})
    return {
        "links": [_row(link) | {"mentor_name": name} for link, name in links.all()],
        "invites": [_row(invite) for invite in invites],
    }
