"""Handling many chats at once, but each chat's updates strictly in order.

PTB's default is one update at a time for the whole bot, which makes a hundred
learners wait for each other. Fully concurrent handling would let a learner's double
tap race with itself. This processor runs different chats concurrently and the
updates of one chat one after another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat_id = _chat_id(update)
        if chat_id is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                # Forget idle chats so memory does not grow with every learner ever seen.
                del self._waiting[chat_id]
                del self._locks[chat_id]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _chat_id(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None
