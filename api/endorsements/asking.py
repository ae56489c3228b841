"""The learner's side of endorsement requests: making, reminding, and the list in short.

Thin over ``api.endorsements.service``: it turns the chat's actions into requests and
the requests into the portfolio snapshot the dialogs read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.endorsements import service
from api.endorsements.invitation import Invitation, facts_of, link_for, write_invitation
from api.endorsements.models import EndorsementRequest
from api.skills.catalogue import Catalogue
from dialogs.outputs import AskForEndorsement
from dialogs.portfolio import SavedRequest


async def saved_requests(
    session: AsyncSession, learner_id: int, *, now: datetime
) -> tuple[SavedRequest, ...]:
    return tuple(
        SavedRequest(
            id=summary.id,
            experience_id=summary.experience_id,
            endorser_name=summary.endorser_name,
            endorser_role=summary.endorser_role,
            # The list says so when the endorser took the answer back.
            state="retracted" if summary.retracted else summary.state.value,
            outcome_count=summary.outcome_count,
            confirmed=summary.confirmed,
            partly=summary.partly,
            expires_on=summary.expires_at.date(),
        )
        for summary in await service.requests_of(session, learner_id, now=now)
    )


async def make_request(
    session: AsyncSession,
    learner_id: int,
    action: AskForEndorsement,
    *,
    now: datetime,
    lifetime: timedelta,
    base_url: str,
    catalogue: Catalogue,
    web_chat: str | None = None,
) -> tuple[EndorsementRequest, Invitation, str]:
    """Store the request; returns it, its message, and the link (known only now)."""
    request, token = await service.create_request(
        session,
        service.NewRequest(
            learner_id=learner_id,
            experience_id=action.experience_id,
            learner_name=action.learner_name,
            endorser_name=action.endorser_name,
            endorser_role=action.endorser_role,
            endorser_email=action.endorser_email,
            endorser_phone=action.endorser_phone,
            locale=action.locale,
            items=[service.AskedItem(s, o, w) for s, o, w in action.items],
            learner_web_chat=web_chat,
        ),
        now=now,
        lifetime=lifetime,
    )
    link = link_for(base_url, token)
    return request, write_invitation(await facts_of(session, request, link, catalogue)), link


async def make_reminder(
    session: AsyncSession,
    learner_id: int,
    request_id: int,
    *,
    now: datetime,
    base_url: str,
    catalogue: Catalogue,
) -> tuple[EndorsementRequest, Invitation, str] | None:
    """A reminder with a fresh link; None when the request is closed or not the learner's."""
    token = await service.remind(session, learner_id, request_id, now=now)
    request = await service.learner_request(session, learner_id, request_id)
    if token is None or request is None:
        return None
    link = link_for(base_url, token)
    facts = await facts_of(session, request, link, catalogue)
    return request, write_invitation(facts, reminder=True), link
