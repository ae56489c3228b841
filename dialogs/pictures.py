"""The pictures the dialogs show: an emoji that every phone draws, with words for screen readers.

Every step names one of these. The renderer either puts the emoji at the start of the
message or, with "more pictures" on, sends it as a large picture card.
"""

from __future__ import annotations

from dialogs.outputs import Picture
from dialogs.texts import N_

LANGUAGE = Picture("🌍", N_("A globe"))
CONSENT = Picture("🔒", N_("A padlock"))
PICTURES = Picture("🖼️", N_("A framed picture"))
WAVE = Picture("👋", N_("A waving hand"))
MENU = Picture("🧭", N_("A compass"))
HELP = Picture("💡", N_("A light bulb"))
PAUSE = Picture("⏸️", N_("A pause sign"))
KIND = Picture("🗂️", N_("Folders"))
AREA = Picture("🧰", N_("A toolbox"))
ROLE = Picture("🪪", N_("A name badge"))
PLACE = Picture("📍", N_("A map pin"))
CALENDAR = Picture("📅", N_("A calendar"))
TASKS = Picture("📝", N_("A note pad"))
SKILLS = Picture("🧩", N_("Puzzle pieces"))
SEARCH = Picture("🔍", N_("A magnifying glass"))
WRITE = Picture("✍️", N_("A hand writing"))
CHECK = Picture("✅", N_("A check mark"))
SAVED = Picture("🎉", N_("A party popper"))
REVIEW = Picture("📋", N_("A clipboard"))
DELETE = Picture("🗑️", N_("A waste basket"))
EDIT = Picture("✏️", N_("A pencil"))
EXAMPLE = Picture("💬", N_("A speech bubble"))
SETTINGS = Picture("⚙️", N_("A gear"))
GOODBYE = Picture("🚪", N_("A door"))
SHARE = Picture("🔗", N_("A chain link"))

# The kinds of experience, each with its picture.
KINDS: dict[str, Picture] = {
    "job": Picture("💼", N_("A briefcase")),
    "internship": Picture("🎓", N_("A graduation cap")),
    "association": Picture("🤝", N_("A handshake")),
    "course": Picture("📚", N_("Books")),
    "other": Picture("✨", N_("Sparkles")),
}
