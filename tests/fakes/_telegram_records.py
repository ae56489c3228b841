"""What the fake remembers: the bot's calls, the messages it sent, the users' updates.

Times are ``time.perf_counter()`` seconds, so latencies are plain differences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

JsonDict = dict[str, Any]
# One inline keyboard: rows of (label, callback_data or url).
Buttons = list[list[tuple[str, str]]]


@dataclass(frozen=True)
class UploadedFile:
    """One multipart file part of a request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class ApiCall:
    """One HTTP call the bot made. ``status`` stays None while a long poll is open."""

    method: str  # canonical spelling, e.g. "sendMessage"
    params: JsonDict
    files: dict[str, bytes]
    time: float
    status: int | None = None
    result: Any = None
    description: str | None = None  # the error text when status != 200

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True)
class SentMessage:
    """A bot message as the user sees it after one send or edit.

    Edits are logged as new entries (``method="editMessageText"`` etc.) with the
    ``message_id`` of the message they changed, so a conversation reads in order.
    """

    method: str
    chat_id: int
    message_id: int
    text: str | None  # text or caption exactly as sent (markup included)
    plain_text: str | None  # what the user reads: parse_mode markup removed
    parse_mode: str | None
    buttons: Buttons
    reply_keyboard: list[list[str]]
    reply_markup: Any
    photo: bytes | None
    document: bytes | None
    voice: bytes | None
    audio: bytes | None
    file_name: str | None
    params: JsonDict
    time: float

    @property
    def labels(self) -> list[str]:
        """Inline button labels, row by row, flattened."""
        return [label for row in self.buttons for label, _ in row]

    def button_data(self, label: str) -> str:
        """The callback_data (or url) behind the inline button labelled ``label``."""
        for row in self.buttons:
            for text, data in row:
                if text == label:
                    return data
        raise AssertionError(f"no button {label!r} on message {self.message_id}: {self.labels}")

    def describe(self) -> str:
        """A one-line summary for assertion messages."""
        parts = [f"#{self.message_id} {self.method}"]
        if self.text is not None:
            parts.append(repr(self.text if len(self.text) <= 80 else self.text[:77] + "..."))
        if self.buttons:
            parts.append(f"buttons={self.labels}")
        if self.reply_keyboard:
            parts.append(f"keyboard={self.reply_keyboard}")
        for kind in ("photo", "document", "voice", "audio"):
            data = getattr(self, kind)
            if data is not None:
                parts.append(f"{kind}={len(data)}B")
        return " ".join(parts)


@dataclass(frozen=True)
class CallbackAnswer:
    """One answerCallbackQuery call, tied back to the tap that caused it."""

    callback_query_id: str
    update_id: int
    chat_id: int
    text: str | None
    show_alert: bool
    url: str | None
    time: float


@dataclass
class UpdateRecord:
    """One update a simulated user caused, and how far the bot got with it."""

    update_id: int
    chat_id: int
    kind: str  # "message", "edited_message", "callback_query"
    payload: JsonDict
    enqueued_at: float
    delivered_at: float | None = None  # returned by getUpdates
    handled_at: float | None = None  # handler finished (needs the tracking processor)


@dataclass(frozen=True)
class StoredFile:
    """A file the fake can hand out by file_id (getFile + download)."""

    file_id: str
    file_unique_id: str
    data: bytes | None  # None for files "sent" by URL
    file_path: str
    mime_type: str | None
    file_name: str | None = None
