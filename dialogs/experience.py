"""Add an experience, one question per message.

    kind -> area -> role -> place -> start year -> start month -> end (or "still there")
      -> end month -> tasks -> skills (suggested / search / own words) -> confirm -> saved

Every answer goes into ``state["draft"]`` as it is given, so a pause, a restart or a
trip to the menu loses nothing. With ``draft["editing"]`` set (changing a saved
experience, or "change something" before saving) each question returns to the
confirmation instead of going on.
"""

from __future__ import annotations

from typing import Any

from dialogs import pictures
from dialogs.engine import Step, Turn, register
from dialogs.outputs import Button, SaveExperience
from dialogs.portfolio import EXPERIENCE_KEYS
from dialogs.texts import N_, Joined, Listed, Localized, Msg, Text, Verbatim, YearMonth, nN_, pN_

KIND_LABELS: dict[str, Msg] = {
    "job": pN_("experience kind", "A job"),
    "internship": pN_("experience kind", "An internship (APL)"),
    "association": pN_("experience kind", "A club or volunteering"),
    "course": pN_("experience kind", "A course, or a school you did not finish"),
    "other": pN_("experience kind", "Something else"),
}
OTHER_AREA = "other"
YEARS_SHOWN = 8
SUGGESTIONS_SHOWN = 6
SEARCH_RESULTS_SHOWN = 6
MAX_OWN_SKILLS = 10


def _next(turn: Turn, step_id: str) -> None:
    """Go on to the next question, or back to the confirmation when editing."""
    if turn.draft.get("editing"):
        turn.go("experience.confirm")
    else:
        turn.go(step_id)


def _current(turn: Turn, key: str) -> Text | None:
    """The answer already given, so a learner going back sees what they chose."""
    value = turn.draft.get(key)
    return Verbatim(str(value)) if value else None


def _with_current(question: Msg, turn: Turn, key: str) -> Text:
    current = _current(turn, key)
    if current is None:
        return question
    return Joined((question, N_("Now: {answer}")(answer=current)))


# --- kind --------------------------------------------------------------------------
def _kind_buttons(_turn: Turn) -> list[list[Button]]:
    return [
        [Button(kind, label, pictures.KINDS[kind].emoji)] for kind, label in KIND_LABELS.items()
    ]


def _kind(turn: Turn, kind: str) -> None:
    turn.draft["kind"] = kind
    _next(turn, "experience.area")


# --- area ---------------------------------------------------------------------------
def _area_buttons(turn: Turn) -> list[list[Button]]:
    areas = [a for a in turn.catalogue.areas if a.id != "general"]
    buttons = [Button(a.id, Localized(a.name), a.picture) for a in areas]
    buttons.append(Button(OTHER_AREA, pN_("button", "Other work"), "✨"))
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _area(turn: Turn, area_id: str) -> None:
    if turn.draft.get("area") != area_id:
        # Tasks and suggested skills belong to the kind of work; start those afresh.
        turn.draft["tasks"] = []
        turn.draft.pop("suggested", None)
    turn.draft["area"] = area_id
    if turn.draft.get("editing") and turn.draft.get("role"):
        turn.go("experience.confirm")
    else:
        turn.go("experience.role")


# --- role ---------------------------------------------------------------------------
def _roles(turn: Turn) -> tuple[str, ...]:
    area_id = turn.draft.get("area")
    if not area_id or area_id == OTHER_AREA:
        return ()
    area = turn.catalogue.area(str(area_id))
    return area.roles.get(turn.locale) or area.roles.get("en", ())


def _role_buttons(turn: Turn) -> list[list[Button]]:
    return [[Button(f"r{i}", Verbatim(role), "🪪")] for i, role in enumerate(_roles(turn))]


def _role_tap(turn: Turn, value: str) -> None:
    roles = _roles(turn)
    index = int(value[1:])
    turn.draft["role"] = roles[index]
    _next(turn, "experience.place")


def _role_text(turn: Turn, text: str) -> None:
    turn.draft["role"] = text
    _next(turn, "experience.place")


def _role_prompt(turn: Turn) -> Text:
    question = (
        N_("What was your job there? Tap one, or write it.")
        if _roles(turn)
        else N_("What was your job there? Write it in a few words.")
    )
    return _with_current(question, turn, "role")


# --- place --------------------------------------------------------------------------
def _place(turn: Turn, text: str) -> None:
    turn.draft["place"] = text
    _next(turn, "experience.start_year")


# --- when ---------------------------------------------------------------------------
def _recent_years(turn: Turn, earliest: int | None = None) -> list[int]:
    this_year = turn.context.today.year
    first = max(this_year - YEARS_SHOWN + 1, earliest or 0)
    return list(range(this_year, first - 1, -1))


def _year_rows(years: list[int]) -> list[list[Button]]:
    buttons = [Button(f"y{y}", Verbatim(str(y))) for y in years]
    return [buttons[i : i + 4] for i in range(0, len(buttons), 4)]


def _start_year_buttons(turn: Turn) -> list[list[Button]]:
    rows = _year_rows(_recent_years(turn))
    rows.append([Button("typed", pN_("button", "Earlier"), "⌨️")])
    return rows


def _parse_year(turn: Turn, text: str) -> int | None:
    digits = "".join(ch for ch in text if ch.isdecimal())
    # Eastern Arabic digits are decimal digits, and int() reads them; "²" is not.
    if len(digits) != 4:
        return None
    year = int(digits)
    return year if 1940 <= year <= turn.context.today.year else None


def _start_year_tap(turn: Turn, value: str) -> None:
    if value == "typed":
        turn.go("experience.start_year_typed")
        return
    turn.draft["start_year"] = int(value[1:])
    turn.go("experience.start_month")


def _year_typed(turn: Turn, text: str, key: str, next_step: str) -> None:
    year = _parse_year(turn, text)
    if year is None:
        turn.say(
            N_("Please write a year with four digits, for example {example}.")(
                example=str(turn.context.today.year - 5)
            )
        )
        turn.stay()
        return
    turn.draft[key] = year
    turn.go(next_step)


_MONTHS = [Button(f"m{m}", YearMonth(0, m)) for m in range(1, 13)]
# Built once: the same twelve months (and "I do not remember") every time.
_MONTH_ROWS: tuple[list[Button], ...] = (
    *(_MONTHS[i : i + 3] for i in range(0, 12, 3)),
    [Button("m0", pN_("button", "I do not remember"), "🤷")],
)


def _month_rows(_turn: Turn) -> list[list[Button]]:
    return list(_MONTH_ROWS)


def _start_month(turn: Turn, value: str) -> None:
    month = int(value[1:])
    turn.draft["start_month"] = month or None
    turn.go("experience.end")


def _end_buttons(turn: Turn) -> list[list[Button]]:
    start = turn.draft.get("start_year")
    rows = [[Button("ongoing", pN_("button", "I am still there"), "🟢")]]
    rows += _year_rows(_recent_years(turn, earliest=int(start) if start else None))
    rows.append([Button("typed", pN_("button", "Another year"), "⌨️")])
    return rows


def _ends_before_start(turn: Turn, year: int, month: int | None = None) -> bool:
    start_year = turn.draft.get("start_year") or 0
    start_month = turn.draft.get("start_month") or 0
    return (year, month or 12) < (int(start_year), int(start_month))


def _say_end_before_start(turn: Turn) -> None:
    turn.say(
        N_("The end cannot be before the start ({start}). Please choose again.")(
            start=YearMonth(int(turn.draft["start_year"]), turn.draft.get("start_month"))
        )
    )
    turn.stay()


def _end_tap(turn: Turn, value: str) -> None:
    if value == "ongoing":
        turn.draft.update(ongoing=True, end_year=None, end_month=None)
        _next(turn, "experience.tasks")
    elif value == "typed":
        turn.go("experience.end_year_typed")
    else:
        year = int(value[1:])
        if _ends_before_start(turn, year):
            _say_end_before_start(turn)
            return
        turn.draft.update(ongoing=False, end_year=year)
        turn.go("experience.end_month")


def _end_year_typed(turn: Turn, text: str) -> None:
    year = _parse_year(turn, text)
    if year is not None and _ends_before_start(turn, year):
        _say_end_before_start(turn)
        return
    if year is not None:
        turn.draft["ongoing"] = False
    _year_typed(turn, text, "end_year", "experience.end_month")


def _end_month(turn: Turn, value: str) -> None:
    month = int(value[1:]) or None
    if month and _ends_before_start(turn, int(turn.draft["end_year"]), month):
        _say_end_before_start(turn)
        return
    turn.draft["end_month"] = month
    _next(turn, "experience.tasks")


# --- tasks --------------------------------------------------------------------------
def _area_tasks(turn: Turn) -> tuple[str, ...]:
    area_id = turn.draft.get("area")
    if not area_id or area_id == OTHER_AREA:
        return ()
    area = turn.catalogue.area(str(area_id))
    return area.tasks.get(turn.locale) or area.tasks.get("en", ())


def _task_buttons(turn: Turn) -> list[list[Button]]:
    chosen = set(turn.draft.get("tasks", []))
    rows = [
        [Button(f"t{i}", Verbatim(task), "☑️" if task in chosen else "⬜", task in chosen)]
        for i, task in enumerate(_area_tasks(turn))
    ]
    rows.append([Button("done", pN_("button", "Done"), "✅")])
    return rows


def _tasks_prompt(turn: Turn) -> Text:
    question = (
        N_("What did you do there? Tap all that fit, or write in your own words.")
        if _area_tasks(turn)
        else N_("What did you do there? Write a few words.")
    )
    description = turn.draft.get("description")
    if description:
        return Joined((question, N_("You wrote: {text}")(text=Verbatim(str(description)))))
    return question


def _task_tap(turn: Turn, value: str) -> None:
    if value == "done":
        if not turn.draft.get("tasks") and not turn.draft.get("description"):
            turn.say(N_("Please tap at least one thing, or write a few words."))
            turn.stay()
            return
        _suggest_skills(turn)
        _next(turn, "experience.skills")
        return
    task = _area_tasks(turn)[int(value[1:])]
    tasks: list[str] = turn.draft.setdefault("tasks", [])
    if task in tasks:
        tasks.remove(task)
    else:
        tasks.append(task)
    turn.stay(replace_tapped=True)


def _task_text(turn: Turn, text: str) -> None:
    previous = str(turn.draft.get("description") or "")
    turn.draft["description"] = f"{previous} {text}".strip()[:1000]
    turn.say(N_("Thank you. Tap Done when you have everything."))
    turn.stay()


# --- skills -------------------------------------------------------------------------
def _suggest_skills(turn: Turn) -> None:
    """Pick the skills to propose once, so the buttons stay put while the learner taps."""
    words = " ".join(
        [
            str(turn.draft.get("role") or ""),
            *turn.draft.get("tasks", []),
            str(turn.draft.get("description") or ""),
        ]
    )
    catalogue = turn.catalogue
    suggested: list[str] = [s for s in turn.draft.get("skills", [])]
    for match in turn.context.matcher.suggest(words, limit=SUGGESTIONS_SHOWN * 2):
        skill = catalogue.get(match.skill_id)
        if skill and not skill.general and skill.id not in suggested:
            suggested.append(skill.id)
    area_id = turn.draft.get("area")
    if area_id and area_id != OTHER_AREA:
        for skill in catalogue.skills_in_area(str(area_id)):
            if skill.id not in suggested:
                suggested.append(skill.id)
    turn.draft["suggested"] = suggested[: max(SUGGESTIONS_SHOWN, len(turn.draft["skills"]))]


def _skill_buttons(turn: Turn) -> list[list[Button]]:
    chosen = set(turn.draft.get("skills", []))
    rows: list[list[Button]] = []
    for skill_id in turn.draft.get("suggested", []):
        skill = turn.catalogue.get(skill_id)
        if skill is None:
            continue
        mark = "☑️" if skill_id in chosen else "⬜"
        rows.append([Button(f"s:{skill_id}", Localized(skill.name), mark, skill_id in chosen)])
    rows.append(
        [
            Button("search", pN_("button", "Search"), "🔍"),
            Button("own", pN_("button", "In my own words"), "✍️"),
        ]
    )
    rows.append([Button("done", pN_("button", "Done"), "✅")])
    return rows


def _skills_prompt(turn: Turn) -> Text:
    count = len(turn.draft.get("skills", [])) + len(turn.draft.get("own_skills", []))
    question = N_(
        "These skills may fit. Tap the ones you can. You can also write a word to search."
    )
    if not count:
        return question
    return Joined(
        (question, nN_("You have chosen {n} skill.", "You have chosen {n} skills.")(n=count))
    )


def _toggle_skill(turn: Turn, skill_id: str) -> None:
    skills: list[str] = turn.draft.setdefault("skills", [])
    if skill_id in skills:
        skills.remove(skill_id)
    else:
        skills.append(skill_id)


def _skill_tap(turn: Turn, value: str) -> None:
    if value.startswith("s:"):
        _toggle_skill(turn, value[2:])
        turn.stay(replace_tapped=True)
    elif value == "search":
        turn.go("experience.search")
    elif value == "own":
        turn.go("experience.own_skill")
    elif value == "done":
        if not turn.draft.get("skills") and not turn.draft.get("own_skills"):
            turn.say(N_("Please choose at least one skill, or write one in your own words."))
            turn.stay()
            return
        turn.go("experience.confirm")


def _search(turn: Turn, query: str) -> None:
    found = [
        m.skill_id
        for m in turn.context.matcher.search(query, limit=SEARCH_RESULTS_SHOWN * 2)
        if turn.catalogue.get(m.skill_id) is not None
    ]
    turn.draft["search"] = {"query": query, "found": found[:SEARCH_RESULTS_SHOWN]}
    if turn.at == "experience.search_results":
        turn.stay()
    else:
        turn.go("experience.search_results")


def _search_results_prompt(turn: Turn) -> Text:
    search = turn.draft.get("search") or {}
    query = Verbatim(str(search.get("query", "")))
    if search.get("found"):
        return N_("This is what I found for {query}. Tap a skill to add it.")(query=query)
    return N_("I found nothing for {query}. Write another word, or add it in your own words.")(
        query=query
    )


def _search_results_buttons(turn: Turn) -> list[list[Button]]:
    search = turn.draft.get("search") or {}
    rows: list[list[Button]] = []
    for skill_id in search.get("found", []):
        skill = turn.catalogue.get(skill_id)
        if skill is not None:
            rows.append([Button(f"s:{skill_id}", Localized(skill.name), skill.picture)])
    if search.get("query"):
        rows.append([Button("own", pN_("button", "Add it in my own words"), "✍️")])
    return rows


def _search_result_tap(turn: Turn, value: str) -> None:
    if value.startswith("s:"):
        skill_id = value[2:]
        if skill_id not in turn.draft.setdefault("skills", []):
            turn.draft["skills"].append(skill_id)
        suggested: list[str] = turn.draft.setdefault("suggested", [])
        if skill_id not in suggested:
            suggested.insert(0, skill_id)
        turn.go("experience.skills", remember=False)
    elif value == "own":
        query = str((turn.draft.get("search") or {}).get("query", ""))
        _add_own_skill(turn, query)


def _add_own_skill(turn: Turn, words: str) -> None:
    own: list[str] = turn.draft.setdefault("own_skills", [])
    if len(own) >= MAX_OWN_SKILLS:
        turn.say(N_("You can add at most {count} skills in your own words.")(count=MAX_OWN_SKILLS))
    elif words and words not in own:
        own.append(words)
        turn.say(N_("Added: {skill}")(skill=Verbatim(words)), pictures.CHECK)
    turn.go("experience.skills", remember=False)


# --- confirm ------------------------------------------------------------------------
def period_text(draft: dict[str, Any]) -> Text:
    start = draft.get("start_year")
    if not start:
        return pN_("period", "not given")
    start_text = YearMonth(int(start), draft.get("start_month"))
    if draft.get("ongoing"):
        return N_("{start} until now")(start=start_text)
    end = draft.get("end_year")
    end_text: Text = YearMonth(int(end), draft.get("end_month")) if end else pN_("period", "?")
    return N_("{start} to {end}")(start=start_text, end=end_text)


def skill_names(turn: Turn, draft: dict[str, Any]) -> list[Text]:
    names: list[Text] = []
    for skill_id in draft.get("skills", []):
        skill = turn.catalogue.get(skill_id)
        if skill is not None:
            names.append(Localized(skill.name))
    names.extend(Verbatim(words) for words in draft.get("own_skills", []))
    return names


def experience_summary(turn: Turn, draft: dict[str, Any]) -> Joined:
    kind = KIND_LABELS.get(str(draft.get("kind")), KIND_LABELS["other"])
    lines: list[Text] = [
        N_("What: {kind}")(kind=kind),
        N_("Job: {role}")(role=Verbatim(str(draft.get("role") or ""))),
        N_("Where: {place}")(place=Verbatim(str(draft.get("place") or ""))),
        N_("When: {period}")(period=period_text(draft)),
    ]
    did = [*draft.get("tasks", [])]
    if draft.get("description"):
        did.append(str(draft["description"]))
    if did:
        lines.append(N_("You did: {tasks}")(tasks=Listed(tuple(did))))
    lines.append(N_("Skills:"))
    lines.extend(N_("• {skill}")(skill=name) for name in skill_names(turn, draft))
    return Joined(tuple(lines))


def _confirm_prompt(turn: Turn) -> Text:
    return Joined((N_("Is this right?"), experience_summary(turn, turn.draft)))


def _confirm(turn: Turn, value: str) -> None:
    if value == "change":
        turn.go("experience.change")
        return
    experience = {key: turn.draft.get(key) for key in EXPERIENCE_KEYS}
    turn.act(SaveExperience(experience))
    count = len(experience["skills"] or []) + len(experience["own_skills"] or [])
    turn.say(
        nN_(
            "Saved! You now have {n} skill from {place}.",
            "Saved! You now have {n} skills from {place}.",
        )(n=count, place=Verbatim(str(experience["place"] or ""))),
        pictures.SAVED,
    )
    turn.state["draft"] = {}
    turn.state["resume_at"] = None
    turn.go_home()


CHANGE_TARGETS: dict[str, tuple[Msg, str]] = {
    "kind": (pN_("button", "What kind"), "experience.kind"),
    "area": (pN_("button", "Kind of work"), "experience.area"),
    "role": (pN_("button", "Job"), "experience.role"),
    "place": (pN_("button", "Where"), "experience.place"),
    "when": (pN_("button", "When"), "experience.start_year"),
    "tasks": (pN_("button", "What I did"), "experience.tasks"),
    "skills": (pN_("button", "Skills"), "experience.skills"),
}


def _change_tap(turn: Turn, value: str) -> None:
    label_and_step = CHANGE_TARGETS.get(value)
    if label_and_step is None:
        turn.go("experience.confirm")
        return
    turn.draft["editing"] = True
    if value == "skills" and not turn.draft.get("suggested"):
        _suggest_skills(turn)
    turn.go(label_and_step[1])


register(
    Step(
        id="experience.kind",
        prompt=N_("What kind of experience is it?"),
        picture=pictures.KIND,
        help=N_("A job, an internship, work in a club, a course: everything counts."),
        buttons=_kind_buttons,
        on_tap=_kind,
    ),
    Step(
        id="experience.area",
        prompt=N_("What kind of work was it?"),
        picture=pictures.AREA,
        help=N_("Choose what is closest. If nothing fits, tap Other work."),
        buttons=_area_buttons,
        on_tap=_area,
    ),
    Step(
        id="experience.role",
        prompt=_role_prompt,
        picture=pictures.ROLE,
        help=N_("Your job title, or what you were there. For example: cook, coach, cleaner."),
        buttons=_role_buttons,
        on_tap=_role_tap,
        on_text=_role_text,
        max_length=80,
    ),
    Step(
        id="experience.place",
        prompt=lambda turn: _with_current(
            N_("Where was it? Write the name of the place."), turn, "place"
        ),
        picture=pictures.PLACE,
        help=N_("The name of the workplace, club or school. For example: Hotel Baltic."),
        on_text=_place,
        max_length=100,
    ),
    Step(
        id="experience.start_year",
        prompt=N_("When did you start? Choose the year."),
        picture=pictures.CALENDAR,
        help=N_("If you do not remember exactly, choose the year that is closest."),
        buttons=_start_year_buttons,
        on_tap=_start_year_tap,
    ),
    Step(
        id="experience.start_year_typed",
        prompt=N_("Write the year you started, for example 2015."),
        picture=pictures.CALENDAR,
        help=N_("Four digits, for example 2009."),
        on_text=lambda turn, text: _year_typed(turn, text, "start_year", "experience.start_month"),
        max_length=20,
    ),
    Step(
        id="experience.start_month",
        prompt=N_("Which month did you start?"),
        picture=pictures.CALENDAR,
        help=N_("If you do not remember, tap I do not remember."),
        buttons=_month_rows,
        on_tap=_start_month,
    ),
    Step(
        id="experience.end",
        prompt=N_("When did it end?"),
        picture=pictures.CALENDAR,
        help=N_("If you are still there, tap I am still there."),
        buttons=_end_buttons,
        on_tap=_end_tap,
    ),
    Step(
        id="experience.end_year_typed",
        prompt=N_("Write the year it ended, for example 2019."),
        picture=pictures.CALENDAR,
        help=N_("Four digits, for example 2019."),
        on_text=_end_year_typed,
        max_length=20,
    ),
    Step(
        id="experience.end_month",
        prompt=N_("Which month did it end?"),
        picture=pictures.CALENDAR,
        help=N_("If you do not remember, tap I do not remember."),
        buttons=_month_rows,
        on_tap=_end_month,
        ready=lambda turn: bool(turn.draft.get("end_year")),
        instead="experience.end",
    ),
    Step(
        id="experience.tasks",
        prompt=_tasks_prompt,
        picture=pictures.TASKS,
        help=N_(
            "Tap the things you did. Tap again to remove one. You can also write, "
            "for example: I cleaned rooms and helped guests."
        ),
        buttons=_task_buttons,
        on_tap=_task_tap,
        on_text=_task_text,
        max_length=500,
    ),
    Step(
        id="experience.skills",
        prompt=_skills_prompt,
        picture=pictures.SKILLS,
        help=N_(
            "Tap a skill to choose it. Tap again to remove it. Write a word to search, "
            "or tap In my own words."
        ),
        buttons=_skill_buttons,
        on_tap=_skill_tap,
        on_text=_search,
        max_length=100,
    ),
    Step(
        id="experience.search",
        prompt=N_("Write a word for the skill you are looking for."),
        picture=pictures.SEARCH,
        help=N_("For example: cleaning, brakes, till. You can write in any language."),
        on_text=_search,
        max_length=100,
    ),
    Step(
        id="experience.search_results",
        prompt=_search_results_prompt,
        picture=pictures.SEARCH,
        help=N_("Tap a skill to add it. Or write another word to search again."),
        buttons=_search_results_buttons,
        on_tap=_search_result_tap,
        on_text=_search,
        max_length=100,
    ),
    Step(
        id="experience.own_skill",
        prompt=N_("Write the skill in a few words."),
        picture=pictures.WRITE,
        help=N_("For example: I can fix bikes."),
        on_text=_add_own_skill,
        max_length=80,
    ),
    Step(
        id="experience.confirm",
        prompt=_confirm_prompt,
        picture=pictures.CHECK,
        help=N_("Tap Save if it is right. Tap Change something to fix a part."),
        buttons=lambda _turn: [
            [Button("save", pN_("button", "Save"), "💾")],
            [Button("change", pN_("button", "Change something"), "✏️")],
        ],
        on_tap=_confirm,
    ),
    Step(
        id="experience.change",
        prompt=N_("What do you want to change?"),
        picture=pictures.EDIT,
        help=N_("Tap the part you want to change. Then you come back here."),
        buttons=lambda _turn: (
            [[Button(key, label)] for key, (label, _step) in CHANGE_TARGETS.items()]
            + [[Button("none", pN_("button", "Nothing, go back"), "↩️")]]
        ),
        on_tap=_change_tap,
    ),
)
