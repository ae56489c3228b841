"""What ``meritkompis apikey`` and ``meritkompis signing-key`` do."""

from __future__ import annotations

from datetime import UTC, datetime

from api.credentials import apikeys, keys
from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.settings import Settings


async def create_api_key(settings: Settings, scopes: set[str], name: str) -> str:
    """Make a key with these scopes; returns it (only its hash is stored)."""
    if settings.database_url_resolved.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.database_url_resolved)
    try:
        await upgrade(engine)
        async with create_session_factory(engine)() as session, session.begin():
            _, key = await apikeys.create(session, scopes, name=name, now=datetime.now(UTC))
    finally:
        await engine.dispose()
    return key


async def rotate_signing_key(settings: Settings) -> str:
    """Retire the signing key and make a new one; returns the new public key."""
    if settings.database_url_resolved.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    kek = keys.load_kek(settings)
    engine = create_engine(settings.database_url_resolved)
    try:
        await upgrade(engine)
        async with create_session_factory(engine)() as session, session.begin():
            row = await keys.rotate(session, kek, datetime.now(UTC))
            multibase = row.public_key_multibase
    finally:
        await engine.dispose()
    return multibase
