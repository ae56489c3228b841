"""What the learner did, independent of the channel it came through."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# What no database can store as text: NUL (PostgreSQL refuses it) and halves of a
# surrogate pair with no other half (not UTF-8 at all). Neither is anything a person
# meant to write, so both are dropped where the words come in.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    return _UNSTORABLE.sub("", text)


class EventKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    TAP = "tap"
    # A sticker, voice message, photo, location, contact or file.
    MEDIA = "media"
    EDITED = "edited"
    # Show the current step again (the web chat after a reload, a learner coming back).
    RESUME = "resume"


@dataclass(frozen=True, slots=True)
class Event:
    kind: EventKind
    # The text, the command name without "/", the button's data, or the kind of media.
    value: str = ""
    # What follows "/start " when a deep link opened the chat (an invite). The driver
    # looks it up before the dialog runs; it is never stored in the dialog state.
    payload: str = ""

    @classmethod
    def text(cls, text: str) -> Event:
        return cls(EventKind.TEXT, storable(text))

    @classmethod
    def command(cls, name: str, payload: str = "") -> Event:
        name = storable(name).lstrip("/").split("@", 1)[0].lower()
        return cls(EventKind.COMMAND, name, storable(payload))

    @classmethod
    def tap(cls, data: str) -> Event:
        return cls(EventKind.TAP, storable(data))

    @classmethod
    def media(cls, kind: str) -> Event:
        return cls(EventKind.MEDIA, kind)

    @classmethod
    def edited(cls) -> Event:
        return cls(EventKind.EDITED)

    @classmethod
    def resume(cls) -> Event:
        return cls(EventKind.RESUME)
