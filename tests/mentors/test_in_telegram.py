"""The invite as a Telegram deep link, through the real application and the fake Bot API."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncEngine

from api.db.engine import create_session_factory
from bot.conversation import ConversationService
from tests.bot.telegram_chat import TelegramChat, telegram_bot
from tests.chat_script import talk
from tests.endorsements.learner_chat import ONBOARDING
from tests.fakes.telegram import FakeBotApi
from tests.mentors.people import stored_states

DEEP_LINK = re.compile(r"https://t\.me/meritkompis_test_bot\?start=(m-[A-Za-z0-9_\-]+)")


async def test_anna_opens_jacobs_deep_link_in_her_own_language(
    service: ConversationService, engine: AsyncEngine
) -> None:
    async with FakeBotApi() as api, telegram_bot(api, service):
        jacob = TelegramChat(api, 101)
        await talk(jacob, ONBOARDING["en"])
        made = await talk(
            jacob,
            [
                ("/mentor", "What name should your mentor see?"),
                ("Jacob", "Send this link to your mentor"),
            ],
        )
        link = next(m for m in made if DEEP_LINK.search(m.text))
        payload = DEEP_LINK.search(link.text)[1]  # type: ignore[index]
        assert link.find_button("Share in Telegram") and link.find_button("Copy the link")

        anna = TelegramChat(api, 202, language="sv")
        await talk(
            anna,
            [
                (f"/start {payload}", "Jacob ber dig att bli mentor"),
                ("tap: Ja, jag vill bli mentor", "Vilket namn ska eleven se?"),
                ("Anna", "Nu måste Jacob säga ja"),
                ("/mentors", "⏳ Jacob har inte sagt ja än."),
            ],
        )
    assert payload.removeprefix("m-") not in await stored_states(create_session_factory(engine))
