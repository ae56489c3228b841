"""Erasing a learner: nothing personal stays, and what others hold stops vouching for them.

In one transaction, before the learner's rows go (ON DELETE CASCADE takes their
experiences, self-checks, requests, answers, news, shared links and chats):

* every credential issued to them is revoked, and the copy we keep is cut down to its
  id and its status entry: the slot in the status list must stay, or a copy the
  learner shared would verify as valid again;
* their open endorsement requests are cancelled: each link's hash is kept as a
  ``WithdrawnLink`` until it would have expired, so an endorser who opens it reads
  "withdrawn" rather than "we cannot find this link";
* their mentors are unlinked (api/mentors/service.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.credentials import service as credentials
from api.credentials.models import Credential
from api.endorsements import service as endorsements
from api.endorsements.models import EndorsementRequest, RequestLink
from api.i18n import render, resolve_locale
from api.learners.models import Learner
from api.mentors.service import unlink_all
from api.privacy.models import WithdrawnLink
from dialogs.texts import N_

# A credential revoked because its holder asked us to forget them.
ERASED: Final = "learner_erased"
SOMEONE: Final = N_("The person who asked you")


@dataclass(frozen=True, slots=True)
class Erased:
    """What the erasure did, in counts (for the log and the tests)."""

    credentials_revoked: int
    requests_cancelled: int


async def erase_learner(session: AsyncSession, learner_id: int, *, now: datetime) -> Erased:
    revoked = await _revoke_credentials(session, learner_id, now)
    cancelled = await _withdraw_open_requests(session, learner_id, now)
    await unlink_all(session, learner_id)
    await session.execute(delete(Learner).where(Learner.id == learner_id))
    return Erased(revoked, cancelled)


def credential_remains(document: dict[str, Any]) -> dict[str, Any]:
    """What is kept of an erased learner's credential: its id and its revocation slot."""
    return {key: document[key] for key in ("id", "credentialStatus") if key in document}


async def _revoke_credentials(session: AsyncSession, learner_id: int, now: datetime) -> int:
    rows = await session.execute(select(Credential).where(Credential.learner_id == learner_id))
    count = 0
    for credential in rows.scalars():
        if credential.revoked_at is None:
            await credentials.revoke(session, credential.id, reason=ERASED, now=now)
            count += 1
        credential.document = credential_remains(credential.document)
        credential.learner_id = None
        credential.endorsement_id = None
        credential.skill_id = None
    await session.flush()
    return count


async def _withdraw_open_requests(session: AsyncSession, learner_id: int, now: datetime) -> int:
    requests = await session.execute(
        select(EndorsementRequest).where(EndorsementRequest.learner_id == learner_id)
    )
    count = 0
    for request in requests.scalars():
        if endorsements.state_of(request, now) not in endorsements.OPEN_STATES:
            continue
        request.status = endorsements.RequestState.CANCELLED.value
        request.closed_at = now
        links = await session.execute(
            select(RequestLink.token_hash).where(RequestLink.request_id == request.id)
        )
        session.add_all(
            WithdrawnLink(
                token_hash=token_hash,
                locale=request.locale,
                withdrawn_at=now,
                expires_at=endorsements.as_utc(request.expires_at),
            )
            for token_hash in links.scalars()
        )
        count += 1
    await session.flush()
    return count


async def withdrawn_request(
    session: AsyncSession, token: str, page_locale: str | None = None
) -> EndorsementRequest | None:
    """A stand-in for the request behind a withdrawn link: cancelled, naming nobody.

    ``page_locale`` is the language the endorser chose for the page (``?lang=``), if
    any. The stand-in is never added to the session, so nothing about it is written.
    """
    if not token or len(token) > 128:
        return None
    link = await session.get(WithdrawnLink, endorsements.token_hash(token))
    if link is None:
        return None
    return EndorsementRequest(
        id=0,
        # The page says "{name} does not need an answer any more": no name is kept.
        learner_name=render(SOMEONE, resolve_locale(page_locale, link.locale)),
        endorser_name="",
        locale=link.locale,
        status=endorsements.RequestState.CANCELLED.value,
        created_at=link.withdrawn_at,
        expires_at=link.expires_at,
        closed_at=link.withdrawn_at,
        outcomes=[],
        endorsement=None,
    )


async def drop_expired_links(session: AsyncSession, *, now: datetime) -> int:
    """Withdrawn links past the date they would have stopped working anyway."""
    result = await session.execute(delete(WithdrawnLink).where(WithdrawnLink.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


__all__ = ["ERASED", "Erased", "credential_remains", "drop_expired_links", "erase_learner"]
