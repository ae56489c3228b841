"""Links a learner makes to show one of their credentials on a public page.

A link carries a fresh random token (256 bits); only its SHA-256 is stored, so the
link can be shown once, in the turn that makes it, and never read back from the
database. Sharing again makes another link (the learner may have given the first
to someone else); stopping switches off every live link to that credential at once,
because the page looks the token up on every visit.

(All of a learner's credentials are shown on their portfolio page, api/portfolio,
whose link is the learner's other way to share.)
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import DateTime, ForeignKey, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from api.credentials.models import Credential
from api.db.base import Base, utcnow

TOKEN_BYTES: Final = 32
# What a token can look like: token_urlsafe(32) gives 43 characters.
TOKEN_MAX: Final = 64


class CredentialShare(Base):
    """A live (``stopped_at`` empty) or switched-off link to one credential."""

    __tablename__ = "credential_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    credential_id: Mapped[str] = mapped_column(ForeignKey("credentials.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def share_url(base_url: str, token: str) -> str:
    return f"{base_url}/m/{token}"


async def _owned(session: AsyncSession, learner_id: int, credential_id: str) -> bool:
    found = await session.execute(
        select(Credential.id).where(
            Credential.id == credential_id, Credential.learner_id == learner_id
        )
    )
    return found.first() is not None


async def share(
    session: AsyncSession, learner_id: int, credential_id: str, *, now: datetime
) -> str | None:
    """A new link's token; None when the learner holds no such credential."""
    if not await _owned(session, learner_id, credential_id):
        return None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        CredentialShare(
            learner_id=learner_id,
            credential_id=credential_id,
            token_hash=token_hash(token),
            created_at=now,
        )
    )
    await session.flush()
    return token


async def stop(session: AsyncSession, learner_id: int, credential_id: str, *, now: datetime) -> int:
    """Switch off every live link to the credential. How many were live."""
    result = await session.execute(
        update(CredentialShare)
        .where(
            CredentialShare.learner_id == learner_id,
            CredentialShare.stopped_at.is_(None),
            CredentialShare.credential_id == credential_id,
        )
        .values(stopped_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class Opened:
    learner_id: int
    credential_id: str
    live: bool


async def opened(session: AsyncSession, token: str) -> Opened | None:
    """The link's target, live or switched off; None for a token nobody was given."""
    if not token or len(token) > TOKEN_MAX:
        return None
    row = (
        await session.execute(
            select(CredentialShare).where(CredentialShare.token_hash == token_hash(token))
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    return Opened(row.learner_id, row.credential_id, row.stopped_at is None)


async def shared_ids(session: AsyncSession, learner_id: int) -> set[str]:
    """Which of the learner's credentials have a live link."""
    rows = await session.execute(
        select(CredentialShare.credential_id).where(
            CredentialShare.learner_id == learner_id, CredentialShare.stopped_at.is_(None)
        )
    )
    return {credential_id for (credential_id,) in rows}
