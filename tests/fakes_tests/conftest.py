"""Fixtures: a started FakeBotApi and a real PTB Application polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.telegram import FakeBotApi
from tests.fakes_tests.ptb_bot import RunningBot, running_bot


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[RunningBot]:
    async with running_bot(api) as running:
        yield running
