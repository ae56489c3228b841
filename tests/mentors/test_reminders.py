"""Gentle reminders: one a week at most, only mid-way through something, easy to turn off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from api.conversations.models import Conversation
from api.db.engine import create_session_factory
from bot.conversation import ConversationService
from bot.digests import DigestScheduler
from tests.chat_script import ServiceChat, talk
from tests.endorsements.learner_chat import ONBOARDING
from tests.fakes.telegram import FakeBotApi
from tests.mentors.test_digests import telegram_bot, worker


class TelegramChannel(ServiceChat):
    """The service as Telegram's updates reach it, without the polling loop."""

    async def _handle(self, event):  # type: ignore[no-untyped-def]
        result = await self.service.handle("telegram", self.chat_id, event, language_hint="en")
        from tests.chat_script import BotMessage

        messages = [
            BotMessage(r.text_with_emoji, [[(b.label, b.data) for b in row] for row in r.buttons])
            for r in result.replies
        ]
        self.history.extend(messages)
        return messages


async def _days_ago(engine: AsyncEngine, days: int) -> datetime:
    now = datetime.now(UTC)
    async with create_session_factory(engine)() as session, session.begin():
        await session.execute(update(Conversation).values(updated_at=now - timedelta(days=days)))
    return now


async def test_jacob_paused_half_way_gets_one_reminder_a_week_and_can_stop_them(
    service: ConversationService, engine: AsyncEngine
) -> None:
    jacob = TelegramChannel(service, chat_id="303")
    await talk(
        jacob, [*ONBOARDING["en"], ("tap: Add an experience", "What kind"), ("/pause", "Paused")]
    )
    now = await _days_ago(engine, 3)
    async with FakeBotApi() as api, telegram_bot(api) as bot:
        api.add_user(303)
        scheduler: DigestScheduler = worker(engine, "A", bot)
        assert (await scheduler.tick(now)).reminded == 1
        [reminder] = api.sent(303)
        assert "You stopped in the middle of something" in (reminder.plain_text or "")
        buttons = [label for row in reminder.buttons for label, _ in row]
        assert any("No more reminders" in b for b in buttons)
        # A second worker, the same day or six days on: no second reminder this week.
        assert (await worker(engine, "B", bot).tick(now)).reminded == 0
        assert (await worker(engine, "B", bot).tick(now + timedelta(days=6))).reminded == 0

        # The button opens the chat with /start r-off.
        from dialogs.events import Event

        said = await jacob._handle(Event.command("start", "r-off"))
        assert "No more reminders" in said[0].text
        await _days_ago(engine, 3)
        assert (await worker(engine, "C", bot).tick(now + timedelta(days=8))).reminded == 0


async def test_a_learner_who_finished_what_they_did_gets_no_reminder(
    service: ConversationService, engine: AsyncEngine
) -> None:
    await talk(TelegramChannel(service, chat_id="404"), ONBOARDING["en"])
    now = await _days_ago(engine, 3)
    async with FakeBotApi() as api, telegram_bot(api) as bot:
        api.add_user(404)
        assert (await worker(engine, "A", bot).tick(now)).reminded == 0
