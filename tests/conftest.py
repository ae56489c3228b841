"""Fixtures shared by the whole suite.

``database_url`` runs a test once on a SQLite file and once on a real PostgreSQL
server (started by tests/support; in CI it must be there). ``service`` is the
conversation service on a migrated database of that kind.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.skills.catalogue import Catalogue, default_catalogue
from api.skills.matcher import SkillMatcher
from bot.conversation import ConversationService

pytest_plugins = ("tests.support.fixtures",)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return default_catalogue()


@pytest.fixture(scope="session")
def matcher(catalogue: Catalogue) -> SkillMatcher:
    return SkillMatcher(catalogue)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'meritkompis.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'meritkompis.sqlite3'}"


@pytest_asyncio.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def service(
    engine: AsyncEngine, catalogue: Catalogue, matcher: SkillMatcher
) -> ConversationService:
    return ConversationService(create_session_factory(engine), catalogue, matcher)
