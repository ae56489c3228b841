"""An update processor wrapper that tells the fake when PTB has finished an update.

Without it the fake only sees that an update was fetched; with it ``wait_for_reply``
knows the handler has returned, which makes conversation tests deterministic. It wraps
the bot's own processor (e.g. one that serialises each chat), so behaviour is kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import BaseUpdateProcessor


class TrackingUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        inner: BaseUpdateProcessor,
        on_started: Callable[[int], None],
        on_finished: Callable[[int], None],
    ) -> None:
        super().__init__(inner.max_concurrent_updates)
        self._inner = inner
        self._on_started = on_started
        self._on_finished = on_finished

    @property
    def inner(self) -> BaseUpdateProcessor:
        return self._inner

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        update_id = getattr(update, "update_id", None)
        if not isinstance(update_id, int):
            # e.g. a custom object the app put on its own queue
            await self._inner.do_process_update(update, coroutine)
            return
        self._on_started(update_id)
        try:
            # Time spent waiting inside the inner processor (a per-chat lock) counts as
            # unfinished too: the user has not had the answer yet.
            await self._inner.do_process_update(update, coroutine)
        finally:
            self._on_finished(update_id)

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()
