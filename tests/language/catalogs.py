"""Reading what the code asks to be translated, and what the catalogs hold.

The keywords match the Makefile's ``messages`` target: N_ (plain), pN_ (with a
context), nN_ (plural) and pgettext. Jinja templates are read with Jinja's own
extractor, as ``babel.cfg`` says.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES_DIR = ROOT / "locales"
LOCALES = ("sv", "en", "ar")
# Languages whose every message needs its own translation (English is the source).
TRANSLATED = ("sv", "ar")
KEYWORDS = {
    "N_": None,
    "pN_": ((1, "c"), 2),
    "nN_": (1, 2),
    "pgettext": ((1, "c"), 2),
    "gettext": None,
    "ngettext": (1, 2),
    "_": None,
}
METHODS = [
    ("dialogs/**.py", "python"),
    ("bot/**.py", "python"),
    ("api/**.py", "python"),
    ("api/**/templates/**.html", "jinja2"),
    ("bot/**/templates/**.html", "jinja2"),
]

Key = tuple[str | None, str]  # (context, msgid)


@dataclass(frozen=True)
class SourceMessage:
    context: str | None
    msgid: str
    plural: str | None
    where: str


@functools.cache
def source_messages() -> dict[Key, SourceMessage]:
    found: dict[Key, SourceMessage] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        if not msgid:
            continue
        found.setdefault(
            (context, msgid), SourceMessage(context, msgid, plural, f"{filename}:{lineno}")
        )
    return found


@functools.cache
def catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def entries(locale: str) -> Iterator[tuple[Key, str | tuple[str, ...]]]:
    for message in catalog(locale):
        if message.id:
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            yield (message.context, msgid), message.string
