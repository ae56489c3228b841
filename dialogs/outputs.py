"""What a dialog step hands back: things to say, and things to do.

``Say`` is a message for the learner; the actions are requests to the system of
record (the driver carries them out before anything is said). Keeping both as plain
data is what lets the engine stay free of Telegram and of the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogs.texts import Text


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture shown with a message: an emoji every phone shows, and words for screen readers."""

    emoji: str
    alt: Text


@dataclass(frozen=True, slots=True)
class Button:
    value: str
    label: Text
    emoji: str = ""
    selected: bool = False
    # "tap" answers the dialog; "url" opens ``value`` (a link); "copy" copies ``value``.
    kind: str = "tap"


@dataclass(frozen=True, slots=True)
class Say:
    text: Text
    picture: Picture | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    # Send the picture as a drawn card rather than only as an emoji in the text.
    card: bool = False
    # Update the message whose button was tapped instead of sending a new one.
    replace_tapped: bool = False
    # A summary card of the learner's portfolio rather than a single picture.
    summary_card: bool = False
    # Stamp for buttons, so a tap on an old message can be recognised.
    seq: int = 0


class Action:
    """Something the system of record must do; carried out before anything is said."""


@dataclass(frozen=True, slots=True)
class SaveProfile(Action):
    locale: str
    more_pictures: bool
    consented: bool


@dataclass(frozen=True, slots=True)
class Forget(Action):
    """The learner left before agreeing: nothing about them may stay stored."""


@dataclass(frozen=True, slots=True)
class SaveExperience(Action):
    experience: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class DeleteExperience(Action):
    experience_id: int


@dataclass(frozen=True, slots=True)
class SaveSelfCheck(Action):
    skill_id: str
    # outcome id -> {"level": "yes" | "help" | "not_yet", "example": str | None}
    answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeleteSelfCheck(Action):
    skill_id: str


class EndorsementAction(Action):
    """An action about the learner's endorsement requests (see bot/asking.py)."""


@dataclass(frozen=True, slots=True)
class AskForEndorsement(EndorsementAction):
    """Create a request; the driver shows the templated message with its one-time link."""

    experience_id: int
    learner_name: str
    endorser_name: str
    endorser_role: str
    locale: str
    # (skill id, outcome id, own words) for each statement asked about.
    items: tuple[tuple[str | None, str | None, str | None], ...]
    endorser_email: str | None = None
    endorser_phone: str | None = None
    # Have the service e-mail it (offered only where e-mail is set up).
    send_email: bool = False


@dataclass(frozen=True, slots=True)
class RemindEndorser(EndorsementAction):
    request_id: int


@dataclass(frozen=True, slots=True)
class CancelRequest(EndorsementAction):
    request_id: int


@dataclass(frozen=True, slots=True)
class SharePortfolio(Action):
    """Turn the public portfolio page on (always with a new link) or off (at once)."""

    on: bool
    # The language the message with the link is written in.
    locale: str = "sv"


@dataclass(frozen=True, slots=True)
class SendMyData(Action):
    """Send the learner everything stored about them: a summary to read and a JSON file."""

    # The language the summary is written in.
    locale: str = "sv"


Output = Say | Action


class MentorAction(Action):
    """An action about mentors, digests or reminders (see bot/mentoring.py)."""


@dataclass(frozen=True, slots=True)
class InviteMentor(MentorAction):
    """Make a one-time invite link; the driver shows it (the dialog never sees the token)."""

    learner_name: str


@dataclass(frozen=True, slots=True)
class AcceptMentorInvite(MentorAction):
    """The person who opened an invite agrees to follow the learner; the driver says how it went."""

    invite_id: int
    mentor_name: str
    locale: str


@dataclass(frozen=True, slots=True)
class ConfirmMentor(MentorAction):
    link_id: int


@dataclass(frozen=True, slots=True)
class RemoveMentor(MentorAction):
    """The learner removes a mentor, or says no to one waiting for a yes."""

    link_id: int


@dataclass(frozen=True, slots=True)
class StopFollowing(MentorAction):
    """The mentor leaves a learner."""

    link_id: int


@dataclass(frozen=True, slots=True)
class SaveDigestSettings(MentorAction):
    frequency: str
    weekday: int
    hour: int
    email: str | None
    locale: str


@dataclass(frozen=True, slots=True)
class ShowProgress(MentorAction):
    """The progress card: the learner's own, or for a mentor one per learner they follow."""

    as_mentor: bool


@dataclass(frozen=True, slots=True)
class SetReminders(MentorAction):
    enabled: bool


class MeritAction(Action):
    """An action about the learner's credentials, their merits (see bot/merits.py)."""


@dataclass(frozen=True, slots=True)
class SendMerit(MeritAction):
    """Send one credential as a file: ``json``, ``badge`` (PNG), ``qr`` or ``pdf``."""

    credential_id: str
    form: str
    # The language the message with the file (and the certificate's headings) is in.
    locale: str = "sv"


@dataclass(frozen=True, slots=True)
class ShareMerit(MeritAction):
    """Make a new public link to one credential (``on``), or switch all its links off."""

    credential_id: str
    on: bool
    locale: str = "sv"


@dataclass(frozen=True, slots=True)
class WithdrawMerit(MeritAction):
    """The learner withdraws a credential: anyone who checks it sees it is no longer valid."""

    credential_id: str
