"""See, change and delete what is saved.

summary -> experience -> (change -> experience.confirm | delete -> are you sure?)
        -> work skills -> topic -> (check again | delete -> are you sure?)
"""

from __future__ import annotations

from dialogs import pictures
from dialogs.engine import Step, Turn, register
from dialogs.experience import experience_summary
from dialogs.general_skills import LEVELS, begin_topic
from dialogs.outputs import Button, DeleteExperience, DeleteSelfCheck
from dialogs.portfolio import SavedExperience
from dialogs.texts import N_, Joined, Localized, Text, Verbatim, nN_, pN_


def _summary_prompt(turn: Turn) -> Text:
    portfolio = turn.portfolio
    total = len(turn.catalogue.general_skills())
    return Joined(
        (
            N_("This is what you have saved:"),
            nN_("💼 {n} experience", "💼 {n} experiences")(n=len(portfolio.experiences)),
            nN_("🧩 {n} skill", "🧩 {n} skills")(n=portfolio.skill_count),
            N_("✅ {checked} of {total} work skill topics checked")(
                checked=len(portfolio.self_checks), total=total
            ),
        )
    )


def experience_label(experience: SavedExperience) -> Verbatim:
    return Verbatim(f"{experience.role}, {experience.place}")


def _summary_buttons(turn: Turn) -> list[list[Button]]:
    rows = [[Button(f"e{e.id}", experience_label(e), "💼")] for e in turn.portfolio.experiences]
    rows.append([Button("checks", pN_("button", "My work skills"), "✅")])
    rows.append([Button("menu", pN_("button", "Back to the menu"), "🧭")])
    return rows


def _summary_tap(turn: Turn, value: str) -> None:
    if value == "checks":
        turn.go("review.checks")
    elif value == "menu":
        turn.go_home()
    else:
        turn.scratch["experience_id"] = int(value[1:])
        turn.go("review.experience")


def _chosen_experience(turn: Turn) -> SavedExperience | None:
    return turn.portfolio.experience(int(turn.scratch.get("experience_id") or 0))


def _experience_prompt(turn: Turn) -> Text:
    experience = _chosen_experience(turn)
    if experience is None:
        return N_("This experience is no longer saved.")
    return experience_summary(turn, experience.as_draft())


def _experience_buttons(turn: Turn) -> list[list[Button]]:
    if _chosen_experience(turn) is None:
        return []
    return [
        [Button("change", pN_("button", "Change"), "✏️")],
        [Button("delete", pN_("button", "Delete"), "🗑️")],
    ]


def _experience_tap(turn: Turn, value: str) -> None:
    experience = _chosen_experience(turn)
    if experience is None:
        turn.back()
    elif value == "change":
        turn.state["draft"] = {**experience.as_draft(), "editing": True}
        turn.go("experience.confirm")
    else:
        turn.go("review.delete_experience")


def _delete_experience_tap(turn: Turn, value: str) -> None:
    experience = _chosen_experience(turn)
    if value == "yes" and experience is not None:
        turn.act(DeleteExperience(experience.id))
        turn.say(N_("Deleted."), pictures.DELETE)
    turn.state["history"] = []
    turn.go("review.summary", remember=False)


def _checks_prompt(turn: Turn) -> Text:
    checks = turn.portfolio.self_checks
    if not checks:
        return N_("You have not checked any work skills yet.")
    lines: list[Text] = [N_("Your work skills. Tap a topic to see or change it.")]
    for skill in turn.catalogue.general_skills():
        answers = checks.get(skill.id)
        if answers:
            # In the catalogue's order: stored answers carry no order (JSONB sorts keys).
            levels = [str(answers.get(o.id, {}).get("level")) for o in skill.outcomes]
            marks = "".join(LEVELS[level][0] for level in levels if level in LEVELS)
            lines.append(N_("{skill}: {marks}")(skill=Localized(skill.name), marks=marks))
    return Joined(tuple(lines))


def _checks_buttons(turn: Turn) -> list[list[Button]]:
    checks = turn.portfolio.self_checks
    rows = [
        [Button(s.id, Localized(s.name), s.picture)]
        for s in turn.catalogue.general_skills()
        if s.id in checks
    ]
    rows.append([Button("check", pN_("button", "Check my work skills"), "▶️")])
    return rows


def _checks_tap(turn: Turn, value: str) -> None:
    if value == "check":
        turn.go("check.intro")
    else:
        turn.scratch["skill_id"] = value
        turn.go("review.check_item")


def _check_item_prompt(turn: Turn) -> Text:
    skill = turn.catalogue.get(str(turn.scratch.get("skill_id")))
    answers = turn.portfolio.self_checks.get(str(turn.scratch.get("skill_id")), {})
    if skill is None or not answers:
        return N_("This topic has no saved answers.")
    lines: list[Text] = [Localized(skill.name)]
    for outcome in skill.outcomes:
        answer = answers.get(outcome.id)
        if answer and answer.get("level") in LEVELS:
            emoji, label = LEVELS[str(answer["level"])]
            lines.append(
                N_("{emoji} {outcome}: {answer}")(
                    emoji=emoji, outcome=Localized(outcome.text), answer=label
                )
            )
    return Joined(tuple(lines))


def _check_item_tap(turn: Turn, value: str) -> None:
    skill_id = str(turn.scratch.get("skill_id"))
    if turn.catalogue.get(skill_id) is None:
        turn.back()
    elif value == "again":
        begin_topic(turn, skill_id)
    else:
        turn.go("review.delete_check")


def _delete_check_tap(turn: Turn, value: str) -> None:
    if value == "yes":
        turn.act(DeleteSelfCheck(str(turn.scratch.get("skill_id"))))
        turn.say(N_("Deleted."), pictures.DELETE)
    turn.state["history"] = ["review.summary"]
    turn.go("review.checks", remember=False)


def _yes_no(_turn: Turn) -> list[list[Button]]:
    return [
        [Button("yes", pN_("button", "Yes, delete"), "🗑️")],
        [Button("no", pN_("button", "No, keep it"), "↩️")],
    ]


register(
    Step(
        id="review.summary",
        prompt=_summary_prompt,
        picture=pictures.REVIEW,
        help=N_("Tap an experience to see, change or delete it."),
        buttons=_summary_buttons,
        on_tap=_summary_tap,
        summary_card=True,
    ),
    Step(
        id="review.experience",
        prompt=_experience_prompt,
        picture=pictures.KINDS["job"],
        help=N_("Tap Change to fix something. Tap Delete to remove this experience."),
        buttons=_experience_buttons,
        on_tap=_experience_tap,
    ),
    Step(
        id="review.delete_experience",
        prompt=lambda turn: N_("Do you want to delete {experience}? This cannot be undone.")(
            experience=experience_label(e) if (e := _chosen_experience(turn)) else ""
        ),
        picture=pictures.DELETE,
        help=N_("Yes deletes the experience and its skills. No keeps it."),
        buttons=_yes_no,
        on_tap=_delete_experience_tap,
    ),
    Step(
        id="review.checks",
        prompt=_checks_prompt,
        picture=pictures.CHECK,
        help=N_("Tap a topic to see your answers, check it again or delete it."),
        buttons=_checks_buttons,
        on_tap=_checks_tap,
    ),
    Step(
        id="review.check_item",
        prompt=_check_item_prompt,
        picture=pictures.CHECK,
        help=N_("Check again asks the questions once more. Delete removes the answers."),
        buttons=lambda _turn: [
            [Button("again", pN_("button", "Check again"), "🔁")],
            [Button("delete", pN_("button", "Delete"), "🗑️")],
        ],
        on_tap=_check_item_tap,
    ),
    Step(
        id="review.delete_check",
        prompt=N_("Do you want to delete your answers for this topic?"),
        picture=pictures.DELETE,
        help=N_("Yes deletes the answers. No keeps them."),
        buttons=_yes_no,
        on_tap=_delete_check_tap,
    ),
)
