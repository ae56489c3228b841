"""render_summary_card: title and rows with dots, left-to-right and right-to-left."""

from __future__ import annotations

import pytest

from api.pictures import cards, palette, summary
from tests.pictures.helpers import count, decode, needs_emoji_font, pixels, saturated

ROWS_SV: list[cards.SummaryRow] = [
    ("💼", "Erfarenheter", 2),
    ("🧩", "Färdigheter", 7),
    ("✅", "Allmänna färdigheter kollade", 5, 10),
]


def test_summary_card_is_a_png_as_wide_as_asked() -> None:
    image = decode(cards.render_summary_card("Din profil", ROWS_SV))
    assert image.width == 800
    assert image.height > 400


def test_more_rows_make_a_taller_card() -> None:
    one = decode(cards.render_summary_card("Din profil", ROWS_SV[:1]))
    three = decode(cards.render_summary_card("Din profil", ROWS_SV))
    assert three.height > one.height


def _dots(image_png: bytes, symbol: str) -> int:
    """How many pixels carry the dot colour of the row with ``symbol``."""
    accent = palette.for_card(symbol, "default").accent
    return count(decode(image_png), accent)


def test_dots_count_what_they_show() -> None:
    two = _dots(cards.render_summary_card("", [("💼", "Erfarenheter", 2)]), "💼")
    four = _dots(cards.render_summary_card("", [("💼", "Erfarenheter", 4)]), "💼")
    assert two > 0
    assert four == pytest.approx(2 * two, rel=0.1)


def test_a_total_shows_empty_dots_for_what_is_left() -> None:
    image = decode(cards.render_summary_card("", [("✅", "Klart", 5, 10)]))
    assert count(image, summary.EMPTY_DOT) > 0
    image = decode(cards.render_summary_card("", [("✅", "Klart", 5)]))
    assert count(image, summary.EMPTY_DOT) == 0


def test_right_to_left_mirrors_the_rows() -> None:
    rows: list[cards.SummaryRow] = [("🧩", "المهارات", 7)]
    accent = palette.for_card("🧩", "default").accent

    def dots_middle(png: bytes) -> float:
        xs = [x for x, _, colour in pixels(decode(png)) if colour == accent]
        return sum(xs) / len(xs)

    assert dots_middle(cards.render_summary_card("", rows)) < 400
    assert dots_middle(cards.render_summary_card("", rows, rtl=True)) > 400


@needs_emoji_font
def test_each_row_shows_its_emoji() -> None:
    image = decode(cards.render_summary_card("", [("🧩", "Färdigheter", 1)]))
    assert saturated(image, (40, 0, 160, image.height)) > 600  # the green puzzle piece


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [("", "", 0)],
        [("💼", "Erfarenheter", -3)],
        [("✅", "Klart", 5, 0)],
        [("✅", "Klart", 50, 10)],
        [("🧩", "Färdigheter", 10**9)],
        [("🧩", "Färdigheter", 12, 10**9)],
        [("🧩", "x" * 4096, 3)],
        [("🧩", "\u200b", 3)] * 12,
    ],
)
@pytest.mark.parametrize("rtl", [False, True])
def test_odd_rows_never_raise(rows: list[cards.SummaryRow], rtl: bool) -> None:
    assert decode(cards.render_summary_card("", rows, rtl=rtl)).width == 800
    assert decode(cards.render_summary_card("t" * 4096, rows, rtl=rtl)).width == 800


def test_summary_cards_are_cached() -> None:
    first = cards.render_summary_card("Din profil", ROWS_SV)
    assert cards.render_summary_card("Din profil", list(ROWS_SV)) is first
