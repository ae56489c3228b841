"""Organisation API keys for the issuing API: shown once, stored only as a SHA-256 hash.

A key reads ``mk_<43 url-safe characters>`` (256 random bits), so a hash without a
salt is enough: nobody can guess their way through the key space.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.credentials.models import ApiKey

SCOPES: Final = frozenset({"issue", "revoke"})
PREFIX: Final = "mk_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


async def create(
    session: AsyncSession, scopes: set[str], *, name: str = "", now: datetime
) -> tuple[ApiKey, str]:
    """A new key with these scopes; returns the row and the key (the only time it exists)."""
    unknown = scopes - SCOPES
    if not scopes or unknown:
        raise ValueError(f"scopes must be some of {sorted(SCOPES)}")
    key = PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name, key_hash=key_hash(key), scopes=" ".join(sorted(scopes)), created_at=now)
    session.add(row)
    await session.flush()
    return row, key


async def lookup(session: AsyncSession, key: str, *, now: datetime) -> ApiKey | None:
    """The key's row when the key exists and is not revoked; marks it used."""
    if not key.startswith(PREFIX):
        return None
    row = (
        await session.execute(select(ApiKey).where(ApiKey.key_hash == key_hash(key)))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = now
    return row


def allows(row: ApiKey, scope: str) -> bool:
    return scope in row.scopes.split()
