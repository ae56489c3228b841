"""Conversation tests that read like the conversation.

A script is a list of (what the learner does, what the bot's last message says):

    await talk(chat, [
        ("/start",         "Choose your language"),
        ("tap: English",   "I save your answers"),
        ("tap: Yes, that is OK", "more pictures"),
        ("Hotel Baltic",   "When did you start"),
    ])

"tap: LABEL" taps the button whose label contains LABEL on the newest message that
has buttons; "/x" sends a command; anything else is typed text. The expected text is
matched case-insensitively as a substring of everything the bot answered to that action.
The same scripts run against every channel through the ``Chat`` protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.conversation import ConversationService
from dialogs.events import Event


@dataclass
class BotMessage:
    text: str
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    has_picture: bool = False

    def find_button(self, label: str) -> tuple[str, str] | None:
        wanted = label.casefold()
        for row in self.buttons:
            for text, data in row:
                if wanted in text.casefold():
                    return text, data
        return None


class Chat(Protocol):
    """A learner talking to the bot through some channel."""

    history: list[BotMessage]

    async def send_text(self, text: str) -> list[BotMessage]: ...

    async def send_command(self, command: str) -> list[BotMessage]: ...

    async def tap_data(self, data: str, message: BotMessage) -> list[BotMessage]: ...


def last_with_buttons(chat: Chat) -> BotMessage:
    for message in reversed(chat.history):
        if message.buttons:
            return message
    raise AssertionError("no message with buttons yet")


async def tap(chat: Chat, label: str) -> list[BotMessage]:
    message = last_with_buttons(chat)
    found = message.find_button(label)
    if found is None:
        labels = [text for row in message.buttons for text, _ in row]
        raise AssertionError(f"no button {label!r} in {labels} (message: {message.text!r})")
    return await chat.tap_data(found[1], message)


async def act(chat: Chat, action: str) -> list[BotMessage]:
    if action.startswith("tap: "):
        return await tap(chat, action[len("tap: ") :])
    if action.startswith("/"):
        return await chat.send_command(action)
    return await chat.send_text(action)


async def talk(chat: Chat, script: Sequence[tuple[str, str]]) -> list[BotMessage]:
    """Play the script; every step must get an answer containing the expected words."""
    answer: list[BotMessage] = []
    for number, (action, expected) in enumerate(script, start=1):
        answer = await act(chat, action)
        said = "\n".join(m.text for m in answer)
        assert expected.casefold() in said.casefold(), (
            f"step {number} {action!r}: expected {expected!r} in the answer, got:\n{said}"
        )
    return answer


class ServiceChat:
    """Talks to the conversation service directly: the dialogs and the database, no channel."""

    def __init__(
        self, service: ConversationService, chat_id: str = "1", language: str | None = "en"
    ) -> None:
        self.service = service
        self.chat_id = chat_id
        self.language = language
        self.history: list[BotMessage] = []

    async def _handle(self, event: Event) -> list[BotMessage]:
        result = await self.service.handle("test", self.chat_id, event, language_hint=self.language)
        messages = [
            BotMessage(
                r.text_with_emoji,
                [[(b.label, b.data) for b in row] for row in r.buttons],
                r.card is not None,
            )
            for r in result.replies
        ]
        self.history.extend(messages)
        return messages

    async def send_text(self, text: str) -> list[BotMessage]:
        return await self._handle(Event.text(text))

    async def send_command(self, command: str) -> list[BotMessage]:
        return await self._handle(Event.command(command))

    async def tap_data(self, data: str, message: BotMessage) -> list[BotMessage]:
        return await self._handle(Event.tap(data))

    async def send_media(self, kind: str) -> list[BotMessage]:
        return await self._handle(Event.media(kind))
