"""The Bot API methods the fake implements, with Telegram's checks and error wording.

Each method takes a decoded ``BotRequest`` and returns the ``result`` JSON or raises
``ApiError``. Nothing here knows about HTTP.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from tests.fakes._telegram_errors import bad_request, blocked, webhook_conflict
from tests.fakes._telegram_markup import (
    check_caption,
    check_reply_markup,
    check_text,
    inline_buttons,
    is_inline_keyboard,
    reply_keyboard,
)
from tests.fakes._telegram_media import file_entry, store_photo
from tests.fakes._telegram_records import (
    CallbackAnswer,
    JsonDict,
    SentMessage,
    UploadedFile,
)
from tests.fakes._telegram_state import ChatState, TelegramWorld, commands_key

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_STALE_QUERY = "query is too old and response timeout expired or query ID is invalid"
MEDIA_KINDS = ("photo", "document", "voice", "audio")
_FILE_DEFAULTS = {
    "document": ("bin", "application/octet-stream"),
    "voice": ("ogg", "audio/ogg"),
    "audio": ("mp3", "audio/mpeg"),
}


@dataclass(frozen=True)
class BotRequest:
    method: str  # canonical spelling
    params: JsonDict
    files: dict[str, UploadedFile]
    received_at: float


Handler = Callable[[BotRequest], Awaitable[Any]]


@dataclass(frozen=True)
class _Media:
    data: bytes | None  # None when "sent" by URL
    content: JsonDict  # the message fields, e.g. {"photo": [...]}
    file_name: str | None = None


def _int_param(params: JsonDict, name: str, default: int | None = None) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or value is None:
        raise bad_request(f"{name} is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def _float_param(params: JsonDict, name: str, default: float) -> float:
    try:
        return float(params.get(name, default))
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def _message_id_of(params: JsonDict) -> int:
    if "inline_message_id" in params:
        raise bad_request("MESSAGE_ID_INVALID")  # the fake has no inline mode
    if "message_id" not in params:
        raise bad_request("message identifier is not specified")
    return _int_param(params, "message_id")


class BotApiMethods:
    """Bot API semantics over a ``TelegramWorld``."""

    def __init__(self, world: TelegramWorld) -> None:
        self._world = world
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_media,
            "sendDocument": self.send_media,
            "sendVoice": self.send_media,
            "sendAudio": self.send_media,
            "sendChatAction": self.send_chat_action,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "getFile": self.get_file,
            "close": self.close,
            "logOut": self.close,
        }
        # Telegram matches method names case-insensitively.
        self._by_lower = {name.lower(): name for name in self.handlers}

    def canonical(self, name: str) -> str | None:
        return self._by_lower.get(name.lower())

    async def call(self, request: BotRequest) -> Any:
        return await self.handlers[request.method](request)

    # -- bot identity, polling, webhook ------------------------------------------------

    async def get_me(self, request: BotRequest) -> Any:
        return dict(self._world.bot_user)

    async def get_updates(self, request: BotRequest) -> Any:
        if self._world.webhook_url:
            raise webhook_conflict()
        params = request.params
        allowed = params.get("allowed_updates")
        return await self._world.updates.fetch(
            offset=_int_param(params, "offset", 0),
            limit=_int_param(params, "limit", 100),
            wait_seconds=_float_param(params, "timeout", 0.0),
            allowed_updates=allowed if isinstance(allowed, list) else None,
        )

    async def set_webhook(self, request: BotRequest) -> Any:
        url = str(request.params.get("url", ""))
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self._world.webhook_url = url
        return True

    async def delete_webhook(self, request: BotRequest) -> Any:
        self._world.webhook_url = ""
        if request.params.get("drop_pending_updates") is True:
            self._world.updates.drop_pending()
        return True

    async def get_webhook_info(self, request: BotRequest) -> Any:
        return {
            "url": self._world.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": self._world.updates.pending_count,
        }

    async def close(self, request: BotRequest) -> Any:
        return True

    # -- commands --------------------------------------------------------------------

    @staticmethod
    def _commands_key(params: JsonDict) -> str:
        return commands_key(params.get("scope"), params.get("language_code"))

    async def set_my_commands(self, request: BotRequest) -> Any:
        commands = request.params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = command.get("command") if isinstance(command, dict) else None
            description = command.get("description") if isinstance(command, dict) else None
            # Only lowercase ASCII: "/hjälp" is refused by Telegram.
            if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("command description must be non-empty")
        self._world.commands[self._commands_key(request.params)] = commands
        return True

    async def get_my_commands(self, request: BotRequest) -> Any:
        return self._world.commands.get(self._commands_key(request.params), [])

    async def delete_my_commands(self, request: BotRequest) -> Any:
        self._world.commands.pop(self._commands_key(request.params), None)
        return True

    # -- sending ---------------------------------------------------------------------

    def target_chat(self, params: JsonDict) -> ChatState:
        """The chat a call addresses; Telegram refuses chats that never talked to the bot."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = self._world.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise blocked()
        return chat

    async def send_message(self, request: BotRequest) -> Any:
        params = request.params
        chat = self.target_chat(params)
        plain = check_text(params.get("text"), params.get("parse_mode"))
        message = self._new_message(chat, params, {"text": plain})
        self._record(request, chat, message, text=params["text"], plain=plain, media={})
        return message

    async def send_media(self, request: BotRequest) -> Any:
        params = request.params
        kind = request.method.removeprefix("send").lower()
        chat = self.target_chat(params)
        caption = check_caption(params.get("caption"), params.get("parse_mode"))
        media = self._media(request, kind)
        content = dict(media.content)
        if caption is not None:
            content["caption"] = caption
        message = self._new_message(chat, params, content)
        self._record(
            request,
            chat,
            message,
            text=None if caption is None else str(params["caption"]),
            plain=caption,
            media={kind: media.data},
            file_name=media.file_name,
        )
        return message

    def _media(self, request: BotRequest, kind: str) -> _Media:
        """The file of a send* call: an upload, a file_id sent before, or a URL."""
        upload = request.files.get(kind)
        if upload is not None:
            return self._store(request.params, kind, upload)
        reference = request.params.get(kind)
        if not isinstance(reference, str) or not reference:
            raise bad_request(f"there is no {kind} in the request")
        reused = self._reuse(kind, reference)
        if reused is not None:
            return reused
        if not reference.startswith(("http://", "https://")):
            raise bad_request("wrong file identifier/HTTP URL specified")
        # Telegram would fetch the URL; the fake stays on loopback, so there are no bytes.
        name = reference.rsplit("/", 1)[-1]
        return self._store(request.params, kind, UploadedFile(name, None, b""), by_url=True)

    def _reuse(self, kind: str, file_id: str) -> _Media | None:
        """A file_id from an earlier message: same file, same JSON (None if unknown)."""
        files = self._world.files
        if kind == "photo":
            sizes = files.photo_set(file_id)
            if sizes is None:
                return None
            largest = files.get(sizes[-1]["file_id"])
            return _Media(largest.data if largest else None, {"photo": sizes})
        stored = files.get(file_id)
        if stored is None or not stored.file_path.startswith(f"{kind}s/"):
            return None
        entry: JsonDict = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.file_name:
            entry["file_name"] = stored.file_name
        if stored.mime_type:
            entry["mime_type"] = stored.mime_type
        if stored.data is not None:
            entry["file_size"] = len(stored.data)
        if kind in ("voice", "audio"):
            entry["duration"] = 1
        return _Media(stored.data, {kind: entry}, stored.file_name)

    def _store(
        self, params: JsonDict, kind: str, upload: UploadedFile, *, by_url: bool = False
    ) -> _Media:
        data = None if by_url else upload.data
        files = self._world.files
        if kind == "photo":
            return _Media(data, {"photo": store_photo(files, data)})
        extension, mime = _FILE_DEFAULTS.get(kind, ("bin", "application/octet-stream"))
        if upload.filename and "." in upload.filename:
            extension = upload.filename.rsplit(".", 1)[-1]
        # PTB labels uploads it cannot guess as octet-stream; Telegram sniffs the type.
        if upload.content_type and upload.content_type != "application/octet-stream":
            mime = upload.content_type
        file_name = upload.filename if kind in ("document", "audio") else None
        entry = file_entry(
            files, data, kind=kind, extension=extension, mime_type=mime, file_name=file_name
        )
        if kind in ("voice", "audio"):
            entry["duration"] = _int_param(params, "duration", 1)
        if kind == "audio":
            entry.update({k: str(params[k]) for k in ("title", "performer") if k in params})
        return _Media(data, {kind: entry}, file_name)

    def _new_message(self, chat: ChatState, params: JsonDict, content: JsonDict) -> JsonDict:
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        reply_to = self._reply_target(chat, params)
        message: JsonDict = {
            "message_id": chat.allocate_message_id(),
            "from": self._world.bot_user,
            "chat": chat.chat,
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        # Telegram echoes only inline keyboards; reply keyboards live on the client.
        if is_inline_keyboard(markup):
            message["reply_markup"] = markup
        chat.bot_messages[message["message_id"]] = message
        return copy.deepcopy(message)

    def _reply_target(self, chat: ChatState, params: JsonDict) -> JsonDict | None:
        reply = params.get("reply_parameters")
        # PTB 22 sends reply_parameters; older clients send reply_to_message_id.
        source = reply if isinstance(reply, dict) else params
        message_id = source.get("message_id" if source is reply else "reply_to_message_id")
        lenient = bool(source.get("allow_sending_without_reply"))
        if message_id is None:
            return None
        target = chat.user_messages.get(int(message_id)) or chat.bot_messages.get(int(message_id))
        if target is None:
            if lenient:
                return None
            raise bad_request("message to be replied not found")
        # Telegram nests only one level of reply_to_message.
        return {k: v for k, v in target.items() if k != "reply_to_message"}

    def _record(
        self,
        request: BotRequest,
        chat: ChatState,
        message: JsonDict,
        *,
        text: str | None,
        plain: str | None,
        media: dict[str, bytes | None],
        file_name: str | None = None,
    ) -> None:
        markup = request.params.get("reply_markup")
        chat.record(
            SentMessage(
                method=request.method,
                chat_id=chat.chat_id,
                message_id=message["message_id"],
                text=text,
                plain_text=plain,
                parse_mode=request.params.get("parse_mode"),
                buttons=inline_buttons(markup),
                reply_keyboard=reply_keyboard(markup),
                reply_markup=markup,
                photo=media.get("photo"),
                document=media.get("document"),
                voice=media.get("voice"),
                audio=media.get("audio"),
                file_name=file_name,
                params=request.params,
                time=request.received_at,
            )
        )
        self._world.touch(chat.chat_id)

    async def send_chat_action(self, request: BotRequest) -> Any:
        chat = self.target_chat(request.params)
        if not request.params.get("action"):
            raise bad_request("wrong parameter action in request")
        self._world.touch(chat.chat_id)
        return True

    # -- editing and deleting ----------------------------------------------------------

    def _editable(self, params: JsonDict) -> tuple[ChatState, JsonDict]:
        chat = self.target_chat(params)
        message_id = _message_id_of(params)
        message = chat.bot_messages.get(message_id)
        if message is None:
            if message_id in chat.user_messages:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, message

    def _apply_edit(
        self,
        request: BotRequest,
        chat: ChatState,
        message: JsonDict,
        changes: JsonDict,
        view_changes: dict[str, Any],
    ) -> Any:
        """Apply an edit unless it changes nothing (Telegram answers 400 then)."""
        markup = request.params.get("reply_markup")
        check_reply_markup(markup)
        # An edit without reply_markup drops the inline keyboard, as on Telegram.
        new_markup = markup if is_inline_keyboard(markup) else None
        unchanged = all(message.get(k) == v for k, v in changes.items())
        if unchanged and message.get("reply_markup") == new_markup:
            raise bad_request(_NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        if new_markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        view = replace(
            chat.views[message["message_id"]],
            method=request.method,
            buttons=inline_buttons(new_markup),
            reply_markup=markup,
            params=request.params,
            time=request.received_at,
            **view_changes,
        )
        chat.record(view)
        self._world.touch(chat.chat_id)
        return copy.deepcopy(message)

    async def edit_message_text(self, request: BotRequest) -> Any:
        chat, message = self._editable(request.params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        parse_mode = request.params.get("parse_mode")
        plain = check_text(request.params.get("text"), parse_mode)
        raw = str(request.params["text"])
        view = {"text": raw, "plain_text": plain, "parse_mode": parse_mode}
        return self._apply_edit(request, chat, message, {"text": plain}, view)

    async def edit_message_caption(self, request: BotRequest) -> Any:
        chat, message = self._editable(request.params)
        if not any(kind in message for kind in MEDIA_KINDS):
            raise bad_request("there is no caption in the message to edit")
        parse_mode = request.params.get("parse_mode")
        plain = check_caption(request.params.get("caption"), parse_mode)
        raw = None if plain is None else str(request.params.get("caption"))
        view = {"text": raw, "plain_text": plain, "parse_mode": parse_mode}
        return self._apply_edit(request, chat, message, {"caption": plain}, view)

    async def edit_message_reply_markup(self, request: BotRequest) -> Any:
        chat, message = self._editable(request.params)
        return self._apply_edit(request, chat, message, {}, {})

    async def delete_message(self, request: BotRequest) -> Any:
        chat = self.target_chat(request.params)
        message_id = _message_id_of(request.params)
        # In private chats a bot may delete the user's messages too.
        if chat.bot_messages.pop(message_id, None) is None and (
            chat.user_messages.pop(message_id, None) is None
        ):
            raise bad_request("message to delete not found")
        chat.views.pop(message_id, None)
        chat.deleted.append(message_id)
        self._world.touch(chat.chat_id)
        return True

    # -- callback queries and files ------------------------------------------------------

    async def answer_callback_query(self, request: BotRequest) -> Any:
        params = request.params
        query_id = str(params.get("callback_query_id", ""))
        tap = self._world.open_queries.pop(query_id, None)
        if tap is None:
            # Unknown, or answered already: Telegram gives the same answer for both.
            raise bad_request(_STALE_QUERY)
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._world.callback_answers.append(
            CallbackAnswer(
                callback_query_id=query_id,
                update_id=tap.update_id,
                chat_id=tap.chat_id,
                text=None if text is None else str(text),
                show_alert=params.get("show_alert") is True,
                url=params.get("url"),
                time=request.received_at,
            )
        )
        self._world.touch(tap.chat_id)
        return True

    async def get_file(self, request: BotRequest) -> Any:
        stored = self._world.files.get(str(request.params.get("file_id", "")))
        if stored is None:
            raise bad_request("invalid file_id")
        result: JsonDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_path": stored.file_path,
        }
        if stored.data is not None:
            result["file_size"] = len(stored.data)
        return result
