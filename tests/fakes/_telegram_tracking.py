"""An update processor that tells the fake when PTB has finished handling an update.

Without it the fake only sees that an update was fetched; with it ``wait_for_reply``
knows the handler has returned, which makes conversation tests deterministic.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import BaseUpdateProcessor


class TrackingUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int,
        on_started: Callable[[int], None],
        on_finished: Callable[[int], None],
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._on_started = on_started
        self._on_finished = on_finished

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        update_id = getattr(update, "update_id", None)
        if not isinstance(update_id, int):
            await coroutine  # e.g. a custom update put on the queue by the app itself
            return
        self._on_started(update_id)
        try:
            await coroutine
        finally:
            self._on_finished(update_id)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
