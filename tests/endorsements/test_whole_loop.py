"""The whole loop: Saman asks in Telegram, his former boss answers on a phone in Arabic.

The learner's side runs through the real PTB Application against the fake Bot API;
the endorser's side is the real page in headless Chromium at a phone's size. The
news reaches the learner's Telegram chat through the service's news loop, which signs
the credential first, so the news names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from api.settings import Settings
from api.skills.catalogue import default_catalogue
from tests.bot.telegram_chat import TelegramChat
from tests.chat_script import talk
from tests.endorsements.learner_chat import learner_with_internship, token_in
from tests.fakes.telegram import FakeBotApi
from tests.servers import running_service

pytestmark = pytest.mark.browser

SAMAN_ASKS_IN_ARABIC = [
    ("tap: اطلب من شخص أن يؤكد", "اختر الخبرة أولًا"),
    ("tap: Rumsstädare, Hotell Norra", "ماذا يجب أن يؤكد الشخص؟"),
    ("tap: اختر الكل", "المختار: \u20684\u2069 من \u20684\u2069."),
    ("tap: انتهيت", "ما اسمك الأول؟"),
    ("Saman", "ما اسم الشخص الذي تطلب منه؟"),
    ("Anders Holm", "ما دور"),
    ("tap: مشرف", "البريد الإلكتروني أو رقم الهاتف"),
    ("tap: تخطَّ", "بأي لغة تكون الرسالة"),
    ("tap: العربية", "تسأل عن \u20684\u2069 أمور:"),
    ("tap: نعم، اكتب الرسالة", "مرحبًا \u2068Anders Holm\u2069!"),
]


async def test_the_learner_asks_the_endorser_answers_in_arabic_and_the_learner_hears(
    page: Page, tmp_path: Path
) -> None:
    async with FakeBotApi() as api:
        settings = Settings(
            data_dir=tmp_path,
            database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
            telegram_bot_token=api.token,
            telegram_api_base_url=api.url,
        )
        async with running_service(settings) as (url, app):
            chat = TelegramChat(api, chat_id=1201, language="ar")
            await learner_with_internship(chat, app.state.sessions, "telegram", "1201", "ar")
            token = token_in(await talk(chat, SAMAN_ASKS_IN_ARABIC))

            # The boss opens the personal link on a phone; the page is in Arabic.
            await page.goto(f"{url}/e/{token}")
            await expect(page.locator("html")).to_have_attribute("dir", "rtl")
            await expect(page.locator("html")).to_have_attribute("lang", "ar")
            outcomes = page.locator("fieldset.outcome")
            await expect(outcomes).to_have_count(4)
            await page.locator("input[name=relationship][value=supervisor]").check()
            for number in range(3):
                await outcomes.nth(number).locator("input[value=yes]").check()
            await outcomes.nth(3).locator("input[value=no]").check()
            await outcomes.nth(0).locator("textarea").fill("يعمل بسرعة وبعناية")
            await page.fill("#comment", "عامل ممتاز")
            await page.fill("#name", "Anders Holm")
            await page.fill("#role", "مشرف")
            await page.fill("#organisation", "Hotell Norra")
            await page.fill("#email", "anders@hotell-norra.example")
            await page.locator("#declared").check()
            await page.locator("button[type=submit]").click()
            await expect(page.locator("h1")).not_to_contain_text("Anders")

            # The delivery loop polls every few seconds; the news arrives by itself.
            news = await api.wait_for_messages(1201, timeout=20)
            text = news[-1].plain_text or ""
            assert text.startswith("🎉 وصلت إجابة \u2068Anders Holm\u2069 على طلبك!")
            lines = text.splitlines()
            marks = "".join(line[0] for line in lines if line[0] in "✅🤏➖")
            assert marks == "✅✅✅➖✅", "three seen, one not, then the legend"
            assert lines[-4] == "✅ شوهد · 🤏 جزئيًا · ➖ لم يُشاهَد", "the legend"
            # The loop signed his credential before it told him, so the news names it.
            rooms = default_catalogue().skill("hotel_room_cleaning").name_in("ar")
            assert lines[-1].startswith(f"🏅 حصلت على شهادة في \u2068{rooms}\u2069.")
            assert "💬 \u2068يعمل بسرعة وبعناية\u2069" in text
            assert "عامل ممتاز" in text
