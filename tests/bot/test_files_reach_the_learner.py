"""A reply can carry a file (a credential, a badge, the learner's data).

Telegram gets it as a document, byte for byte and with its name, never as a photo
(which Telegram would recompress); the web chat gets the bytes inside the message.
"""

from __future__ import annotations

import base64
from types import SimpleNamespace

from telegram import Bot

from bot.rendering import Reply, ReplyButton, ReplyFile
from bot.sending import send_reply
from bot.webchat.routes import _reply_json
from tests.fakes.telegram import FakeBotApi

CHAT = 4711
# A PNG signature and some bytes a photo upload would not keep as they are.
BADGE = ReplyFile("badge.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png")


async def _send(api: FakeBotApi, reply: Reply) -> None:
    api.add_user(CHAT, first_name="Jacob")
    async with Bot(api.token, base_url=api.base_url) as bot:
        context = SimpleNamespace(bot=bot, bot_data={"photo_ids": {}})
        await send_reply(context, CHAT, reply, None)  # type: ignore[arg-type]


async def test_a_file_reaches_telegram_as_a_document_with_its_name_and_buttons() -> None:
    reply = Reply("Here is your badge.", buttons=((ReplyButton("Back", "back"),),), file=BADGE)
    async with FakeBotApi() as api:
        await _send(api, reply)
        (sent,) = api.sent(CHAT)
    assert sent.method == "sendDocument"
    assert sent.document == BADGE.data
    assert sent.file_name == "badge.png"
    assert sent.plain_text == "Here is your badge."
    assert sent.labels == ["Back"]


async def test_a_long_text_goes_after_the_file_so_nothing_is_cut() -> None:
    long_text = "A sentence to read. " * 80
    async with FakeBotApi() as api:
        await _send(api, Reply(long_text.strip(), file=BADGE))
        first, second = api.sent(CHAT)
    assert (first.method, first.plain_text) == ("sendDocument", None)
    assert (second.method, second.plain_text) == ("sendMessage", long_text.strip())


def test_the_web_chat_gets_the_file_inside_the_message() -> None:
    shown = _reply_json(Reply("Here is your badge.", file=BADGE))
    assert shown["file"]["name"] == "badge.png"
    assert shown["file"]["mime"] == "image/png"
    assert base64.b64decode(shown["file"]["data"]) == BADGE.data
    assert _reply_json(Reply("No file here."))["file"] is None
