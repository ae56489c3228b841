"""Settings: change the language or the amount of pictures at any moment.

A language change returns to the step the learner came from, now in the new language.
"""

from __future__ import annotations

from dialogs import pictures
from dialogs.engine import Step, Turn, command, register
from dialogs.onboarding import language_buttons, save_profile
from dialogs.outputs import Button, SetReminders
from dialogs.texts import N_, pN_


def _settings_buttons(turn: Turn) -> list[list[Button]]:
    pictures_label = (
        pN_("button", "Fewer pictures") if turn.more_pictures else pN_("button", "More pictures")
    )
    # Reminders are on until the learner turns them off (see bot/digests.py).
    reminders_label = (
        pN_("button", "No reminders")
        if turn.profile.get("reminders", True)
        else pN_("button", "Gentle reminders")
    )
    return [
        [Button("language", pN_("button", "Language"), "🌍")],
        [Button("pictures", pictures_label, "🖼️")],
        [Button("reminders", reminders_label, "🔔")],
        [Button("share", pN_("button", "Share my page"), "🔗")],
        [Button("menu", pN_("button", "Back to the menu"), "🧭")],
    ]


def _settings_tap(turn: Turn, value: str) -> None:
    if value == "language":
        turn.go("settings.language")
    elif value == "share":
        turn.go("share.menu")
    elif value == "reminders":
        enabled = not turn.profile.get("reminders", True)
        turn.profile["reminders"] = enabled
        turn.act(SetReminders(enabled=enabled))
        turn.say(
            N_("OK. If you stop in the middle of something, I may remind you once a week.")
            if enabled
            else N_("OK. I will not send you reminders.")
        )
        turn.stay()
    elif value == "pictures":
        turn.profile["more_pictures"] = not turn.more_pictures
        save_profile(turn)
        turn.say(
            N_("OK. More pictures and smaller steps from now on.")
            if turn.more_pictures
            else N_("OK. Fewer pictures from now on.")
        )
        turn.stay()
    else:
        turn.go_home()


def _language_chosen(turn: Turn, code: str) -> None:
    turn.profile["locale"] = code
    save_profile(turn)
    turn.say(N_("OK. I will write in this language now."), pictures.LANGUAGE)
    turn.back()


@command("language")
def _language(turn: Turn) -> None:
    turn.go("settings.language")


@command("settings")
def _settings(turn: Turn) -> None:
    turn.go("settings.menu")


register(
    Step(
        id="settings.menu",
        prompt=N_("Settings. What do you want to change?"),
        picture=pictures.SETTINGS,
        help=N_("You can change the language, and choose more or fewer pictures."),
        buttons=_settings_buttons,
        on_tap=_settings_tap,
    ),
    Step(
        id="settings.language",
        prompt=N_("Choose your language."),
        picture=pictures.LANGUAGE,
        help=N_("Tap the language you read best. We continue where you were."),
        buttons=language_buttons,
        on_tap=_language_chosen,
    ),
)
