"""The public page a stranger opens from Jacob's link: what it shows, and what it never does."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import httpx
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import select, text

from api.app import create_app
from api.portfolio import service as sharing
from api.portfolio.models import SharedPortfolio
from api.settings import Settings
from api.skills.catalogue import default_catalogue
from tests.portfolio.people import NOW, OWN_WORDS, PRIVATE, SharedJacob, jacob_shares
from tests.servers import app_lifespan

ROOMS = default_catalogue().skill("hotel_room_cleaning")


@dataclass
class Visitor:
    app: FastAPI
    http: httpx.AsyncClient
    jacob: SharedJacob

    async def open(self, token: str | None = None, **headers: str) -> httpx.Response:
        return await self.http.get(f"/p/{token or self.jacob.token}", headers=headers)


@pytest_asyncio.fixture
async def visitor(database_url: str, tmp_path: Path) -> AsyncIterator[Visitor]:
    settings = Settings(database_url=database_url, data_dir=tmp_path)
    app = create_app(settings)
    async with app_lifespan(app):
        jacob = await jacob_shares(app.state.sessions, settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Visitor(app, http, jacob)


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_the_page_shows_what_jacob_documented_and_what_maria_confirmed(
    visitor: Visitor,
) -> None:
    page = await visitor.open(**{"accept-language": "en-GB,en;q=0.9"})
    assert page.status_code == 200
    html = page.text
    words = visible_text(html)
    assert "What Jacob can do" in words  # his first name only
    assert "Lind" not in words
    assert "Rumsstädare" in words and "Hotell Norra" in words
    assert "An internship (APL)" in words and "March 2026 until now" in words

    # Each of the skill's outcomes, marked: Maria said yes to one, "partly" to another.
    found = re.findall(r'<li class="(confirmed|self)">.*?<span>([^<]+)</span></li>', html, re.S)
    marks = {unescape(text): mark for mark, text in found}
    assert marks[ROOMS.outcome("prepares_guest_rooms").text["en"]] == "confirmed"
    assert marks[ROOMS.outcome("reports_room_issues").text["en"]] == "self"
    assert marks[ROOMS.outcome("makes_beds").text["en"]] == "self"
    own = re.search(
        r"<bdi>" + re.escape(OWN_WORDS.replace("'", "&#39;")) + r"</bdi>\s*(.*?)</p>", html, re.S
    )
    assert own and 'aria-label="Confirmed"' in own[1]

    # His own check of a general work skill, each answer in words.
    assert "Arrives on time" in words
    assert "(Can do this)" in words and "(Can do this with some help)" in words
    assert "(Not yet)" in words

    # The credential, with a link that checks it.
    assert f'href="/verify?credential={visitor.jacob.credential_id}&amp;lang=en"' in html
    verify = await visitor.http.get(f"/verify?credential={visitor.jacob.credential_id}&lang=en")
    assert "This credential is genuine." in verify.text


async def test_the_page_never_shows_the_endorser_or_her_words(visitor: Visitor) -> None:
    for lang in ("sv", "en", "ar"):
        page = await visitor.open(**{"accept-language": lang})
        assert page.status_code == 200
        for private in PRIVATE:
            assert private not in page.text, (lang, private)


async def test_the_page_is_private_by_its_headers_and_runs_no_script(visitor: Visitor) -> None:
    page = await visitor.open()
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-robots-tag"] == "noindex, nofollow"
    assert page.headers["cache-control"] == "no-store"
    assert '<meta name="robots" content="noindex, nofollow">' in page.text
    assert "<script" not in page.text and " on" + "click" not in page.text
    # Everything the page loads comes from here (the policy allows nothing else).
    for url in re.findall(r'(?:href|src)="([^"]+)"', page.text):
        assert url.startswith(("/", "?", "#")), url
    sheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.text)
    assert sheet and (await visitor.http.get(sheet[1])).status_code == 200
    card = re.search(r'<img src="([^"]+)" alt="([^"]+)"', page.text)
    assert card and card[2] == "Erfarenheter: 1, Färdigheter: 2, Bekräftat: 2, Intyg: 1"
    drawn = await visitor.http.get(card[1])
    assert drawn.headers["content-type"] == "image/png" and drawn.content.startswith(b"\x89PNG")


async def test_arabic_is_right_to_left_and_every_language_is_a_link_away(
    visitor: Visitor,
) -> None:
    page = await visitor.open(**{"accept-language": "ar"})
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "ما يستطيع \u2068Jacob\u2069 فعله" in page.text or "ما يستطيع Jacob فعله" in page.text
    assert ROOMS.outcome("prepares_guest_rooms").text["ar"] in page.text
    token = visitor.jacob.token
    for code, name in (("sv", "Svenska"), ("en", "English"), ("ar", "العربية")):
        assert f'href="/p/{token}?lang={code}" lang="{code}"' in page.text
        assert name in page.text
    # ?lang= wins over the browser's language.
    swedish = await visitor.http.get(f"/p/{token}?lang=sv", headers={"accept-language": "ar"})
    assert '<html lang="sv" dir="ltr">' in swedish.text
    assert "Det här kan Jacob" in swedish.text


async def test_only_a_hash_of_the_link_is_stored(visitor: Visitor) -> None:
    async with visitor.app.state.sessions() as session:
        stored = (await session.execute(select(SharedPortfolio))).scalars().all()
        dump = " ".join(
            str(row) for row in (await session.execute(text("SELECT * FROM shared_portfolios")))
        )
    assert [row.token_hash for row in stored] == [sharing.token_hash(visitor.jacob.token)]
    assert visitor.jacob.token not in dump
    assert len(visitor.jacob.token) >= 32  # 24 random bytes: 192 bits


async def test_a_stopped_link_is_a_plain_not_shared_page_at_once(visitor: Visitor) -> None:
    old = visitor.jacob.token
    async with visitor.app.state.sessions() as session, session.begin():
        new = await sharing.start_sharing(session, visitor.jacob.learner_id, now=NOW)
    assert new != old
    gone = await visitor.open(old, **{"accept-language": "en"})
    assert gone.status_code == 404
    assert "This page is not shared" in gone.text and "Jacob" not in gone.text
    assert (await visitor.open(new)).status_code == 200

    async with visitor.app.state.sessions() as session, session.begin():
        assert await sharing.stop_sharing(session, visitor.jacob.learner_id, now=NOW)
        assert not await sharing.is_sharing(session, visitor.jacob.learner_id)
    closed = await visitor.open(new, **{"accept-language": "en"})
    assert closed.status_code == 404 and closed.text == gone.text.replace(old, new)
    # A guessed, mangled or absurd link looks just the same.
    for guess in (new[:-1], "x", "a" * 500):
        other = await visitor.open(guess, **{"accept-language": "en"})
        assert other.status_code == 404 and "This page is not shared" in other.text
