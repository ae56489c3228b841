"""Captions: cleaning, clusters, right-to-left ordering, and Arabic that joins."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from api.pictures import arabic, fonts, text
from tests.pictures.helpers import needs_arabic_font, needs_raqm


def test_clean_drops_invisible_and_control_characters() -> None:
    assert text.clean("\u200bKök\u200b \x00\n\t hygien\u202e") == "Kök hygien"
    assert text.clean("\u200b\ufeff\u2060") == ""


def test_clean_keeps_the_joiners_emoji_and_persian_need() -> None:
    assert text.clean("👩🏽‍🔧") == "👩🏽‍🔧"
    assert text.clean("می\u200cخواهم") == "می\u200cخواهم"


def test_clean_bounds_the_length() -> None:
    cleaned = text.clean("x" * 4096)
    assert len(cleaned) == text.MAX_CHARS + 1
    assert cleaned.endswith(text.ELLIPSIS)


@pytest.mark.parametrize(
    ("source", "clusters"),
    [
        ("👩🏽‍🔧", ["👩🏽‍🔧"]),
        ("🇸🇪🇳🇴", ["🇸🇪", "🇳🇴"]),
        ("1️⃣2", ["1️⃣", "2"]),
        ("e\u0301a", ["e\u0301", "a"]),
        ("🏳️‍🌈!", ["🏳️‍🌈", "!"]),
    ],
)
def test_split_clusters_keeps_sequences_whole(source: str, clusters: list[str]) -> None:
    assert text.split_clusters(source) == clusters


def test_visual_order_reverses_right_to_left_runs() -> None:
    # "abc" then three Arabic letters then "!" in a left-to-right paragraph.
    assert text._visual_order([0, 0, 1, 1, 1, 0]) == [0, 1, 4, 3, 2, 5]
    # A number inside Arabic keeps its digits left to right.
    assert text._visual_order([1, 1, 2, 2, 1]) == [4, 2, 3, 1, 0]


@needs_arabic_font
def test_latin_inside_arabic_keeps_its_place() -> None:
    lines = text.fit(
        "إصلاح BMW", max_width=1000, max_height=500, max_lines=1, px_max=40, px_min=20, rtl=True
    )
    assert lines is not None
    runs = lines.lines[0]
    # Right to left: the Arabic word is read first, so it is drawn rightmost.
    assert "BMW" in runs[0].text
    assert "إصلاح" in runs[-1].text
    assert runs[-1].rtl
    assert not runs[0].rtl


@needs_arabic_font
def test_arabic_words_stay_one_run_so_they_join() -> None:
    lines = text.fit(
        "إصلاح السيارات",
        max_width=1000,
        max_height=500,
        max_lines=1,
        px_max=40,
        px_min=20,
        rtl=True,
    )
    assert lines is not None
    assert [run.text for run in lines.lines[0]] == ["إصلاح السيارات"]


def _ink_spans(image: Image.Image) -> int:
    """Separate stretches of ink from left to right (joined letters make one stretch)."""
    ink = image.point(lambda value: 255 if value > 128 else 0)
    columns = [ink.crop((x, 0, x + 1, ink.height)).getbbox() is not None for x in range(ink.width)]
    return sum(1 for x, ink in enumerate(columns) if ink and (x == 0 or not columns[x - 1]))


def _draw(string: str, font: ImageFont.FreeTypeFont, direction: str | None) -> Image.Image:
    image = Image.new("L", (400, 120), 0)
    ImageDraw.Draw(image).text((10, 10), string, font=font, fill=255, direction=direction)
    return image


WORD = "تعلم"  # four letters that all join on both sides: one stretch of ink when joined
ISOLATED = "\ufe97 \ufecb \ufedf \ufee3"


@needs_arabic_font
@needs_raqm
def test_with_raqm_arabic_is_drawn_joined() -> None:
    font = fonts.text_font("arabic", 60)
    assert font is not None
    joined = _draw(WORD, font, "rtl")
    assert _ink_spans(joined) < _ink_spans(_draw(ISOLATED, font, "rtl"))
    assert _ink_spans(joined) <= 2


@needs_arabic_font
@pytest.mark.usefixtures("basic_layout")
def test_without_raqm_arabic_is_still_drawn_joined() -> None:
    font = fonts.text_font("arabic", 60)
    assert font is not None
    assert font.layout_engine == ImageFont.Layout.BASIC
    string, direction = text.prepared(WORD, "arabic", True, font)
    assert direction is None
    assert string == arabic.shape(WORD)[::-1]
    assert _ink_spans(_draw(string, font, None)) <= 2


@needs_arabic_font
@pytest.mark.usefixtures("basic_layout")
def test_without_raqm_right_to_left_runs_are_reversed_and_mirrored() -> None:
    font = fonts.text_font("arabic", 40)
    assert font is not None
    assert text.prepared("(ب)", "arabic", True, font)[0] == "(\ufe8f)"
