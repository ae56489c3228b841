"""The engine asks for the saved portfolio only on steps that show it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from api.skills.catalogue import Catalogue
from api.skills.matcher import SkillMatcher
from dialogs import flows  # noqa: F401 - registers the steps
from dialogs.engine import Context, PortfolioNeeded, _stamped, advance
from dialogs.events import Event
from dialogs.outputs import Button, Say
from dialogs.portfolio import EMPTY_PORTFOLIO, Portfolio
from dialogs.texts import N_


def context(catalogue: Catalogue, matcher: SkillMatcher, portfolio: Portfolio | None) -> Context:
    return Context(catalogue, matcher, portfolio=portfolio, today=date(2025, 6, 16))


def onboarded(ctx: Context) -> dict[str, object]:
    """A learner who has agreed and is at the menu: /start, then the first button thrice."""
    state, outputs = advance(None, Event.command("start"), ctx)
    for _ in range(3):
        say = next(o for o in reversed(outputs) if isinstance(o, Say) and o.buttons)
        state, outputs = advance(state, Event.tap(say.buttons[0][0].value), ctx)
    assert state["at"] == "home.menu"
    return state


def test_a_step_that_does_not_show_the_portfolio_needs_none(
    catalogue: Catalogue, matcher: SkillMatcher
) -> None:
    with_it = context(catalogue, matcher, EMPTY_PORTFOLIO)
    state = onboarded(with_it)
    event = Event.command("help")
    assert advance(state, event, replace(with_it, portfolio=None)) == advance(state, event, with_it)


def test_a_step_that_shows_the_portfolio_asks_for_it_and_changes_nothing(
    catalogue: Catalogue, matcher: SkillMatcher
) -> None:
    with_it = context(catalogue, matcher, EMPTY_PORTFOLIO)
    state = onboarded(with_it)
    before = json.dumps(state, sort_keys=True)
    with pytest.raises(PortfolioNeeded):
        advance(state, Event.command("review"), replace(with_it, portfolio=None))
    assert json.dumps(state, sort_keys=True) == before
    # Given the portfolio, the same step goes through.
    _state, outputs = advance(state, Event.command("review"), with_it)
    assert any(isinstance(o, Say) for o in outputs)


def test_a_stamped_button_is_the_button_with_the_stamp_before_its_value() -> None:
    button = Button("yes", N_("Yes"), "👍", selected=True, kind="tap")
    assert _stamped(button, "7|") == replace(button, value="7|yes")
