"""A learner's credentials: as the chat lists them, and a page at a time for the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.credentials import sharing
from api.credentials.models import Credential
from api.credentials.sharing import shared_ids
from api.endorsements.models import Endorsement
from dialogs.portfolio import SavedMerit


async def saved_merits(session: AsyncSession, learner_id: int) -> tuple[SavedMerit, ...]:
    """Newest first; only the columns a list needs, never the signed documents."""
    rows = await session.execute(
        select(
            Credential.id,
            Credential.skill_id,
            Credential.issued_at,
            Credential.revoked_at,
            Endorsement.name,
        )
        .outerjoin(Endorsement, Endorsement.id == Credential.endorsement_id)
        .where(Credential.learner_id == learner_id)
        .order_by(Credential.issued_at.desc(), Credential.id)
    )
    found = rows.all()
    if not found:
        return ()
    shared = await shared_ids(session, learner_id)
    return tuple(
        SavedMerit(
            id=credential_id,
            skill_id=skill_id,
            issued_on=(issued if issued.tzinfo else issued.replace(tzinfo=UTC)).date(),
            endorser_name=endorser or "",
            withdrawn=revoked is not None,
            shared=credential_id in shared,
        )
        for credential_id, skill_id, issued, revoked, endorser in found
    )


@dataclass(frozen=True, slots=True)
class Page:
    documents: tuple[dict[str, Any], ...]
    total: int
    page: int
    per_page: int

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


async def valid_credentials(
    session: AsyncSession, learner_id: int, *, page: int, per_page: int
) -> Page:
    """The learner's credentials they have not withdrawn, newest first, one page of them."""
    mine = (Credential.learner_id == learner_id, Credential.revoked_at.is_(None))
    total = (
        await session.execute(select(func.count()).select_from(Credential).where(*mine))
    ).scalar_one()
    rows = await session.execute(
        select(Credential.document)
        .where(*mine)
        .order_by(Credential.issued_at.desc(), Credential.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return Page(tuple(document for (document,) in rows), int(total), page, per_page)


async def page_for_link(
    session: AsyncSession, token: str, *, page: int, per_page: int
) -> Page | None:
    """What a learner's live link lets its holder list; None for a stopped or unknown one.

    A merit's link (api/credentials/sharing.py) lists that merit; the learner's portfolio
    link (api/portfolio) lists all their merits.
    """
    link = await sharing.opened(session, token)
    if link is not None:
        if not link.live:
            return None
        row = await session.get(Credential, link.credential_id)
        shown = () if row is None or row.revoked_at is not None else (row.document,)
        return Page(shown if page == 1 else (), len(shown), page, per_page)
    from api.portfolio.service import shared_learner

    learner = await shared_learner(session, token)
    if learner is None:
        return None
    return await valid_credentials(session, learner.id, page=page, per_page=per_page)
