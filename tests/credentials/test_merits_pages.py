"""/merits with many merits: a page at a time, a picture card for each (the dialog alone)."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.i18n import render
from api.skills.catalogue import Catalogue
from api.skills.matcher import SkillMatcher
from dialogs import flows  # noqa: F401 - registers the steps
from dialogs.engine import Context, advance
from dialogs.events import Event
from dialogs.outputs import Say, SendMerit, WithdrawMerit
from dialogs.portfolio import Portfolio, SavedMerit
from tests.dialogs.test_portfolio_on_demand import onboarded

SKILLS = ("hotel_room_cleaning", "customer_service", "forklift", "kitchen_hygiene")


def merits(catalogue: Catalogue, count: int) -> tuple[SavedMerit, ...]:
    known = [s.id for s in catalogue.skills if s.id in SKILLS] or [catalogue.skills[0].id]
    return tuple(
        SavedMerit(
            id=f"00000000-0000-4000-8000-{number:012d}",
            skill_id=known[number % len(known)],
            issued_on=date(2026, 11, 1 + number),
            endorser_name="Maria Berg",
        )
        for number in range(count)
    )


def said(outputs: list[Any]) -> list[Say]:
    return [o for o in outputs if isinstance(o, Say)]


def tap(state: dict[str, Any], outputs: list[Any], label: str, ctx: Context) -> Any:
    question = said(outputs)[-1]
    for row in question.buttons:
        for button in row:
            if label in render(button.label, "en"):
                return advance(state, Event.tap(button.value), ctx)
    raise AssertionError(f"no button {label!r}")


def test_seven_merits_come_three_at_a_time_each_with_a_picture(
    catalogue: Catalogue, matcher: SkillMatcher
) -> None:
    ctx = Context(catalogue, matcher, portfolio=Portfolio(merits=merits(catalogue, 7)))
    state = onboarded(ctx)
    state, outputs = advance(state, Event.command("merits"), ctx)
    *cards, question = said(outputs)
    assert len(cards) == 3 and all(card.card and card.picture for card in cards)
    assert render(question.text, "en").startswith("Merits 1 to 3 of 7.")
    state, outputs = tap(state, outputs, "Show more merits", ctx)
    assert render(said(outputs)[-1].text, "en").startswith("Merits 4 to 6 of 7.")
    state, outputs = tap(state, outputs, "Show more merits", ctx)
    *cards, question = said(outputs)
    assert len(cards) == 1 and render(question.text, "en").startswith("Merits 7 to 7 of 7.")
    # After the last page comes the first again.
    state, outputs = tap(state, outputs, "Show more merits", ctx)
    assert render(said(outputs)[-1].text, "en").startswith("Merits 1 to 3 of 7.")


def test_asking_for_a_file_is_an_action_and_the_question_stays(
    catalogue: Catalogue, matcher: SkillMatcher
) -> None:
    held = merits(catalogue, 1)
    ctx = Context(catalogue, matcher, portfolio=Portfolio(merits=held))
    state = onboarded(ctx)
    state, outputs = advance(state, Event.command("merits"), ctx)
    state, outputs = advance(state, Event.tap(said(outputs)[-1].buttons[0][0].value), ctx)
    state, outputs = tap(state, outputs, "Get a certificate", ctx)
    # In the language the learner chose (the first one offered: Swedish).
    (action,) = [o for o in outputs if isinstance(o, SendMerit)]
    assert (action.credential_id, action.form, action.locale) == (held[0].id, "pdf", "sv")
    assert state["at"] == "merits.one"
    state, outputs = tap(state, outputs, "Withdraw it", ctx)
    assert not any(isinstance(o, WithdrawMerit) for o in outputs)
    state, outputs = tap(state, outputs, "Yes, withdraw it", ctx)
    assert [o for o in outputs if isinstance(o, WithdrawMerit)] == [WithdrawMerit(held[0].id)]
    # Shown as withdrawn at once: only the file is left to get.
    labels = [render(b.label, "en") for row in said(outputs)[-1].buttons for b in row]
    assert "Get the file" in labels and "Share a link" not in labels
