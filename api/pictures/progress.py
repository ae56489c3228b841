"""The progress card: how far a learner has come, at a glance.

One card serves the learner's own /progress and every learner in a mentor's digest:
skills confirmed by someone else beside those resting on the learner's own word, then
credentials, experiences and (for a mentor) requests waiting for an answer. It is the
summary card's layout (``api.pictures.summary``: dots to count, mirrored for Arabic),
so the chat can draw it from its rows like any other card.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.i18n import is_rtl, render
from api.pictures.cards import render_summary_card
from dialogs.texts import N_, Msg

Row = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class ProgressFigures:
    experiences: int
    # Skills from experiences plus work skills self-checked.
    skills: int
    # Of those, how many someone else confirmed.
    confirmed: int
    credentials: int
    # Requests waiting for an answer; None leaves the row out (the learner's own card).
    waiting: int | None = None

    @property
    def own_word(self) -> int:
        return max(self.skills - self.confirmed, 0)


LABELS: dict[str, Msg] = {
    "confirmed": N_("Confirmed by others"),
    "own_word": N_("Only my own word"),
    "credentials": N_("Credentials"),
    "experiences": N_("Experiences"),
    "waiting": N_("Waiting for an answer"),
}


def progress_rows(figures: ProgressFigures, locale: str) -> tuple[Row, ...]:
    """The card's rows (emoji, label in ``locale``, count)."""
    rows = [
        ("✅", "confirmed", figures.confirmed),
        ("🙋", "own_word", figures.own_word),
        ("🏅", "credentials", figures.credentials),
        ("💼", "experiences", figures.experiences),
    ]
    if figures.waiting is not None:
        rows.append(("⏳", "waiting", figures.waiting))
    return tuple((emoji, render(LABELS[key], locale), count) for emoji, key, count in rows)


def render_progress_card(title: str, figures: ProgressFigures, locale: str) -> bytes:
    """The card as PNG bytes (cached like every card, keyed by what it shows)."""
    return render_summary_card(title, progress_rows(figures, locale), rtl=is_rtl(locale))
