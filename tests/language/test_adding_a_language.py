"""Adding a language is adding a catalog: it is found, and offered under its own name."""

from __future__ import annotations

import shutil
from pathlib import Path

import locales
from dialogs.onboarding import LANGUAGES


def test_a_new_catalog_is_a_new_language_offered_in_its_own_name(tmp_path: Path) -> None:
    for code in ("sv", "en", "ar", "fi"):
        target = tmp_path / code / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(locales.LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po", target)

    assert locales.available(tmp_path) == ("sv", "en", "ar", "fi")
    assert locales.own_name("fi") == "Suomi"
    assert locales.emoji("fi") == locales.SPEAKING


def test_the_start_offers_every_catalog_in_its_own_name() -> None:
    assert LANGUAGES == {
        "sv": ("Svenska", "🇸🇪"),
        "en": ("English", "🇬🇧"),
        "ar": ("العربية", "🗣️"),
    }
