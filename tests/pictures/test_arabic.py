"""The built-in Arabic joiner used when Pillow has no libraqm."""

from __future__ import annotations

import pytest

from api.pictures import arabic


@pytest.mark.parametrize(
    ("word", "shaped"),
    [
        ("بيت", "\ufe91\ufef4\ufe96"),  # initial, medial, final
        ("ب", "\ufe8f"),  # isolated
        ("لا", "\ufefb"),  # lam-alef ligature
        ("سلام", "\ufeb3\ufefc\ufee1"),  # joined lam-alef, then a letter alef cannot join
        ("دار", "\ufea9\ufe8d\ufead"),  # letters that never join forward: all isolated
        ("إصلاح", "\ufe87\ufebb\ufefc\ufea1"),
        ("گل", "\ufb94\ufede"),  # Persian gaf
        ("بـ", "\ufe91\u0640"),  # tatweel keeps the letter joined
    ],
)
def test_letters_take_their_joining_form(word: str, shaped: str) -> None:
    assert arabic.shape(word) == shaped


def test_words_are_shaped_separately() -> None:
    assert arabic.shape("بيت بيت") == "\ufe91\ufef4\ufe96 \ufe91\ufef4\ufe96"


def test_vowel_marks_are_dropped_without_breaking_the_join() -> None:
    assert arabic.shape("بَيْت") == arabic.shape("بيت")


def test_a_non_joiner_separates_letters() -> None:
    assert arabic.shape("ب\u200cب") == "\ufe8f\u200c\ufe8f"


def test_other_text_is_left_alone() -> None:
    assert arabic.shape("Kök 2015 🍳") == "Kök 2015 🍳"
