"""The Bot API fails on the way: the learner still gets every answer, and never one twice.

The fake Bot API answers some calls with server errors (502, 500) or late; the bot asks
again only when that cannot send a second copy (bot/resending.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.conversation import ConversationService
from bot.resending import worth_asking_again
from bot.transport import MaybeSent, NotSent
from tests.bot.telegram_chat import TelegramChat, telegram_bot
from tests.chat_script import talk
from tests.dialogs.test_experience_conversation import ONBOARDING_IN_ENGLISH
from tests.fakes.telegram import FakeBotApi


@pytest_asyncio.fixture
async def api(service: ConversationService) -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake, telegram_bot(fake, service):
        yield fake


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [message.plain_text or "" for message in api.sent(chat_id)]


async def test_a_bad_gateway_twice_still_brings_the_next_question_once(api: FakeBotApi) -> None:
    chat = TelegramChat(api, chat_id=1101)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    api.fail_next("sendMessage", 2, status=502, chat_id=1101)
    await talk(chat, [("tap: Add an experience", "What kind of experience is it?")])
    asked = [t for t in texts(api, 1101) if "What kind of experience is it?" in t]
    assert len(asked) == 1
    assert not any("went wrong" in t for t in texts(api, 1101))


async def test_a_server_error_on_the_tap_and_its_edit_is_asked_again(api: FakeBotApi) -> None:
    chat = TelegramChat(api, chat_id=1102)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, [("tap: Add an experience", "What kind of experience is it?")])
    api.fail_next("answerCallbackQuery", 1, status=500, chat_id=None)
    api.fail_next("sendMessage", 1, status=503, chat_id=1102)
    await talk(chat, [("tap: A job", "What kind of work was it?")])
    assert [t for t in texts(api, 1102) if "What kind of work was it?" in t] != []
    assert not any("went wrong" in t for t in texts(api, 1102))


def test_what_is_asked_again_and_what_is_not() -> None:
    # Never left: always again. A server error: the Bot API did nothing, again.
    assert worth_asking_again(NotSent("refused"), "sendMessage")
    assert worth_asking_again(NetworkError("Bad Gateway"), "sendMessage")
    # Gone out, answer lost: only calls that are harmless twice.
    assert not worth_asking_again(TimedOut(), "sendMessage")
    assert not worth_asking_again(MaybeSent("reset"), "sendPhoto")
    assert worth_asking_again(TimedOut(), "answerCallbackQuery")
    assert worth_asking_again(MaybeSent("reset"), "editMessageText")
    # A wrong call stays wrong.
    assert not worth_asking_again(BadRequest("message is not modified"), "editMessageText")
