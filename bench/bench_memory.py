"""Memory benchmark: resident memory of the service after 10,000 learners' dialogs.

Run with ``python -m bench.bench_memory [--learners 10000] [--concurrency 20]``; it is
meant to run in a process of its own (``python -m bench`` starts one), so that nothing
else the process did counts.

In-process, like the web chat: a ``ConversationService`` on a migrated SQLite file in
a temporary folder, and ``--learners`` distinct chats on channel "web", ``--concurrency``
of them at a time. Each loads the page (resume), chooses a language, agrees, chooses
fewer pictures and starts an experience a few questions in
(``bench.conversations.WEB_LEARNER``). RSS (VmRSS) is printed before, along the way and
after; the peak is VmHWM, reset just before the learners start.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.skills.catalogue import default_catalogue
from api.skills.matcher import SkillMatcher
from bench.conversations import WEB_LEARNER, Line, Player
from bench.report import verdict
from bot.conversation import ConversationService

LEARNERS = 10_000
CONCURRENCY = 20
CHECKPOINTS = 4
TIME_LIMIT = 300.0  # seconds; learners not started by then are left out (and reported)
GOAL_RSS_MB = 250.0
CHANNEL = "web"
LANGUAGE = "en"


def memory_mb() -> dict[str, float]:
    """VmRSS and VmHWM (peak RSS) of this process, in MB (Linux)."""
    figures: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = int(value.split()[0]) / 1024  # kB -> MB
    return figures


def reset_peak() -> bool:
    """Make VmHWM start again from the current RSS (Linux >= 4.0); False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


async def learner(service: ConversationService, chat_id: str, lines: Sequence[Line]) -> None:
    player = Player()
    for line in lines:
        result = await service.handle(
            CHANNEL, chat_id, player.event(line.action), language_hint=LANGUAGE
        )
        for reply in result.replies:
            player.saw([button.data for row in reply.buttons for button in row])


async def run(learners: int, concurrency: int, time_limit: float) -> dict[str, Any]:
    catalogue = default_catalogue()
    matcher = SkillMatcher(catalogue)
    lines = WEB_LEARNER
    with tempfile.TemporaryDirectory(prefix="meritkompis-bench-") as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            await upgrade(engine)
            service = ConversationService(create_session_factory(engine), catalogue, matcher)
            await learner(service, "warm-up", lines)  # first queries, caches, translations
            gc.collect()
            before = memory_mb()
            peak_reset = reset_peak()
            print(
                f"{learners:,} learners x {len(lines)} actions each, {concurrency} at a time, "
                f"channel {CHANNEL!r}, SQLite file; time limit {time_limit:.0f} s"
            )
            print(f"  RSS before: {before['VmRSS']:7.1f} MB")

            numbers = iter(range(learners))
            done = 0
            checkpoint = max(1, learners // CHECKPOINTS)
            started = time.perf_counter()
            deadline = started + time_limit

            async def worker() -> None:
                nonlocal done
                for number in numbers:
                    if time.perf_counter() > deadline:
                        return
                    await learner(service, f"bench-{number:06d}", lines)
                    done += 1
                    if done % checkpoint == 0:
                        rss = memory_mb()["VmRSS"]
                        seconds = time.perf_counter() - started
                        print(
                            f"  {done:>6,} learners  RSS {rss:7.1f} MB  "
                            f"{done / seconds:6.1f} learners/s  "
                            f"{done * len(lines) / seconds:6.0f} turns/s"
                        )

            await asyncio.gather(*(worker() for _ in range(concurrency)))
            elapsed = time.perf_counter() - started
            after = memory_mb()
            gc.collect()
            collected = memory_mb()
        finally:
            await engine.dispose()
    peak = after["VmHWM"] if peak_reset else max(after["VmHWM"], after["VmRSS"])
    print(
        f"  RSS after:  {after['VmRSS']:7.1f} MB ({collected['VmRSS']:.1f} MB after gc.collect()); "
        f"peak {peak:.1f} MB{'' if peak_reset else ' (since start: could not reset VmHWM)'}; "
        f"{done:,} learners, {done * len(lines):,} turns in {elapsed:.1f} s "
        f"({done * len(lines) / elapsed:.0f} turns/s)"
    )
    complete = done == learners
    worst = max(peak, after["VmRSS"])
    print(
        verdict(
            f"memory, RSS after {learners:,} learners' dialogs",
            f"{after['VmRSS']:.1f} MB (peak {peak:.1f} MB)"
            + ("" if complete else f" ONLY {done:,} done"),
            f"<= {GOAL_RSS_MB:g} MB",
            complete and worst <= GOAL_RSS_MB,
        )
    )
    return {
        "rss_before_mb": before["VmRSS"],
        "rss_after_mb": after["VmRSS"],
        "peak_mb": peak,
        "learners": done,
        "seconds": elapsed,
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--learners", type=int, default=LEARNERS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, help="seconds")
    args = parser.parse_args(argv)
    return asyncio.run(run(args.learners, args.concurrency, args.time_limit))


if __name__ == "__main__":
    main()
