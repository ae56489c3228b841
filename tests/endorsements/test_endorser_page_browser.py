"""The endorser's page in headless Chromium at a phone's size.

An endorser answers in Arabic, right to left, without a line of JavaScript on the
page; script in anything the learner typed never runs; and axe-core finds nothing
to fix on any state of the page, in Swedish, English and Arabic, taking an answer
back included.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from api.endorsements.service import AskedItem
from api.experiences.service import save_experience
from api.settings import Settings
from api.skills.catalogue import default_catalogue
from tests.accessibility.site import VIEWPORTS
from tests.accessibility.test_text_size import check_sizes
from tests.endorsements.conftest import Learner
from tests.endorsements.endorser_site import (
    LIFETIME,
    MailCatcher,
    Site,
    mail_catcher,
    now,
    open_site,
)
from tests.servers import running_service
from tests.support.fixtures import PHONE_VIEWPORT, unavailable

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "support" / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "npm ci --prefix tests/support"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)"><b onclick=alert(3)>'
FOUR_OUTCOMES = (
    AskedItem("hotel_room_cleaning", "prepares_guest_rooms"),
    AskedItem("hotel_room_cleaning", "reports_room_issues"),
    AskedItem("hotel_room_cleaning", "makes_beds"),
    AskedItem(own_words="Folding towels the hotel's way"),
)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    # The browser sees the same pages on any database; the HTTP tests cover both.
    return sqlite_url


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        unavailable(f"axe-core is not installed at {AXE}: run `{AXE_INSTALL}`")
    return AXE.read_text(encoding="utf-8")


def ran_script(message: ConsoleMessage) -> bool:
    """Anything on the console but the browser's note about a 4xx page (422 on errors)."""
    return not message.text.startswith("Failed to load resource")


class LiveSite:
    """The service on a loopback port, and the ``Site`` helpers on its database."""

    def __init__(self, url: str, site: Site, mail: MailCatcher) -> None:
        self.url = url
        self.site = site
        self.mail = mail

    def link(self, token: str, lang: str | None = None) -> str:
        return f"{self.url}/e/{token}" + (f"?lang={lang}" if lang else "")


@pytest_asyncio.fixture
async def live(jacob: Learner, database_url: str, tmp_path: Path) -> AsyncIterator[LiveSite]:
    async with mail_catcher() as mail:
        settings = Settings(
            database_url=database_url,
            data_dir=tmp_path,
            smtp_host="127.0.0.1",
            smtp_port=mail.port,
            endorsement_rate_per_minute=10_000,
        )
        async with (
            running_service(settings) as (url, _app),
            open_site(jacob, settings) as site,
        ):
            yield LiveSite(url, site, mail)


@pytest_asyncio.fixture(loop_scope="session")
async def phone(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A phone-sized browser context with JavaScript off, as some endorsers have it."""
    context = await browser.new_context(
        viewport={"width": PHONE_VIEWPORT["width"], "height": PHONE_VIEWPORT["height"]},
        locale="ar",
        java_script_enabled=False,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        await context.close()


async def test_an_endorser_answers_in_arabic_on_a_phone_without_javascript(
    live: LiveSite, phone: BrowserContext
) -> None:
    token = await live.site.ask(locale="ar", items=FOUR_OUTCOMES)
    page = await phone.new_page()
    await page.goto(live.link(token))
    html = page.locator("html")
    await expect(html).to_have_attribute("dir", "rtl")
    await expect(page.locator("h1")).to_contain_text("أكِّد ما يستطيع")
    rooms = default_catalogue().skill("hotel_room_cleaning").outcome("prepares_guest_rooms")
    await expect(page.locator("fieldset.outcome").first).to_contain_text(rooms.text["ar"])

    # Right to left: a choice's button stands to the right of its words.
    radio = await page.locator("#relationship").bounding_box()
    label = await page.locator("label[for=relationship]").bounding_box()
    assert radio and label and radio["x"] > label["x"]
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]

    await page.get_by_label("كنت المدير أو المشرف").check()
    outcomes = page.locator("fieldset.outcome")
    assert await outcomes.count() == 4
    for n in range(3):
        await outcomes.nth(n).get_by_label("نعم، رأيت هذا").check()
    await outcomes.nth(3).get_by_label("لم أرَ هذا").check()
    await outcomes.nth(0).locator("textarea").fill("يرتب الغرف بعناية كل يوم.")
    await page.get_by_label("بريدك الإلكتروني").fill("")
    await page.get_by_role("button", name="أرسل إجابتي").click()

    # Something is missing: the page says what, and keeps what was chosen.
    summary = page.locator(".error-summary")
    await expect(summary).to_contain_text("اكتب عنوان بريدك الإلكتروني.")
    await expect(summary).to_contain_text("ضع علامة في المربع")
    await expect(outcomes.nth(0).locator("textarea")).to_have_value("يرتب الغرف بعناية كل يوم.")
    await expect(outcomes.nth(3).get_by_label("لم أرَ هذا")).to_be_checked()
    await summary.get_by_role("link", name="اكتب عنوان بريدك الإلكتروني.").click()
    assert page.url.endswith("#email")

    await page.get_by_label("بريدك الإلكتروني").fill("maria@hotel.example")
    await page.get_by_label("وإجاباتي صحيحة").check()
    await page.get_by_role("button", name="أرسل إجابتي").click()
    await expect(page.locator("h1")).to_have_text("شكرًا لك!")

    [stored] = await live.site.endorsements()
    assert [v.verdict for v in stored.verdicts] == ["yes", "yes", "yes", "no"]
    assert stored.verdicts[0].comment == "يرتب الغرف بعناية كل يوم."
    assert stored.period_from == "2026-03"


async def test_script_in_anything_the_learner_typed_never_runs(
    live: LiveSite, browser: Browser
) -> None:
    async with live.site.learner.sessions() as session, session.begin():
        experience = await save_experience(
            session,
            live.site.learner.id,
            {
                "kind": "job",
                "area": "hotel",
                "role": HOSTILE,
                "place": HOSTILE,
                "start_year": 2025,
                "start_month": 1,
                "ongoing": True,
                "skills": ["hotel_room_cleaning"],
                "own_skills": [HOSTILE[:120]],
            },
        )
    token = await live.site.ask(
        experience_id=experience.id,
        learner_name=HOSTILE[:80],
        endorser_name=HOSTILE,
        endorser_role=HOSTILE,
        endorser_email='"><script>alert(4)</script>@x.example',
        items=(
            AskedItem("hotel_room_cleaning", "prepares_guest_rooms"),
            AskedItem(own_words=HOSTILE[:120]),
        ),
    )
    # The page's own CSP would stop an inline script anyway; turn it off so that only
    # the escaping stands between the learner's words and the browser.
    context = await browser.new_context(bypass_csp=True, viewport=PHONE_VIEWPORT)
    try:
        page = await context.new_page()
        ran: list[str] = []
        page.on("dialog", lambda dialog: ran.append(dialog.message))
        page.on("pageerror", lambda error: ran.append(str(error)))
        page.on(
            "console", lambda message: ran.append(message.text) if ran_script(message) else None
        )
        for lang in ("sv", "ar"):
            await page.goto(live.link(token, lang))
            await expect(page.locator("h1")).to_contain_text('<script>alert("x")</script>')
            await page.locator("textarea#comment").fill(HOSTILE)
            await page.locator("#name").fill(HOSTILE[:120])
            await page.locator("button.primary").click()  # errors: the typed words come back
            await expect(page.locator(".error-summary")).to_be_visible()
            await expect(page.locator("textarea#comment")).to_have_value(HOSTILE)
            for element in await page.locator("bdi, legend, dd, textarea").all():
                await element.click(trial=True, force=True)
            counts = await page.evaluate(
                "[document.scripts.length, document.images.length,"
                " document.querySelectorAll('[onclick],[onerror]').length]"
            )
            assert counts == [0, 0, 0]
        assert ran == []
    finally:
        await context.close()


async def test_the_page_loads_nothing_its_policy_blocks(live: LiveSite, page: Page) -> None:
    token = await live.site.ask()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("requestfailed", lambda request: problems.append(request.url))
    response = await page.goto(live.link(token))
    assert response is not None and response.status == 200
    colour = await page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(11, 92, 59)"  # the style sheet loaded under the policy
    assert problems == []


# --------------------------------------------------------------------------- axe-core


async def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    await page.evaluate(axe_source)
    result = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({"
        "id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.html.slice(0, 160))}))}))",
        AXE_TAGS,
    )
    assert result["passes"] > 10  # axe did look at the page
    return list(result["violations"])


async def axe_at_both_sizes(
    page: Page, axe_source: str, state: str
) -> dict[str, list[dict[str, Any]]]:
    """axe's findings on the page as it is, at a phone's and at a desktop's size."""
    found = {}
    for size_name, size in VIEWPORTS.items():
        await page.set_viewport_size(size)
        violations = await axe_violations(page, axe_source)
        if violations:
            found[f"{state} @ {size_name}"] = violations
    await page.set_viewport_size(PHONE_VIEWPORT)
    return found


@pytest.mark.parametrize("lang", ["sv", "en", "ar"])
async def test_axe_finds_nothing_to_fix_on_any_state_of_the_page(
    live: LiveSite, page: Page, axe_source: str, lang: str
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}

    async def check(state: str) -> None:
        await expect(page.locator("h1")).to_be_visible()
        found.update(await axe_at_both_sizes(page, axe_source, state))

    token = await live.site.ask(locale=lang)
    await page.goto(live.link(token))
    await check("form")
    await page.locator("button.primary").click()
    await check("errors")
    fields = await live.site.answer(token)
    for name, value in fields.items():
        if name.startswith(("verdict-", "relationship")):
            await page.locator(f"input[name='{name}'][value='{value}']").check()
    await page.locator("#email").fill(fields["email"])
    await page.locator("#role").fill(fields["role"])
    await page.locator("#declared").check()
    await page.locator("button.primary").click()
    await expect(page.locator(".message-thanks")).to_be_visible()
    await check("thanks")
    await page.locator(".verify button").click()
    await expect(page.locator("#code")).to_be_visible()
    await check("code")
    await page.locator("#code").fill("12")
    await page.locator("form[novalidate] button.primary").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await check("code error")

    other = await live.site.ask(locale=lang, endorser_name="Ali")
    await page.goto(live.link(other))
    await page.locator(".decline-links a").first.click()
    await check("decline")
    await page.locator("button.primary").click()
    await check("declined")

    expired = await live.site.ask(locale=lang, created=now() - LIFETIME - timedelta(days=2))
    await page.goto(live.link(expired))
    await check("expired")
    await page.goto(f"{live.url}/e/no-such-link?lang={lang}")
    await check("unknown link")

    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
    assert live.mail.code_in_last()  # the code page came after a real e-mail


@pytest.mark.parametrize("lang", ["sv", "en", "ar"])
async def test_axe_finds_nothing_to_fix_when_an_answer_is_taken_back(
    live: LiveSite, page: Page, axe_source: str, lang: str
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}

    async def check(state: str) -> None:
        await expect(page.locator("h1")).to_be_visible()
        assert await page.locator("script").count() == 0, "no JavaScript on the page"
        violations = await axe_violations(page, axe_source)
        if violations:
            found[state] = violations

    token = await live.site.ask(locale=lang)
    assert (await live.site.send(token, await live.site.answer(token))).status_code == 303
    await page.goto(live.link(token))
    await expect(page.locator(".retract a")).to_be_visible()
    await check("thanks, with take back")
    await page.locator(".retract a").click()
    await expect(page.locator("form button.primary")).to_be_visible()
    await check("take back, to confirm")
    await page.locator("form button.primary").click()
    await expect(page.locator(".message-retracted")).to_be_visible()
    await check("taken back")

    [stored] = await live.site.endorsements()
    assert stored.retracted_at is not None
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


# --------------------------------------------------------------- text size, keyboard


@pytest.mark.parametrize("lang", ["en", "ar"])
async def test_the_form_keeps_its_text_at_200_percent_and_reflows(
    live: LiveSite, page: Page, lang: str
) -> None:
    token = await live.site.ask(locale=lang)
    await page.goto(live.link(token))
    await check_sizes(page, f"the form in {lang}")
    await page.set_viewport_size(PHONE_VIEWPORT)
    await page.locator("button.primary").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await check_sizes(page, f"the form's errors in {lang}")


async def test_an_endorser_answers_with_the_keyboard_alone(live: LiveSite, page: Page) -> None:
    """Tab reaches every control, each showing where the focus is; Space picks an answer
    and Enter sends the form, which then says what is missing."""
    token = await live.site.ask(locale="en")
    await page.goto(live.link(token))
    first_yes = page.locator("input[name^='verdict-'][value='yes']").first
    name = await first_yes.get_attribute("name")
    stop = await tab_to(page, f"input[name='{name}'][value='yes']")
    assert stop["type"] == "radio"
    await page.keyboard.press("Space")
    await expect(first_yes).to_be_checked()
    await tab_to(page, "button.primary")
    await page.keyboard.press("Enter")
    await expect(page.locator(".error-summary")).to_be_visible()
    # What was picked is kept for the endorser to finish.
    await expect(page.locator(f"input[name='{name}'][value='yes']")).to_be_checked()


async def tab_to(page: Page, control: str) -> dict[str, Any]:
    """Press Tab until ``control`` has the focus; every stop on the way must show it."""
    target = page.locator(control).first
    for _ in range(80):
        await page.keyboard.press("Tab")
        now = await page.evaluate(_FOCUSED)
        if now is None:
            continue
        assert now["outline"] >= 2, f"no visible focus on {now['html']}"
        if await target.evaluate("e => e === document.activeElement"):
            return dict(now)
    raise AssertionError(f"Tab never reached {control}")


_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  // A radio's outline may be drawn on its label; either shows where the focus is.
  const label = e.labels && e.labels[0] ? getComputedStyle(e.labels[0]) : null;
  const width = s => (s && s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0);
  return {html: e.outerHTML.slice(0, 120), type: e.type || '',
          outline: Math.max(width(style), width(label))};
}"""
