"""The test side: simulated users whose actions become Telegram updates.

Every ``user_*`` method enqueues one update shaped like Telegram's and returns its
``update_id``. ``first_name``/``language_code`` left as None keep the user's profile
(first seen: "Test", "sv"); giving them changes it, as a user switching app language.
Misuse (tapping a button the bot never showed) raises AssertionError: a real user
could not do it either.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable

from tests.fakes._telegram_errors import ApiError
from tests.fakes._telegram_markup import inline_buttons, utf16_length
from tests.fakes._telegram_media import SAMPLE_VOICE, file_entry, sample_png, store_photo
from tests.fakes._telegram_records import JsonDict
from tests.fakes._telegram_state import ChatState, TelegramWorld

# Telegram clients mark "/command" (optionally "@botname") as a bot_command entity.
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
STOCKHOLM = (59.3293, 18.0686)


def command_entities(text: str) -> list[JsonDict]:
    return [
        {
            "type": "bot_command",
            "offset": utf16_length(text[: match.start()]),  # offsets are UTF-16 units
            "length": utf16_length(match.group()),
        }
        for match in _COMMAND.finditer(text)
    ]


def _without_reply(message: JsonDict) -> JsonDict:
    # Telegram nests only one level of reply_to_message.
    return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}


class UserActions:
    """Mixin for FakeBotApi: the ``user_*`` methods."""

    _world: TelegramWorld

    def add_user(
        self, chat_id: int, *, first_name: str | None = None, language_code: str | None = None
    ) -> None:
        """Make a private chat known (as after /start) without sending an update."""
        self._world.ensure_chat(chat_id, first_name, language_code)

    def user_sends_text(
        self,
        chat_id: int,
        text: str,
        *,
        language_code: str | None = None,
        first_name: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        content: JsonDict = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._send(chat_id, content, first_name, language_code, reply_to=reply_to)

    def user_sends_command(
        self,
        chat_id: int,
        command: str,
        args: str = "",
        *,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        command = command if command.startswith("/") else f"/{command}"
        text = f"{command} {args}" if args else command
        content: JsonDict = {
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": utf16_length(command)}],
        }
        return self._send(chat_id, content, first_name, language_code)

    def user_taps(
        self,
        chat_id: int,
        callback_data: str,
        *,
        message_id: int | None = None,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        """Tap the inline button carrying ``callback_data``.

        Without ``message_id`` the newest live bot message offering that button is used
        (normally the last one with a keyboard; older ones only if it lacks the button).
        """
        chat = self._known_chat(chat_id, first_name, language_code)
        message = self._message_with_button(chat, message_id, lambda _, data: data == callback_data)
        return self._tap(chat, message, callback_data)

    def user_taps_button(
        self,
        chat_id: int,
        label: str,
        *,
        message_id: int | None = None,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        """Like user_taps, but finds the button by its visible label."""
        chat = self._known_chat(chat_id, first_name, language_code)
        message = self._message_with_button(chat, message_id, lambda text, _: text == label)
        buttons = inline_buttons(message.get("reply_markup"))
        data = next(d for row in buttons for text, d in row if text == label)
        return self._tap(chat, message, data)

    def user_sends_photo(
        self,
        chat_id: int,
        photo: bytes | None = None,
        *,
        caption: str | None = None,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        """Send a photo (default: a small generated PNG); the bot can download it."""
        try:
            sizes = store_photo(self._world.files, photo if photo is not None else sample_png())
        except ApiError as exc:
            raise ValueError("user_sends_photo needs image bytes Pillow can open") from exc
        content: JsonDict = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._send(chat_id, content, first_name, language_code)

    def user_sends_sticker(
        self,
        chat_id: int,
        emoji: str = "👍",
        *,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        picture = sample_png(512, 512)  # PNG bytes under a .webp name: nobody decodes them
        sticker = file_entry(
            self._world.files, picture, kind="sticker", extension="webp", mime_type=None
        )
        sticker.update(
            type="regular", width=512, height=512, is_animated=False, is_video=False, emoji=emoji
        )
        return self._send(chat_id, {"sticker": sticker}, first_name, language_code)

    def user_sends_voice(
        self,
        chat_id: int,
        voice: bytes | None = None,
        *,
        duration: int = 3,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        entry = file_entry(
            self._world.files,
            voice if voice is not None else SAMPLE_VOICE,
            kind="voice",
            extension="ogg",
            mime_type="audio/ogg",
        )
        entry["duration"] = duration
        return self._send(chat_id, {"voice": entry}, first_name, language_code)

    def user_sends_location(
        self,
        chat_id: int,
        latitude: float = STOCKHOLM[0],
        longitude: float = STOCKHOLM[1],
        *,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        content = {"location": {"latitude": latitude, "longitude": longitude}}
        return self._send(chat_id, content, first_name, language_code)

    def user_sends_contact(
        self,
        chat_id: int,
        phone_number: str = "+46701234567",
        *,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        """Share one's own contact (what a request_contact keyboard button sends)."""
        chat = self._world.ensure_chat(chat_id, first_name, language_code)
        contact = {
            "phone_number": phone_number,
            "first_name": chat.user["first_name"],
            "user_id": chat_id,
        }
        return self._send(chat_id, {"contact": contact}, first_name, language_code)

    def user_sends_document(
        self,
        chat_id: int,
        document: bytes = b"%PDF-1.4\n% fake\n",
        *,
        file_name: str = "intyg.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        entry = file_entry(
            self._world.files,
            document,
            kind="document",
            extension=file_name.rsplit(".", 1)[-1] if "." in file_name else "bin",
            mime_type=mime_type,
            file_name=file_name,
        )
        content: JsonDict = {"document": entry}
        if caption is not None:
            content["caption"] = caption
        return self._send(chat_id, content, first_name, language_code)

    def user_edits_message(
        self,
        chat_id: int,
        message_id: int,
        new_text: str,
        *,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        """Edit one of the user's own earlier text messages (an ``edited_message``)."""
        chat = self._known_chat(chat_id, first_name, language_code)
        message = chat.user_messages.get(message_id)
        if message is None or "text" not in message:
            raise AssertionError(
                f"chat {chat_id} has no user text message {message_id}; "
                f"user messages: {sorted(chat.user_messages)}"
            )
        message["text"] = new_text
        message["edit_date"] = int(time.time())
        if entities := command_entities(new_text):
            message["entities"] = entities
        else:
            message.pop("entities", None)
        return self._world.enqueue(chat, "edited_message", copy.deepcopy(message))

    # -- internals ----------------------------------------------------------------

    def _known_chat(
        self, chat_id: int, first_name: str | None, language_code: str | None
    ) -> ChatState:
        if chat_id not in self._world.chats:
            raise AssertionError(f"chat {chat_id} has never talked to the bot")
        return self._world.ensure_chat(chat_id, first_name, language_code)

    def _send(
        self,
        chat_id: int,
        content: JsonDict,
        first_name: str | None,
        language_code: str | None,
        *,
        reply_to: int | None = None,
    ) -> int:
        chat = self._world.ensure_chat(chat_id, first_name, language_code)
        message: JsonDict = {
            "message_id": chat.allocate_message_id(),
            "from": dict(chat.user),
            "chat": dict(chat.chat),
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            target = chat.bot_messages.get(reply_to) or chat.user_messages.get(reply_to)
            if target is None:
                raise AssertionError(f"chat {chat_id} has no message {reply_to} to reply to")
            message["reply_to_message"] = _without_reply(target)
        chat.user_messages[message["message_id"]] = message
        return self._world.enqueue(chat, "message", copy.deepcopy(message))

    def _message_with_button(
        self,
        chat: ChatState,
        message_id: int | None,
        matches: Callable[[str, str], bool],
    ) -> JsonDict:
        if message_id is not None:
            candidates = [chat.bot_messages[message_id]] if message_id in chat.bot_messages else []
        else:
            candidates = [chat.bot_messages[mid] for mid in sorted(chat.bot_messages, reverse=True)]
        for message in candidates:
            buttons = inline_buttons(message.get("reply_markup"))
            if any(matches(text, data) for row in buttons for text, data in row):
                return message
        offered = {
            mid: [text for row in inline_buttons(m.get("reply_markup")) for text, _ in row]
            for mid, m in chat.bot_messages.items()
            if m.get("reply_markup")
        }
        where = f"message {message_id}" if message_id is not None else "any live bot message"
        raise AssertionError(
            f"chat {chat.chat_id}: no such button on {where}; buttons on offer: {offered}"
        )

    def _tap(self, chat: ChatState, message: JsonDict, data: str) -> int:
        query_id = self._world.new_query_id()
        body: JsonDict = {
            "id": query_id,
            "from": dict(chat.user),
            "message": copy.deepcopy(message),
            "chat_instance": str(-7_000_000_000_000_000_000 + chat.chat_id),
            "data": data,
        }
        update_id = self._world.enqueue(chat, "callback_query", body)
        self._world.open_queries[query_id] = self._world.update_records[update_id]
        return update_id
