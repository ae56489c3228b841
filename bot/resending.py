"""Asking the Bot API again when a call fails on the way, without sending anything twice.

A learner's next question must not get lost because Telegram answered 502 once or a
connection broke. But a message must not arrive twice either, and the Bot API has no
way to say "this is the same message again". So a call is asked again only when that
cannot make a second copy:

- it never left (no connection could be made): always;
- the Bot API answered with a server error (5xx): it did not carry the call out, always;
- it timed out or the connection broke after it went out: only calls that change nothing
  when done twice (acknowledging a tap, editing a message to the same text, reading).
  A new message (``sendMessage``, ``sendPhoto``, ``sendDocument``) is then not sent
  again: one lost message is better than two, and the learner's next action shows the
  step again.

Flood limits (429 with ``retry_after``) are PTB's ``AIORateLimiter``'s job; this class
adds the above around it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

from bot.transport import MaybeSent, NotSent

log = logging.getLogger(__name__)
# Seconds to wait before each new try: about four seconds in all, then the error stands.
PAUSES = (0.25, 1.0, 2.5)
# Calls that leave things as they are when carried out twice.
SAFE_TO_REPEAT = frozenset(
    {
        "answerCallbackQuery",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "sendChatAction",
        "getMe",
        "getFile",
        "getChat",
        "getUpdates",
        "setWebhook",
        "deleteWebhook",
    }
)


def worth_asking_again(error: NetworkError, endpoint: str) -> bool:
    """Whether ``endpoint`` may be called again after ``error`` without a second copy."""
    if isinstance(error, NotSent):
        return True
    if isinstance(error, BadRequest):
        return False  # the call itself is wrong: asking again gives the same answer
    if isinstance(error, TimedOut | MaybeSent):
        return endpoint in SAFE_TO_REPEAT
    # PTB raises a plain NetworkError for the Bot API's 5xx answers.
    return type(error) is NetworkError


class ResendingRateLimiter(AIORateLimiter):
    """PTB's flood-limit handling, plus asking again after a failure on the way."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for pause in (*PAUSES, None):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as error:
                if pause is None or not worth_asking_again(error, endpoint):
                    raise
                log.info("%s failed (%s); asking again in %.2f s", endpoint, error, pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable: the last try returns or raises")
