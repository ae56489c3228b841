"""The endorser's page reads its request in one statement and keeps its unfilled form.

The quick read (a plain SQLite connection, or the async engine elsewhere) gives the
same facts as the ORM; the form kept in memory differs per visit only in the link
and the form token, shows a corrected experience at once, and never outlives the
link (a cancelled request's page stops at once).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio
from sqlalchemy import update

from api.endorsements import service as endorsements
from api.endorsements.reading import LinkReader, experience_facts, linked_from_request
from api.endorsements.rendered import FORM_TOKEN_MARKER, LINK_MARKER
from api.endorsements.web import pages_of
from api.experiences.models import Experience
from tests.endorsements.conftest import Learner
from tests.endorsements.endorser_site import LIFETIME, Site, now, open_site, site_settings

_FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{64})"')


@pytest_asyncio.fixture
async def site(jacob: Learner, database_url: str, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(jacob, site_settings(database_url, tmp_path)) as opened:
        yield opened


async def test_the_quick_read_finds_what_the_orm_finds(jacob: Learner, database_url: str) -> None:
    async with jacob.sessions() as session, session.begin():
        _, token = await endorsements.create_request(
            session, jacob.request(), now=now(), lifetime=LIFETIME
        )
    reader = LinkReader(database_url, jacob.sessions)
    try:
        quick = await reader.linked(token)
        async with jacob.sessions() as session:
            loaded = await endorsements.request_by_token(session, token)
            assert loaded is not None
            slow = linked_from_request(
                loaded, await experience_facts(session, loaded.experience_id)
            )
        assert quick is not None
        assert quick.shown() == slow.shown()
        assert (quick.status, quick.locale, quick.learner_name) == ("sent", "sv", "Jacob")
        assert endorsements.as_utc(quick.expires_at) == endorsements.as_utc(slow.expires_at)
        assert [a.own_words for a in quick.outcomes][-1] == "Folding towels the hotel's way"
        assert quick.experience is not None and quick.experience.place == "Hotell Norra"
        for guess in (token + "x", "", "x" * 500):
            assert await reader.linked(guess) is None
    finally:
        reader.close()


async def test_two_visitors_get_the_same_page_but_their_own_form_token(site: Site) -> None:
    token = await site.ask()
    first = await site.open(token)
    transport = httpx.ASGITransport(app=site.app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        second = await other.get(f"/e/{token}")
    assert first.status_code == second.status_code == 200
    mine, theirs = _FORM_TOKEN.search(first.text), _FORM_TOKEN.search(second.text)
    assert mine and theirs and mine[1] != theirs[1]
    assert first.text.replace(mine[1], "") == second.text.replace(theirs[1], "")
    assert LINK_MARKER not in first.text and FORM_TOKEN_MARKER not in first.text
    assert f'action="/e/{token}?lang=sv"' in first.text
    assert len(pages_of(site.app).forms) == 1

    # The form from memory posts like any other.
    assert (await site.send(token, await site.answer(token))).status_code == 303


async def test_a_corrected_experience_shows_at_once(site: Site) -> None:
    token = await site.ask()
    assert "Rumsstädare" in (await site.open(token)).text
    async with site.learner.sessions() as session, session.begin():
        await session.execute(
            update(Experience)
            .where(Experience.id == site.learner.experience_id)
            .values(role="Hotellstädare")
        )
    page = (await site.open(token)).text
    assert "Hotellstädare" in page and "Rumsstädare" not in page


async def test_a_cancelled_link_stops_at_once_though_its_page_was_kept(site: Site) -> None:
    token = await site.ask()
    assert (await site.open(token)).status_code == 200
    request = await site.stored(token)
    async with site.learner.sessions() as session, session.begin():
        assert await endorsements.cancel(session, site.learner.id, request.id, now=now())
    assert (await site.open(token)).status_code == 410
