"""Texts as data: what a dialog wants said, not yet in any language.

Dialogs never translate. They hand out these small values and the renderer turns
them into the learner's language at the last moment, so one learner's language can
never leak into another's update.

The marker functions ``N_``, ``pN_`` and ``nN_`` are what ``pybabel extract`` looks
for (see ``babel.cfg``); they only wrap the English source text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Msg:
    """A gettext message: English source text, optional context and plural, and params.

    Param values may be ``str`` (the learner's own words: shown as they are, and
    isolated in right-to-left text), ``int`` (formatted for the locale) or another
    text value (translated in turn).
    """

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    context: str | None = None
    plural: str | None = None

    def __call__(self, **params: Any) -> Msg:
        # Not dataclasses.replace, which is slow: this runs for most questions.
        return Msg(self.msgid, {**self.params, **params}, self.context, self.plural)


@dataclass(frozen=True, slots=True)
class Localized:
    """Text that already exists in every language, such as a skill name from the catalogue."""

    texts: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Verbatim:
    """Words shown exactly as they are in every language (a language's own name)."""

    text: str


@dataclass(frozen=True, slots=True)
class YearMonth:
    """A month and year, written the locale's way ("mars 2023", "March 2023")."""

    year: int
    month: int | None = None


@dataclass(frozen=True, slots=True)
class Joined:
    """Several texts shown one per line."""

    parts: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class Listed:
    """Words the learner gave, as a list in the language's own way ("a, b och c", "a وb")."""

    items: tuple[str, ...]


Text = Msg | Localized | Verbatim | YearMonth | Joined | Listed
TEXT_TYPES = (Msg, Localized, Verbatim, YearMonth, Joined, Listed)


def N_(msgid: str) -> Msg:
    return Msg(msgid)


def pN_(context: str, msgid: str) -> Msg:
    return Msg(msgid, context=context)


def nN_(singular: str, plural: str) -> Msg:
    """A message with plural forms; pass the count as the ``n`` param."""
    return Msg(singular, plural=plural)
