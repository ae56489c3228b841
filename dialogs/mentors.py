"""Mentors: a learner invites someone to follow their progress; nobody follows without a yes.

    learner: /mentor -> my name -> (the driver shows a one-time link to pass on) -> menu
    mentor:  opens the link (/start <payload>) -> whose mentor, what they see and do not
             -> yes -> my name -> (the learner is told) -> mentor menu | no -> nothing kept
    learner: /mentors -> yes / no to a waiting mentor, remove a mentor, invite one
    mentor:  /mentors -> digest settings (how often -> day -> hour -> e-mail), leave a learner

The link's token never reaches the dialog: the driver looks up the payload and hands
over what it opened (``Context.link``); the state keeps only the invite's id. A mentor
need not be a learner: the mentor steps work before anyone has agreed to be one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dialogs import pictures
from dialogs.engine import (
    HOME,
    LINK_OPENERS,
    OPEN_COMMANDS,
    START,
    Step,
    Turn,
    command,
    new_state,
    register,
)
from dialogs.onboarding import language_buttons, save_profile
from dialogs.outputs import (
    AcceptMentorInvite,
    Button,
    ConfirmMentor,
    InviteMentor,
    Picture,
    RemoveMentor,
    SaveDigestSettings,
    SetReminders,
    ShowProgress,
    StopFollowing,
)
from dialogs.texts import N_, Joined, Msg, Text, Verbatim, pN_

NAME_CHARS = 40
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

MENTOR = Picture("🧑‍🏫", N_("A teacher"))
INVITE = Picture("🔗", N_("A link"))
DIGEST = Picture("🗓️", N_("A calendar page"))
CLOCK = Picture("🕗", N_("A clock"))
MAIL = Picture("📧", N_("An e-mail"))

FREQUENCIES = ("daily", "weekly", "off")
HOURS = (7, 8, 9, 12, 16, 18, 20)
WEEKDAYS: tuple[Msg, ...] = (
    pN_("weekday", "Monday"),
    pN_("weekday", "Tuesday"),
    pN_("weekday", "Wednesday"),
    pN_("weekday", "Thursday"),
    pN_("weekday", "Friday"),
    pN_("weekday", "Saturday"),
    pN_("weekday", "Sunday"),
)

NOT_YET = N_("First, please answer the question below.")


# --- what the driver hands the dialog -------------------------------------------------
@dataclass(frozen=True, slots=True)
class Person:
    """A mentor of this learner, or a learner this mentor follows."""

    link_id: int
    name: str
    confirmed: bool


@dataclass(frozen=True, slots=True)
class DigestSettings:
    frequency: str = "weekly"
    weekday: int = 0
    hour: int = 8
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Mentoring:
    """This chat's mentors (as a learner) and learners (as a mentor)."""

    mentors: tuple[Person, ...] = ()
    learners: tuple[Person, ...] = ()
    # None: this chat is no one's mentor.
    settings: DigestSettings | None = None

    @property
    def is_mentor(self) -> bool:
        return self.settings is not None


@dataclass(frozen=True, slots=True)
class InviteLink:
    """What an invite link opened. ``problem``: "", "unknown", "expired", "used" or "own"."""

    invite_id: int | None
    learner_name: str = ""
    problem: str = ""


@dataclass(frozen=True, slots=True)
class ReminderLink:
    """A link in a reminder: "off" turns reminders off, "continue" picks up where one was."""

    what: str


class MentoringNeeded(Exception):
    """A step read ``Context.mentoring`` that the driver left out; it loads it and retries."""


# What the driver hands over until a step reads it (then it loads it and runs the turn
# again). A context without any (the pure dialog tests) reads as no mentors at all.
NOT_LOADED = "not loaded"
NO_MENTORING = Mentoring()


def mentoring(turn: Turn) -> Mentoring:
    found = turn.context.mentoring
    if found is None:
        return NO_MENTORING
    if not isinstance(found, Mentoring):
        raise MentoringNeeded
    return found


def _is_learner(turn: Turn) -> bool:
    return bool(turn.profile.get("consented"))


def _home(turn: Turn) -> None:
    """The learner's menu, or the mentor's own when they are not a learner."""
    if _is_learner(turn):
        turn.go_home()
    else:
        turn.state["history"] = []
        turn.go("mentor.home", remember=False)


def _invite(turn: Turn) -> dict[str, Any]:
    found: dict[str, Any] = turn.state.get("invite") or {}
    return found


# --- the learner invites ----------------------------------------------------------------
@command("mentor")
def _mentor_command(turn: Turn) -> None:
    turn.go("mentor.name")


def _name_buttons(turn: Turn) -> list[list[Button]]:
    known = str(turn.profile.get("name") or "")
    return [[Button("known", Verbatim(known), "🙂")]] if known else []


def _make_invite(turn: Turn, name: str) -> None:
    name = name[:NAME_CHARS]
    turn.profile["name"] = name
    turn.act(InviteMentor(learner_name=name))
    turn.go_home()


# --- the mentor opens the link ------------------------------------------------------------
def _open_link(turn: Turn) -> bool:
    link = turn.context.link
    if isinstance(link, ReminderLink):
        return _reminder_link(turn, link)
    if not isinstance(link, InviteLink):
        return False
    if link.problem == "own":
        turn.say(N_("This is your own invite link. Send it to your mentor."), INVITE)
        return False
    if link.problem or link.invite_id is None:
        turn.say(N_("This invite link does not work any more. Ask for a new link."), INVITE)
        return False
    turn.state["invite"] = {"id": link.invite_id, "learner": link.learner_name}
    turn.state["paused"] = False
    turn.go("mentor.invite")
    return True


def _reminder_link(turn: Turn, link: ReminderLink) -> bool:
    if not _is_learner(turn):
        return False
    if link.what == "off":
        turn.profile["reminders"] = False
        turn.act(SetReminders(enabled=False))
        turn.say(N_("OK. No more reminders. You can turn them on in /settings."), pictures.CHECK)
    turn.state["paused"] = False
    turn.stay()
    return True


def _invite_prompt(turn: Turn) -> Text:
    name = Verbatim(str(_invite(turn).get("learner") or ""))
    return Joined(
        (
            N_("{name} asks you to be a mentor.")(name=name),
            N_("A mentor gets a short digest about {name} now and then.")(name=name),
            N_("You will see:"),
            N_("✅ new jobs and skills, and checks of work skills"),
            N_("📨 how many people were asked to confirm skills, and who answered"),
            N_("🏅 how many credentials {name} got")(name=name),
            N_("You will not see:"),
            N_("🚫 who confirmed, their phone or e-mail, or what they wrote"),
            N_("{name} can remove you at any time. You can leave at any time.")(name=name),
            N_("Do you want to be a mentor for {name}?")(name=name),
        )
    )


def _invite_buttons(turn: Turn) -> list[list[Button]]:
    return [
        [Button("yes", pN_("button", "Yes, I want to be a mentor"), "🤝")],
        [Button("no", pN_("button", "No, thank you"), "🙅")],
        [Button("language", pN_("button", "Language"), "🌍")],
    ]


def _invite_tap(turn: Turn, value: str) -> None:
    if value == "yes":
        turn.go("mentor.own_name")
    elif value == "language":
        turn.go("mentor.language")
    else:
        turn.state.pop("invite", None)
        turn.say(N_("OK. Nothing is saved about you."), pictures.GOODBYE)
        if _is_learner(turn):
            turn.go_home()
        else:
            locale = turn.profile.get("locale")
            turn.state.clear()
            turn.state.update(new_state(locale))


def _language_chosen(turn: Turn, code: str) -> None:
    turn.profile["locale"] = code
    if _is_learner(turn):
        save_profile(turn)
    turn.back()


def _accept(turn: Turn, name: str) -> None:
    invite = _invite(turn)
    if not invite.get("id"):
        _home(turn)
        return
    turn.act(
        AcceptMentorInvite(
            invite_id=int(invite["id"]), mentor_name=name[:NAME_CHARS], locale=turn.locale
        )
    )
    turn.state.pop("invite", None)
    _home(turn)


def _mentor_home_buttons(turn: Turn) -> list[list[Button]]:
    return [
        [Button("mentors", pN_("button", "My learners and digests"), "🧑‍🏫")],
        [Button("progress", pN_("button", "Show progress now"), "📈")],
        [Button("learner", pN_("button", "Write down my own skills"), "✍️")],
    ]


def _mentor_home_tap(turn: Turn, value: str) -> None:
    if value == "mentors":
        turn.go("mentors.list")
    elif value == "progress":
        turn.act(ShowProgress(as_mentor=True))
        turn.stay()
    else:
        locale = turn.profile.get("locale")
        turn.state.clear()
        turn.state.update(new_state(locale))
        turn.go(START, remember=False)


# --- /mentors: who follows me, whom I follow ---------------------------------------------
@command("mentors")
def _mentors_command(turn: Turn) -> None:
    if not _is_learner(turn) and not mentoring(turn).is_mentor:
        turn.say(NOT_YET)
        turn.stay()
        return
    turn.go("mentors.list")


def settings_text(settings: DigestSettings) -> Text:
    hour = Verbatim(f"{settings.hour:02d}:00")
    if settings.frequency == "daily":
        return N_("📅 Digest: every day at {hour}.")(hour=hour)
    if settings.frequency == "weekly":
        return N_("📅 Digest: every {day} at {hour}.")(day=WEEKDAYS[settings.weekday], hour=hour)
    return N_("📅 Digest: off.")


def _list_prompt(turn: Turn) -> Text:
    found = mentoring(turn)
    lines: list[Text] = []
    if _is_learner(turn):
        if found.mentors:
            lines.append(N_("Your mentors:"))
            for person in found.mentors:
                name = Verbatim(person.name)
                lines.append(
                    N_("🤝 {name}")(name=name)
                    if person.confirmed
                    else N_("⏳ {name} wants to follow you. Say yes or no.")(name=name)
                )
        else:
            lines.append(N_("You have no mentor yet. A mentor can follow your progress."))
    if found.settings is not None:
        if found.learners:
            lines.append(N_("You follow:"))
            for person in found.learners:
                name = Verbatim(person.name)
                lines.append(
                    N_("👤 {name}")(name=name)
                    if person.confirmed
                    else N_("⏳ {name} has not said yes yet.")(name=name)
                )
        else:
            lines.append(N_("You follow no one right now."))
        lines.append(settings_text(found.settings))
        if found.settings.email:
            lines.append(N_("📧 Also by e-mail to {email}.")(email=found.settings.email))
    lines.append(N_("What do you want to do?"))
    return Joined(tuple(lines))


def _list_buttons(turn: Turn) -> list[list[Button]]:
    found = mentoring(turn)
    rows: list[list[Button]] = []
    if _is_learner(turn):
        for person in found.mentors:
            name = Verbatim(person.name)
            if person.confirmed:
                rows.append(
                    [Button(f"remove:{person.link_id}", N_("Remove {name}")(name=name), "➖")]
                )
            else:
                rows.append(
                    [
                        Button(f"yes:{person.link_id}", N_("Yes to {name}")(name=name), "✅"),
                        Button(f"no:{person.link_id}", N_("No to {name}")(name=name), "🙅"),
                    ]
                )
        rows.append([Button("invite", pN_("button", "Invite a mentor"), "🔗")])
    if found.settings is not None:
        rows.append([Button("settings", pN_("button", "When I get digests"), "📅")])
        if found.learners:
            rows.append([Button("progress", pN_("button", "Show progress now"), "📈")])
        for person in found.learners:
            name = Verbatim(person.name)
            rows.append(
                [Button(f"leave:{person.link_id}", N_("Stop following {name}")(name=name), "🚪")]
            )
    rows.append([Button("menu", pN_("button", "Back to the menu"), "🧭")])
    return rows


def _person(people: tuple[Person, ...], value: str) -> Person | None:
    link_id = int(value.partition(":")[2] or 0)
    return next((p for p in people if p.link_id == link_id), None)


def _list_tap(turn: Turn, value: str) -> None:
    found = mentoring(turn)
    kind = value.partition(":")[0]
    if kind in ("yes", "no", "remove"):
        person = _person(found.mentors, value)
        if person is None:
            turn.stay()
            return
        name = Verbatim(person.name)
        if kind == "yes":
            turn.act(ConfirmMentor(person.link_id))
            turn.say(N_("Done. {name} can now follow your progress.")(name=name), MENTOR)
        else:
            turn.act(RemoveMentor(person.link_id))
            turn.say(N_("OK. {name} does not follow you now.")(name=name), pictures.CHECK)
        _home(turn)
    elif kind == "leave":
        person = _person(found.learners, value)
        if person is not None:
            turn.act(StopFollowing(person.link_id))
            turn.say(
                N_("OK. You no longer follow {name}.")(name=Verbatim(person.name)), pictures.CHECK
            )
        _home(turn)
    elif value == "invite":
        turn.go("mentor.name")
    elif value == "settings":
        settings = found.settings or DigestSettings()
        turn.state["digest"] = {
            "frequency": settings.frequency,
            "weekday": settings.weekday,
            "hour": settings.hour,
            "email": settings.email,
        }
        turn.go("mentors.frequency")
    elif value == "progress":
        turn.act(ShowProgress(as_mentor=True))
        turn.stay()
    else:
        _home(turn)


# --- digest settings ----------------------------------------------------------------------
def _digest(turn: Turn) -> dict[str, Any]:
    return turn.state.setdefault("digest", {})  # type: ignore[no-any-return]


def _frequency_tap(turn: Turn, value: str) -> None:
    _digest(turn)["frequency"] = value
    if value == "weekly":
        turn.go("mentors.weekday")
    elif value == "daily":
        turn.go("mentors.hour")
    else:
        _save_digest(turn)


def _weekday_tap(turn: Turn, value: str) -> None:
    _digest(turn)["weekday"] = int(value)
    turn.go("mentors.hour")


def _hour_tap(turn: Turn, value: str) -> None:
    _digest(turn)["hour"] = int(value)
    if turn.context.can_email:
        turn.go("mentors.email")
    else:
        _save_digest(turn)


def _email_buttons(turn: Turn) -> list[list[Button]]:
    rows: list[list[Button]] = []
    email = _digest(turn).get("email")
    if email:
        rows.append([Button("keep", Verbatim(str(email)), "📧")])
    rows.append([Button("none", pN_("button", "No e-mail"), "🚫")])
    return rows


def _email_tap(turn: Turn, value: str) -> None:
    if value == "none":
        _digest(turn)["email"] = None
    _save_digest(turn)


def _email_text(turn: Turn, text: str) -> None:
    if not _EMAIL.match(text) or len(text) > 254:
        turn.say(N_("That does not look like an e-mail address. Please try again."))
        turn.stay()
        return
    _digest(turn)["email"] = text
    _save_digest(turn)


def _save_digest(turn: Turn) -> None:
    digest = turn.state.pop("digest", {})
    settings = DigestSettings(
        frequency=str(digest.get("frequency") or "weekly"),
        weekday=int(digest.get("weekday") or 0) % 7,
        hour=int(digest.get("hour") if digest.get("hour") is not None else 8) % 24,
        email=digest.get("email") or None,
    )
    turn.act(
        SaveDigestSettings(
            frequency=settings.frequency,
            weekday=settings.weekday,
            hour=settings.hour,
            email=settings.email,
            locale=turn.locale,
        )
    )
    turn.say(Joined((N_("Saved."), settings_text(settings))), DIGEST)
    _home(turn)


OPEN_COMMANDS.update({"mentors"})
LINK_OPENERS.append(_open_link)

register(
    Step(
        id="mentor.name",
        prompt=N_(
            "A mentor can follow your progress. You choose who. "
            "What name should your mentor see? Write your first name."
        ),
        picture=MENTOR,
        help=N_(
            "You get a link to send to your mentor. It works once, for seven days. "
            "Your mentor sees your progress only after you say yes."
        ),
        buttons=_name_buttons,
        on_tap=lambda turn, _value: _make_invite(turn, str(turn.profile.get("name") or "")),
        on_text=_make_invite,
        max_length=NAME_CHARS,
    ),
    Step(
        id="mentor.invite",
        prompt=_invite_prompt,
        picture=MENTOR,
        help=N_(
            "If you say yes, you get a short digest now and then. "
            "You choose how often. You can stop at any time."
        ),
        buttons=_invite_buttons,
        on_tap=_invite_tap,
        back=False,
        pause=False,
        ready=lambda turn: bool(_invite(turn).get("id")),
        instead=HOME,
    ),
    Step(
        id="mentor.language",
        prompt=N_("Choose your language."),
        picture=pictures.LANGUAGE,
        help=N_("Tap the language you read best. We continue where you were."),
        buttons=language_buttons,
        on_tap=_language_chosen,
        pause=False,
    ),
    Step(
        id="mentor.own_name",
        prompt=N_("What name should the learner see? Write your name."),
        picture=pictures.ROLE,
        help=N_("For example your first name, and where you work."),
        on_text=_accept,
        max_length=NAME_CHARS,
        pause=False,
        ready=lambda turn: bool(_invite(turn).get("id")),
        instead=HOME,
    ),
    Step(
        id="mentor.home",
        prompt=N_("What do you want to do?"),
        picture=pictures.MENU,
        help=N_("You can see your learners and choose when you get digests."),
        buttons=_mentor_home_buttons,
        on_tap=_mentor_home_tap,
        back=False,
        pause=False,
    ),
    Step(
        id="mentors.list",
        prompt=_list_prompt,
        picture=MENTOR,
        help=N_(
            "A mentor sees a short digest of your progress. "
            "Never who confirmed your skills, or what they wrote."
        ),
        buttons=_list_buttons,
        on_tap=_list_tap,
    ),
    Step(
        id="mentors.frequency",
        prompt=N_("How often do you want a digest?"),
        picture=DIGEST,
        help=N_("A digest is a short message about the progress of your learners."),
        buttons=lambda _turn: [
            [Button("daily", pN_("button", "Every day"), "📅")],
            [Button("weekly", pN_("button", "Every week"), "🗓️")],
            [Button("off", pN_("button", "Never"), "🔕")],
        ],
        on_tap=_frequency_tap,
    ),
    Step(
        id="mentors.weekday",
        prompt=N_("Which day of the week?"),
        picture=DIGEST,
        help=N_("The digest comes on this day every week."),
        buttons=lambda _turn: [[Button(str(index), day)] for index, day in enumerate(WEEKDAYS)],
        on_tap=_weekday_tap,
    ),
    Step(
        id="mentors.hour",
        prompt=N_("At what time? The times are Swedish time."),
        picture=CLOCK,
        help=N_("The digest comes at about this time."),
        buttons=lambda _turn: [
            [Button(str(hour), Verbatim(f"{hour:02d}:00")) for hour in HOURS[:4]],
            [Button(str(hour), Verbatim(f"{hour:02d}:00")) for hour in HOURS[4:]],
        ],
        on_tap=_hour_tap,
    ),
    Step(
        id="mentors.email",
        prompt=N_("Do you want the digest by e-mail too? Write your e-mail address."),
        picture=MAIL,
        help=N_("You get the digest here in the chat either way."),
        buttons=_email_buttons,
        on_tap=_email_tap,
        on_text=_email_text,
        max_length=254,
    ),
)
