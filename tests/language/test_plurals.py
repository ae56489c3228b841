"""Counted messages take the right plural form in every language, Arabic's six included."""

from __future__ import annotations

from string import Formatter

import pytest
from babel.numbers import format_decimal

from api.i18n import isolate, render, translations
from dialogs.texts import nN_
from tests.language.catalogs import SourceMessage, catalog, source_messages

COUNTS = (0, 1, 2, 3, 11, 100)
# CLDR's forms, numbered as the catalogs' Plural-Forms number them.
EXPECTED_FORM = {
    "sv": {0: 1, 1: 0, 2: 1, 3: 1, 11: 1, 100: 1},
    "en": {0: 1, 1: 0, 2: 1, 3: 1, 11: 1, 100: 1},
    # zero, one, two, few (3-10), other (100-102: form 4), many (11-99: form 5).
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 11: 5, 100: 4},
}
PLURALS = sorted(
    (m for m in source_messages().values() if m.plural), key=lambda m: (m.context or "", m.msgid)
)


def forms_of(message: SourceMessage, locale: str) -> tuple[str, ...]:
    if locale == "en":
        assert message.plural is not None
        return (message.msgid, message.plural)
    entry = catalog(locale).get(message.msgid, context=message.context)
    assert entry is not None and isinstance(entry.string, tuple)
    return tuple(entry.string)


def test_there_are_counted_messages_to_check() -> None:
    assert len(PLURALS) >= 3


@pytest.mark.parametrize("locale", sorted(EXPECTED_FORM))
def test_the_catalog_picks_the_cldr_form_for_each_count(locale: str) -> None:
    plural = translations(locale).plural  # type: ignore[attr-defined]
    assert {n: plural(n) for n in COUNTS} == EXPECTED_FORM[locale]


@pytest.mark.parametrize("locale", sorted(EXPECTED_FORM))
@pytest.mark.parametrize("count", COUNTS)
@pytest.mark.parametrize("message", PLURALS, ids=lambda m: m.msgid[:30])
def test_a_counted_message_shows_its_number_in_the_right_form(
    locale: str, count: int, message: SourceMessage
) -> None:
    assert message.plural is not None
    names = {name for _, name, _, _ in Formatter().parse(message.msgid) if name and name != "n"}
    others = dict.fromkeys(names, "Norra")
    number = isolate(format_decimal(count, locale=locale), locale)
    shown = render(nN_(message.msgid, message.plural)(n=count, **others), locale)
    form = forms_of(message, locale)[EXPECTED_FORM[locale][count]]
    assert shown == form.format(n=number, **{k: isolate(v, locale) for k, v in others.items()})
    if not (locale == "ar" and count in (1, 2)):
        # Arabic says "one thing" and "two things" with the noun alone, no numeral.
        assert number in shown
