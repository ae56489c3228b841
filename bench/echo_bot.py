"""Baseline for the end-to-end benchmark: a bare PTB echo bot against the fake Bot API.

Everything runs in one process on 127.0.0.1: the fake Telegram server, the real
python-telegram-bot Application (long polling), and N simulated users who each send
a message, wait for the echo, and send the next. The figures say what PTB plus HTTP
on loopback cost before any Meritkompis code runs.

With ``think`` (seconds, from..to) each user instead waits a random time like that
before every message, as a person reading the answer would, and the run lasts
``seconds``: the bot is then no longer saturated, and the latency is the time to an
answer under that load rather than the time spent queueing (see bench_end_to_end).

    python -m bench.echo_bot [--chats 100] [--messages 20] [--think 1 3 --seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import time
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.transport import AiohttpRequest
from tests.fakes.telegram import FakeBotApi

FIRST_CHAT_ID = 1_000_001
REPLY_TIMEOUT = 30.0  # seconds; generous so a slow machine measures instead of failing


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


def _echo_app(
    api: FakeBotApi, transport: str = "httpx"
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bare echo bot: PTB as it comes (httpx), or on the bot's own ``"aiohttp"``
    transport (bot/transport.py), to show what our transport alone is worth."""
    builder = (
        Application.builder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        # Enough to serve every chat at once; PTB's HTTP pool defaults to 256 too.
        .concurrent_updates(256)
    )
    if transport == "aiohttp":
        builder = builder.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connections=1)
        )
    app: Application[Any, Any, Any, Any, Any, Any] = builder.build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return app


class Pace:
    """Users who read before they answer: a random think time before every action.

    ``think`` is the range in seconds; every user starts at a random moment within the
    first think time (so they do not all send at once), and the run ends ``seconds``
    after it started (what was sent by then is still answered and counted).
    """

    def __init__(self, think: tuple[float, float] = (1.0, 3.0), seconds: float = 20.0) -> None:
        self.think_range = think
        self.seconds = seconds
        self.started = time.perf_counter()

    def start(self) -> None:
        self.started = time.perf_counter()

    def first_wait(self, rng: random.Random) -> float:
        return rng.uniform(0.0, self.think_range[1])

    def think(self, rng: random.Random) -> float:
        """The next think time, cut short at the end of the run (the user then stops)."""
        remaining = self.seconds - (time.perf_counter() - self.started)
        return max(0.0, min(rng.uniform(*self.think_range), remaining))

    def over(self) -> bool:
        return time.perf_counter() - self.started >= self.seconds

    def describe(self) -> str:
        low, high = self.think_range
        return f"each waits {low:g}-{high:g} s before every action, for {self.seconds:g} s"


async def _converse(
    api: FakeBotApi,
    chat_id: int,
    messages: int,
    latencies: list[float],
    pace: Pace | None = None,
) -> None:
    """One user: send, wait for the echo, repeat. Latency = enqueue -> sendMessage seen."""
    rng = random.Random(chat_id - FIRST_CHAT_ID)  # the same think times as bench_end_to_end's
    if pace is not None:
        await asyncio.sleep(pace.first_wait(rng))
    for number in range(messages):
        if pace is not None and pace.over():
            return
        update_id = api.user_sends_text(chat_id, f"meddelande {number}")
        replies = await api.wait_for_messages(chat_id, 1, timeout=REPLY_TIMEOUT)
        latencies.append(replies[0].time - api.update(update_id).enqueued_at)
        if pace is not None:
            await asyncio.sleep(pace.think(rng))


def _percentile(ordered: list[float], percent: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


async def run_echo_baseline(
    n_chats: int = 100,
    messages_per_chat: int = 20,
    pace: Pace | None = None,
    transport: str = "httpx",
) -> dict[str, float]:
    """Run the echo conversation load; return throughput and update-to-reply latency.

    With ``pace``, users think between messages and ``messages_per_chat`` is an upper
    bound: the run ends when the pace's time is up.
    """
    latencies: list[float] = []
    async with FakeBotApi() as api:
        app = _echo_app(api, transport)
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0)
            try:
                polls_before = len(api.calls_to("getUpdates"))
                chats = range(FIRST_CHAT_ID, FIRST_CHAT_ID + n_chats)
                started = time.perf_counter()
                if pace is not None:
                    pace.start()
                await asyncio.gather(
                    *(_converse(api, chat, messages_per_chat, latencies, pace) for chat in chats)
                )
                elapsed = time.perf_counter() - started
                polls = len(api.calls_to("getUpdates")) - polls_before
            finally:
                await app.updater.stop()
                await app.stop()
    ordered = sorted(latencies)
    return {
        "updates_per_s": len(ordered) / elapsed,
        "p50_ms": _percentile(ordered, 50) * 1000,
        "p95_ms": _percentile(ordered, 95) * 1000,
        "polls_per_update": polls / len(ordered) if ordered else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--messages", type=int, default=20, help="messages per chat")
    parser.add_argument("--think", type=float, nargs=2, metavar=("FROM", "TO"), default=None)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of a paced run")
    args = parser.parse_args()
    pace = Pace(tuple(args.think), args.seconds) if args.think else None
    messages = args.messages if pace is None else 10_000
    figures = asyncio.run(run_echo_baseline(args.chats, messages, pace))
    print(
        f"echo baseline: {args.chats} chats x "
        + (f"{args.messages} messages" if pace is None else pace.describe())
    )
    print(f"  updates/s  {figures['updates_per_s']:9.1f}")
    print(f"  p50        {figures['p50_ms']:9.2f} ms")
    print(f"  p95        {figures['p95_ms']:9.2f} ms")


if __name__ == "__main__":
    main()
