"""Maria takes back her answer through her link: it stops counting, its credential is revoked.

After answering, while the link still works, the thank-you page offers "Take back my
answer"; a confirmation page with a CSRF-protected button does it; Jacob hears about
it in his language, and anyone who checks the credential sees it was withdrawn.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio
from sqlalchemy import select

from api.credentials.models import Credential
from api.credentials.service import RETRACTED
from api.endorsements import service as endorsements
from api.endorsements.asking import saved_requests
from api.endorsements.models import EndorsementRequest
from api.i18n import render
from api.notices import service as notices
from api.notices.models import Notice
from api.skills.catalogue import Catalogue
from dialogs.endorsements import STATES
from tests.endorsements.conftest import Learner
from tests.endorsements.endorser_site import Site, now, open_site, site_settings
from tests.endorsements.test_issuing_queue import ANSWERED, maria_answers, queue, run_queue

_FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{64})"')


@pytest_asyncio.fixture
async def site(jacob: Learner, database_url: str, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(jacob, site_settings(database_url, tmp_path)) as opened:
        yield opened


async def answered_link(site: Site) -> str:
    """Maria's link after she has confirmed everything and her credential is signed."""
    token = await site.ask()
    assert (await site.send(token, await site.answer(token))).status_code == 303
    await site.credentials_signed()
    return token


async def credentials_of(site: Site) -> list[Credential]:
    async with site.learner.sessions() as session:
        return list((await session.execute(select(Credential))).scalars().all())


async def notices_of(site: Site, kind: str) -> list[Notice]:
    async with site.learner.sessions() as session:
        found = await session.execute(select(Notice).where(Notice.kind == kind))
        return list(found.scalars().all())


async def test_maria_takes_back_her_answer_and_her_credential_is_revoked(
    site: Site, catalogue: Catalogue
) -> None:
    token = await answered_link(site)
    [credential] = await credentials_of(site)

    thanks = await site.open(token, "en")
    assert "Take back my answer" in thanks.text
    assert f'href="/e/{token}/retract?lang=en"' in thanks.text

    confirm = await site.client.get(f"/e/{token}/retract", params={"lang": "en"})
    assert confirm.status_code == 200
    assert "Do you want to take back your answer?" in confirm.text
    assert f'href="/e/{token}?lang=en">No, keep my answer' in confirm.text
    hidden = _FORM_TOKEN.search(confirm.text)
    assert hidden

    # A post without the form's token (another site's form) changes nothing.
    forged = await site.client.post(f"/e/{token}/retract", params={"lang": "en"}, data={})
    assert forged.status_code == 303
    assert forged.headers["location"] == f"/e/{token}/retract?lang=en"
    assert (await site.endorsements())[0].retracted_at is None

    taken = await site.client.post(
        f"/e/{token}/retract", params={"lang": "en"}, data={"form_token": hidden[1]}
    )
    assert taken.status_code == 303 and taken.headers["location"] == f"/e/{token}?lang=en"

    [endorsement] = await site.endorsements()
    assert endorsement.retracted_at is not None
    [revoked] = await credentials_of(site)
    assert (revoked.id, revoked.revoked_reason) == (credential.id, RETRACTED)
    checked = (await site.client.post("/credentials/verify", json=revoked.document)).json()
    assert checked["verified"] is False
    assert [p["code"] for p in checked["problems"]] == ["revoked"]

    page = await site.open(token, "en")
    assert page.status_code == 410
    assert "Your answer is taken back" in page.text
    assert "Take back my answer" not in page.text

    # Jacob hears it in Swedish, his language.
    [notice] = await notices_of(site, endorsements.RETRACTED_NOTICE)
    async with site.learner.sessions() as session:
        news = await notices.compose(session, notice, catalogue)
    assert news is not None
    assert news.text.splitlines()[0] == "↩️ Maria Berg har tagit tillbaka sitt svar."
    assert "🏅 1 intyg från det svaret gäller inte längre." in news.text

    # His list no longer counts anything as confirmed, and says the answer was taken back.
    async with site.learner.sessions() as session:
        [summary] = await endorsements.requests_of(session, site.learner.id, now=now())
        [listed] = await saved_requests(session, site.learner.id, now=now())
    assert (summary.confirmed, summary.partly, summary.retracted) == (0, 0, True)
    assert listed.state == "retracted"
    assert render(STATES[listed.state][1], "sv") == "Hen tog tillbaka sitt svar."

    # Taking it back twice does nothing more.
    again = await site.client.post(
        f"/e/{token}/retract", params={"lang": "en"}, data={"form_token": hidden[1]}
    )
    assert again.status_code == 303
    assert len(await notices_of(site, endorsements.RETRACTED_NOTICE)) == 1
    assert (await site.client.get(f"/e/{token}/retract")).status_code == 303


async def test_the_page_is_in_every_language(site: Site) -> None:
    token = await answered_link(site)
    for lang, offer, question in (
        ("sv", "Ta tillbaka mitt svar", "Vill du ta tillbaka ditt svar?"),
        ("ar", "اسحب إجابتي", "هل تريد سحب إجابتك؟"),
    ):
        assert offer in (await site.open(token, lang)).text
        confirm = await site.client.get(f"/e/{token}/retract", params={"lang": lang})
        assert question in confirm.text


async def test_once_the_link_has_expired_the_answer_stays(site: Site) -> None:
    token = await answered_link(site)
    async with site.learner.sessions() as session, session.begin():
        request = await endorsements.request_by_token(session, token)
        assert request is not None
        request.expires_at = now() - timedelta(minutes=1)
    page = await site.open(token, "en")
    assert page.status_code == 200 and "Take back my answer" not in page.text
    assert (await site.client.get(f"/e/{token}/retract")).status_code == 303
    # Even a post with a good form token (from the form Maria filled in) changes nothing.
    good = {"form_token": site.form_tokens[token]}
    refused = await site.client.post(f"/e/{token}/retract", data=good)
    assert refused.status_code == 303
    assert (await site.endorsements())[0].retracted_at is None
    assert [c.revoked_at for c in await credentials_of(site)] == [None]


async def test_an_answer_taken_back_before_signing_gets_no_credential(
    jacob: Learner, catalogue: Catalogue
) -> None:
    await maria_answers(jacob, ("yes", "yes", "yes"))
    async with jacob.sessions() as session, session.begin():
        [request] = (await session.execute(select(EndorsementRequest))).scalars().all()
        assert await endorsements.retract(session, request, now=ANSWERED) == 0

    # The queue still holds the answer; it signs nothing for it and lets it go.
    assert len(await queue(jacob)) == 1
    assert await run_queue(jacob, catalogue, ANSWERED) == 1
    assert await queue(jacob) == []
    async with jacob.sessions() as session:
        assert (await session.execute(select(Credential))).first() is None
