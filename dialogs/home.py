"""The start menu, and the commands that lead to it.

The menu is where every flow ends. A flow left half-way (with /menu or a command) is
kept as it was, and the menu offers to continue it, so nothing answered is lost.
"""

from __future__ import annotations

from dialogs import pictures
from dialogs.engine import HOME, STEPS, Step, Turn, command, register
from dialogs.outputs import Button
from dialogs.texts import N_, pN_

# Flows whose half-done answers live in the state and are worth coming back to.
RESUMABLE_PREFIXES = ("experience.", "check.", "ask.")


def leave_to_menu(turn: Turn) -> None:
    """Go to the menu, remembering an unfinished flow so it can be continued."""
    remember_unfinished(turn)
    turn.go_home()


def remember_unfinished(turn: Turn) -> None:
    """Keep where an unfinished flow was, and how the learner got there, for "continue"."""
    if turn.at.startswith(RESUMABLE_PREFIXES):
        turn.state["resume_at"] = turn.at
        turn.state["resume_history"] = list(turn.state["history"])


def _menu_buttons(turn: Turn) -> list[list[Button]]:
    rows: list[list[Button]] = []
    if turn.state.get("resume_at") in STEPS:
        rows.append([Button("resume", pN_("button", "Continue where I was"), "▶️")])
    rows += [
        [Button("experience", pN_("button", "Add an experience"), "➕")],
        [Button("check", pN_("button", "Check my work skills"), "✅")],
        [Button("review", pN_("button", "What I have saved"), "📋")],
        [Button("ask", pN_("button", "Ask someone to confirm"), "📨")],
        [Button("merits", pN_("button", "My merits"), "🏅")],
        [Button("mentors", pN_("button", "My mentors"), "🧑‍🏫")],
        [Button("settings", pN_("button", "Settings"), "⚙️")],
    ]
    return rows


def _menu_tap(turn: Turn, value: str) -> None:
    if value == "resume":
        target = turn.state.get("resume_at")
        turn.state["resume_at"] = None
        if target == "check.question" and not turn.state.get("check", {}).get("skill"):
            # The topic was finished or left meanwhile: start the self-check from its intro.
            target = "check.intro"
        if target in STEPS:
            turn.go(str(target), remember=False)
            turn.state["history"] = list(turn.state.pop("resume_history", None) or [])
            return
        turn.stay()
    elif value == "experience":
        start_experience(turn)
    elif value == "check":
        turn.go("check.intro")
    elif value == "review":
        turn.go("review.summary")
    elif value == "settings":
        turn.go("settings.menu")
    elif value == "mentors":
        turn.go("mentors.list")
    elif value == "merits":
        from dialogs.merits import start_merits

        start_merits(turn)
    elif value == "ask":
        from dialogs.endorsements import start_asking

        start_asking(turn)


def start_experience(turn: Turn) -> None:
    # Back from the first question returns to where the learner came from, never into
    # the steps of an earlier experience (whose answers this fresh draft no longer has).
    turn.state["history"] = []
    turn.state["resume_at"] = None
    turn.state["draft"] = {"tasks": [], "skills": [], "own_skills": [], "description": ""}
    turn.go("experience.kind")


register(
    Step(
        id=HOME,
        prompt=N_("What do you want to do?"),
        picture=pictures.MENU,
        help=N_(
            "Add an experience: a job, an internship, a club or a course. "
            "Check my work skills: questions about how you work. "
            "What I have saved: see, change or delete."
        ),
        buttons=_menu_buttons,
        on_tap=_menu_tap,
        back=False,
    )
)


@command("start")
def _start(turn: Turn) -> None:
    leave_to_menu(turn)


@command("menu")
def _menu(turn: Turn) -> None:
    leave_to_menu(turn)


@command("add")
def _add(turn: Turn) -> None:
    if turn.at.startswith("experience."):
        # Already adding one: keep its answers and ask the current question again.
        turn.stay()
        return
    start_experience(turn)


@command("check")
def _check(turn: Turn) -> None:
    remember_unfinished(turn)
    turn.go("check.intro")


@command("review")
def _review(turn: Turn) -> None:
    remember_unfinished(turn)
    turn.go("review.summary")
