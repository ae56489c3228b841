"""/progress: a picture of how far one has come, on demand.

A learner gets their own progress card (skills, confirmed by others versus only their
own word, credentials). A mentor gets what the digest would say now, one card per
learner who said yes. Someone who is both gets both. The driver draws the cards.
"""

from __future__ import annotations

from dialogs.engine import OPEN_COMMANDS, Turn, command
from dialogs.mentors import NOT_YET, mentoring
from dialogs.outputs import ShowProgress


@command("progress")
def _progress(turn: Turn) -> None:
    learner = bool(turn.profile.get("consented"))
    mentor = mentoring(turn).is_mentor
    if not learner and not mentor:
        turn.say(NOT_YET)
        turn.stay()
        return
    if learner:
        turn.act(ShowProgress(as_mentor=False))
    if mentor:
        turn.act(ShowProgress(as_mentor=True))
    turn.stay()


OPEN_COMMANDS.add("progress")
