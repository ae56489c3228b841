"""The waiting helpers: cursors, settle time, exact handling with the tracking processor."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pytest
from telegram.ext import SimpleUpdateProcessor

from tests.fakes.telegram import FakeBotApi
from tests.fakes_tests.ptb_bot import RunningBot, running_bot


async def test_wait_for_messages_keeps_a_cursor_per_chat(api: FakeBotApi, bot: RunningBot) -> None:
    api.user_sends_text(30, "ett")
    api.user_sends_text(31, "annan chatt")
    assert [m.text for m in await api.wait_for_messages(30, 1)] == ["ett"]
    api.user_sends_text(30, "två")
    assert [m.text for m in await api.wait_for_messages(30, 1)] == ["två"]
    assert [m.text for m in await api.wait_for_messages(31, 1)] == ["annan chatt"]
    assert [m.text for m in api.sent(30)] == ["ett", "två"]  # history keeps everything


async def test_wait_timeout_says_what_did_arrive(api: FakeBotApi, bot: RunningBot) -> None:
    api.user_sends_text(32, "bara en")
    with pytest.raises(AssertionError) as caught:
        await api.wait_for_messages(32, 2, timeout=0.5)
    message = str(caught.value)
    assert "expected 2 new bot message(s) in chat 32" in message
    assert "got 1" in message
    assert "'bara en'" in message


async def test_wait_timeout_names_failed_calls(api: FakeBotApi, bot: RunningBot) -> None:
    api.fail_next("sendMessage", status=400, description="Bad Request: boom")
    api.user_sends_text(33, "hej")
    with pytest.raises(AssertionError, match=r"sendMessage -> 400 Bad Request: boom"):
        await api.wait_for_reply(33, timeout=0.5)


async def test_wait_for_reply_can_cut_a_slow_handler_short_without_tracking(
    api: FakeBotApi, bot: RunningBot
) -> None:
    # Without the tracking processor the fake only sees quiet time: a handler that
    # pauses longer than `settle` between two sends is answered in two parts.
    api.user_sends_command(34, "/two")
    assert [m.text for m in await api.wait_for_reply(34)] == ["del 1"]
    assert [m.text for m in await api.wait_for_reply(34)] == ["del 2"]


async def test_tracking_processor_waits_for_the_handler_to_return() -> None:
    async with FakeBotApi() as api, running_bot(api, api.update_processor(16)):
        update_id = api.user_sends_command(35, "/two")
        assert [m.text for m in await api.wait_for_reply(35)] == ["del 1", "del 2"]
        record = api.update(update_id)
        assert record.handled_at is not None
        assert record.delivered_at is not None
        assert record.enqueued_at < record.delivered_at < record.handled_at


class CountingProcessor(SimpleUpdateProcessor):
    """Stands in for the bot's own processor, to show track() keeps it in charge."""

    def __init__(self) -> None:
        super().__init__(8)
        self.seen: list[int] = []

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        self.seen.append(getattr(update, "update_id", -1))
        await coroutine


async def test_track_wraps_the_apps_own_processor() -> None:
    inner = CountingProcessor()
    async with FakeBotApi() as api, running_bot(api, inner, track=True) as bot:
        assert bot.app.update_processor is not inner
        update_id = api.user_sends_command(36, "/two")
        assert [m.text for m in await api.wait_for_reply(36)] == ["del 1", "del 2"]
        assert inner.seen == [update_id]
        assert bot.app.concurrent_updates == 8


async def test_wait_until_idle_spans_chats(api: FakeBotApi, bot: RunningBot) -> None:
    for chat_id in range(40, 50):
        api.user_sends_text(chat_id, f"hej {chat_id}")
    await api.wait_until_idle()
    assert all(len(api.sent(chat_id)) == 1 for chat_id in range(40, 50))
    assert api.pending_updates <= 10  # confirmed on the next poll


async def test_user_profile_follows_the_user(api: FakeBotApi) -> None:
    api.user_sends_text(50, "hi", language_code="en", first_name="Amina")
    later = api.user_sends_text(50, "hej igen")  # same person, profile kept
    sender = api.update(later).payload["message"]["from"]
    assert sender == {"id": 50, "is_bot": False, "first_name": "Amina", "language_code": "en"}
