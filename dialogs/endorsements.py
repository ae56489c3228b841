"""Ask someone to confirm: a former employer or supervisor confirms what the learner did.

    experience -> what to ask about (toggle; all) -> my first name -> their name
      -> their role -> e-mail or phone (or skip) -> language of the message -> confirm
      -> the request is made; the driver shows the message with its link, to forward
    /requests: list -> one request -> (reminder | cancel -> are you sure?)

The answers live in ``state["ask"]`` until the request is made, so a pause, the menu
or a restart loses nothing. The link's token exists only in the turn that makes it:
the dialog never sees it (see bot/asking.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from api.skills.catalogue import GENERAL_SKILL_IDS
from dialogs import pictures
from dialogs.engine import Step, Turn, command, register
from dialogs.onboarding import LANGUAGES, language_buttons
from dialogs.outputs import AskForEndorsement, Button, CancelRequest, Picture, RemindEndorser
from dialogs.portfolio import SavedExperience, SavedRequest
from dialogs.texts import N_, Joined, Localized, Msg, Text, Verbatim, nN_, pN_

MAX_ITEMS = 12  # what one request may ask about (api.endorsements.service)
LABEL_CHARS = 40
REQUESTS_SHOWN = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")

ASK = Picture("📨", N_("A letter going out"))
CHOOSE = Picture("☑️", N_("A ticked box"))
PERSON = Picture("🧑‍💼", N_("A person at work"))
CONTACT = Picture("📇", N_("A card index"))
REQUESTS = Picture("📬", N_("A mailbox"))
REMINDER = Picture("🔔", N_("A bell"))
CANCEL = Picture("🚫", N_("A no entry sign"))

# Each state of a request: its picture, and how the learner's list says it.
STATES: dict[str, tuple[Picture, Msg]] = {
    "sent": (Picture("📨", N_("An envelope")), N_("Sent. Not opened yet.")),
    "opened": (Picture("👀", N_("Eyes")), N_("Opened. Not answered yet.")),
    "answered": (Picture("✅", N_("A check mark")), N_("Answered.")),
    "declined": (Picture("🙅", N_("A person saying no")), N_("Did not want to answer.")),
    "expired": (Picture("⌛", N_("An hourglass")), N_("The link has expired.")),
    "cancelled": (Picture("🚫", N_("A no entry sign")), N_("Cancelled.")),
    "retracted": (Picture("↩️", N_("An arrow turning back")), N_("They took back their answer.")),
}

ROLES: tuple[Msg, ...] = (
    pN_("endorser role", "Supervisor"),
    pN_("endorser role", "Manager"),
    pN_("endorser role", "Colleague"),
    pN_("endorser role", "Teacher"),
    pN_("endorser role", "Association leader"),
)


def _ask(turn: Turn) -> dict[str, Any]:
    return turn.state.setdefault("ask", {})  # type: ignore[no-any-return]


def _experience(turn: Turn) -> SavedExperience | None:
    return turn.portfolio.experience(int(_ask(turn).get("experience_id") or 0))


def _person(turn: Turn) -> str:
    return str(_ask(turn).get("person") or "")


def start_asking(turn: Turn) -> None:
    turn.state["history"] = []
    turn.state["resume_at"] = None
    turn.state["ask"] = {"chosen": []}
    turn.go("ask.experience")


# --- which experience -------------------------------------------------------------
def _experience_label(experience: SavedExperience) -> Verbatim:
    return Verbatim(f"{experience.role}, {experience.place}")


def _experience_prompt(turn: Turn) -> Text:
    if not turn.portfolio.experiences:
        return N_("First add an experience. Then you can ask someone to confirm it.")
    return N_(
        "Who can confirm what you did? First choose the experience. "
        "Then choose what they should confirm."
    )


def _experience_buttons(turn: Turn) -> list[list[Button]]:
    if not turn.portfolio.experiences:
        return [[Button("add", pN_("button", "Add an experience"), "➕")]]
    return [
        [Button(f"e{e.id}", _experience_label(e), pictures.KINDS.get(e.kind, ASK).emoji)]
        for e in turn.portfolio.experiences
    ]


def _experience_tap(turn: Turn, value: str) -> None:
    if value == "add":
        from dialogs.home import start_experience

        start_experience(turn)
        return
    experience_id = int(value[1:])
    ask = _ask(turn)
    if ask.get("experience_id") != experience_id:
        ask.update(experience_id=experience_id, chosen=[], with_general=False)
    if not _items(turn) and not _checked_general(turn):
        turn.say(
            N_(
                "This experience has no skills yet. Add skills to it under "
                "What I have saved, or choose another experience."
            )
        )
        turn.stay()
        return
    turn.go("ask.outcomes")


# --- what to ask about ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Item:
    key: str
    skill_id: str | None
    outcome_id: str | None
    own_words: str | None
    text: Text
    heading: Text


def _checked_general(turn: Turn) -> list[Item]:
    """General work skill outcomes the learner said they can do (with or without help)."""
    items: list[Item] = []
    for skill_id in GENERAL_SKILL_IDS:
        answers = turn.portfolio.self_checks.get(skill_id)
        skill = turn.catalogue.get(skill_id)
        if not answers or skill is None:
            continue
        for outcome in skill.outcomes:
            if (answers.get(outcome.id) or {}).get("level") in ("yes", "help"):
                items.append(
                    Item(
                        f"{skill.id}/{outcome.id}",
                        skill.id,
                        outcome.id,
                        None,
                        Localized(outcome.text),
                        Localized(skill.name),
                    )
                )
    return items


def _items(turn: Turn, *, with_general: bool = False) -> list[Item]:
    experience = _experience(turn)
    items: list[Item] = []
    if experience is not None:
        for saved in experience.skills:
            skill = turn.catalogue.get(saved.skill_id) if saved.skill_id else None
            if skill is not None:
                items += [
                    Item(
                        f"{skill.id}/{o.id}",
                        skill.id,
                        o.id,
                        None,
                        Localized(o.text),
                        Localized(skill.name),
                    )
                    for o in skill.outcomes
                ]
            elif saved.own_words:
                words = Verbatim(saved.own_words)
                items.append(
                    Item(
                        f"own:{saved.own_words}",
                        None,
                        None,
                        saved.own_words,
                        words,
                        N_("In your own words"),
                    )
                )
    if with_general:
        known = {item.key for item in items}
        items += [item for item in _checked_general(turn) if item.key not in known]
    return items


def _shown_items(turn: Turn) -> list[Item]:
    return _items(turn, with_general=bool(_ask(turn).get("with_general")))


def _chosen(turn: Turn) -> list[str]:
    return _ask(turn).setdefault("chosen", [])  # type: ignore[no-any-return]


def _outcomes_prompt(turn: Turn) -> Text:
    items = _shown_items(turn)
    chosen = set(_chosen(turn))
    lines: list[Text] = [
        N_("What should the person confirm? Tap to choose. Tap Done when you are ready."),
    ]
    heading: Text | None = None
    for number, item in enumerate(items, start=1):
        if item.heading != heading:
            heading = item.heading
            lines.append(N_("🧩 {skill}")(skill=heading))
        mark = "✅" if item.key in chosen else "⬜"
        lines.append(N_("{mark} {number}. {text}")(mark=mark, number=number, text=item.text))
    lines.append(
        N_("Chosen: {n} of {total}.")(n=len(chosen & {i.key for i in items}), total=len(items))
    )
    return Joined(tuple(lines))


def _short(turn: Turn, text: Text) -> str:
    words = turn.context.translate(text) if not isinstance(text, Verbatim) else text.text
    return words if len(words) <= LABEL_CHARS else words[: LABEL_CHARS - 1].rstrip() + "…"


def _outcome_buttons(turn: Turn) -> list[list[Button]]:
    items = _shown_items(turn)
    chosen = set(_chosen(turn))
    rows = [
        [
            Button(
                f"i{index}",
                Verbatim(f"{index + 1}. {_short(turn, item.text)}"),
                "✅" if item.key in chosen else "⬜",
                item.key in chosen,
            )
        ]
        for index, item in enumerate(items)
    ]
    everything = bool(items) and all(item.key in chosen for item in items[:MAX_ITEMS])
    rows.append(
        [
            Button("none", pN_("button", "Choose none"), "⬜")
            if everything
            else Button("all", pN_("button", "Choose all"), "☑️")
        ]
    )
    if _checked_general(turn):
        if _ask(turn).get("with_general"):
            rows.append([Button("general", pN_("button", "Hide my work skills"), "➖")])
        else:
            rows.append([Button("general", pN_("button", "Add my work skills"), "➕")])
    rows.append([Button("done", pN_("button", "Done"), "➡️")])
    return rows


def _too_many(turn: Turn) -> None:
    turn.say(N_("You can ask about at most {count} things at a time.")(count=MAX_ITEMS))


def _outcome_tap(turn: Turn, value: str) -> None:
    items = _shown_items(turn)
    chosen = _chosen(turn)
    if value == "done":
        keys = {item.key for item in items}
        chosen[:] = [key for key in chosen if key in keys]
        if not chosen:
            turn.say(N_("Please choose at least one thing."))
            turn.stay()
            return
        turn.go("ask.my_name")
        return
    if value == "all":
        chosen[:] = [item.key for item in items[:MAX_ITEMS]]
        if len(items) > MAX_ITEMS:
            _too_many(turn)
            turn.stay()
            return
    elif value == "none":
        chosen.clear()
    elif value == "general":
        ask = _ask(turn)
        ask["with_general"] = not ask.get("with_general")
        if not ask["with_general"]:
            general = {item.key for item in _checked_general(turn)}
            own = {item.key for item in _items(turn)}
            chosen[:] = [key for key in chosen if key in own or key not in general]
    else:
        key = items[int(value[1:])].key
        if key in chosen:
            chosen.remove(key)
        elif len(chosen) >= MAX_ITEMS:
            _too_many(turn)
            turn.stay()
            return
        else:
            chosen.append(key)
    turn.stay(replace_tapped=True)


# --- who asks, and whom -----------------------------------------------------------
def _my_name_prompt(turn: Turn) -> Text:
    question = N_("What is your first name? The person you ask will see it.")
    name = turn.profile.get("name")
    if name:
        return Joined((question, N_("Last time you wrote: {name}")(name=Verbatim(str(name)))))
    return question


def _my_name_buttons(turn: Turn) -> list[list[Button]]:
    name = turn.profile.get("name")
    return [[Button("same", Verbatim(str(name)), "🙂")]] if name else []


def _my_name_tap(turn: Turn, _value: str) -> None:
    turn.go("ask.person")


def _my_name_text(turn: Turn, text: str) -> None:
    # Kept in the profile, so the next request can use it with one tap.
    turn.profile["name"] = text
    turn.go("ask.person")


def _person_text(turn: Turn, text: str) -> None:
    _ask(turn)["person"] = text
    turn.go("ask.role")


def _with_now(question: Text, value: object) -> Text:
    return (
        Joined((question, N_("Now: {answer}")(answer=Verbatim(str(value))))) if value else question
    )


def _role_prompt(turn: Turn) -> Text:
    question = N_("What is {name}'s role? Tap one, or write it.")(name=Verbatim(_person(turn)))
    return _with_now(question, _ask(turn).get("role"))


def _role_buttons(_turn: Turn) -> list[list[Button]]:
    buttons = [Button(f"r{i}", role, "🧑‍💼") for i, role in enumerate(ROLES)]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _role_tap(turn: Turn, value: str) -> None:
    # Stored in the learner's words: the learner's list shows it as they chose it.
    _ask(turn)["role"] = turn.context.translate(ROLES[int(value[1:])])
    turn.go("ask.contact")


def _role_text(turn: Turn, text: str) -> None:
    _ask(turn)["role"] = text
    turn.go("ask.contact")


def _contact_prompt(turn: Turn) -> Text:
    question = N_(
        "Do you have {name}'s e-mail address or phone number? Write it, or tap Skip. "
        "It helps you send the message."
    )(name=Verbatim(_person(turn)))
    ask = _ask(turn)
    return _with_now(question, ask.get("email") or ask.get("phone"))


def _contact_tap(turn: Turn, _value: str) -> None:
    ask = _ask(turn)
    ask["email"] = ask["phone"] = None
    turn.go("ask.language")


def _contact_text(turn: Turn, text: str) -> None:
    ask = _ask(turn)
    phone = re.sub(r"[\s\-().]", "", text)
    if _EMAIL.match(text):
        ask.update(email=text, phone=None)
    elif _PHONE.match(phone):
        ask.update(email=None, phone=phone)
    else:
        turn.say(
            N_(
                "That does not look like an e-mail address or a phone number. "
                "Please write it again, or tap Skip."
            )
        )
        turn.stay()
        return
    turn.go("ask.language")


def _language_prompt(turn: Turn) -> Text:
    return N_("Which language should the message to {name} be in?")(name=Verbatim(_person(turn)))


def _language_tap(turn: Turn, code: str) -> None:
    _ask(turn)["locale"] = code
    turn.go("ask.confirm")


# --- confirm and make the request -------------------------------------------------
def _chosen_items(turn: Turn) -> list[Item]:
    by_key = {item.key: item for item in _items(turn, with_general=True)}
    return [by_key[key] for key in _chosen(turn) if key in by_key]


def _confirm_prompt(turn: Turn) -> Text:
    ask = _ask(turn)
    experience = _experience(turn)
    items = _chosen_items(turn)
    contact = ask.get("email") or ask.get("phone")
    language = LANGUAGES.get(str(ask.get("locale")), ("", ""))[0]
    lines: list[Text] = [
        N_("Please check. Is this right?"),
        N_("📨 To: {name} ({role})")(
            name=Verbatim(_person(turn)), role=Verbatim(str(ask.get("role") or ""))
        ),
        N_("📇 {contact}")(contact=Verbatim(str(contact)))
        if contact
        else N_("📇 No e-mail or phone. You send the message yourself."),
        N_("🗣️ Language: {language}")(language=Verbatim(language)),
        N_("🙂 From: {name}")(name=Verbatim(str(turn.profile.get("name") or ""))),
        N_("💼 {experience}")(experience=_experience_label(experience) if experience else ""),
        nN_("You ask about {n} thing:", "You ask about {n} things:")(n=len(items)),
    ]
    lines += [N_("• {text}")(text=item.text) for item in items]
    return Joined(tuple(lines))


def _confirm_buttons(turn: Turn) -> list[list[Button]]:
    rows = [[Button("make", pN_("button", "Yes, make the message"), "✅")]]
    if turn.context.can_email and _ask(turn).get("email"):
        rows.append([Button("email", pN_("button", "Yes, and e-mail it for me"), "📧")])
    return rows


def _confirm_tap(turn: Turn, value: str) -> None:
    ask = _ask(turn)
    experience = _experience(turn)
    items = _chosen_items(turn)
    if experience is None or not items or not turn.profile.get("name"):
        turn.go("ask.experience", remember=False)
        return
    person = _person(turn)
    turn.say(
        N_(
            "Done! Here is your message to {name}. Send it with one tap, or copy it. "
            "The link in it is personal: send it only to {name}."
        )(name=Verbatim(person)),
        ASK,
    )
    turn.act(
        AskForEndorsement(
            experience_id=experience.id,
            learner_name=str(turn.profile["name"]),
            endorser_name=person,
            endorser_role=str(ask.get("role") or ""),
            locale=str(ask.get("locale") or turn.locale),
            items=tuple((i.skill_id, i.outcome_id, i.own_words) for i in items),
            endorser_email=ask.get("email"),
            endorser_phone=ask.get("phone"),
            send_email=value == "email",
        )
    )
    turn.state["ask"] = {}
    turn.scratch["asked"] = person
    turn.state["history"] = []
    turn.go("requests.sent", remember=False)


def _sent_tap(turn: Turn, value: str) -> None:
    if value == "list":
        turn.go("requests.list")
    else:
        turn.go_home()


# --- the list of requests ---------------------------------------------------------
def _state_line(turn: Turn, request: SavedRequest) -> Text:
    picture, label = STATES.get(request.state, STATES["sent"])
    experience = turn.portfolio.experience(request.experience_id)
    return N_("{emoji} {name}, {experience}: {state}")(
        emoji=picture.emoji,
        name=Verbatim(request.endorser_name),
        experience=_experience_label(experience) if experience else "",
        state=label,
    )


def _list_prompt(turn: Turn) -> Text:
    requests = turn.portfolio.requests[:REQUESTS_SHOWN]
    if not requests:
        return N_("You have not asked anyone yet.")
    lines: list[Text] = [N_("Your requests. Tap one to see more.")]
    lines += [_state_line(turn, request) for request in requests]
    return Joined(tuple(lines))


def _list_buttons(turn: Turn) -> list[list[Button]]:
    rows = [
        [
            Button(
                f"q{r.id}", Verbatim(r.endorser_name), STATES.get(r.state, STATES["sent"])[0].emoji
            )
        ]
        for r in turn.portfolio.requests[:REQUESTS_SHOWN]
    ]
    rows.append([Button("new", pN_("button", "Ask someone to confirm"), "📨")])
    rows.append([Button("menu", pN_("button", "Back to the menu"), "🧭")])
    return rows


def _list_tap(turn: Turn, value: str) -> None:
    if value == "new":
        start_asking(turn)
    elif value == "menu":
        turn.go_home()
    else:
        turn.scratch["request_id"] = int(value[1:])
        turn.go("requests.item")


def _request(turn: Turn) -> SavedRequest | None:
    return turn.portfolio.request(int(turn.scratch.get("request_id") or 0))


def _request_prompt(turn: Turn) -> Text:
    request = _request(turn)
    if request is None:
        return N_("This request is no longer saved.")
    lines: list[Text] = [_state_line(turn, request)]
    if request.endorser_role:
        lines.append(N_("🧑‍💼 {role}")(role=Verbatim(request.endorser_role)))
    if request.state == "answered":
        lines.append(
            N_("✅ {yes} confirmed, 🤏 {partly} partly, of {n}.")(
                yes=request.confirmed, partly=request.partly, n=request.outcome_count
            )
        )
    else:
        lines.append(
            nN_("You asked about {n} thing.", "You asked about {n} things.")(
                n=request.outcome_count
            )
        )
    if request.is_open:
        lines.append(N_("You can send a reminder with a new link, or cancel the request."))
    return Joined(tuple(lines))


def _request_picture(turn: Turn) -> Picture:
    request = _request(turn)
    return STATES.get(request.state if request else "sent", STATES["sent"])[0]


def _request_buttons(turn: Turn) -> list[list[Button]]:
    request = _request(turn)
    rows: list[list[Button]] = []
    if request is not None and request.is_open:
        rows.append([Button("remind", pN_("button", "Send a reminder"), "🔔")])
        rows.append([Button("cancel", pN_("button", "Cancel the request"), "🚫")])
    rows.append([Button("list", pN_("button", "All my requests"), "📬")])
    return rows


def _request_tap(turn: Turn, value: str) -> None:
    request = _request(turn)
    if value == "list" or request is None or not request.is_open:
        turn.go("requests.list", remember=False)
        turn.state["history"] = []
    elif value == "remind":
        turn.say(
            N_("Here is a reminder to {name}, with a new link. Send it with one tap.")(
                name=Verbatim(request.endorser_name)
            ),
            REMINDER,
        )
        turn.act(RemindEndorser(request.id))
        turn.stay()
    else:
        turn.go("requests.cancel")


def _cancel_tap(turn: Turn, value: str) -> None:
    request = _request(turn)
    if value == "yes" and request is not None and request.is_open:
        turn.act(CancelRequest(request.id))
        turn.say(N_("Cancelled. The link does not work any more."), CANCEL)
    turn.state["history"] = ["requests.list"]
    turn.go("requests.item", remember=False)


@command("ask")
def _ask_command(turn: Turn) -> None:
    if turn.at.startswith("ask."):
        # Already asking: keep the answers and ask the current question again.
        turn.stay()
        return
    start_asking(turn)


@command("requests")
def _requests_command(turn: Turn) -> None:
    from dialogs.home import remember_unfinished

    remember_unfinished(turn)
    turn.go("requests.list")


def _has_experience(turn: Turn) -> bool:
    return _experience(turn) is not None


def _has_items(turn: Turn) -> bool:
    return _has_experience(turn) and bool(_chosen(turn))


register(
    Step(
        id="ask.experience",
        prompt=_experience_prompt,
        picture=ASK,
        help=N_(
            "A person who saw you work can confirm your skills: a boss, a supervisor, "
            "a teacher or a leader in your club. Tap the experience they saw."
        ),
        buttons=_experience_buttons,
        on_tap=_experience_tap,
    ),
    Step(
        id="ask.outcomes",
        prompt=_outcomes_prompt,
        picture=CHOOSE,
        help=N_(
            "Tap the things this person saw you do. Tap again to remove one. "
            "Choose all chooses everything."
        ),
        buttons=_outcome_buttons,
        on_tap=_outcome_tap,
        ready=_has_experience,
        instead="ask.experience",
    ),
    Step(
        id="ask.my_name",
        prompt=_my_name_prompt,
        picture=pictures.ROLE,
        help=N_("Write the name the person knows you by. Your first name is enough."),
        buttons=_my_name_buttons,
        on_tap=_my_name_tap,
        on_text=_my_name_text,
        max_length=80,
        ready=_has_items,
        instead="ask.experience",
    ),
    Step(
        id="ask.person",
        prompt=lambda turn: _with_now(
            N_("What is the name of the person you ask?"), _ask(turn).get("person")
        ),
        picture=PERSON,
        help=N_("Write their first name and last name, for example Maria Berg."),
        on_text=_person_text,
        max_length=120,
        ready=_has_items,
        instead="ask.experience",
    ),
    Step(
        id="ask.role",
        prompt=_role_prompt,
        picture=PERSON,
        help=N_("For example: your boss at the hotel, or the head of your club."),
        buttons=_role_buttons,
        on_tap=_role_tap,
        on_text=_role_text,
        max_length=120,
        ready=lambda turn: _has_items(turn) and bool(_person(turn)),
        instead="ask.experience",
    ),
    Step(
        id="ask.contact",
        prompt=_contact_prompt,
        picture=CONTACT,
        help=N_(
            "With an e-mail address or a phone number you can send the message with one tap. "
            "You can also skip this and send the message yourself."
        ),
        buttons=lambda _turn: [[Button("skip", pN_("button", "Skip"), "⏭️")]],
        on_tap=_contact_tap,
        on_text=_contact_text,
        max_length=254,
        ready=lambda turn: _has_items(turn) and bool(_person(turn)),
        instead="ask.experience",
    ),
    Step(
        id="ask.language",
        prompt=_language_prompt,
        picture=pictures.LANGUAGE,
        help=N_("Choose the language the person reads best. The page they open is in it too."),
        buttons=language_buttons,
        on_tap=_language_tap,
        ready=lambda turn: _has_items(turn) and bool(_person(turn)),
        instead="ask.experience",
    ),
    Step(
        id="ask.confirm",
        prompt=_confirm_prompt,
        picture=pictures.CHECK,
        help=N_("Tap Back to change something. Nothing is sent before you say yes."),
        buttons=_confirm_buttons,
        on_tap=_confirm_tap,
        ready=lambda turn: _has_items(turn) and bool(_ask(turn).get("locale")),
        instead="ask.experience",
    ),
    Step(
        id="requests.sent",
        prompt=lambda turn: N_(
            "When {name} answers, I will tell you here. Write /requests to see your requests."
        )(name=Verbatim(str(turn.scratch.get("asked") or ""))),
        picture=pictures.SAVED,
        help=N_("The person opens the link and answers. You can send a reminder from the list."),
        buttons=lambda _turn: [
            [Button("list", pN_("button", "My requests"), "📬")],
            [Button("menu", pN_("button", "Back to the menu"), "🧭")],
        ],
        on_tap=_sent_tap,
        back=False,
    ),
    Step(
        id="requests.list",
        prompt=_list_prompt,
        picture=REQUESTS,
        help=N_(
            "📨 sent, 👀 opened, ✅ answered, 🙅 did not want to answer, ⌛ expired, "
            "🚫 cancelled. Tap a request to send a reminder or cancel it."
        ),
        buttons=_list_buttons,
        on_tap=_list_tap,
    ),
    Step(
        id="requests.item",
        prompt=_request_prompt,
        picture=_request_picture,
        help=N_("A reminder sends a new link. Cancel makes the link stop working."),
        buttons=_request_buttons,
        on_tap=_request_tap,
    ),
    Step(
        id="requests.cancel",
        prompt=lambda turn: N_(
            "Do you want to cancel the request to {name}? The link will stop working."
        )(name=Verbatim(r.endorser_name if (r := _request(turn)) else "")),
        picture=CANCEL,
        help=N_("Yes cancels the request. No keeps it."),
        buttons=lambda _turn: [
            [Button("yes", pN_("button", "Yes, cancel it"), "🚫")],
            [Button("no", pN_("button", "No, keep it"), "↩️")],
        ],
        on_tap=_cancel_tap,
    ),
)
