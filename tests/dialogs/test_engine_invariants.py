"""Whatever the learner does, the engine answers with a question to go on with, and never raises."""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

import pytest

from api.skills.catalogue import Catalogue
from api.skills.matcher import SkillMatcher
from dialogs import flows  # noqa: F401 - registers the steps
from dialogs.engine import Context, advance
from dialogs.events import Event
from dialogs.outputs import Action, Say

COMMANDS = [
    "/start",
    "/help",
    "/pause",
    "/menu",
    "/add",
    "/check",
    "/review",
    "/language",
    "/settings",
    "/resume",
    "/nonsense",
]
TEXTS = [
    "Hotel Baltic",
    "2015",
    "kitchen hygine",
    "",
    "🙂",
    "x" * 4096,
    "ja",
    "نظافة المطبخ",
    "<script>alert(1)</script>",
    "\u200b",
]


def random_event(rng: random.Random, last: Say | None) -> Event:
    roll = rng.random()
    if last is not None and last.buttons and roll < 0.7:
        button = rng.choice([b for row in last.buttons for b in row])
        return Event.tap(button.value)
    if roll < 0.8:
        return Event.command(rng.choice(COMMANDS))
    if roll < 0.95:
        return Event.text(rng.choice(TEXTS))
    return Event.media(rng.choice(["sticker", "voice", "photo"]))


@pytest.mark.parametrize("seed", range(6))
def test_a_random_walk_never_crashes_and_always_asks_something(
    seed: int, catalogue: Catalogue, matcher: SkillMatcher
) -> None:
    rng = random.Random(seed)
    context = Context(catalogue=catalogue, matcher=matcher, today=date(2026, 11, 21))
    state: dict[str, Any] | None = None
    last: Say | None = None
    for _ in range(1500):
        event = random_event(rng, last)
        state, outputs = advance(state, event, context)
        json.dumps(state)  # the state must stay storable as JSON
        says = [o for o in outputs if isinstance(o, Say)]
        assert all(isinstance(o, Say | Action) for o in outputs)
        if says:
            last = says[-1]
        assert says or event.kind == "tap", f"no answer to {event}"


def test_an_unexpected_state_lands_at_the_menu_with_an_apology(
    catalogue: Catalogue, matcher: SkillMatcher
) -> None:
    context = Context(catalogue=catalogue, matcher=matcher)
    state, _ = advance(None, Event.command("start"), context)
    # A draft no flow writes: a damaged row, or data from an older version of the service.
    state.update(at="experience.end_month", draft={"start_year": 2020, "end_year": "soon"})
    state["profile"].update(locale="en", consented=True)
    recovered, outputs = advance(state, Event.tap(f"{state['seq']}|m3"), context)
    texts = [o.text for o in outputs if isinstance(o, Say)]
    assert recovered["at"] == "home.menu"
    assert recovered["profile"]["consented"] is True
    assert any("mixed up" in getattr(t, "msgid", "") for t in texts)
