"""The endorser's page over HTTP: open the link, answer, decline, confirm the e-mail.

Every state of a link and every kind of mistake ends on a page in the endorser's
language, with a status that says what happened, and nothing stored is lost.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest_asyncio
from sqlalchemy import select

from api.endorsements import service as endorsements
from api.notices.models import Notice
from api.skills.catalogue import default_catalogue
from bot.webchat.routes import chat_id
from tests.endorsements.conftest import Learner
from tests.endorsements.endorser_site import (
    LIFETIME,
    Site,
    mail_catcher,
    now,
    open_site,
    site_settings,
)

ROOMS = default_catalogue().skill("hotel_room_cleaning").outcome("prepares_guest_rooms")


@pytest_asyncio.fixture
async def site(jacob: Learner, database_url: str, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(jacob, site_settings(database_url, tmp_path)) as opened:
        yield opened


def text_of(html: str) -> str:
    """The words on a page, without tags, for checking what a person reads."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


async def test_the_link_shows_exactly_the_asked_outcomes_in_the_learners_language(
    site: Site,
) -> None:
    token = await site.ask(endorser_phone="+46 70 123 45 67")
    page = await site.open(token)
    assert page.status_code == 200
    assert '<html lang="sv" dir="ltr">' in page.text
    words = text_of(page.text)
    assert "Bekräfta vad Jacob kan" in words
    assert f"Innehavaren kan {ROOMS.text['sv']}" in words
    assert "Folding towels the hotel's way" in words  # the learner's own words, as typed
    assert "Rumsstädare" in words and "Hotell Norra" in words and "mars 2026 till nu" in words
    # Only what the endorser needs: not the phone number, no other skill of the learner.
    assert "123 45 67" not in words
    not_asked = [
        outcome
        for outcome in default_catalogue().skill("hotel_room_cleaning").outcomes
        if outcome.id not in ("prepares_guest_rooms", "reports_room_issues")
    ]
    assert not_asked and all(outcome.text["sv"] not in words for outcome in not_asked)
    # The form opens filled with what the learner already said about the endorser.
    assert 'value="Maria Berg"' in page.text and 'value="2026-03"' in page.text
    assert (await site.stored(token)).status == "opened"


async def test_the_language_switch_turns_the_page_to_arabic_right_to_left(site: Site) -> None:
    token = await site.ask(locale="en")
    english = await site.open(token)
    assert f"The holder can {ROOMS.text['en']}" in text_of(english.text)
    arabic = await site.open(token, lang="ar")
    assert '<html lang="ar" dir="rtl">' in arabic.text
    assert f"يستطيع حامل الشهادة أن {ROOMS.text['ar']}" in text_of(arabic.text)
    assert 'aria-current="page">العربية</a>' in arabic.text
    unknown = await site.open(token, lang="xx")
    assert '<html lang="en" dir="ltr">' in unknown.text


async def test_an_answer_is_stored_once_and_a_second_one_changes_nothing(site: Site) -> None:
    token = await site.ask()
    fields = await site.answer(token)
    first, second, third = (o.id for o in (await site.stored(token)).outcomes)
    fields |= {
        f"verdict-{second}": "partly",
        f"comment-{second}": "Mostly, with help.",
        f"verdict-{third}": "no",
    }
    sent = await site.send(token, fields)
    assert sent.status_code == 303 and sent.headers["location"] == f"/e/{token}?lang=sv"
    thanks = await site.open(token)
    assert thanks.status_code == 200 and "Tack!" in thanks.text

    again = await site.send(token, await site.answer(token, name="Someone Else"))
    assert again.status_code == 409
    assert "Du har redan svarat" in again.text
    [stored] = await site.endorsements()
    assert stored.name == "Maria Berg" and stored.relationship_kind == "supervisor"
    assert [(v.verdict, v.comment) for v in stored.verdicts] == [
        ("yes", ""),
        ("partly", "Mostly, with help."),
        ("no", ""),
    ]
    assert (stored.period_from, stored.period_to) == ("2026-03", None)
    assert stored.trust_level == "self_declared"
    assert first in {v.asked_outcome_id for v in stored.verdicts}


async def test_a_half_filled_form_keeps_every_value_and_says_what_to_fix(site: Site) -> None:
    token = await site.ask()
    outcome = (await site.stored(token)).outcomes[0].id
    page = await site.send(
        token,
        {
            "relationship": "colleague",
            f"verdict-{outcome}": "partly",
            f"comment-{outcome}": "Good with <b>guests</b>",
            "comment": "Punctual & kind",
            "name": "Maria Berg",
            "email": "maria(at)hotel",
            "period_from": "2026-09",
            "period_to": "2026-03",
        },
        lang="en",
    )
    assert page.status_code == 422
    summary = page.text.split('class="error-summary"')[1].split("</div>")[0]
    links = re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', summary)
    assert [field for field, _ in links][:4] == [
        "period_to",
        f"verdict-{outcome + 1}",
        f"verdict-{outcome + 2}",
        "role",
    ]
    assert dict(links)["email"] == "Write a whole e-mail address, like name@example.com."
    assert dict(links)["declared"] == "Tick the box to say that your answer is true."
    assert "<title>Error:" in page.text
    # Every value comes back, escaped, where it was.
    assert 'value="colleague" id="relationship-colleague" checked' in page.text
    assert f'value="partly" id="verdict-{outcome}-partly" checked' in page.text
    assert "Good with &lt;b&gt;guests&lt;/b&gt;</textarea>" in page.text
    assert "Punctual &amp; kind</textarea>" in page.text
    assert 'value="maria(at)hotel"' in page.text and 'value="2026-09"' in page.text
    assert 'aria-describedby="email-error" aria-invalid="true"' in page.text
    assert await site.endorsements() == []


async def test_oversized_fields_and_bodies_are_refused_without_storing(site: Site) -> None:
    token = await site.ask()
    long_name = "M" * 121
    page = await site.send(token, await site.answer(token, name=long_name, comment="x" * 2001))
    assert page.status_code == 422
    assert "För långt" in page.text or "för långt" in page.text
    assert f'value="{long_name}"' in page.text

    form_token = await site.form_token(token)
    huge = await site.client.post(
        f"/e/{token}", data={"form_token": form_token, "comment": "x" * 300_000}
    )
    assert huge.status_code == 413 and "Ditt svar är för långt" in huge.text
    assert await site.endorsements() == []
    assert (await site.stored(token)).status == "opened"


async def test_closed_and_unknown_links_say_so_in_the_endorsers_language(site: Site) -> None:
    expired = await site.ask(created=now() - LIFETIME - timedelta(days=1), locale="ar")
    cancelled = await site.ask(locale="en")
    declined = await site.ask(locale="sv")
    async with site.learner.sessions() as session, session.begin():
        cancelled_request = await endorsements.request_by_token(session, cancelled)
        declined_request = await endorsements.request_by_token(session, declined)
        assert cancelled_request and declined_request
        await endorsements.cancel(session, site.learner.id, cancelled_request.id, now=now())
        await endorsements.decline(session, declined_request, "prefer_not", now=now())

    cases = [
        (expired, 410, '<html lang="ar" dir="rtl">', "انتهت صلاحية هذا الرابط"),
        (cancelled, 410, '<html lang="en" dir="ltr">', "This request is withdrawn"),
        (declined, 410, '<html lang="sv" dir="ltr">', "Vi har sagt till"),
        ("A" * 32, 404, '<html lang="sv"', "Vi hittar inte länken"),
        ("<script>alert(1)</script>", 404, '<html lang="sv"', "Vi hittar inte länken"),
        ("x" * 5000, 404, '<html lang="sv"', "Vi hittar inte länken"),
        ("%00%ff", 404, '<html lang="sv"', "Vi hittar inte länken"),
        (f"{cancelled}/more/parts", 404, '<html lang="sv"', "Vi hittar inte länken"),
    ]
    for token, status, html, words in cases:
        for response in (
            await site.client.get(f"/e/{token}"),
            await site.client.post(f"/e/{token}", data={"name": "x"}),
        ):
            assert response.status_code == status, (token, response.text)
            assert html in response.text and words in response.text
    assert await site.endorsements() == []
    assert (await site.stored(expired)).status == "sent"


async def test_not_me_asks_once_more_then_closes_the_link_and_tells_the_learner(
    site: Site,
) -> None:
    token = await site.ask()
    form = await site.open(token)
    confirm_link = re.search(r'href="(/e/[^"]+/decline\?lang=sv&amp;reason=not_me)"', form.text)
    assert confirm_link
    confirm = await site.client.get(confirm_link[1].replace("&amp;", "&"))
    assert confirm.status_code == 200 and "Kom länken till fel person?" in confirm.text
    assert (await site.stored(token)).status == "opened"  # looking closes nothing

    form_token = re.search(r'name="form_token" value="(\w+)"', confirm.text)
    assert form_token
    closed = await site.client.post(
        f"/e/{token}/decline", data={"form_token": form_token[1], "reason": "not_me"}
    )
    assert closed.status_code == 303
    after = await site.open(token)
    assert after.status_code == 410 and "kom till fel person" in after.text
    stored = await site.stored(token)
    assert (stored.status, stored.decline_reason) == ("declined", "not_me")
    async with site.learner.sessions() as session:
        kinds = (await session.execute(select(Notice.kind))).scalars().all()
    assert kinds == ["endorsement_declined"]


async def test_a_form_from_elsewhere_is_refused_and_the_answers_come_back(site: Site) -> None:
    token = await site.ask()
    other = await site.ask(endorser_name="Ali")
    fields = await site.answer(token, comment="Works well")

    no_token = await site.client.post(f"/e/{token}", data=fields)
    other_links_token = await site.client.post(
        f"/e/{token}", data={**fields, "form_token": await site.form_token(other)}
    )
    site.client.cookies.clear()
    no_cookie = await site.client.post(f"/e/{token}", data={**fields, "form_token": "0" * 64})
    for refused in (no_token, other_links_token, no_cookie):
        assert refused.status_code == 403
        assert "För din säkerhet" in refused.text
        assert "Works well</textarea>" in refused.text
    assert await site.endorsements() == []
    # The page that said no carries a fresh token: sending again works.
    fresh = re.search(r'name="form_token" value="(\w+)"', no_cookie.text)
    assert fresh
    sent = await site.client.post(f"/e/{token}", data={**fields, "form_token": fresh[1]})
    assert sent.status_code == 303


async def test_an_answer_from_the_learners_own_browser_is_flagged(site: Site) -> None:
    cookie = "the-learners-web-chat-cookie"
    token = await site.ask(learner_web_chat=chat_id(cookie))
    site.client.cookies.set("meritkompis_chat", cookie)
    sent = await site.send(token, await site.answer(token, name="jacob", email="j@gmail.com"))
    assert sent.status_code == 303
    [stored] = await site.endorsements()
    assert stored.signals["same_browser_as_learner"] is True
    assert stored.signals["name_matches_learner"] is True
    assert stored.signals["free_mail_domain"] is True


async def test_a_code_by_e_mail_raises_the_trust_level(
    jacob: Learner, database_url: str, tmp_path: Path
) -> None:
    async with mail_catcher() as mail:
        settings = site_settings(database_url, tmp_path, smtp_host="127.0.0.1", smtp_port=mail.port)
        async with open_site(jacob, settings) as site:
            token = await site.ask(locale="en")
            await site.send(token, await site.answer(token))
            thanks = await site.open(token)
            assert "Make your answer stronger" in thanks.text
            assert "m•••@hotel.example" in thanks.text and "maria@hotel" not in thanks.text
            form_token = await site.form_token(token)

            sent = await site.client.post(f"/e/{token}/email", data={"form_token": form_token})
            assert sent.status_code == 303 and sent.headers["location"].startswith(
                f"/e/{token}/code"
            )
            assert mail.messages[-1]["To"] == "maria@hotel.example"
            code = mail.code_in_last()
            code_page = await site.client.get(sent.headers["location"])
            assert code_page.status_code == 200 and "Type the code" in code_page.text

            wrong = "000000" if code != "000000" else "111111"
            retry = await site.client.post(
                f"/e/{token}/code", data={"form_token": form_token, "code": wrong}
            )
            assert retry.status_code == 422 and "This code is not right" in retry.text
            assert (await site.endorsements())[0].trust_level == "self_declared"

            right = await site.client.post(
                f"/e/{token}/code", data={"form_token": form_token, "code": code}
            )
            assert right.status_code == 303
            done = await site.open(token)
            assert "Your e-mail address is confirmed" in done.text
            assert "Make your answer stronger" not in done.text
            assert (await site.endorsements())[0].trust_level == "email_verified"


async def test_without_smtp_no_code_is_offered(site: Site) -> None:
    token = await site.ask()
    await site.send(token, await site.answer(token))
    thanks = await site.open(token)
    assert "Gör ditt svar starkare" not in thanks.text
    refused = await site.client.post(
        f"/e/{token}/email", data={"form_token": await site.form_token(token)}
    )
    assert refused.status_code == 303
    assert (await site.endorsements())[0].email_code_hash is None
