"""The fake Telegram's shared state: chats, files, faults, updates and the call log.

The HTTP side (bot methods) and the test side (simulated users, observers) both work
on one ``TelegramWorld``; it holds data and bookkeeping, not Bot API rules.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.fakes._telegram_errors import FAULT_DESCRIPTIONS, ApiError, too_many_requests
from tests.fakes._telegram_records import (
    ApiCall,
    CallbackAnswer,
    JsonDict,
    SentMessage,
    StoredFile,
    UpdateRecord,
)
from tests.fakes._telegram_updates import Pulse, UpdateQueue


@dataclass
class ChatState:
    """One private chat: its user, both sides' messages and the test's read cursor."""

    chat_id: int
    user: JsonDict
    chat: JsonDict
    next_message_id: int = 1  # shared by both sides, as in a real private chat
    user_messages: dict[int, JsonDict] = field(default_factory=dict)
    bot_messages: dict[int, JsonDict] = field(default_factory=dict)  # live, as Message JSON
    views: dict[int, SentMessage] = field(default_factory=dict)  # live, latest view
    history: list[SentMessage] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)  # message ids, either side
    cursor: int = 0  # history entries already returned by a wait_for_*
    undelivered: set[int] = field(default_factory=set)
    unhandled: set[int] = field(default_factory=set)
    last_activity: float = field(default_factory=time.perf_counter)
    pulse: Pulse = field(default_factory=Pulse)
    blocked: bool = False

    def allocate_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def record(self, sent: SentMessage) -> None:
        self.history.append(sent)
        self.views[sent.message_id] = sent


class FileStore:
    """file_id -> bytes, for files users send and files the bot uploads."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        # Any PhotoSize file_id -> the whole size list, so a photo resent by file_id
        # comes back with the same sizes, as Telegram does.
        self._photo_sets: dict[str, list[JsonDict]] = {}
        self._count = 0

    def add(
        self,
        data: bytes | None,
        *,
        kind: str,
        extension: str,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> StoredFile:
        self._count += 1
        number = self._count
        stored = StoredFile(
            file_id=f"fake-{kind}-{number:06d}-AgACAgQAAxkBAAI",
            file_unique_id=f"AQAD{number:06d}",
            data=data,
            file_path=f"{kind}s/file_{number}.{extension}",
            mime_type=mime_type,
            file_name=file_name,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def remember_photo_set(self, sizes: list[JsonDict]) -> None:
        for size in sizes:
            self._photo_sets[size["file_id"]] = sizes

    def photo_set(self, file_id: str) -> list[JsonDict] | None:
        return self._photo_sets.get(file_id)


@dataclass
class Fault:
    """An injected failure (or delay) for the next ``remaining`` matching calls."""

    status: int | None  # None: only delay, then answer normally
    description: str | None
    retry_after: int | None
    delay: float
    chat_id: int | None
    remaining: int

    def error(self) -> ApiError | None:
        if self.status is None:
            return None
        if self.status == 429:
            error = too_many_requests(self.retry_after or 1)
            if self.description:
                error.description = self.description
            return error
        description = self.description or FAULT_DESCRIPTIONS.get(self.status, "Error")
        return ApiError(self.status, description)


class FaultPlan:
    """Queued faults per method name ("*" matches every method), consumed in order."""

    def __init__(self) -> None:
        self._faults: dict[str, deque[Fault]] = {}

    def add(self, method: str, fault: Fault) -> None:
        self._faults.setdefault(method.lower(), deque()).append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def take(self, method: str, chat_id: int | None) -> Fault | None:
        for key in (method.lower(), "*"):
            queue = self._faults.get(key)
            if not queue:
                continue
            for fault in queue:
                if fault.chat_id is None or fault.chat_id == chat_id:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        queue.remove(fault)
                    return fault
        return None


def commands_key(scope: Any, language_code: Any) -> str:
    """setMyCommands keeps one list per (scope, language_code)."""
    return f"{json.dumps(scope or {'type': 'default'}, sort_keys=True)}|{language_code or ''}"


class TelegramWorld:
    """Everything both sides of the fake share."""

    def __init__(self, token: str, bot_user: JsonDict) -> None:
        self.token = token
        self.bot_user = bot_user
        self.chats: dict[int, ChatState] = {}
        self.files = FileStore()
        self.updates = UpdateQueue(self._mark_delivered, first_id=100_000_001)
        self.update_records: dict[int, UpdateRecord] = {}
        self.calls: list[ApiCall] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.open_queries: dict[str, UpdateRecord] = {}  # callback_query_id -> its tap
        self._query_numbers = itertools.count(1)
        self.faults = FaultPlan()
        self.webhook_url = ""
        self.commands: dict[str, list[JsonDict]] = {}
        self.latency = 0.0
        self.tracks_handling = False  # True once the tracking update processor is in use
        self.activity = Pulse()  # fires on any change, for waits that span chats
        self.last_activity = time.perf_counter()

    def new_query_id(self) -> str:
        # Telegram's callback query ids are long decimal strings.
        return str(4_200_000_000_000_000_000 + next(self._query_numbers))

    def ensure_chat(
        self, chat_id: int, first_name: str | None = None, language_code: str | None = None
    ) -> ChatState:
        chat = self.chats.get(chat_id)
        if chat is None:
            user: JsonDict = {
                "id": chat_id,
                "is_bot": False,
                "first_name": first_name or "Test",
                "language_code": language_code or "sv",
            }
            chat = ChatState(
                chat_id=chat_id,
                user=user,
                chat={"id": chat_id, "type": "private", "first_name": user["first_name"]},
            )
            self.chats[chat_id] = chat
            return chat
        # The same person may come back with another name or app language.
        if first_name is not None:
            chat.user["first_name"] = first_name
            chat.chat["first_name"] = first_name
        if language_code is not None:
            chat.user["language_code"] = language_code
        return chat

    def enqueue(self, chat: ChatState, kind: str, body: JsonDict) -> int:
        update_id = self.updates.next_id()
        update: JsonDict = {"update_id": update_id, kind: body}
        self.update_records[update_id] = UpdateRecord(
            update_id=update_id,
            chat_id=chat.chat_id,
            kind=kind,
            payload=update,
            enqueued_at=time.perf_counter(),
        )
        chat.undelivered.add(update_id)
        chat.unhandled.add(update_id)
        self.updates.push(update)
        return update_id

    def touch(self, chat_id: int | None) -> None:
        """Note bot activity in a chat; wakes anyone waiting on it."""
        now = time.perf_counter()
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is not None:
            chat.last_activity = now
            chat.pulse.fire()
        self.last_activity = now
        self.activity.fire()

    def handling_started(self, update_id: int) -> None:
        record = self.update_records.get(update_id)
        if record is not None:
            self.touch(record.chat_id)

    def handling_finished(self, update_id: int) -> None:
        record = self.update_records.get(update_id)
        if record is None:
            return
        record.handled_at = time.perf_counter()
        self.chats[record.chat_id].unhandled.discard(update_id)
        self.touch(record.chat_id)

    def unsettled(self, chat: ChatState) -> set[int]:
        """Updates of this chat the bot has not finished with yet (as far as we can see)."""
        return chat.unhandled if self.tracks_handling else chat.undelivered

    def _mark_delivered(self, batch: list[JsonDict]) -> None:
        now = time.perf_counter()
        for update in batch:
            record = self.update_records.get(update["update_id"])
            if record is None or record.delivered_at is not None:
                continue
            record.delivered_at = now
            self.chats[record.chat_id].undelivered.discard(record.update_id)
            self.touch(record.chat_id)
