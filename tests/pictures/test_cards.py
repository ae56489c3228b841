"""render_card: a PNG of the requested size, a visible emoji, a caption that fits, a cache."""

from __future__ import annotations

import itertools
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from api.pictures import cards, fonts, palette, text
from tests.pictures.helpers import (
    count,
    dark,
    decode,
    needs_arabic_font,
    needs_emoji_font,
    pixels_unlike,
    saturated,
)


@pytest.mark.parametrize("size", [64, 256, 512, 1024])
def test_card_is_a_png_of_the_requested_size(size: int) -> None:
    image = decode(cards.render_card("🍳", "Kitchen hygiene", size=size))
    assert image.size == (size, size)


@needs_emoji_font
def test_the_emoji_is_drawn_in_colour() -> None:
    image = decode(cards.render_card("🍳", "Kitchen hygiene"))
    colours = palette.for_card("🍳", "default")
    emoji_area = (128, 40, 384, 300)
    assert saturated(image, emoji_area) > 700  # the orange yolk, at least
    assert pixels_unlike(image, emoji_area, colours.background, colours.halo) > 7000


@needs_emoji_font
def test_an_emoji_without_caption_fills_the_card() -> None:
    image = decode(cards.render_card("🔧"))
    colours = palette.for_card("🔧", "default")
    assert pixels_unlike(image, (0, 0, 512, 512), colours.background, colours.halo) > 12000
    # Nothing is written in the lower part where a caption would go.
    assert pixels_unlike(image, (0, 470, 512, 512), colours.background) == 0


def test_the_caption_is_written_in_dark_ink_below_the_emoji() -> None:
    image = decode(cards.render_card("🍳", "Kitchen hygiene"))
    assert dark(image.crop((0, 360, 512, 512))) > 1500


def test_a_long_caption_wraps_onto_at_most_three_lines_and_shrinks() -> None:
    def fitted(caption: str) -> text.Lines:
        lines = text.fit(
            caption, max_width=440, max_height=164, max_lines=3, px_max=51, px_min=29, rtl=False
        )
        assert lines is not None
        return lines

    short = fitted("Kitchen hygiene")
    long = fitted("Truckkort och lagerarbete med säkerhetsutbildning och kylkedja")
    assert len(short.lines) == 1
    assert 2 <= len(long.lines) <= 3
    assert long.px < short.px
    for index in range(len(long.lines)):
        assert long.line_width(index) <= 440


def test_a_wrapped_caption_is_drawn_on_several_rows_of_text() -> None:
    image = decode(cards.render_card("🚜", "Truckkort och lagerarbete med säkerhetsutbildning"))
    rows_with_ink = [y for y in range(300, 512) if dark(image.crop((0, y, 512, y + 1)))]
    # Lines of text have bands of rows without ink between them.
    gaps = sum(1 for a, b in itertools.pairwise(rows_with_ink) if b - a > 3)
    assert gaps >= 1


@needs_arabic_font
def test_an_arabic_caption_is_drawn_right_to_left() -> None:
    image = decode(cards.render_card("🔧", "إصلاح السيارات", rtl=True))
    assert dark(image.crop((0, 360, 512, 512))) > 1500


def test_a_tone_sets_the_background() -> None:
    for tone, colours in palette.TONES.items():
        image = decode(cards.render_card("✅", "Klart", tone=tone))
        assert image.getpixel((3, 3)) == colours.background


def test_the_default_colour_is_stable_per_emoji() -> None:
    first = decode(cards.render_card("🍳", "a")).getpixel((3, 3))
    cards.clear_cache()
    assert decode(cards.render_card("🍳", "b")).getpixel((3, 3)) == first


@pytest.mark.parametrize("kwargs", [{"size": 10}, {"size": 100_000}, {"tone": "purple"}])
def test_a_wrong_size_or_tone_is_a_programming_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        cards.render_card("🍳", "Kitchen hygiene", **kwargs)  # type: ignore[arg-type]


# --- the cache --------------------------------------------------------------------------


def test_the_same_card_comes_from_the_cache() -> None:
    first = cards.render_card("🍳", "Kitchen hygiene")
    second = cards.render_card("🍳", "Kitchen hygiene")
    assert second is first
    assert cards.cache_info().hits == 1
    assert cards.cache_info().misses == 1


def test_every_argument_is_part_of_the_key() -> None:
    variants = [
        cards.render_card("🍳", "Kitchen hygiene"),
        cards.render_card("🔧", "Kitchen hygiene"),
        cards.render_card("🍳", "Kitchen"),
        cards.render_card("🍳", "Kitchen hygiene", rtl=True),
        cards.render_card("🍳", "Kitchen hygiene", size=256),
        cards.render_card("🍳", "Kitchen hygiene", tone="info"),
    ]
    assert cards.cache_info().misses == len(variants)


def test_the_cache_is_bounded_and_forgets_the_least_recently_used() -> None:
    cards.configure_cache(3)
    for caption in ["one", "two", "three"]:
        cards.render_card("🍳", caption)
    cards.render_card("🍳", "one")  # now "two" is the oldest
    cards.render_card("🍳", "four")
    assert cards.cache_info().currsize == 3
    misses = cards.cache_info().misses
    cards.render_card("🍳", "one")
    assert cards.cache_info().misses == misses
    cards.render_card("🍳", "two")
    assert cards.cache_info().misses == misses + 1


def test_a_cache_of_size_zero_draws_every_time() -> None:
    cards.configure_cache(0)
    cards.render_card("🍳", "a")
    cards.render_card("🍳", "a")
    assert cards.cache_info() == cards.CacheInfo(hits=0, misses=2, maxsize=0, currsize=0)


def test_a_card_asked_for_by_many_threads_at_once_is_drawn_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[str] = []
    real = cards._draw_card

    def counting(*args: object, **kwargs: object) -> Image.Image:
        drawn.append("card")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cards, "_draw_card", counting)
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(cards.render_card("🍳", "Kök")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert drawn == ["card"]
    assert len(set(results)) == 1


# --- fallbacks and odd input ------------------------------------------------------------


@pytest.mark.usefixtures("no_fonts")
def test_without_fonts_the_card_is_a_coloured_tile_with_the_initial() -> None:
    assert cards.fonts_status() == {
        "emoji": None,
        "text": None,
        "arabic": None,
        "layout_engine": "raqm" if fonts.has_raqm() else "basic",
    }
    image = decode(cards.render_card("🍳", "Kitchen hygiene"))
    colours = palette.for_card("🍳", "default")
    assert image.size == (512, 512)
    tile = image.crop((200, 100, 312, 260))
    # The disc in the accent colour, with a white letter on it.
    assert count(tile, colours.accent) > 1000
    assert count(tile, palette.WHITE) > 100
    assert dark(image.crop((0, 380, 512, 512))) > 500


@pytest.mark.usefixtures("no_fonts")
@pytest.mark.parametrize(
    ("symbol", "caption", "rtl"),
    [
        ("🔧", "إصلاح السيارات", True),
        ("🍳", None, False),
        ("", "", False),
        ("☀️", "Utomhus 🌞", False),
    ],
)
def test_without_fonts_nothing_breaks(symbol: str, caption: str | None, rtl: bool) -> None:
    assert decode(cards.render_card(symbol, caption, rtl=rtl)).size == (512, 512)


WEIRD_CAPTIONS = [
    "",
    " ",
    "x" * 4096,
    "ord " * 1024,
    "\u200b\u200c\u200d\ufeff\u2060",
    "\u200bKök\u200b",
    "🍳🔧👩🏽‍🔧🇸🇪1️⃣🏳️‍🌈",
    "\x00\x1b[31mröd\x07\n\r\t",
    "\ud800 lone surrogate",
    "\u202eevil override\u202c",
    "e\u0301\u0301\u0301\u0301",
    "\u0301 starts with a mark",
    "إصلاح 🔧 BMW (2015) «نعم»",
    "اَلْعَرَبِيَّةُ",
    "a" + "\u200d" * 200,
    "🍳" * 500,
    "日本語のテキスト",
    "\U0010fffd\ue000",
]


@pytest.mark.parametrize("caption", WEIRD_CAPTIONS)
@pytest.mark.parametrize("rtl", [False, True])
def test_odd_captions_never_raise(caption: str, rtl: bool) -> None:
    assert decode(cards.render_card("🍳", caption, rtl=rtl)).size == (512, 512)


@pytest.mark.parametrize("symbol", ["", " ", "abc", "🏳️‍🌈", "1️⃣", "🍳" * 2000, "\u200d", "\ud800"])
def test_odd_emoji_never_raise(symbol: str) -> None:
    assert decode(cards.render_card(symbol, "Kök")).size == (512, 512)


@pytest.mark.usefixtures("basic_layout")
@pytest.mark.parametrize("caption", WEIRD_CAPTIONS[::3])
def test_odd_captions_never_raise_without_raqm(caption: str) -> None:
    assert decode(cards.render_card("🔧", caption, rtl=True)).size == (512, 512)


def test_a_huge_caption_is_cut_with_an_ellipsis() -> None:
    lines = text.fit(
        "ord " * 1024, max_width=440, max_height=164, max_lines=3, px_max=51, px_min=29, rtl=False
    )
    assert lines is not None
    assert len(lines.lines) == 3
    assert lines.lines[-1][-1].text.endswith(text.ELLIPSIS)


def test_fonts_status_names_files_that_exist() -> None:
    status = cards.fonts_status()
    assert set(status) == {"emoji", "text", "arabic", "layout_engine"}
    assert status["layout_engine"] in ("raqm", "basic")
    for role in ("emoji", "text", "arabic"):
        path = status[role]
        assert path is None or path.endswith((".ttf", ".otf", ".ttc"))


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    symbol=st.text(max_size=6),
    caption=st.one_of(st.none(), st.text(max_size=300)),
    rtl=st.booleans(),
    size=st.integers(min_value=cards.MIN_SIZE, max_value=300),
)
def test_any_text_makes_a_card(symbol: str, caption: str | None, rtl: bool, size: int) -> None:
    assert decode(cards.render_card(symbol, caption, rtl=rtl, size=size)).size == (size, size)


@settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    title=st.text(max_size=100),
    rows=st.lists(
        st.tuples(st.text(max_size=4), st.text(max_size=80), st.integers(-5, 10**6)), max_size=5
    ),
    rtl=st.booleans(),
)
def test_any_rows_make_a_summary(title: str, rows: list[tuple[str, str, int]], rtl: bool) -> None:
    assert decode(cards.render_summary_card(title, rows, rtl=rtl, size=320)).width == 320
