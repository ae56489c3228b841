"""A running service with Jacob's shared portfolio, for every test module here."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from api.credentials.models import Credential
from api.settings import Settings
from tests.accessibility.site import AXE, LiveSite
from tests.portfolio.people import jacob_shares
from tests.servers import running_service
from tests.support.fixtures import unavailable


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        unavailable(f"axe-core is not installed at {AXE}: run `bash scripts/js-deps.sh`")
    return AXE.read_text(encoding="utf-8")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def live(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveSite]:
    folder = tmp_path_factory.mktemp("accessibility")
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite+aiosqlite:///{folder}/db.sqlite3",
        endorsement_rate_per_minute=10_000,
    )
    async with running_service(settings) as (url, app):
        jacob = await jacob_shares(app.state.sessions, settings)
        async with app.state.sessions() as session:
            credential = await session.get(Credential, jacob.credential_id)
            assert credential is not None
            document = dict(credential.document)
        yield LiveSite(url, jacob.token, jacob.credential_id, document)
