"""The update queue behind getUpdates, with Telegram's long-polling rules.

An update stays queued until the bot confirms it by asking for a higher ``offset``;
that is how Telegram avoids losing updates when a poller dies mid-request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import suppress

from tests.fakes._telegram_errors import poll_conflict
from tests.fakes._telegram_records import JsonDict

# Update kinds Telegram leaves out unless a bot asks for them by name.
_OPT_IN_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MAX_LIMIT = 100


class Pulse:
    """Wakes every current waiter at once; a cheap broadcast for 'something changed'."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Return on the next fire() or after ``seconds``, whichever is first."""
        event = self._event
        with suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(seconds, 0.0))


def update_kind(update: JsonDict) -> str:
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    """Pending updates, served to one long-polling reader at a time."""

    def __init__(self, on_delivered: Callable[[list[JsonDict]], None], first_id: int) -> None:
        self._on_delivered = on_delivered
        self._pending: list[JsonDict] = []
        self._next_id = first_id
        self._allowed: frozenset[str] | None = None
        self._pulse = Pulse()
        self._poll_generation = 0
        self._closed = False

    def next_id(self) -> int:
        update_id = self._next_id
        self._next_id += 1
        return update_id

    def push(self, update: JsonDict) -> None:
        self._pending.append(update)
        self._pulse.fire()

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def drop_pending(self) -> None:
        self._pending.clear()

    def close(self) -> None:
        """Release every open long poll with an empty answer (used on shutdown)."""
        self._closed = True
        self._pulse.fire()

    async def fetch(
        self, offset: int, limit: int, wait_seconds: float, allowed_updates: list[str] | None
    ) -> list[JsonDict]:
        if allowed_updates is not None:
            # Telegram remembers the last non-None allowed_updates; [] means "the default".
            self._allowed = frozenset(allowed_updates) if allowed_updates else None
        self._confirm(offset)
        # A newer getUpdates ends an older one with 409, as Telegram does; this exposes
        # two pollers running against one token.
        self._poll_generation += 1
        generation = self._poll_generation
        self._pulse.fire()
        deadline = time.perf_counter() + wait_seconds
        while True:
            batch = self._take(offset, max(1, min(limit, MAX_LIMIT)))
            if batch or self._closed:
                break
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                break
            await self._pulse.wait(remaining)
            if generation != self._poll_generation:
                raise poll_conflict()
        if batch:
            self._on_delivered(batch)
        return batch

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            # A negative offset keeps only the last -offset updates; the rest are forgotten.
            self._pending = self._pending[offset:]
        elif offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def _take(self, offset: int, limit: int) -> list[JsonDict]:
        # Updates of kinds the bot did not ask for are dropped for good, like Telegram does.
        self._pending = [u for u in self._pending if self._wanted(update_kind(u))]
        return [u for u in self._pending if u["update_id"] >= offset][:limit]

    def _wanted(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in _OPT_IN_KINDS
        return kind in self._allowed
