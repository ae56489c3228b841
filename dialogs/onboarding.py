"""Onboarding: language, a plain note on what is stored (agree or leave), and how many pictures.

/start -> language -> consent --yes--> pictures -> home.menu
                         `--no--> everything forgotten
"""

from __future__ import annotations

import locales as catalogs
from dialogs import pictures
from dialogs.engine import Step, Turn, new_state, register
from dialogs.outputs import Button, Forget, SaveProfile
from dialogs.texts import N_, Verbatim, pN_

# Each language's name in that language, so a learner finds their own without reading ours;
# one for every catalog in locales/.
LANGUAGES: dict[str, tuple[str, str]] = {
    code: (catalogs.own_name(code), catalogs.emoji(code)) for code in catalogs.AVAILABLE
}


def language_buttons(_turn: Turn) -> list[list[Button]]:
    return [[Button(code, Verbatim(name), emoji)] for code, (name, emoji) in LANGUAGES.items()]


def save_profile(turn: Turn) -> None:
    profile = turn.profile
    turn.act(
        SaveProfile(
            locale=turn.locale,
            more_pictures=bool(profile.get("more_pictures")),
            consented=bool(profile.get("consented")),
        )
    )


def _chose_language(turn: Turn, code: str) -> None:
    turn.profile["locale"] = code
    turn.go("onboarding.consent")


def _consent(turn: Turn, value: str) -> None:
    if value == "yes":
        turn.profile["consented"] = True
        turn.go("onboarding.pictures")
        return
    locale = turn.locale
    turn.act(Forget())
    turn.state.clear()
    turn.state.update(new_state(locale))
    turn.say(
        N_("OK. Nothing about you is saved. Write /start if you change your mind."),
        pictures.GOODBYE,
    )


def _pictures(turn: Turn, value: str) -> None:
    turn.profile["more_pictures"] = value == "more"
    save_profile(turn)
    turn.say(N_("Welcome! Let us write down what you can do."), pictures.WAVE)
    turn.go_home()


register(
    Step(
        id="onboarding.language",
        prompt=N_("Choose your language."),
        picture=pictures.LANGUAGE,
        help=N_("Tap the language you read best. You can change it later with /language."),
        buttons=language_buttons,
        on_tap=_chose_language,
        back=False,
        pause=False,
    ),
    Step(
        id="onboarding.consent",
        prompt=N_(
            "I save your answers so that you can continue later and ask others to confirm "
            "your skills. Only you decide who sees them, and you can delete them at any time."
        ),
        picture=pictures.CONSENT,
        help=N_("If you say yes, I save what you write here. If you say no, I save nothing."),
        buttons=lambda _turn: [
            [Button("yes", pN_("button", "Yes, that is OK"), "✅")],
            [Button("no", pN_("button", "No, I want to leave"), "🚪")],
        ],
        on_tap=_consent,
        pause=False,
    ),
    Step(
        id="onboarding.pictures",
        prompt=N_("Do you want more pictures and smaller steps?"),
        picture=pictures.PICTURES,
        help=N_(
            "With more pictures, every message has a big picture and long questions are split "
            "up. You can change this later in the settings."
        ),
        buttons=lambda _turn: [
            [Button("more", pN_("button", "Yes, more pictures"), "🖼️")],
            [Button("fewer", pN_("button", "No, thank you"), "💬")],
        ],
        on_tap=_pictures,
    ),
)
