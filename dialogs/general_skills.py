"""The general work skills self-check: one outcome per question, answered with picture buttons.

    intro -> (start in order | pick a topic) -> question x outcomes x topics -> done
                                               \\-> example (optional, then back)

Outcomes are written the guidebook's way ("The holder can" + an observable action),
so the learner answers about what they do, never about who they are. Each finished
topic is saved at once, so stopping half-way keeps every topic already answered.
"""

from __future__ import annotations

from typing import Any

from api.skills.catalogue import Skill
from dialogs import pictures
from dialogs.engine import Step, Turn, register
from dialogs.outputs import Button, Picture, SaveSelfCheck
from dialogs.texts import N_, Joined, Localized, Text, Verbatim, pN_

LEVELS: dict[str, tuple[str, Text]] = {
    "yes": ("👍", pN_("button", "Yes, I can")),
    "help": ("🤝", pN_("button", "With some help")),
    "not_yet": ("🌱", pN_("button", "Not yet")),
}


def _check(turn: Turn) -> dict[str, Any]:
    return turn.state["check"]  # type: ignore[no-any-return]


def _skill(turn: Turn) -> Skill:
    return turn.catalogue.skill(str(_check(turn)["skill"]))


def skill_picture(skill: Skill) -> Picture:
    return Picture(skill.picture, Localized(skill.name))


def _begin(turn: Turn, queue: list[str]) -> None:
    turn.state["check"] = {"queue": queue, "skill": None, "index": 0, "answers": {}}
    _next_topic(turn)


def _next_topic(turn: Turn) -> None:
    check = _check(turn)
    if not check["queue"]:
        turn.state["check"] = {}
        turn.go("check.done", remember=False)
        return
    skill_id = check["queue"].pop(0)
    existing = turn.portfolio.self_checks.get(skill_id, {})
    check.update(skill=skill_id, index=0, answers={k: dict(v) for k, v in existing.items()})
    skill = _skill(turn)
    general = turn.catalogue.general_skills()
    number = (
        [s.id for s in general].index(skill_id) + 1 if skill_id in {s.id for s in general} else 1
    )
    turn.say(
        N_("Topic {number} of {total}: {skill}")(
            number=number, total=len(general), skill=Localized(skill.name)
        ),
        skill_picture(skill),
        card=True,
    )
    turn.go("check.question", remember=turn.at != "check.question")


def _unchecked(turn: Turn) -> list[str]:
    done = turn.portfolio.self_checks
    return [s.id for s in turn.catalogue.general_skills() if s.id not in done]


def _intro_prompt(turn: Turn) -> Text:
    total = len(turn.catalogue.general_skills())
    if not _unchecked(turn):
        return N_("You have checked all {total} topics. Choose one to check again.")(total=total)
    return N_(
        "Now some questions about how you work. There are {total} topics. "
        "Answer with the buttons. You can stop at any time."
    )(total=total)


def _intro_buttons(turn: Turn) -> list[list[Button]]:
    rows = []
    if _unchecked(turn):
        rows.append([Button("start", pN_("button", "Start"), "▶️")])
    rows.append([Button("pick", pN_("button", "Choose a topic"), "📋")])
    return rows


def _intro_tap(turn: Turn, value: str) -> None:
    if value == "start":
        _begin(turn, _unchecked(turn))
    else:
        turn.go("check.pick")


def _pick_buttons(turn: Turn) -> list[list[Button]]:
    done = turn.portfolio.self_checks
    return [
        [Button(s.id, Localized(s.name), "✅" if s.id in done else s.picture)]
        for s in turn.catalogue.general_skills()
    ]


def _outcome_index(turn: Turn) -> int:
    return int(_check(turn)["index"])


def _question_prompt(turn: Turn) -> Text:
    skill = _skill(turn)
    index = _outcome_index(turn)
    outcome = skill.outcomes[index]
    lines: list[Text] = [
        N_("{skill}, question {number} of {total}")(
            skill=Localized(skill.name), number=index + 1, total=len(skill.outcomes)
        ),
        N_("Can you {outcome}?")(outcome=Localized(outcome.text)),
    ]
    example = _check(turn)["answers"].get(outcome.id, {}).get("example")
    if example:
        lines.append(N_("Your example: {text}")(text=Verbatim(str(example))))
    return Joined(tuple(lines))


# The same for every question of the self-check (most of a session's steps), so built
# once; buttons are immutable and the engine only reads the rows.
_QUESTION_ROWS: tuple[list[Button], ...] = (
    *([Button(level, label, emoji)] for level, (emoji, label) in LEVELS.items()),
    [
        Button("example", pN_("button", "Tell about a time"), "💬"),
        Button("skip", pN_("button", "Skip this topic"), "⏭️"),
    ],
)


def _question_buttons(_turn: Turn) -> list[list[Button]]:
    return list(_QUESTION_ROWS)


def _finish_topic(turn: Turn) -> None:
    check = _check(turn)
    if check["answers"]:
        turn.act(SaveSelfCheck(str(check["skill"]), dict(check["answers"])))
    _next_topic(turn)


def _question_tap(turn: Turn, value: str) -> None:
    check = _check(turn)
    skill = _skill(turn)
    outcome = skill.outcomes[_outcome_index(turn)]
    if value == "example":
        turn.go("check.example", remember=False)
        return
    if value == "skip":
        # Answers already given in this topic are kept; only the rest is skipped.
        _finish_topic(turn)
        return
    answer = check["answers"].setdefault(outcome.id, {})
    answer["level"] = value
    if _outcome_index(turn) + 1 < len(skill.outcomes):
        check["index"] = _outcome_index(turn) + 1
        turn.stay()
    else:
        _finish_topic(turn)


def _question_back(turn: Turn) -> None:
    if _outcome_index(turn) > 0:
        _check(turn)["index"] = _outcome_index(turn) - 1
        turn.stay()
    else:
        turn.back()


def _example(turn: Turn, text: str) -> None:
    outcome = _skill(turn).outcomes[_outcome_index(turn)]
    _check(turn)["answers"].setdefault(outcome.id, {})["example"] = text
    turn.say(N_("Thank you! Now choose an answer."), pictures.CHECK)
    turn.go("check.question", remember=False)


def _done_prompt(turn: Turn) -> Text:
    checked = len(turn.portfolio.self_checks)
    total = len(turn.catalogue.general_skills())
    return N_("Well done! You have checked {checked} of {total} topics.")(
        checked=checked, total=total
    )


def _done_tap(turn: Turn, value: str) -> None:
    if value == "review":
        turn.go("review.checks")
    else:
        turn.go_home()


def _pick_tap(turn: Turn, skill_id: str) -> None:
    _begin(turn, [skill_id])


def begin_topic(turn: Turn, skill_id: str) -> None:
    """Check one topic again (from the review)."""
    _begin(turn, [skill_id])


register(
    Step(
        id="check.intro",
        prompt=_intro_prompt,
        picture=pictures.CHECK,
        help=N_(
            "Each question is about something you do at work. Answer honestly. "
            "Not yet is a good answer too."
        ),
        buttons=_intro_buttons,
        on_tap=_intro_tap,
    ),
    Step(
        id="check.pick",
        prompt=N_("Which topic do you want to check?"),
        picture=pictures.REVIEW,
        help=N_("Tap a topic. A check mark shows the topics you have already answered."),
        buttons=_pick_buttons,
        on_tap=_pick_tap,
    ),
    Step(
        id="check.question",
        prompt=_question_prompt,
        picture=lambda turn: skill_picture(_skill(turn)),
        help=N_(
            "Yes, I can: you do it on your own. With some help: you do it when someone "
            "helps you. Not yet: you want to learn it. Tap Tell about a time to give an example."
        ),
        buttons=_question_buttons,
        on_tap=_question_tap,
        on_back=_question_back,
        ready=lambda turn: bool(_check(turn).get("skill")),
        instead="check.intro",
    ),
    Step(
        id="check.example",
        prompt=N_("Tell about a time when you did this. A few words are enough."),
        picture=pictures.EXAMPLE,
        help=N_("For example: I came on time every day during my internship."),
        on_text=_example,
        on_back=lambda turn: turn.go("check.question", remember=False),
        max_length=500,
        ready=lambda turn: bool(_check(turn).get("skill")),
        instead="check.intro",
    ),
    Step(
        id="check.done",
        prompt=_done_prompt,
        picture=pictures.SAVED,
        help=N_("You can check a topic again at any time from the menu."),
        buttons=lambda _turn: [
            [Button("review", pN_("button", "See my answers"), "📋")],
            [Button("menu", pN_("button", "Back to the menu"), "🧭")],
        ],
        on_tap=_done_tap,
        back=False,
    ),
)
