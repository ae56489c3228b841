"""Hostile words in every field a learner, endorser or mentor types, on every page, in Chromium.

One learner per payload, with the payload in every field: first name, role, place,
task, own-words skill, self-check example; the endorser's name, role, organisation
and comments (typed on the real endorser page); the mentor's name (typed in the
mentor's own web chat). Then each page that shows them opens in headless Chromium
with its Content-Security-Policy switched off, so escaping alone must keep the words
words: the learner's web chat, the mentor's, the endorser's page (the form and the
thank-you page), the verify page with the credential, the shared portfolio and the
shared merit. No dialog opens, no script runs (``window.__xss`` stays undefined),
nothing is fetched from the payload's ``src=x``, no element carries an event handler
or a ``javascript:`` link, the page does not scroll sideways, and the payload is
there as text. The certificate PDF and the mentor's digest e-mail are checked too.
"""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlparse

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize

from api.mentors.digest import LearnerProgress
from api.mentors.texts import email_bodies, heading, learner_part
from api.pictures.progress import render_progress_card
from bot.webchat.routes import COOKIE
from tests.security.payloads import NAME_CHARS, PAYLOADS, Payload
from tests.security.world import Learner, Live, Words, live_service, make_learner
from tests.support.fixtures import PHONE_VIEWPORT

pytestmark = pytest.mark.browser

PHONE: Final[ViewportSize] = {"width": PHONE_VIEWPORT["width"], "height": PHONE_VIEWPORT["height"]}

# What the page holds that could run: handlers, javascript: links, scripts that name us.
INSPECT: Final = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) found.push(el.tagName + ' ' + attr.name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(attr.name)
          && /^\\s*javascript:/i.test(attr.value)) found.push(el.tagName + ' ' + attr.name);
    }
    if (el.tagName === 'SCRIPT' && !el.src) found.push('inline script');
  }
  return {
    xss: typeof window.__xss,
    found: found,
    text: document.body.innerText,
    sideways: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""


@dataclass
class Hostile:
    payload: Payload
    learner: Learner


@dataclass
class Site:
    live: Live
    hostile: list[Hostile]


def hostile_words(payload: Payload, tag: str) -> Words:
    words = Words.all(payload.text, tag)
    # Names are typed in the chat, which takes a name of at most NAME_CHARS.
    return replace(
        words,
        first_name=payload.text[:NAME_CHARS],
        mentor_name=payload.text[:NAME_CHARS],
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def site(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    async with live_service(tmp_path_factory.mktemp("xss")) as live:
        hostile = [
            Hostile(p, await make_learner(live, hostile_words(p, f"p{n}")))
            for n, p in enumerate(PAYLOADS)
        ]
        yield Site(live, hostile)


@dataclass
class Trap:
    """Everything on a page that would mean a payload ran, or was fetched."""

    origin: str
    ran: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.ran.append(f"error: {error}"))
        page.on("console", lambda message: self._console(message.text))
        page.on("request", lambda request: self._request(request.url))

    async def _dialog(self, dialog: Any) -> None:
        self.ran.append(f"dialog: {dialog.message}")
        await dialog.dismiss()

    def _console(self, text: str) -> None:
        # A 4xx page (a closed link) is logged as a failed resource; nothing else may be.
        if not text.startswith("Failed to load resource"):
            self.ran.append(f"console: {text}")

    def _request(self, url: str) -> None:
        parsed = urlparse(url)
        if url.startswith(("data:", "blob:")):
            return
        if f"{parsed.scheme}://{parsed.netloc}" != self.origin or parsed.path.endswith("/x"):
            self.ran.append(f"request: {url}")


@pytest_asyncio.fixture(loop_scope="session")
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    # The pages' own policies would stop inline script anyway; off, so that escaping is
    # all that stands between the words and the browser.
    opened = await browser.new_context(bypass_csp=True, viewport=PHONE, locale="en-GB")
    opened.set_default_timeout(15_000)
    try:
        yield opened
    finally:
        await opened.close()


async def check_page(page: Page, trap: Trap, payload: Payload, where: str) -> None:
    seen = await page.evaluate(INSPECT)
    assert seen["xss"] == "undefined", f"{payload.name} ran on {where}"
    assert seen["found"] == [], f"{payload.name} on {where}: {seen['found']}"
    assert trap.ran == [], f"{payload.name} on {where}: {trap.ran}"
    assert payload.visible in seen["text"], f"{payload.name} not shown on {where}: {seen['text']}"
    assert seen["sideways"] <= 1, f"{payload.name} pushes {where} {seen['sideways']}px sideways"


async def visit(page: Page, url: str) -> None:
    await page.goto(url)
    await page.wait_for_load_state("load")


# --------------------------------------------------------------------------- the pages


@pytest.mark.parametrize("number", range(len(PAYLOADS)), ids=[p.name for p in PAYLOADS])
async def test_the_public_pages_show_hostile_words_as_words(
    site: Site, context: BrowserContext, number: int
) -> None:
    hostile = site.hostile[number]
    learner, url = hostile.learner, site.live.url
    page = await context.new_page()
    trap = Trap(url)
    trap.watch(page)
    pages = {
        "the endorser's form": f"/e/{learner.open_token}",
        "the endorser's form in Arabic": f"/e/{learner.open_token}?lang=ar",
        "the endorser's thank-you page": f"/e/{learner.answered_token}",
        "the decline page": f"/e/{learner.open_token}/decline?reason=not_me",
        "the verify page": f"/verify?credential={learner.credential_id}",
        "the shared portfolio": f"/p/{learner.portfolio_token}",
        "the shared portfolio in Arabic": f"/p/{learner.portfolio_token}?lang=ar",
        "the shared merit": f"/m/{learner.merit_token}",
    }
    for where, path in pages.items():
        await visit(page, url + path)
        await check_page(page, trap, hostile.payload, where)
    # The endorser sends the form back with the payload in every box: shown again, inert.
    await visit(page, f"{url}/e/{learner.open_token}")
    for box in await page.locator("textarea, input[type=text]").all():
        await box.fill(hostile.payload.text[:100])
    await page.locator("button.primary").click()
    await page.wait_for_load_state("load")
    await check_page(page, trap, hostile.payload, "the endorser's form sent back")
    await page.close()


@pytest.mark.parametrize("number", range(len(PAYLOADS)), ids=[p.name for p in PAYLOADS])
async def test_the_web_chats_show_hostile_words_as_words(
    site: Site, context: BrowserContext, number: int
) -> None:
    hostile = site.hostile[number]
    learner, url = hostile.learner, site.live.url
    trap = Trap(url)
    # The learner's own browser: what they saved, whom they asked, their merits, mentors.
    await context.add_cookies([{"name": COOKIE, "value": learner.chat.cookie, "url": url}])
    page = await context.new_page()
    trap.watch(page)
    await visit(page, f"{url}/chat")
    await bot_answered(page, 0)
    await say(page, "/merits")
    await tap(page, "Cleaning hotel rooms")  # the merit, with who confirmed it
    await say(page, "/review")
    await tap(page, "💼")  # the experience, with its tasks and own words
    for command in ("/requests", "/mentors", "/mydata"):
        await say(page, command)
    await check_page(page, trap, hostile.payload, "the learner's web chat")
    await page.close()
    # The mentor's browser: whom they follow, and the digest of their progress.
    await context.add_cookies([{"name": COOKIE, "value": learner.mentor.cookie, "url": url}])
    page = await context.new_page()
    trap.watch(page)
    await visit(page, f"{url}/chat")
    await bot_answered(page, 0)
    for command in ("/mentors", "/progress"):
        await say(page, command)
    await check_page(page, trap, hostile.payload, "the mentor's web chat")
    await page.close()


async def bot_answered(page: Page, before: int) -> int:
    await page.wait_for_function(
        "n => document.querySelectorAll('#log .msg.bot').length > n", arg=before
    )
    # The rest of the answer is appended in the same task; one frame later it is all there.
    await page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")
    return int(await page.locator("#log .msg.bot").count())


async def say(page: Page, text: str) -> None:
    before = await page.locator("#log .msg.bot").count()
    await page.locator("#message").fill(text)
    await page.locator("#message").press("Enter")
    await bot_answered(page, before)


async def tap(page: Page, label: str) -> None:
    before = await page.locator("#log .msg.bot").count()
    buttons = page.locator("#log .msg.bot .buttons button:not([disabled])")
    await buttons.filter(has_text=label).last.click()
    await bot_answered(page, before)


# --------------------------------------------------------------------------- files and mail


ACTIVE_PDF: Final = (b"/JavaScript", b"/JS", b"/Launch", b"/AA", b"/SubmitForm", b"/ImportData")


@pytest.mark.parametrize("number", range(len(PAYLOADS)), ids=[p.name for p in PAYLOADS])
async def test_the_certificate_carries_no_action_and_links_only_to_the_check(
    site: Site, number: int
) -> None:
    learner = site.hostile[number].learner
    chat = learner.chat
    await chat.post("text", "/merits")
    merit = next(b for m in chat.history[-2:] for row in m.buttons for _, b in row)
    await chat.post("tap", merit)
    chat.raw.clear()
    pdf_button = next(
        data for row in chat.history[-1].buttons for label, data in row if "certificate" in label
    )
    await chat.post("tap", pdf_button)
    [file] = [m["file"] for m in chat.raw if m.get("file")]
    await chat.post("text", "/menu")
    pdf = base64.b64decode(file["data"])
    assert pdf.startswith(b"%PDF-")
    for marker in ACTIVE_PDF:
        assert marker not in pdf, f"{marker!r} in the certificate"
    # fpdf2 opens the first page at the page's width: a place to go, never an action.
    assert re.findall(rb"/OpenAction\s*(.)", pdf) in ([], [b"["]), "the certificate acts on opening"
    links = re.findall(rb"/URI\s*\(([^)]*)\)", pdf)
    assert links and all(b"/verify?credential=" in link for link in links), links
    assert b"__xss" not in pdf  # no payload survives as PDF syntax or plain metadata


@pytest.mark.parametrize("number", range(len(PAYLOADS)), ids=[p.name for p in PAYLOADS])
async def test_the_digest_email_shows_hostile_names_as_words(
    site: Site, context: BrowserContext, number: int
) -> None:
    hostile = site.hostile[number]
    # The learner's name as the mentor's link keeps it, in the e-mail the digest sends.
    progress = LearnerProgress(
        hostile.learner.id, hostile.learner.words.first_name, experiences=1, credentials=1
    )
    part = learner_part(progress, "en")
    card = render_progress_card(progress.name, progress.figures, "en")
    plain, html = email_bodies(heading(1, datetime.now(UTC), "en"), [(part, card)], "en")
    assert hostile.learner.words.first_name in plain
    page = await context.new_page()
    trap = Trap("null")
    trap.watch(page)
    await page.set_content(html)
    checked = replace(hostile.payload, visible=hostile.payload.visible[:NAME_CHARS])
    await check_page(page, trap, checked, "the digest e-mail")
    await page.close()


async def test_the_trap_catches_a_payload_that_does_run(context: BrowserContext) -> None:
    """The checks above would see it: the same payloads, unescaped, on a page of our own."""
    for payload in PAYLOADS[:3]:
        page = await context.new_page()
        trap = Trap("null")
        trap.watch(page)
        await page.set_content(f"<p>{payload.text}</p>")
        with pytest.raises(AssertionError):
            await check_page(page, trap, payload, "a page that does not escape")
        await page.close()
