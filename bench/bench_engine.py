"""Benchmark of the pure dialog engine: ``dialogs.engine.advance`` steps per second.

Run with ``python -m bench.bench_engine`` (``--profile`` adds a cProfile of one round).

One learner's session (``learner_segments``: onboarding, an experience added by
taps, one added mostly by typing, the whole general skills self-check; about 95 steps
with help, back, typed answers to buttons, a sticker, a stale and a double tap) is played once
against the real catalogue and matcher, checking the step after every action. The
events it sent are then replayed, threading the returned state, for several rounds on
one core; the figure is the median over rounds. Before timing, one replay is compared
output for output with the recording, so the figure is for the same behaviour.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dialogs.flows  # noqa: F401 - registers the steps
from api.skills.catalogue import default_catalogue
from api.skills.matcher import SkillMatcher
from bench.conversations import (
    HOTEL_INTERNSHIP,
    KITCHEN_JOB_TYPED,
    ONBOARDING_TYPED,
    Line,
    Player,
    ScriptError,
    self_check,
)
from bench.report import verdict
from dialogs.engine import Context, advance
from dialogs.events import Event
from dialogs.outputs import Output, Say
from dialogs.portfolio import EMPTY_PORTFOLIO

GOAL_STEPS_PER_S = 20_000
ROUNDS = 9
SESSIONS_PER_ROUND = 40
# A fixed date, so the year buttons (and so the events) are the same on every run.
TODAY = date(2025, 6, 16)


@dataclass(frozen=True)
class Segment:
    """Part of a learner's session, replayed on the state the previous part left."""

    name: str
    events: tuple[Event, ...]


def learner_segments(context: Context) -> list[tuple[str, list[Line]]]:
    catalogue = context.catalogue
    return [
        ("onboarding", ONBOARDING_TYPED),
        ("experience by taps", HOTEL_INTERNSHIP),
        ("experience by typing", KITCHEN_JOB_TYPED),
        ("general skills self-check", [*self_check(catalogue), Line("/menu", "home.menu")]),
    ]


def make_context() -> Context:
    catalogue = default_catalogue()
    return Context(
        catalogue=catalogue,
        matcher=SkillMatcher(catalogue),
        portfolio=EMPTY_PORTFOLIO,
        today=TODAY,
    )


def record(
    context: Context, segments: Sequence[tuple[str, list[Line]]]
) -> tuple[list[Segment], list[tuple[dict[str, Any], list[Output]]]]:
    """Play the scripts once, checking each step; return the events and every result."""
    player = Player()
    state: dict[str, Any] | None = None
    recorded: list[Segment] = []
    results: list[tuple[dict[str, Any], list[Output]]] = []
    for name, script in segments:
        events: list[Event] = []
        for number, line in enumerate(script, start=1):
            event = player.event(line.action)
            state, outputs = advance(state, event, context)
            for output in outputs:
                if isinstance(output, Say) and output.buttons:
                    player.saw([b.value for row in output.buttons for b in row])
            if state["at"] != line.at:
                raise ScriptError(
                    f"{name} line {number} {line.action!r}: expected step {line.at!r}, "
                    f"got {state['at']!r}"
                )
            events.append(event)
            results.append((state, outputs))
        recorded.append(Segment(name, tuple(events)))
    return recorded, results


def check_replay(
    context: Context,
    segments: Sequence[Segment],
    expected: Sequence[tuple[dict[str, Any], list[Output]]],
) -> None:
    """Replaying the events gives exactly the recorded states and outputs."""
    state: dict[str, Any] | None = None
    results = []
    for segment in segments:
        for event in segment.events:
            state, outputs = advance(state, event, context)
            results.append((state, outputs))
    if results != list(expected):
        raise AssertionError("replaying the recorded events gave other states or outputs")


def replay_round(
    context: Context, segments: Sequence[Segment], sessions: int
) -> tuple[float, dict[str, float]]:
    """Replay ``sessions`` learners; return the seconds in all and per segment."""
    per_segment = dict.fromkeys((s.name for s in segments), 0.0)
    clock = time.perf_counter
    started = clock()
    for _ in range(sessions):
        state: dict[str, Any] | None = None
        for segment in segments:
            segment_started = clock()
            for event in segment.events:
                state, _outputs = advance(state, event, context)
            per_segment[segment.name] += clock() - segment_started
    return clock() - started, per_segment


def reference_loop_per_s() -> float:
    """Iterations per second of a fixed pure-Python loop: how fast this machine is now."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(200_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return 200_000 / best


def pin_to_one_core() -> tuple[str, set[int] | None]:
    """Run on one CPU; returns a description and the CPUs to restore afterwards."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned", None
    cpus = os.sched_getaffinity(0)
    last = max(cpus)
    os.sched_setaffinity(0, {last})
    return f"pinned to CPU {last}", cpus


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--sessions", type=int, default=SESSIONS_PER_ROUND)
    parser.add_argument("--profile", action="store_true", help="cProfile one round")
    args = parser.parse_args(argv)

    pinned, cpus = pin_to_one_core()
    try:
        return _run(args, pinned)
    finally:
        if cpus is not None:
            os.sched_setaffinity(0, cpus)


def _run(args: argparse.Namespace, pinned: str) -> dict[str, float]:
    context = make_context()
    segments, results = record(context, learner_segments(context))
    check_replay(context, segments, results)
    steps = sum(len(s.events) for s in segments)
    print(
        f"one learner's session: {steps} steps ("
        + ", ".join(f"{s.name} {len(s.events)}" for s in segments)
        + f"); {args.sessions} sessions per round, {args.rounds} rounds, {pinned}"
    )

    replay_round(context, segments, 2)  # warm-up: caches, the matcher's first calls
    reference_before = reference_loop_per_s()
    totals: list[float] = []
    per_segment: dict[str, list[float]] = {s.name: [] for s in segments}
    for _ in range(args.rounds):
        elapsed, parts = replay_round(context, segments, args.sessions)
        totals.append(elapsed)
        for name, seconds in parts.items():
            per_segment[name].append(seconds)
    reference = (reference_before + reference_loop_per_s()) / 2

    rates = [steps * args.sessions / t for t in totals]
    median_rate = statistics.median(rates)
    for segment in segments:
        per_step_us = [
            t / (len(segment.events) * args.sessions) * 1e6 for t in per_segment[segment.name]
        ]
        print(f"  {segment.name:<28} median {statistics.median(per_step_us):7.1f} µs/step")
    print(
        f"  rounds: min {min(rates):,.0f}  median {median_rate:,.0f}  max {max(rates):,.0f} "
        f"steps/s; machine reference loop {reference / 1e6:.1f} M iterations/s "
        f"(engine steps per million loop iterations: {median_rate / reference * 1e6:,.0f})"
    )
    print(
        verdict(
            "dialog engine, advance() steps/s on one core",
            f"{median_rate:,.0f} steps/s ({1e6 / median_rate:.1f} µs/step)",
            f">= {GOAL_STEPS_PER_S:,}",
            median_rate >= GOAL_STEPS_PER_S,
        )
    )

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        replay_round(context, segments, args.sessions)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(30)
    return {"steps_per_s": median_rate}


if __name__ == "__main__":
    main()
