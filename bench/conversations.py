"""Scripted learner conversations shared by the benchmarks.

A script is a list of ``Line(action, at)``: what the learner does, and the dialog step
the conversation must be on afterwards (checked where the state is visible, i.e. in the
engine benchmark; the channel benchmarks check that every tapped button exists).

Actions:

* ``"tap: VALUE"`` taps the button whose value (the part after ``seq|``) is VALUE on the
  newest message with buttons; ``"tap: PREFIX*"`` taps the first one starting with PREFIX
  (suggested skills and years depend on the catalogue and on today's date);
* ``"/name"`` sends a command; ``"media: KIND"`` a sticker, voice message, ...;
* ``"resume"`` is the web chat's page load; ``"again"`` repeats the previous tap (a
  double tap); ``"stale: VALUE"`` taps a button of an older message;
* anything else is typed text.

Years are tapped relative to today ("y*" is this year) so the scripts run on any date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from api.skills.catalogue import Catalogue
from dialogs.events import Event


@dataclass(frozen=True, slots=True)
class Line:
    action: str
    at: str


class ScriptError(AssertionError):
    """The conversation went somewhere the script did not expect."""


def tap_value(data: str) -> str:
    """The button's own value without the ``seq|`` stamp."""
    return data.partition("|")[2]


def find_button(action: str, buttons: Iterable[str]) -> str:
    """The stamped data of the button that ``tap: VALUE`` (or ``PREFIX*``) names."""
    wanted = action.split(": ", 1)[1]
    data = list(buttons)
    if wanted.endswith("*"):
        found = next((d for d in data if tap_value(d).startswith(wanted[:-1])), None)
    else:
        found = next((d for d in data if tap_value(d) == wanted), None)
    if found is None:
        raise ScriptError(f"{action!r}: no such button in {[tap_value(d) for d in data]}")
    return found


class Player:
    """Turns a script's actions into Events, given the buttons the bot showed last.

    ``shown`` is the stamped data of the newest message with buttons; a channel driver
    calls ``saw`` with every reply's buttons so taps find the right data.
    """

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.older: list[str] = []
        self.last_tap: str | None = None

    def saw(self, buttons: Sequence[str]) -> None:
        if buttons:
            self.older = self.shown
            self.shown = list(buttons)

    def event(self, action: str) -> Event:
        if action.startswith("tap: "):
            self.last_tap = find_button(action, self.shown)
            return Event.tap(self.last_tap)
        if action.startswith("stale: "):
            return Event.tap(find_button(action, self.older))
        if action == "again":
            if self.last_tap is None:
                raise ScriptError("'again' before any tap")
            return Event.tap(self.last_tap)
        if action == "resume":
            return Event.resume()
        if action.startswith("media: "):
            return Event.media(action.split(": ", 1)[1])
        if action.startswith("/"):
            return Event.command(action)
        return Event.text(action)


# --- the scripts ------------------------------------------------------------------------

ONBOARDING = [
    Line("/start", "onboarding.language"),
    Line("tap: en", "onboarding.consent"),
    Line("tap: yes", "onboarding.pictures"),
    Line("tap: fewer", "home.menu"),
]

# A learner who types instead of tapping, changes their mind about the language, and
# wants more pictures.
ONBOARDING_TYPED = [
    Line("/start", "onboarding.language"),
    Line("tap: nav:help", "onboarding.language"),
    Line("Svenska", "onboarding.consent"),
    Line("tap: nav:back", "onboarding.language"),
    Line("2", "onboarding.consent"),
    Line("tap: yes", "onboarding.pictures"),
    Line("tap: more", "home.menu"),
]

# The whole way through by taps, with a search, own words and a change before saving.
HOTEL_INTERNSHIP = [
    Line("tap: experience", "experience.kind"),
    Line("tap: internship", "experience.area"),
    Line("tap: hotel", "experience.role"),
    Line("Receptionist", "experience.place"),
    Line("media: sticker", "experience.place"),
    Line("Hotel Baltic", "experience.start_year"),
    Line("tap: y*", "experience.start_month"),
    Line("tap: m3", "experience.end"),
    Line("tap: ongoing", "experience.tasks"),
    Line("tap: t0", "experience.tasks"),
    Line("tap: t2", "experience.tasks"),
    Line("tap: t2", "experience.tasks"),
    Line("I cleaned rooms and welcomed guests", "experience.tasks"),
    Line("tap: done", "experience.skills"),
    Line("tap: s:*", "experience.skills"),
    Line("kitchen hygine", "experience.search_results"),
    Line("tap: s:*", "experience.skills"),
    Line("tap: own", "experience.own_skill"),
    Line("I can fold towels the hotel way", "experience.skills"),
    Line("tap: done", "experience.confirm"),
    Line("tap: change", "experience.change"),
    Line("tap: place", "experience.place"),
    Line("Hotel Baltic Visby", "experience.confirm"),
    Line("tap: save", "home.menu"),
]

# Typing where a tap would do: an earlier year written out, back, help, a stale tap.
KITCHEN_JOB_TYPED = [
    Line("tap: experience", "experience.kind"),
    Line("A job", "experience.area"),
    Line("tap: kitchen", "experience.role"),
    Line("tap: r1", "experience.place"),
    Line("Restaurang Sjöbris", "experience.start_year"),
    Line("tap: typed", "experience.start_year_typed"),
    Line("15", "experience.start_year_typed"),
    Line("2015", "experience.start_month"),
    Line("tap: nav:back", "experience.start_year_typed"),
    Line("2016", "experience.start_month"),
    Line("tap: m0", "experience.end"),
    Line("stale: m0", "experience.end"),
    Line("tap: y*", "experience.end_month"),
    Line("tap: m6", "experience.tasks"),
    Line("tap: t1", "experience.tasks"),
    Line("again", "experience.tasks"),
    Line("tap: nav:help", "experience.tasks"),
    Line("tap: done", "experience.skills"),
    Line("dishes", "experience.search_results"),
    Line("tap: s:*", "experience.skills"),
    Line("tap: done", "experience.confirm"),
    Line("tap: save", "home.menu"),
]

# The web chat: the page loads (resume), onboarding, and the first questions of an
# experience. Six turns, so that 10,000 learners take about three minutes.
WEB_LEARNER = [
    Line("resume", "onboarding.language"),
    Line("tap: en", "onboarding.consent"),
    Line("tap: yes", "onboarding.pictures"),
    Line("tap: fewer", "home.menu"),
    Line("tap: experience", "experience.kind"),
    Line("tap: job", "experience.area"),
]

EXAMPLE = "I came on time every day during my internship."


def self_check(catalogue: Catalogue, *, topics: int | None = None) -> list[Line]:
    """The general skills self-check from the menu: every question of ``topics`` topics.

    Answers cycle through the three levels; the first topic gets an example and a back,
    the fourth is skipped; ``topics=None`` answers all of them and returns to the menu.
    """
    general = catalogue.general_skills()
    count = len(general) if topics is None else topics
    lines = [Line("tap: check", "check.intro"), Line("tap: start", "check.question")]
    levels = ("yes", "help", "not_yet")
    for number, skill in enumerate(general[:count]):
        last = number == len(general) - 1
        if number == 3 and not last:
            lines.append(Line("tap: skip", "check.question"))
            continue
        for index, _outcome in enumerate(skill.outcomes):
            if number == 0 and index == 1:
                lines.append(Line("tap: example", "check.example"))
                lines.append(Line(EXAMPLE, "check.question"))
                lines.append(Line("tap: nav:back", "check.question"))
                lines.append(Line("tap: yes", "check.question"))
            final = last and index == len(skill.outcomes) - 1
            after = "check.done" if final else "check.question"
            lines.append(Line(f"tap: {levels[(number + index) % 3]}", after))
    if topics is None:
        lines.append(Line("tap: menu", "home.menu"))
    return lines
