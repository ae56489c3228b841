"""The test side: what the bot did, and waiting for it to do something.

The waits keep one read cursor per chat: each ``wait_for_*`` returns only bot
messages that no earlier wait returned, so a conversation test reads like a script.
"""

from __future__ import annotations

import time
from typing import Any

from tests.fakes._telegram_records import ApiCall, CallbackAnswer, SentMessage, UpdateRecord
from tests.fakes._telegram_state import ChatState, TelegramWorld, commands_key

DEFAULT_SETTLE = 0.08  # quiet time that counts as "the bot has finished answering"


class BotObserver:
    """Mixin for FakeBotApi: recorded calls, sent messages, and the waits."""

    _world: TelegramWorld

    # -- records ---------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every API call in arrival order (failed and injected-fault calls included)."""
        return self._world.calls

    def calls_to(self, method: str) -> list[ApiCall]:
        wanted = method.lower()
        return [call for call in self._world.calls if call.method.lower() == wanted]

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Bot messages (sends and edits) in one chat, or in all chats by time."""
        if chat_id is not None:
            chat = self._world.chats.get(chat_id)
            return list(chat.history) if chat else []
        every = [m for chat in self._world.chats.values() for m in chat.history]
        return sorted(every, key=lambda m: m.time)

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """A bot message as it looks now (after edits); None if deleted or unknown."""
        chat = self._world.chats.get(chat_id)
        return chat.views.get(message_id) if chat else None

    def deleted(self, chat_id: int) -> list[int]:
        chat = self._world.chats.get(chat_id)
        return list(chat.deleted) if chat else []

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self._world.callback_answers

    def answer_for(self, update_id: int) -> CallbackAnswer | None:
        """The answerCallbackQuery for the tap that made update ``update_id``, if any."""
        return next((a for a in self._world.callback_answers if a.update_id == update_id), None)

    def update(self, update_id: int) -> UpdateRecord:
        return self._world.update_records[update_id]

    def my_commands(self, *, language_code: str = "", scope: Any = None) -> list[Any]:
        return list(self._world.commands.get(commands_key(scope, language_code), []))

    # -- waits -----------------------------------------------------------------------

    # The waits take a `timeout` argument (ASYNC109) on purpose: a test reads better with
    # `await api.wait_for_reply(42, timeout=2)` than wrapped in asyncio.timeout(), and the
    # AssertionError can then say what did arrive.

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait for at least ``count`` new bot messages in the chat; return all new ones."""
        chat = self._chat(chat_id)
        deadline = time.perf_counter() + timeout
        while len(chat.history) - chat.cursor < count:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise AssertionError(
                    f"expected {count} new bot message(s) in chat {chat_id} within "
                    f"{timeout}s; {self._diagnosis(chat)}"
                )
            await chat.pulse.wait(remaining)
        return self._consume(chat)

    async def wait_for_reply(
        self,
        chat_id: int,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        settle: float = DEFAULT_SETTLE,
        min_messages: int = 1,
    ) -> list[SentMessage]:
        """Wait until the bot is done with everything sent to the chat; return what it said.

        "Done" means: every update of the chat was handled (with the tracking update
        processor) or at least fetched (without it), at least ``min_messages`` new bot
        messages arrived, and the bot then left the chat alone for ``settle`` seconds.
        Use ``min_messages=0`` for actions the bot may answer with silence.
        """
        chat = self._chat(chat_id)
        deadline = time.perf_counter() + timeout
        while True:
            now = time.perf_counter()
            ready = (
                not self._world.unsettled(chat) and len(chat.history) - chat.cursor >= min_messages
            )
            quiet_for = now - chat.last_activity
            if ready and quiet_for >= settle:
                return self._consume(chat)
            remaining = deadline - now
            if remaining <= 0:
                raise AssertionError(
                    f"bot did not finish answering chat {chat_id} within {timeout}s "
                    f"(wanted >= {min_messages} new message(s)); {self._diagnosis(chat)}"
                )
            pause = settle - quiet_for if ready else remaining
            await chat.pulse.wait(min(pause, remaining))

    async def wait_for_callback_answer(
        self,
        update_id: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        deadline = time.perf_counter() + timeout
        while (answer := self.answer_for(update_id)) is None:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                record = self._world.update_records.get(update_id)
                fetched = record is not None and record.delivered_at is not None
                raise AssertionError(
                    f"tap {update_id} was not answered with answerCallbackQuery within "
                    f"{timeout}s (update {'was' if fetched else 'was not'} fetched)"
                )
            await self._world.activity.wait(remaining)
        return answer

    async def wait_until_idle(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        settle: float = DEFAULT_SETTLE,
    ) -> None:
        """Wait until no chat has unfinished updates and the bot was quiet for ``settle``."""
        deadline = time.perf_counter() + timeout
        while True:
            now = time.perf_counter()
            busy = [c.chat_id for c in self._world.chats.values() if self._world.unsettled(c)]
            quiet_for = now - self._world.last_activity
            if not busy and quiet_for >= settle:
                return
            remaining = deadline - now
            if remaining <= 0:
                raise AssertionError(
                    f"bot still busy after {timeout}s; chats with open updates: {busy}"
                )
            pause = remaining if busy else settle - quiet_for
            await self._world.activity.wait(min(pause, remaining))

    # -- internals -------------------------------------------------------------------

    def _chat(self, chat_id: int) -> ChatState:
        chat = self._world.chats.get(chat_id)
        if chat is None:
            raise AssertionError(f"chat {chat_id} has never talked to the bot")
        return chat

    @staticmethod
    def _consume(chat: ChatState) -> list[SentMessage]:
        new = chat.history[chat.cursor :]
        chat.cursor = len(chat.history)
        return new

    def _diagnosis(self, chat: ChatState) -> str:
        """What did arrive, and the likely reasons nothing more did."""
        new = chat.history[chat.cursor :]
        lines = [f"got {len(new)}: {[m.describe() for m in new]}"]
        unsettled = sorted(self._world.unsettled(chat))
        if unsettled:
            state = "handled" if self._world.tracks_handling else "fetched by getUpdates"
            lines.append(f"updates not yet {state}: {unsettled}")
        failed = [
            f"{c.method} -> {c.status} {c.description}"
            for c in self._world.calls
            if c.status not in (None, 200) and str(c.params.get("chat_id")) == str(chat.chat_id)
        ]
        if failed:
            lines.append(f"failed calls for this chat: {failed[-5:]}")
        return "; ".join(lines)
