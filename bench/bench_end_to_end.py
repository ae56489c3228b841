"""End-to-end benchmark: the real Telegram bot, many learners at once, against a bare echo bot.

Run with ``python -m bench.bench_end_to_end [--chats 100] [--context-chats 10]
[--database-url postgresql+asyncpg://...]``.

Everything runs in one process on 127.0.0.1, exactly as ``bench.echo_bot`` does: the
fake Bot API (``tests/fakes``), the real python-telegram-bot ``Application`` that the
service builds (``bot.telegram_app.build_application``, long polling, per-chat update
processor) with a ``ConversationService`` on a migrated SQLite file in a temporary
folder (or on the database ``--database-url`` names), and N simulated learners. Each
learner plays the same script (onboarding, a hotel internship with search, own words
and a change, the first self-check topic) and waits for the bot's complete answer
before the next action (``FakeBotApi.track`` says when the handler has returned).

Latency is measured as ``bench.echo_bot`` does: update enqueued -> first bot message
(send or edit) seen by the fake. The time to the complete answer is printed too.

Two kinds of load, each with the echo bot under the same load in the same run:

* **Closed loop, for throughput.** Every learner sends again the instant it is
  answered, so the bot is always saturated: updates per second is its capacity, and
  ours/echo is the throughput goal. The echo bot takes turns with ours for
  ``--repeats`` rounds; the figures are medians over the rounds and the goal is the
  median of the per-round ratios. The goal's echo bot is PTB as it comes (httpx); our
  bot talks to the Bot API through aiohttp (``bot/transport.py``), so each round also
  runs the echo bot on that transport and prints the ratio to it, for context. The
  latency of this run is nearly all waiting in line (p50 ~ chats / throughput, Little's
  law), so it is printed, not judged.
* **Paced, for latency.** Every learner behaves like a person: before each action it
  waits a think time, a random 1-3 s (``--think``), and the learners start at random
  moments within the first think time. 100 such learners offer about 45 updates per
  second, below what either bot can do, so the time to an answer is the time the bot
  takes under that load, not a queue. The p95 goal (<= 50 ms) is judged on this run,
  which lasts ``--paced-seconds`` for ours and for echo. The think times come from a
  seeded generator per learner, the same for ours and for echo.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import make_url

from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.heap import startup_frozen
from api.skills.catalogue import Catalogue, default_catalogue
from api.skills.matcher import SkillMatcher
from bench.conversations import HOTEL_INTERNSHIP, ONBOARDING, Line, Player, ScriptError, self_check
from bench.echo_bot import Pace, run_echo_baseline
from bench.report import percentile, verdict
from bot.conversation import ConversationService
from bot.telegram_app import POLL_INTERVAL
from dialogs.events import EventKind
from tests.bot.telegram_chat import telegram_bot
from tests.fakes.telegram import FakeBotApi

CHATS = 100
CONTEXT_CHATS = 10
REPEATS = 3
FIRST_CHAT_ID = 2_000_001
LANGUAGE = "en"
REPLY_TIMEOUT = 30.0  # seconds for one answer; generous, so a slow machine measures
RUN_TIMEOUT = 300.0  # seconds for one whole run
GOAL_THROUGHPUT_RATIO = 0.5
GOAL_P95_MS = 50.0
THINK_S = (1.0, 3.0)  # a paced learner's think time before each action
PACED_SECONDS = 20.0  # length of a paced run, for ours and for echo
# On a database that outlives the run (--database-url), earlier runs' chats are still
# there: every run takes a block of chat ids of its own, from a random start.
_CHAT_BLOCK = 100_000
_chat_blocks = itertools.count(random.randrange(1, 100_000) * 100 * _CHAT_BLOCK, _CHAT_BLOCK)


def script(catalogue: Catalogue) -> list[Line]:
    """One learner's actions: every one gets at least one message back (no double taps)."""
    return [*ONBOARDING, *HOTEL_INTERNSHIP, *self_check(catalogue, topics=1)]


@dataclass
class Figures:
    updates: int = 0
    seconds: float = 0.0
    polls: int = 0  # getUpdates requests during the run
    first_ms: list[float] = field(default_factory=list)  # update -> first bot message
    done_ms: list[float] = field(default_factory=list)  # update -> handler finished
    failures: list[str] = field(default_factory=list)

    @property
    def updates_per_s(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def p(self, percent: float, samples: str = "first_ms") -> float:
        values: list[float] = getattr(self, samples)
        return percentile(values, percent) if values else float("nan")


def _send(api: FakeBotApi, chat_id: int, player: Player, action: str) -> int:
    """Make the fake's user do ``action``; returns the update id."""
    event = player.event(action)
    if event.kind is EventKind.TAP:
        return api.user_taps(chat_id, event.value, language_code=LANGUAGE)
    if event.kind is EventKind.COMMAND:
        return api.user_sends_command(chat_id, event.value, language_code=LANGUAGE)
    if event.kind is EventKind.MEDIA:
        sender = getattr(api, f"user_sends_{event.value}")
        return int(sender(chat_id))
    if event.kind is EventKind.TEXT:
        return api.user_sends_text(chat_id, event.value, language_code=LANGUAGE)
    raise ScriptError(f"{action!r} cannot be sent through Telegram")


@dataclass
class Learner:
    chat_id: int
    rng: random.Random  # think times; seeded by the learner's number, as echo's learners
    player: Player = field(default_factory=Player)
    done: int = 0  # lines of the script played so far
    failed: bool = False


async def _play(
    api: FakeBotApi,
    learner: Learner,
    lines: Sequence[Line],
    figures: Figures,
    pace: Pace | None = None,
    until: int | None = None,
) -> None:
    """Play the learner's script from where it is, up to line ``until`` (or to the end).

    With ``pace``, wait a think time before each action and stop when the run is over.
    """
    if pace is not None:
        await asyncio.sleep(pace.first_wait(learner.rng))
    while not learner.failed and learner.done < (len(lines) if until is None else until):
        if pace is not None and pace.over():
            return
        number, line = learner.done + 1, lines[learner.done]
        where = f"chat {learner.chat_id} line {number} {line.action!r}"
        try:
            update_id = _send(api, learner.chat_id, learner.player, line.action)
            sent = await api.wait_for_reply(learner.chat_id, timeout=REPLY_TIMEOUT, settle=0.0)
        except AssertionError as error:  # ScriptError, or the bot did not answer in time
            figures.failures.append(f"{where}: {error}")
            learner.failed = True
            return
        learner.done += 1
        record = api.update(update_id)
        figures.first_ms.append((sent[0].time - record.enqueued_at) * 1000)
        if record.handled_at is not None:
            figures.done_ms.append((record.handled_at - record.enqueued_at) * 1000)
        figures.updates += 1
        for message in sent:
            learner.player.saw([data for row in message.buttons for _label, data in row])
        if any("something went wrong" in (m.plain_text or "") for m in sent):
            figures.failures.append(f"{where}: bot error")
            learner.failed = True
            return
        if pace is not None:
            await asyncio.sleep(pace.think(learner.rng))


def database_label(database_url: str | None) -> str:
    if database_url is None:
        return "SQLite (a new file in a temporary folder for every run)"
    url = make_url(database_url)
    name = "PostgreSQL" if url.get_backend_name() == "postgresql" else url.get_backend_name()
    return f"{name} at {url.render_as_string(hide_password=True)}"


async def _measure(
    api: FakeBotApi,
    learners: list[Learner],
    lines: Sequence[Line],
    figures: Figures,
    pace: Pace | None,
) -> None:
    """All learners play at once; the run's figures go into ``figures``."""
    if pace is not None:
        # A paced run is too short for a whole script: each learner first plays,
        # unmeasured and all at once, a part of it of random length (up to half), so
        # that the measured actions come from all of it.
        lengths = random.Random(-1)
        await asyncio.gather(
            *(
                _play(api, one, lines, Figures(), until=lengths.randrange(len(lines) // 2))
                for one in learners
            )
        )
        pace.start()
    started = time.perf_counter()
    polls_before = len(api.calls_to("getUpdates"))
    async with asyncio.timeout(RUN_TIMEOUT):
        await asyncio.gather(*(_play(api, learner, lines, figures, pace) for learner in learners))
    figures.seconds = time.perf_counter() - started
    figures.polls = len(api.calls_to("getUpdates")) - polls_before


async def run_ours(
    n_chats: int,
    lines: Sequence[Line],
    catalogue: Catalogue,
    matcher: SkillMatcher,
    *,
    pace: Pace | None = None,
    database_url: str | None = None,
) -> Figures:
    """The service's bot; ``n_chats`` learners play ``lines`` at once (paced, with ``pace``).

    The database is a fresh SQLite file, or the one ``database_url`` names (migrated to
    the newest schema; its earlier rows stay, and this run's chats are new ones).
    """
    figures = Figures()
    first = FIRST_CHAT_ID
    if database_url is not None:
        first += next(_chat_blocks)
    with tempfile.TemporaryDirectory(prefix="meritkompis-bench-") as folder:
        url = database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = create_engine(url)
        try:
            await upgrade(engine)
            service = ConversationService(create_session_factory(engine), catalogue, matcher)
            async with FakeBotApi() as api, telegram_bot(api, service):
                # One learner first, so drawing the picture cards and SQLAlchemy's
                # first queries are not counted against the load.
                await _play(api, Learner(first - 1, random.Random(0)), lines, Figures())
                learners = [Learner(first + i, random.Random(i)) for i in range(n_chats)]
                # As the service does once it has started (api/app.py).
                with startup_frozen():
                    await _measure(api, learners, lines, figures, pace)
        finally:
            await engine.dispose()
    return figures


def summary(figures: Figures) -> dict[str, float]:
    """Our figures under the keys ``run_echo_baseline`` uses."""
    return {
        "updates_per_s": figures.updates_per_s,
        "p50_ms": figures.p(50),
        "p95_ms": figures.p(95),
        "done_p50_ms": figures.p(50, "done_ms"),
        "done_p95_ms": figures.p(95, "done_ms"),
        "polls_per_update": figures.polls / figures.updates if figures.updates else 0.0,
    }


async def run_echo(
    n_chats: int, messages: int, pace: Pace | None = None, transport: str = "httpx"
) -> dict[str, float]:
    # The catalogue and matcher loaded for ours are not the echo bot's: frozen out of the
    # collector's walks, so echo collects only what it makes, as in a process of its own
    # (and as ours does after its start, run_ours).
    with startup_frozen():
        async with asyncio.timeout(RUN_TIMEOUT):
            return await run_echo_baseline(n_chats, messages, pace, transport)


def _figures(figures: dict[str, float]) -> str:
    return (
        f"{figures['updates_per_s']:6.1f} upd/s  p50 {figures['p50_ms']:7.1f} ms  "
        f"p95 {figures['p95_ms']:7.1f} ms"
    )


def _median(rounds: Sequence[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}


async def run(
    n_chats: int,
    context_chats: int,
    repeats: int,
    pace: Pace,
    database_url: str | None = None,
) -> dict[str, float]:
    catalogue = default_catalogue()
    matcher = SkillMatcher(catalogue)
    lines = script(catalogue)
    messages = len(lines)
    print(
        f"each chat: {messages} actions (onboarding, a hotel internship, one self-check topic); "
        "all on 127.0.0.1"
    )
    print(f"database: {database_label(database_url)}")
    failures: list[str] = []

    print(f"closed loop: each learner sends again as soon as answered ({repeats} rounds)")
    # The machine is shared: echo and ours take turns, and the figures are medians.
    echoes: list[dict[str, float]] = []
    same_transport: list[float] = []
    ours_rounds: list[dict[str, float]] = []
    for number in range(1, repeats + 1):
        echo = await run_echo(n_chats, messages)
        echo_aiohttp = await run_echo(n_chats, messages, transport="aiohttp")
        ours_run = await run_ours(n_chats, lines, catalogue, matcher, database_url=database_url)
        ours = summary(ours_run)
        ours["ratio"] = ours["updates_per_s"] / echo["updates_per_s"]
        same_transport.append(ours["updates_per_s"] / echo_aiohttp["updates_per_s"])
        echoes.append(echo)
        ours_rounds.append(ours)
        failures.extend(ours_run.failures)
        print(
            f"  {n_chats} chats, round {number}:  echo {_figures(echo)}  |  "
            f"ours {_figures(ours)} (complete answer p95 {ours['done_p95_ms']:.1f} ms)  |  "
            f"ratio {ours['ratio']:.2f}"
        )
        print(
            f"{'':22}getUpdates per update: echo {echo['polls_per_update']:.2f}, "
            f"ours {ours['polls_per_update']:.2f} (ours pauses {POLL_INTERVAL * 1000:g} ms "
            "between polls, bot/telegram_app.py)"
        )
        print(
            f"{'':22}echo on our aiohttp transport {echo_aiohttp['updates_per_s']:6.1f} upd/s  |  "
            f"ratio to it {same_transport[-1]:.2f}"
        )
    echo, ours = _median(echoes), _median(ours_rounds)
    print(
        f"  {n_chats} chats, median:   echo {_figures(echo)}  |  ours {_figures(ours)}  |  "
        f"ratio {ours['ratio']:.2f}"
    )
    small_echo = await run_echo(context_chats, messages)
    small_run = await run_ours(context_chats, lines, catalogue, matcher, database_url=database_url)
    small = summary(small_run)
    failures.extend(small_run.failures)
    label = f"{context_chats} chats:"
    print(f"  {label:<19} echo {_figures(small_echo)}  |  ours {_figures(small)}")
    # The bot is always busy, so the time to an answer is mostly waiting in line.
    print(
        f"  the latency here is queueing: p50 ~ chats / throughput = "
        f"{n_chats / ours['updates_per_s'] * 1000:.0f} ms for us, "
        f"{n_chats / echo['updates_per_s'] * 1000:.0f} ms for echo at {n_chats} chats"
    )

    print(f"paced: {n_chats} learners, {pace.describe()}")
    paced_echo = await run_echo(n_chats, 10_000, pace)
    paced_run = await run_ours(
        n_chats, lines, catalogue, matcher, pace=pace, database_url=database_url
    )
    paced = summary(paced_run)
    failures.extend(paced_run.failures)
    print(
        f"  {n_chats} chats, paced:    echo {_figures(paced_echo)}  |  ours {_figures(paced)} "
        f"(complete answer p95 {paced['done_p95_ms']:.1f} ms)"
    )

    for failure in failures[:5]:
        print(f"  FAILED {failure}")
    note = f" ({len(failures)} chats failed)" if failures else ""
    print(
        verdict(
            f"end to end, throughput ours/echo, {n_chats} chats",
            f"{ours['ratio']:.2f} ({ours['updates_per_s']:.1f}/{echo['updates_per_s']:.1f} "
            f"upd/s){note}",
            f">= {GOAL_THROUGHPUT_RATIO:g}",
            ours["ratio"] >= GOAL_THROUGHPUT_RATIO and not failures,
        )
    )
    print(
        verdict(
            f"end to end, p95 update-to-reply, {n_chats} chats paced",
            f"{paced['p95_ms']:.1f} ms (echo {paced_echo['p95_ms']:.1f} ms){note}",
            f"<= {GOAL_P95_MS:g} ms",
            paced["p95_ms"] <= GOAL_P95_MS and not failures,
        )
    )
    print(
        f"{'  throughput ours / echo on our own transport':<52} "
        f"{statistics.median(same_transport):.2f} (context: what our code costs beyond HTTP)"
    )
    print(
        f"{f'  p95 update-to-reply, {n_chats} chats closed loop':<52} "
        f"{ours['p95_ms']:.1f} ms (echo {echo['p95_ms']:.1f} ms)"
    )
    print(
        f"{f'  p95 update-to-reply, {context_chats} chats closed loop':<52} "
        f"{small['p95_ms']:.1f} ms (echo {small_echo['p95_ms']:.1f} ms)"
    )
    return {
        **{f"ours_{k}": v for k, v in ours.items()},
        **{f"echo_{k}": v for k, v in echo.items()},
        **{f"ours_paced_{k}": v for k, v in paced.items()},
        **{f"echo_paced_{k}": v for k, v in paced_echo.items()},
        "ours_p95_ms_context": small["p95_ms"],
        "echo_p95_ms_context": small_echo["p95_ms"],
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chats", type=int, default=CHATS)
    parser.add_argument("--context-chats", type=int, default=CONTEXT_CHATS)
    parser.add_argument("--repeats", type=int, default=REPEATS, help="echo/ours rounds")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        metavar=("FROM", "TO"),
        default=THINK_S,
        help="a paced learner's think time before each action, in seconds",
    )
    parser.add_argument(
        "--paced-seconds", type=float, default=PACED_SECONDS, help="length of a paced run"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="run our bot on this database (e.g. postgresql+asyncpg://...) instead of a "
        "new SQLite file; it is migrated to the newest schema and keeps the bench's rows",
    )
    args = parser.parse_args(argv)
    pace = Pace((args.think[0], args.think[1]), args.paced_seconds)
    return asyncio.run(run(args.chats, args.context_chats, args.repeats, pace, args.database_url))


if __name__ == "__main__":
    main()
