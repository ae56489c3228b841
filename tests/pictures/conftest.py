"""Fixtures for picture cards: a clean cache per test, and ways to take fonts away."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.pictures import cards, fonts


@pytest.fixture(autouse=True)
def fresh_cards() -> Iterator[None]:
    """Each test starts with no cached cards and fonts looked up again."""
    cards.clear_cache()
    cards.configure_cache(cards.DEFAULT_CACHE_SIZE)
    yield
    cards.clear_cache()
    cards.configure_cache(cards.DEFAULT_CACHE_SIZE)


@pytest.fixture
def no_fonts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A machine without any of the fonts cards look for (a developer's laptop)."""
    monkeypatch.setattr(fonts, "search_dirs", lambda: [tmp_path])
    cards.clear_cache()
    yield
    cards.clear_cache()


@pytest.fixture
def basic_layout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pillow without libraqm: no shaping and no bidi from Pillow itself."""
    monkeypatch.setattr(fonts, "has_raqm", functools.cache(lambda: False))
    cards.clear_cache()
    yield
    cards.clear_cache()
