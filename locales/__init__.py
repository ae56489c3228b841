"""Message catalogs: ``messages.pot`` and ``<locale>/LC_MESSAGES/messages.po``.

The languages the service speaks are the catalogs found here: adding a language is
adding its catalog (see the README). Each language is offered under its own name,
taken from Babel's locale data, so a learner finds theirs without reading ours.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from babel import Locale

LOCALES_DIR: Final = Path(__file__).resolve().parent
# The order learners see the languages in; a new catalog comes after these.
FIRST: Final = ("sv", "en", "ar")
# A picture for a language: a flag where one country fits, a speaking head otherwise.
EMOJI: Final = {"sv": "🇸🇪", "en": "🇬🇧"}
SPEAKING = "🗣️"


def available(directory: Path = LOCALES_DIR) -> tuple[str, ...]:
    """The languages with a catalog in ``directory``, in the order learners see them."""
    found = {path.parts[-3] for path in directory.glob("*/LC_MESSAGES/messages.po")}
    return tuple(code for code in FIRST if code in found) + tuple(sorted(found - set(FIRST)))


AVAILABLE: Final = available()


def own_name(code: str) -> str:
    """The language's name in that language: "Svenska", "English", "العربية"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def emoji(code: str) -> str:
    return EMOJI.get(code, SPEAKING)
