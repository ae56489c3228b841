"""Properties of the dialog engine, for any sequence of events hypothesis can think of.

* it never raises;
* it always answers, with at least one message (the one exception is a double tap:
  the same button data twice in a row is answered once);
* it never loses what the learner told about themselves: once they agreed, their
  language and their "yes" stay until they ask to be forgotten;
* the state it hands back is JSON that survives a round trip (what is saved is all);
* every question carries Help, and Back and Pause exactly where its step says.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.skills.catalogue import default_catalogue
from api.skills.matcher import SkillMatcher
from dialogs import flows  # noqa: F401 - registers the steps
from dialogs.engine import (
    COMMANDS,
    NAV_BACK,
    NAV_HELP,
    NAV_PAUSE,
    STEPS,
    Context,
    advance,
)
from dialogs.events import Event
from dialogs.outputs import Forget, Output, Say
from tests.hostile.corpus import CORPUS

CATALOGUE = default_catalogue()
CONTEXT = Context(catalogue=CATALOGUE, matcher=SkillMatcher(CATALOGUE))
HOSTILE = [text for _family, text in CORPUS]

texts = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.sampled_from(["Hotel Baltic", "Receptionist", "2024", "ja", "English", "Svenska"]),
)
commands = st.sampled_from([*sorted(COMMANDS), "nonsense", ""])


def _buttons(outputs: list[Output]) -> list[str]:
    return [b.value for o in outputs if isinstance(o, Say) for row in o.buttons for b in row]


@st.composite
def next_event(draw: st.DrawFn, outputs: list[Output]) -> Event:
    offered = [value for value in _buttons(outputs) if "|" in value]
    choice = draw(st.integers(0, 9))
    if offered and choice < 6:
        return Event.tap(draw(st.sampled_from(offered)))
    if choice == 6:
        return Event.command(draw(commands))
    if choice == 7:
        return Event.tap(draw(texts))
    if choice == 8:
        return draw(st.sampled_from([Event.media("voice"), Event.edited(), Event.resume()]))
    return Event.text(draw(texts))


def _check_question(state: dict[str, Any], outputs: list[Output]) -> None:
    asked = [o for o in outputs if isinstance(o, Say) and o.seq == state["seq"] and o.seq]
    if not asked or state["paused"]:
        return
    step = STEPS[state["at"]]
    nav = [b.value.partition("|")[2] for b in asked[-1].buttons[-1]]
    assert NAV_HELP in nav, (step.id, nav)
    assert (NAV_BACK in nav) == step.back, (step.id, nav)
    assert (NAV_PAUSE in nav) == step.pause, (step.id, nav)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_any_sequence_of_events_keeps_the_engines_promises(data: st.DataObject) -> None:
    state, outputs = advance(None, Event.command("start"), CONTEXT)
    agreed: dict[str, Any] | None = None
    last_tap: str | None = None
    for _ in range(data.draw(st.integers(5, 40), label="length")):
        event = data.draw(next_event(outputs), label="event")
        state, outputs = advance(state, event, CONTEXT)

        repeated_tap = event.kind.value == "tap" and event.value == last_tap
        assert outputs or repeated_tap, f"no answer to {event}"
        last_tap = event.value if event.kind.value == "tap" else last_tap
        assert state["at"] in STEPS
        assert json.loads(json.dumps(state)) == state
        _check_question(state, outputs)

        if any(isinstance(o, Forget) for o in outputs):
            agreed = None
        elif agreed is not None:
            assert state["profile"]["consented"], "the learner's yes was lost"
            assert state["profile"]["locale"] == agreed["locale"] or event.kind.value in (
                "tap",
                "text",
            ), "the language changed without the learner choosing one"
        if state["profile"].get("consented"):
            agreed = dict(state["profile"])
