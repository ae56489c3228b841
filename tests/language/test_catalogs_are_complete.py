"""Every text a person reads is in every catalog, translated, and nothing stale is left.

The equivalent of ``pybabel extract`` + ``pybabel update --check``, with a list of
exactly which message is missing, untranslated, fuzzy or obsolete.
"""

from __future__ import annotations

import pytest

from tests.language.catalogs import LOCALES, TRANSLATED, catalog, entries, source_messages


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_in_the_code_is_in_the_catalog(locale: str) -> None:
    in_catalog = {key for key, _ in entries(locale)}
    missing = [
        m.where + " " + m.msgid for key, m in source_messages().items() if key not in in_catalog
    ]
    assert not missing, "run `make messages`; missing:\n" + "\n".join(sorted(missing))


@pytest.mark.parametrize("locale", LOCALES)
def test_no_message_in_the_catalog_is_obsolete(locale: str) -> None:
    in_code = set(source_messages())
    obsolete = [msgid for key, _ in entries(locale) if key not in in_code for msgid in [key[1]]]
    obsolete += [
        m.id if isinstance(m.id, str) else m.id[0] for m in catalog(locale).obsolete.values()
    ]
    assert not obsolete, "run `make messages`; obsolete:\n" + "\n".join(sorted(obsolete))


@pytest.mark.parametrize("locale", LOCALES)
def test_no_translation_is_fuzzy(locale: str) -> None:
    fuzzy = [str(m.id) for m in catalog(locale) if m.id and m.fuzzy]
    assert not fuzzy


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated(locale: str) -> None:
    untranslated = [
        key[1]
        for key, string in entries(locale)
        if not (all(string) if isinstance(string, tuple) else string)
    ]
    assert not untranslated, f"{locale} lacks:\n" + "\n".join(sorted(untranslated))
