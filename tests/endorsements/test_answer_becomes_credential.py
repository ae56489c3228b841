"""An endorser's answer on the page becomes a signed credential that anyone can verify."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from sqlalchemy import select

from api.credentials.models import Credential
from api.skills.catalogue import default_catalogue
from tests.endorsements.conftest import Learner
from tests.endorsements.endorser_site import Site, open_site, site_settings

ROOMS = default_catalogue().skill("hotel_room_cleaning")


@pytest_asyncio.fixture
async def site(jacob: Learner, database_url: str, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(jacob, site_settings(database_url, tmp_path)) as opened:
        yield opened


async def credentials_of(site: Site) -> list[Credential]:
    async with site.learner.sessions() as session:
        return list((await session.execute(select(Credential))).scalars().all())


async def test_confirmed_outcomes_become_one_verifiable_credential(site: Site) -> None:
    token = await site.ask()
    _rooms, second, _own_words = (o.id for o in (await site.stored(token)).outcomes)
    fields = await site.answer(token) | {f"verdict-{second}": "partly"}
    assert (await site.send(token, fields)).status_code == 303

    # The answer is stored at once; the news loop signs its credential right after.
    await site.credentials_signed()
    [credential] = await credentials_of(site)
    assert credential.skill_id == "hotel_room_cleaning"
    said = str(credential.document["credentialSubject"])
    # In the request's language, only what the endorser saw in full: not "partly".
    assert ROOMS.outcome("prepares_guest_rooms").text["sv"] in said
    assert ROOMS.outcome("reports_room_issues").text["sv"] not in said

    verified = await site.client.post("/credentials/verify", json=credential.document)
    assert verified.status_code == 200 and verified.json()["verified"] is True

    # A second submit changes nothing and issues nothing more.
    await site.send(token, await site.answer(token))
    await site.credentials_signed()
    assert [c.id for c in await credentials_of(site)] == [credential.id]
