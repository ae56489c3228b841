"""The dialog engine: ``advance(state, event, context) -> (state, outputs)``.

A flow is a set of declarative ``Step`` values (prompt, picture, buttons, what to do
with an answer). The engine owns everything that is the same on every step, so no
flow can forget it: back, help and pause on every step, stale and double taps,
typed answers to button questions, stickers and voice where text was expected, and
picking up exactly where the learner left off.

The engine is pure. It reads the state (JSON-safe dicts and lists), a snapshot of
the learner's saved portfolio and the in-memory catalogue; it returns a new state and
a list of outputs. No Telegram, no database, no clock (today's date comes in the
context).
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from api.skills.catalogue import Catalogue
from api.skills.matcher import SkillMatcher
from dialogs import pictures
from dialogs.events import Event, EventKind
from dialogs.outputs import Action, Button, Output, Picture, Say
from dialogs.portfolio import EMPTY_PORTFOLIO, Portfolio
from dialogs.texts import N_, TEXT_TYPES, Msg, Text, Verbatim

STATE_VERSION = 1
HISTORY_LIMIT = 40
HOME = "home.menu"
START = "onboarding.language"

# Characters that look like nothing: zero-width spaces and joiners, and bidi controls
# that a learner's keyboard may add. Stripped before an answer is checked or stored.
_ZERO_WIDTH = (0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD)
_INVISIBLE = dict.fromkeys([*_ZERO_WIDTH, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])

NAV_BACK = "nav:back"
NAV_HELP = "nav:help"
NAV_PAUSE = "nav:pause"
NAV_RESUME = "nav:resume"


def _default_translate(text: Text) -> str:
    return text.msgid if isinstance(text, Msg) else ""


@dataclass(frozen=True)
class Context:
    catalogue: Catalogue
    matcher: SkillMatcher
    # None: not loaded. Most steps never look at it, so the driver may leave it out; a
    # step that reads it then raises PortfolioNeeded, and the driver calls advance()
    # again with it (advance is pure, so the second call is as if it had been there).
    portfolio: Portfolio | None = EMPTY_PORTFOLIO
    today: date = field(default_factory=date.today)
    # Turns a text into the learner's language; used only to read typed answers.
    translate: Callable[[Text], str] = _default_translate
    # Whether the service can send e-mail itself (SMTP is set up).
    can_email: bool = False
    # What a deep link (/start with a payload) opened, as the driver looked it up (a
    # mentor invite, dialogs/mentors.py). The payload itself never reaches the state.
    link: Any = None
    # This chat's mentors and the learners it follows (dialogs/mentors.py). The driver
    # hands "not loaded"; a step that reads it raises MentoringNeeded, as with the portfolio.
    mentoring: Any = None


class PortfolioNeeded(Exception):
    """A step read the portfolio that ``Context.portfolio=None`` left out."""


Prompt = Text | Callable[["Turn"], Text]
PictureOf = Picture | Callable[["Turn"], Picture]
ButtonRows = list[list[Button]]


@dataclass(frozen=True)
class Step:
    """One question. ``on_tap`` and ``on_text`` decide where the learner goes next."""

    id: str
    prompt: Prompt
    picture: PictureOf
    help: Msg
    buttons: Callable[[Turn], ButtonRows] | None = None
    on_tap: Callable[[Turn, str], None] | None = None
    # A step without on_text reads a typed answer as the button it names.
    on_text: Callable[[Turn, str], None] | None = None
    max_length: int = 200
    back: bool = True
    # Where "back" goes when it is not simply the previous step (a question inside a step).
    on_back: Callable[[Turn], None] | None = None
    # Steps before the learner has agreed offer no pause: nothing is kept yet.
    pause: bool = True
    # Show a drawn card of the whole portfolio with this question.
    summary_card: bool = False
    # Whether the answers this question builds on are there; when they are not (the
    # step was reached by going back past where they were cleared) ask ``instead``.
    ready: Callable[[Turn], bool] | None = None
    instead: str = HOME


class Turn:
    """One learner action being handled: the state being changed and what to say."""

    def __init__(self, state: dict[str, Any], context: Context, event: Event) -> None:
        self.state = state
        self.context = context
        self.event = event
        self.outputs: list[Output] = []
        self._render: str | None = None
        self.replace_tapped = False
        # The saved portfolio as it will be once this turn's actions are carried out.
        self._portfolio = context.portfolio

    # --- reading the state -------------------------------------------------------
    @property
    def at(self) -> str:
        return str(self.state["at"])

    @property
    def profile(self) -> dict[str, Any]:
        return self.state["profile"]  # type: ignore[no-any-return]

    @property
    def draft(self) -> dict[str, Any]:
        return self.state["draft"]  # type: ignore[no-any-return]

    @property
    def scratch(self) -> dict[str, Any]:
        return self.state["scratch"]  # type: ignore[no-any-return]

    @property
    def catalogue(self) -> Catalogue:
        return self.context.catalogue

    @property
    def portfolio(self) -> Portfolio:
        if self._portfolio is None:
            raise PortfolioNeeded
        return self._portfolio

    @property
    def locale(self) -> str:
        return str(self.profile.get("locale") or "sv")

    @property
    def more_pictures(self) -> bool:
        return bool(self.profile.get("more_pictures"))

    # --- what flows call --------------------------------------------------------
    def say(self, text: Text, picture: Picture | None = None, *, card: bool = False) -> None:
        self.outputs.append(Say(text, picture=picture, card=card or self.more_pictures))

    def act(self, action: Action) -> None:
        self.outputs.append(action)
        if self._portfolio is not None:
            self._portfolio = self._portfolio.after(action)

    def go(self, step_id: str, *, remember: bool = True) -> None:
        """Move to a step and ask its question; ``back`` returns here when remembered."""
        if step_id not in STEPS:
            raise KeyError(f"no step {step_id!r}")
        if remember and step_id != self.at:
            history: list[str] = self.state["history"]
            history.append(self.at)
            del history[:-HISTORY_LIMIT]
        self.state["at"] = step_id
        self._render = step_id

    def stay(self, *, replace_tapped: bool = False) -> None:
        """Ask the current question again (after a note, or a toggled button)."""
        self._render = self.at
        self.replace_tapped = replace_tapped

    def go_home(self) -> None:
        self.state["history"] = []
        self.state["scratch"] = {}
        self.go(HOME, remember=False)

    def back(self) -> None:
        history: list[str] = self.state["history"]
        while history:
            previous = history.pop()
            if previous in STEPS and previous != self.at:
                self.state["at"] = previous
                self._render = previous
                return
        self.go_home()

    def not_understood(self) -> None:
        self.say(N_("I did not understand that. Please use the buttons below."))
        self.stay()


STEPS: dict[str, Step] = {}


def register(*steps: Step) -> None:
    for step in steps:
        if step.id in STEPS:
            raise ValueError(f"step {step.id!r} is registered twice")
        STEPS[step.id] = step


def new_state(locale: str | None = None) -> dict[str, Any]:
    return {
        "v": STATE_VERSION,
        "at": START,
        "seq": 0,
        "history": [],
        "profile": {"locale": locale, "more_pictures": False, "consented": False},
        "draft": {},
        "check": {},
        "scratch": {},
        "paused": False,
        "resume_at": None,
        "last_tap": None,
    }


def clean_text(text: str) -> str:
    """The learner's words without invisible characters and with tidy spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return " ".join(text.split())


def _has_letters_or_digits(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


# --- global commands -------------------------------------------------------------------
# Commands work on every step; each is a function of the turn. Flows add theirs here.
COMMANDS: dict[str, Callable[[Turn], None]] = {}
# Commands that work before the learner has agreed. Someone who is not a learner (a
# mentor) uses the ones a flow adds here; their handlers check who is asking.
OPEN_COMMANDS: set[str] = {"help", "start"}
# Who opens a deep link: each returns whether it took the turn (see Context.link).
LINK_OPENERS: list[Callable[[Turn], bool]] = []


def command(name: str) -> Callable[[Callable[[Turn], None]], Callable[[Turn], None]]:
    def decorate(func: Callable[[Turn], None]) -> Callable[[Turn], None]:
        COMMANDS[name] = func
        return func

    return decorate


# Values a copy of the state can share with the original: deepcopy returns them as they are.
_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


def _copy_state(value: Any) -> Any:
    """A deep copy of a JSON value (dicts, lists, strings, numbers, booleans, None).

    Same result as ``copy.deepcopy`` in under a third of the time: deepcopy was a fifth
    of every step (its memo bookkeeping for each of the ~50 values in a state, mostly
    the history's strings). Any other type still goes through deepcopy. The one
    difference, a list or dict found twice in the state becoming two copies, cannot
    arise from stored states: they come back from the database as JSON, which never
    shares.
    """
    if type(value) is dict:
        return {k: v if type(v) in _IMMUTABLE else _copy_state(v) for k, v in value.items()}
    if type(value) is list:
        return [v if type(v) in _IMMUTABLE else _copy_state(v) for v in value]
    return copy.deepcopy(value)


def advance(
    state: Mapping[str, Any] | None, event: Event, context: Context
) -> tuple[dict[str, Any], list[Output]]:
    """Handle one learner action. The given state is not changed."""
    working = _copy_state(state if type(state) is dict else dict(state)) if state else new_state()
    if working.get("v") != STATE_VERSION or working.get("at") not in STEPS:
        # An old or damaged state: keep what the learner chose about themselves.
        profile = working.get("profile") or {}
        working = new_state(profile.get("locale"))
        if profile.get("consented"):
            working["profile"].update(profile)
            working["at"] = HOME
    profile = dict(working["profile"])
    turn = Turn(working, context, event)
    try:
        _dispatch(turn)
        if turn._render is not None:
            _ask(turn, STEPS[turn._render])
    except (KeyError, IndexError, ValueError, TypeError):
        # A state no flow expected (say, a step reached by a path nobody foresaw). The
        # learner must never be stuck on it: back to the menu, profile and saved items kept.
        return _recover(profile, context, event)
    return turn.state, turn.outputs


def _recover(
    profile: dict[str, Any], context: Context, event: Event
) -> tuple[dict[str, Any], list[Output]]:
    state = new_state(profile.get("locale"))
    state["profile"].update(profile)
    state["at"] = HOME if profile.get("consented") else START
    turn = Turn(state, context, event)
    turn.say(N_("Sorry, I got mixed up. Let us continue from here. What you saved is kept."))
    turn.stay()
    _ask(turn, STEPS[turn.at])
    return turn.state, turn.outputs


def _dispatch(turn: Turn) -> None:
    event = turn.event
    state = turn.state
    if state["paused"] and not (event.kind is EventKind.COMMAND and event.value == "pause"):
        state["paused"] = False
        if not (event.kind is EventKind.COMMAND and event.value in COMMANDS):
            turn.say(N_("Welcome back! We continue where you were."), pictures.WAVE)
            turn.stay()
            return
    if event.kind is EventKind.COMMAND:
        _on_command(turn)
    elif event.kind is EventKind.TAP:
        _on_tap(turn)
    elif event.kind is EventKind.TEXT:
        _on_text(turn)
    elif event.kind is EventKind.MEDIA:
        if event.value == "voice":
            turn.say(N_("I cannot listen to voice messages yet. Please write, or tap a button."))
        else:
            turn.say(N_("I can only read text and button taps. Please write, or tap a button."))
        turn.stay()
    elif event.kind is EventKind.EDITED:
        turn.say(
            N_(
                "I saw that you changed a message. I keep your first answer. "
                "Tap Back if you want to change it."
            )
        )
        turn.stay()
    else:
        turn.stay()


def _on_command(turn: Turn) -> None:
    name = turn.event.value
    consented = bool(turn.profile.get("consented"))
    opened = name == "start" and turn.context.link is not None
    if opened and any(opener(turn) for opener in LINK_OPENERS):
        return
    if name == "start" and not consented:
        turn.state.update(new_state(turn.profile.get("locale")))
        turn.go(START, remember=False)
        return
    if not consented and name not in OPEN_COMMANDS:
        turn.say(N_("First, please answer the question below."))
        turn.stay()
        return
    handler = COMMANDS.get(name)
    if handler is None:
        turn.say(
            N_("I do not know the command {command}. Try /help to see what I can do.")(
                command="/" + name[:30]
            )
        )
        turn.stay()
        return
    handler(turn)


def _on_tap(turn: Turn) -> None:
    data = turn.event.value
    seq_text, _, value = data.partition("|")
    if data == turn.state.get("last_tap"):
        # A double tap: the first one was handled, the second changes nothing.
        return
    if not _small_number(seq_text) or int(seq_text) != turn.state["seq"]:
        turn.say(N_("That button belongs to an earlier question. Here is where we are now."))
        turn.stay()
        return
    turn.state["last_tap"] = data
    _on_value(turn, value)


def _on_value(turn: Turn, value: str) -> None:
    step = STEPS[turn.at]
    if value == NAV_HELP:
        turn.say(step.help, pictures.HELP)
        turn.stay()
    elif value == NAV_PAUSE and step.pause:
        _pause(turn)
    elif value == NAV_BACK and step.back:
        if step.on_back is not None:
            step.on_back(turn)
        else:
            turn.back()
    elif step.on_tap is not None and _has_button(turn, step, value):
        step.on_tap(turn, value)
    else:
        turn.not_understood()


def _on_text(turn: Turn) -> None:
    step = STEPS[turn.at]
    raw = turn.event.value
    if raw.lstrip().startswith("/"):
        # Some clients send a command as plain text without its entity.
        turn.event = Event.command(raw.strip().split()[0])
        _on_command(turn)
        return
    text = clean_text(raw)
    if step.on_text is None:
        value = _button_named(turn, step, text)
        if value is None:
            turn.say(N_("Please tap one of the buttons below."))
            turn.stay()
        else:
            _on_value(turn, value)
        return
    if not text:
        turn.say(N_("That message looked empty. Please write a few words."))
        turn.stay()
    elif len(text) > step.max_length:
        turn.say(
            N_("That is a bit long. Please write at most {count} characters.")(
                count=step.max_length
            )
        )
        turn.stay()
    elif not _has_letters_or_digits(text):
        value = _button_named(turn, step, text)
        if value is not None:
            _on_value(turn, value)
            return
        turn.say(N_("Please write it with words, not only with symbols."))
        turn.stay()
    else:
        step.on_text(turn, text)


def _pause(turn: Turn) -> None:
    turn.state["paused"] = True
    turn.outputs.append(
        Say(
            N_("Paused. Everything you answered is saved. Come back whenever you want."),
            picture=pictures.PAUSE,
            buttons=((Button(_stamp(turn, NAV_RESUME), N_("Continue"), "▶️"),),),
            card=turn.more_pictures,
            seq=turn.state["seq"],
        )
    )


def _all_buttons(turn: Turn, step: Step) -> list[Button]:
    rows = step.buttons(turn) if step.buttons else []
    return [button for row in rows for button in row]


def _has_button(turn: Turn, step: Step, value: str) -> bool:
    if step.buttons is None:
        return False
    offered = turn.state.get("offered")
    if offered is not None and offered["step"] == step.id:
        return value in offered["values"]
    # Asked before the state kept what it offered (or by another step): build them again.
    return any(b.value == value for row in step.buttons(turn) for b in row)


def _small_number(text: str) -> bool:
    """Digits int() reads (not "²", which isdigit() accepts), and few of them."""
    return text.isdecimal() and len(text) <= 9


def _button_named(turn: Turn, step: Step, text: str) -> str | None:
    """The button whose label (in the learner's language) the typed text names."""
    buttons = _all_buttons(turn, step)
    if _small_number(text) and 1 <= int(text) <= len(buttons):
        return buttons[int(text) - 1].value
    wanted = text.casefold()
    best: tuple[float, str | None] = (0.0, None)
    for button in buttons:
        label = turn.context.translate(button.label).casefold()
        if isinstance(button.label, Verbatim):
            label = button.label.text.casefold()
        score = fuzz.ratio(wanted, label)
        if score > best[0]:
            best = (score, button.value)
    return best[1] if best[0] >= 80 else None


def _stamp(turn: Turn, value: str) -> str:
    return f"{turn.state['seq']}|{value}"


def _make_nav_row(back: bool, pause: bool) -> tuple[Button, ...]:
    row: list[Button] = []
    if back:
        row.append(Button(NAV_BACK, N_("Back"), "⬅️"))
    row.append(Button(NAV_HELP, N_("Help"), "❓"))
    if pause:
        row.append(Button(NAV_PAUSE, N_("Pause"), "⏸️"))
    return tuple(row)


# The four possible rows, built once rather than on every question: creating a frozen
# dataclass costs about a microsecond, and these were six of the ~35 a step creates.
# Buttons are immutable, and _ask hands out stamped copies, so sharing them is safe.
_NAV_ROWS = {
    (back, pause): _make_nav_row(back, pause) for back in (False, True) for pause in (False, True)
}


@lru_cache(maxsize=4096)
def _stamped_nav_row(back: bool, pause: bool, stamp: str) -> tuple[Button, ...]:
    """The nav row stamped for a question. Every learner's n-th question has the same
    stamp, and there are four nav rows, so most questions find theirs made already."""
    return tuple([_stamped(b, stamp) for b in _NAV_ROWS[back, pause]])


def _make_stamper() -> Callable[[Button, str], Button]:
    """``_stamped(button, "7|")``: the button with its value stamped with the question's seq.

    The same as ``dataclasses.replace(button, value=stamp + button.value)``, in half the
    time of even calling ``Button(...)``: every question stamps a dozen buttons, and the
    frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``.
    This fills the slots of a new instance directly instead.
    """
    if tuple(f.name for f in fields(Button)) != ("value", "label", "emoji", "selected", "kind"):
        # Button has changed: the general way, until the fast one below is updated too.
        return lambda button, stamp: replace(button, value=stamp + button.value)
    new = object.__new__
    slots = vars(Button)
    set_value, set_label = slots["value"].__set__, slots["label"].__set__
    set_emoji, set_selected, set_kind = (slots[n].__set__ for n in ("emoji", "selected", "kind"))

    def stamped(button: Button, stamp: str) -> Button:
        copy = new(Button)
        set_value(copy, stamp + button.value)
        set_label(copy, button.label)
        set_emoji(copy, button.emoji)
        set_selected(copy, button.selected)
        set_kind(copy, button.kind)
        return copy

    return stamped


_stamped = _make_stamper()


def _ask(turn: Turn, step: Step) -> None:
    if step.ready is not None and not step.ready(turn):
        turn.state["at"] = step.instead
        step = STEPS[step.instead]
    turn.state["seq"] += 1
    # A Msg is callable too (to add params), so test for the function, not for callable().
    prompt = step.prompt if isinstance(step.prompt, TEXT_TYPES) else step.prompt(turn)
    picture = step.picture if isinstance(step.picture, Picture) else step.picture(turn)
    stamp = _stamp(turn, "")  # "seq|", the same for every button
    asked = step.buttons(turn) if step.buttons else []
    rows = [tuple([_stamped(b, stamp) for b in row]) for row in asked if row]
    # What a tap may answer, so the tap is checked against what the learner saw without
    # building this step's buttons a second time (that was an eighth of every step).
    turn.state["offered"] = {"step": step.id, "values": [b.value for row in asked for b in row]}
    rows.append(_stamped_nav_row(step.back, step.pause, stamp))
    turn.outputs.append(
        Say(
            prompt,
            picture=picture,
            buttons=tuple(rows),
            card=turn.more_pictures,
            replace_tapped=turn.replace_tapped and turn.event.kind is EventKind.TAP,
            summary_card=step.summary_card,
            seq=turn.state["seq"],
        )
    )


def _resume(turn: Turn) -> None:
    turn.stay()


COMMANDS["resume"] = _resume
COMMANDS["pause"] = lambda turn: _pause(turn) if STEPS[turn.at].pause else turn.stay()
COMMANDS["back"] = lambda turn: turn.back()


@command("help")
def _help(turn: Turn) -> None:
    turn.say(
        N_(
            "I help you write down what you can do. Answer one question at a time. "
            "Tap Back to go back, and Pause to stop for now. "
            "Commands: /menu shows the start menu. /language changes the language. "
            "/review shows what you have saved."
        ),
        pictures.HELP,
    )
    turn.say(STEPS[turn.at].help)
    turn.stay()
