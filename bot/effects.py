"""What a chat turn's actions made, for that turn's replies only.

A turn (``bot/conversation.py``) advances the dialog, which answers with outputs: things
to say, and actions to carry out. One ``TurnEffects`` goes with the turn; each action's
driver carries its action out in the turn's transaction and puts here what it made:

- ``bot/asking.py`` (requests to confirm): the message with a fresh link (``made``),
  a reminder that could not be made (``failed``), messages to e-mail (``emails``);
- ``bot/merits.py``, ``bot/mentoring.py``, ``bot/privacy.py`` and
  ``api/portfolio/chat.py``: finished replies (``shown``), a file or a link.

The conversation then shows each where its action stands among the outputs. Some of
it exists only here: a link's token is stored as a hash, so the link can be shown in
the turn that makes it and never again. None of it goes into the dialog state or a
log, and the object is dropped when the turn ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from api.endorsements.invitation import Invitation
from bot.rendering import Reply

# The channel name of chats in Telegram (the web chat's is "web").
TELEGRAM: Final = "telegram"
# Telegram's page for sharing a link and a text with a chat the user picks.
TELEGRAM_SHARE: Final = "https://t.me/share/url"


@dataclass(frozen=True, slots=True)
class Made:
    """A request's message with a fresh link, made in this turn."""

    invitation: Invitation
    link: str
    email: str | None
    phone: str | None
    send_email: bool


@dataclass
class TurnEffects:
    """What this turn's actions made, keyed by the action's ``id()``.

    The outputs list keeps every action alive for the whole turn, so an ``id()``
    cannot be reused by another object meanwhile.
    """

    channel: str
    chat_id: str
    made: dict[int, Made] = field(default_factory=dict)
    failed: set[int] = field(default_factory=set)
    # (where in the replies, what to e-mail) for messages the service sends itself.
    emails: list[tuple[int, Made]] = field(default_factory=list)
    # Replies any action's driver made for this turn (a file, a list read from the
    # database); shown where the action stands in the outputs.
    shown: dict[int, list[Reply]] = field(default_factory=dict)

    def show(self, action: object, *replies: Reply) -> None:
        """Show these replies where ``action`` stands among the turn's outputs."""
        self.shown[id(action)] = list(replies)

    def shown_for(self, action: object) -> list[Reply]:
        """The replies a driver made for ``action`` (none for most outputs)."""
        return self.shown.get(id(action), [])
