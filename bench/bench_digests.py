"""Mentor digests: building them in bulk, how that grows, and sending them through 429s.

Run with ``python -m bench.bench_digests [--sizes 1000 10000 100000] [--send 1000]``.

1. **Build, 10,000 learners and 1,000 mentors** (each learner followed by one mentor),
   on a migrated SQLite file: the whole scheduled step (lease the due mentors, build
   every digest, store them and move each due time on) and the build alone, with peak
   memory (tracemalloc: Python allocations, including the database driver's). Goal:
   <= 5 s and <= 200 MB.
2. **Growth**: the same at 1k, 10k and 100k learners (a mentor per ten learners). The
   time per learner should stay flat and the number of queries fixed: a SQLAlchemy
   event listener counts every statement the build runs.
3. **Sending**: 1,000 digests (one learner each: a heading and a progress card) through
   the fake Telegram Bot API on loopback, with 429 answers injected now and then.
   Every chat must end up with exactly one heading and one card. The bulk limiter is
   set to 1,000 messages a second here (Telegram's own ~30/s would make this take a
   minute by design); the 429s' retry_after is honoured all the same.

Each world is built fresh in a temporary folder, with the same seeded contents.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import AIORateLimiter, ExtBot

from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.mentors import digest
from api.settings import Settings
from bench.report import verdict
from bot.digests import DigestScheduler
from tests.fakes.telegram import FakeBotApi
from tests.mentors.world import World, build_world

GOAL_SECONDS = 5.0
GOAL_MB = 200.0
_WORLDS = itertools.count()
BUILD_ROUNDS = 3


class QueryCounter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


@contextmanager
def peak_memory(traced: bool) -> Iterator[list[float]]:
    """Peak Python memory in MB while the block runs (tracemalloc); NaN when not traced."""
    found: list[float] = []
    if not traced:
        yield found
        found.append(float("nan"))
        return
    tracemalloc.start()
    try:
        yield found
    finally:
        found.append(tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()


async def fresh_world(folder: Path, learners: int, mentors: int) -> tuple[AsyncEngine, World]:
    path = folder / f"digests-{next(_WORLDS)}.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    world = await build_world(create_session_factory(engine), learners=learners, mentors=mentors)
    return engine, world


async def measure_build(
    folder: Path, learners: int, mentors: int, *, traced: bool = False
) -> dict[str, float]:
    """Time (or, ``traced``, peak memory) of the build alone and of the whole step.

    tracemalloc slows every allocation down, so time and memory come from two runs on
    identical worlds; the figures of a traced run are its memory, never its time.
    """
    engine, world = await fresh_world(folder, learners, mentors)
    sessions = create_session_factory(engine)
    # All due mentors in one lease (the service leases 5,000 at a time), to time one build.
    scheduler = DigestScheduler(sessions, settings=Settings(), worker="bench", build_batch=mentors)
    now = world.first_due + timedelta(minutes=1)
    # The build alone, on a lease taken first (so the counts include only the build).
    await scheduler._claim_mentors(now)
    counter = QueryCounter(engine)
    # Read-only, so it can be timed a few times: the median, as the machine is shared.
    times = []
    for _ in range(1 if traced else BUILD_ROUNDS):
        counter.count = 0
        with peak_memory(traced) as build_peak:
            started = time.perf_counter()
            async with sessions() as session:
                built = await digest.build_by_mentor(session, digest.leased_pairs("bench"), now)
            times.append(time.perf_counter() - started)
    build_seconds = statistics.median(times)
    build_queries = counter.count
    # The whole step: build again from the same lease, store, move the due times on.
    counter.count = 0
    with peak_memory(traced) as step_peak:
        started = time.perf_counter()
        stored = await scheduler._build_claimed(now)
        step_seconds = time.perf_counter() - started
    step_queries = counter.count
    await engine.dispose()
    assert len(built) == learners and stored == mentors, (len(built), stored)
    return {
        "build_s": build_seconds,
        "build_mb": build_peak[0],
        "build_queries": build_queries,
        "step_s": step_seconds,
        "step_mb": step_peak[0],
        "step_queries": step_queries,
    }


async def measure_sending(folder: Path, digests: int) -> dict[str, Any]:
    engine, world = await fresh_world(folder, digests, digests)
    sessions = create_session_factory(engine)
    async with FakeBotApi() as api:
        for chat in world.mentor_chats.values():
            api.add_user(int(chat))
        bot: ExtBot[None] = ExtBot(
            api.token,
            base_url=api.base_url,
            base_file_url=api.base_file_url,
            rate_limiter=AIORateLimiter(overall_max_rate=0, max_retries=3),
        )
        async with bot:
            scheduler = DigestScheduler(
                sessions, settings=Settings(telegram_messages_per_second=1000), worker="bench"
            )
            scheduler.use_bot(bot)
            now = world.first_due + timedelta(minutes=1)
            # 429s spread through the run: a burst at the start, then every so often.
            api.fail_next("sendMessage", 3, status=429, retry_after=1)
            api.fail_next("sendPhoto", 2, status=429, retry_after=1)
            started = time.perf_counter()
            built = await scheduler.build_due(now)
            for round_ in range(5):
                api.fail_next("sendPhoto", 1, status=429, retry_after=1)
                await scheduler.deliver(now + timedelta(seconds=round_))
            seconds = time.perf_counter() - started
        too_many = sum(1 for call in api.calls if call.status == 429)
        per_chat = [
            Counter("card" if m.photo is not None else "heading" for m in api.sent(int(chat)))
            for chat in world.mentor_chats.values()
        ]
    await engine.dispose()
    exactly_once = sum(1 for c in per_chat if c == Counter(heading=1, card=1))
    return {
        "built": built,
        "seconds": seconds,
        "answered_429": too_many,
        "exactly_once": exactly_once,
        "chats": len(per_chat),
        "messages": sum(sum(c.values()) for c in per_chat),
    }


async def main(sizes: list[int], send: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-digests-") as tmp:
        folder = Path(tmp)
        print("1. Building digests for 10,000 learners and 1,000 mentors (SQLite file)")
        main_run = await measure_build(folder, 10_000, 1_000)
        traced = await measure_build(folder, 10_000, 1_000, traced=True)
        main_run["build_mb"], main_run["step_mb"] = traced["build_mb"], traced["step_mb"]
        print(
            f"   build alone: {main_run['build_s']:.2f} s, peak {main_run['build_mb']:.0f} MB, "
            f"{main_run['build_queries']:.0f} queries"
        )
        print(
            f"   whole step (lease, build, store 1,000 digests, move due times): "
            f"{main_run['step_s']:.2f} s, peak {main_run['step_mb']:.0f} MB, "
            f"{main_run['step_queries']:.0f} queries"
        )
        step_s, step_mb = main_run["step_s"], main_run["step_mb"]
        print(
            verdict(
                "Digests for 10k learners / 1k mentors: time",
                f"{step_s:.2f} s",
                f"<= {GOAL_SECONDS:.0f} s",
                step_s <= GOAL_SECONDS,
            )
        )
        print(
            verdict(
                "Digests for 10k learners / 1k mentors: peak memory",
                f"{step_mb:.0f} MB",
                f"<= {GOAL_MB:.0f} MB",
                step_mb <= GOAL_MB,
            )
        )

        print("\n2. Growth: a mentor per ten learners")
        rows = []
        for size in sizes:
            run = await measure_build(folder, size, max(size // 10, 1))
            per = run["build_s"] / size * 1e6
            rows.append((size, run, per))
            print(
                f"   {size:>7,} learners: build {run['build_s']:.2f} s = {per:.0f} µs a learner, "
                f"{run['build_queries']:.0f} queries; whole step {run['step_s']:.2f} s, "
                f"{run['step_queries']:.0f} queries"
            )
        queries = {int(r["build_queries"]) for _, r, _ in rows}
        print(
            verdict(
                "Digests: queries at every size",
                ", ".join(str(q) for q in sorted(queries)),
                "one number",
                len(queries) == 1,
            )
        )
        if len(rows) > 1:
            # Against the middle size: at the smallest the fixed cost of nine queries
            # weighs on each of only a thousand learners.
            base = rows[min(1, len(rows) - 2)][2]
            ratios = [per / base for _, _, per in rows]
            print(
                f"   time a learner, against {rows[min(1, len(rows) - 2)][0]:,} learners: "
                + ", ".join(f"{r:.2f}" for r in ratios)
                + " (1.00 is exactly linear)"
            )
            print(
                verdict(
                    "Digests: time a learner, largest / middle size",
                    f"{ratios[-1]:.2f}",
                    "<= 2 (linear)",
                    ratios[-1] <= 2.0,
                )
            )

        print(f"\n3. Sending {send:,} digests through the fake Bot API, with 429s injected")
        sent = await measure_sending(folder, send)
        print(
            f"   {sent['built']} built, {sent['messages']} messages in {sent['seconds']:.1f} s; "
            f"{sent['answered_429']} answers were 429 and were waited out"
        )
        print(f"   {sent['exactly_once']} of {sent['chats']} chats got their digest exactly once")
        print(
            verdict(
                f"Digests: {send:,} sent with 429s, exactly once",
                f"{sent['exactly_once']} of {sent['chats']}",
                "all",
                sent["exactly_once"] == sent["chats"] == send,
            )
        )


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--send", type=int, default=1_000)
    args = parser.parse_args()
    asyncio.run(main(args.sizes, args.send))


if __name__ == "__main__":
    cli()
