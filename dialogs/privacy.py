"""The learner's own data: /mydata hands it over, /delete erases it after one plain question.

/mydata  -> the driver sends a summary and a file; the current question is asked again
/delete  -> privacy.delete --yes--> everything erased; the next message starts afresh
                           `--no--> back where the learner was
"""

from __future__ import annotations

from dialogs import pictures
from dialogs.engine import Step, Turn, command, new_state, register
from dialogs.outputs import Button, Forget, SendMyData
from dialogs.texts import N_, pN_


@command("mydata")
def _my_data(turn: Turn) -> None:
    turn.act(SendMyData(locale=turn.locale))
    turn.stay()


@command("delete")
def _delete(turn: Turn) -> None:
    turn.go("privacy.delete")


def _delete_tap(turn: Turn, value: str) -> None:
    if value != "yes":
        turn.say(N_("OK. Nothing is deleted."), pictures.CHECK)
        turn.back()
        return
    locale = turn.locale
    # The driver erases the learner and forgets this chat: the next message begins at /start.
    turn.act(Forget())
    turn.state.clear()
    turn.state.update(new_state(locale))
    turn.say(
        N_("Everything about you is deleted. Write /start if you want to begin again."),
        pictures.GOODBYE,
    )


register(
    Step(
        id="privacy.delete",
        prompt=N_(
            "Do you want to delete everything I have saved about you? "
            "Your credentials will stop working. You cannot undo this."
        ),
        picture=pictures.DELETE,
        help=N_(
            "Yes deletes your experiences, answers and requests. No keeps everything. "
            "Write /mydata first if you want a copy."
        ),
        buttons=lambda _turn: [
            [Button("yes", pN_("button", "Yes, delete everything"), "🗑️")],
            [Button("no", pN_("button", "No, keep it"), "↩️")],
        ],
        on_tap=_delete_tap,
    ),
)
