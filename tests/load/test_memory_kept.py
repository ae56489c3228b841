"""What the service keeps in memory per link goes when the link is done with.

The load run (bench/bench_load.py) saw the service grow by about 20 kB for every
endorser's link opened: the unfilled form kept for the next visit
(api/endorsements/rendered.py), kept after the answer too, until a thousand other
links pushed it out. A link answered shows its thanks, never its form again, so its
pages go with the answer, in every language it was opened in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from api.endorsements.web import pages_of
from tests.endorsements.conftest import Learner, jacob
from tests.endorsements.endorser_site import Site, open_site, site_settings

__all__ = ["jacob"]  # the fixture: Jacob and his internship, on SQLite and PostgreSQL


@pytest_asyncio.fixture
async def site(jacob: Learner, database_url: str, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(jacob, site_settings(database_url, tmp_path)) as opened:
        yield opened


async def test_an_answered_links_form_leaves_memory_and_others_stay(site: Site) -> None:
    maria, ahmed = await site.ask(), await site.ask(endorser_name="Ahmed Nour")
    kept = pages_of(site.app).forms
    assert (await site.open(maria)).status_code == 200
    assert (await site.open(maria, lang="en")).status_code == 200
    assert (await site.open(ahmed)).status_code == 200
    assert len(kept) == 3  # Maria's form in Swedish and in English, Ahmed's in Swedish

    assert (await site.send(maria, await site.answer(maria))).status_code == 303

    assert len(kept) == 1  # Ahmed's, who has not answered yet
    thanks = await site.open(maria)
    assert thanks.status_code == 200 and 'name="form_token"' not in thanks.text
    assert len(kept) == 1
    assert 'name="form_token"' in (await site.open(ahmed)).text
