"""axe-core finds nothing to fix (WCAG 2.2 AA) on the web chat, the verify page and the
portfolio page: in Swedish, English and Arabic, at a phone's and a desktop's size.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from tests.accessibility.bounded import close, new_context, new_page
from tests.accessibility.chat import TO_A_TYPED_QUESTION, TO_THE_MENU, open_chat, tap
from tests.accessibility.site import LANGUAGES, PHONE, Findings, LiveSite

pytestmark = pytest.mark.browser


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest_asyncio.fixture
async def page(browser: Browser, lang: str) -> AsyncIterator[Page]:
    """A phone in the language of the test (its browser asks for that language first)."""
    context = await new_context(browser, viewport=PHONE, locale=lang)
    try:
        yield await new_page(context)
    finally:
        await close(context)


@pytest.fixture
def findings(axe_source: str) -> Findings:
    return Findings(axe_source)


async def test_the_web_chat(live: LiveSite, page: Page, findings: Findings, lang: str) -> None:
    await open_chat(page, live.url)
    await findings.check(page, "language choice")
    await tap(page, lang)
    for value in TO_THE_MENU:
        await tap(page, value)
    await findings.check(page, "the menu: a question with buttons")
    for value in TO_A_TYPED_QUESTION:
        await tap(page, value)
    await findings.check(page, "a question answered by typing")
    answers = await page.locator("#log .msg.bot").count()
    await page.fill("#message", "!!!")
    await page.press("#message", "Enter")
    await expect(page.locator("#log .msg.bot")).not_to_have_count(answers)
    await findings.check(page, "an answer the chat cannot take")
    assert len(findings.checked) == 8
    assert findings.found == {}, findings.report()


async def test_the_verify_page(live: LiveSite, page: Page, findings: Findings, lang: str) -> None:
    await page.goto(f"{live.url}/verify?lang={lang}")
    await findings.check(page, "empty")
    await page.goto(f"{live.url}/verify?lang={lang}&credential={live.credential_id}")
    await expect(page.locator(".result.ok")).to_be_visible()
    await findings.check(page, "a genuine credential")
    tampered = {**live.credential, "name": "Hotel manager"}
    await page.fill("#credential", json.dumps(tampered))
    await page.locator("form button[type=submit]").click()
    await expect(page.locator(".result.bad")).to_be_visible()
    await findings.check(page, "a changed credential")
    assert findings.found == {}, findings.report()


async def test_the_portfolio_page(
    live: LiveSite, page: Page, findings: Findings, lang: str
) -> None:
    await page.goto(live.portfolio(lang))
    await expect(page.locator("article.experience")).to_have_count(1)
    await findings.check(page, "Jacob's page")
    await page.goto(f"{live.url}/p/not-a-link?lang={lang}")
    await findings.check(page, "not shared")
    assert findings.found == {}, findings.report()
