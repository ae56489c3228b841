"""Font discovery: what is found, in which order, and what happens when nothing is."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageFont

from api.pictures import fonts, palette

DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def test_nothing_found_still_gives_a_text_font(no_fonts: None) -> None:
    assert fonts.font_files() == fonts.FontFiles(emoji=None, text=None, arabic=None)
    assert fonts.emoji_font() is None
    font = fonts.text_font("text", 40)
    assert isinstance(font, ImageFont.FreeTypeFont)  # Pillow's own font
    assert fonts.text_font("arabic", 40) is not None


@pytest.mark.skipif(not DEJAVU_BOLD.exists(), reason="DejaVu Sans Bold is not installed")
def test_folders_named_in_the_environment_come_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "NotoSans-Bold.ttf").symlink_to(DEJAVU_BOLD)
    monkeypatch.setenv("MERITKOMPIS_FONT_DIRS", str(tmp_path))
    fonts.reset()
    assert fonts.font_files().text == tmp_path / "NotoSans-Bold.ttf"
    fonts.reset()


def test_an_unreadable_font_file_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Names no system has: on a load error Pillow itself retries a same-named system font.
    (tmp_path / "arialbd.ttf").write_bytes(b"not a font")
    (tmp_path / "NotoColorEmoji-Regular.ttf").write_bytes(b"not a font either")
    monkeypatch.setattr(fonts, "search_dirs", lambda: [tmp_path])
    fonts.reset()
    assert fonts.emoji_font() is None
    assert isinstance(fonts.text_font("text", 30), ImageFont.FreeTypeFont)
    fonts.reset()


def test_fonts_are_loaded_once() -> None:
    assert fonts.text_font("text", 33) is fonts.text_font("text", 33)


def test_missing_glyphs_are_recognised() -> None:
    font = fonts.text_font("text", 32)
    assert font is not None
    assert fonts.has_glyph(font, "A")
    assert not fonts.has_glyph(font, "\U0010fffd")


def test_every_background_is_easy_to_read_on() -> None:
    for colours in [*palette.SOFT, *palette.TONES.values()]:
        assert palette.contrast(palette.INK, colours.background) >= 12
        assert palette.contrast(palette.INK, colours.halo) >= 12
        # White letters on the fallback tile.
        assert palette.contrast(palette.WHITE, colours.accent) >= 3
