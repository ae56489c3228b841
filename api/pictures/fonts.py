"""Find and load the fonts picture cards are drawn with, once per process.

Fonts come from the operating system (Debian: fonts-noto-color-emoji, fonts-noto-core,
fonts-dejavu-core); nothing is downloaded. Every role has a chain of fallbacks ending in
Pillow's built-in font, so a laptop without the Noto packages still draws cards, only plainer.
Extra folders can be searched first by listing them in ``MERITKOMPIS_FONT_DIRS``
(separated by ``os.pathsep``).
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import ImageFont, features

log = logging.getLogger(__name__)

TextRole = Literal["text", "arabic"]

# Noto Color Emoji is a bitmap (CBDT) font: its strikes exist only at this size.
EMOJI_BITMAP_SIZE = 109

EMOJI_FILES = ("NotoColorEmoji.ttf", "Noto-COLRv1.ttf", "NotoColorEmoji-Regular.ttf")
# Bold reads better for learners who are not used to reading; DejaVu and Liberation are
# the fonts most Linux machines already have.
TEXT_FILES = (
    "NotoSans-Bold.ttf",
    "DejaVuSans-Bold.ttf",
    "LiberationSans-Bold.ttf",
    "Arial Bold.ttf",
    "arialbd.ttf",
)
# DejaVu Sans also covers Arabic, so it is the fallback when no Noto Arabic is installed.
ARABIC_FILES = (
    "NotoSansArabic-Bold.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "NotoKufiArabic-Bold.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans.ttf",
)

_SYSTEM_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
)


@dataclass(frozen=True)
class FontFiles:
    emoji: Path | None
    text: Path | None
    arabic: Path | None


def search_dirs() -> list[Path]:
    """Folders searched for font files, most specific first."""
    extra = [Path(p) for p in os.environ.get("MERITKOMPIS_FONT_DIRS", "").split(os.pathsep) if p]
    system = [Path(p).expanduser() for p in _SYSTEM_DIRS]
    if sys.platform == "win32":
        system.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
    return extra + system


def _index(dirs: Iterable[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, _subdirs, files in os.walk(folder):
            for name in files:
                # The first folder wins, so MERITKOMPIS_FONT_DIRS can override the system.
                found.setdefault(name, Path(root) / name)
    return found


def _first(index: dict[str, Path], names: Sequence[str]) -> Path | None:
    return next((index[name] for name in names if name in index), None)


@functools.cache
def font_files() -> FontFiles:
    index = _index(search_dirs())
    files = FontFiles(
        emoji=_first(index, EMOJI_FILES),
        text=_first(index, TEXT_FILES),
        arabic=_first(index, ARABIC_FILES),
    )
    log.info("picture card fonts: %s", files)
    return files


@functools.cache
def has_raqm() -> bool:
    """Whether Pillow can shape text (Arabic joining, bidi, emoji ZWJ sequences) with libraqm."""
    return bool(features.check("raqm"))


def layout_engine() -> ImageFont.Layout:
    return ImageFont.Layout.RAQM if has_raqm() else ImageFont.Layout.BASIC


@functools.cache
def emoji_font() -> ImageFont.FreeTypeFont | None:
    path = font_files().emoji
    if path is None:
        return None
    try:
        return ImageFont.truetype(path, EMOJI_BITMAP_SIZE, layout_engine=layout_engine())
    except OSError:
        log.warning("cannot load emoji font %s; cards use drawn tiles instead", path)
        return None


@functools.lru_cache(maxsize=64)
def text_font(role: TextRole, size: int) -> ImageFont.FreeTypeFont | None:
    """The font for one script at one pixel size; ``None`` only when Pillow lacks FreeType."""
    files = font_files()
    chain = (files.arabic, files.text) if role == "arabic" else (files.text,)
    for path in chain:
        if path is None:
            continue
        try:
            return ImageFont.truetype(path, size, layout_engine=layout_engine())
        except OSError:
            log.warning("cannot load font %s; trying the next one", path)
    builtin = ImageFont.load_default(size=size)
    return builtin if isinstance(builtin, ImageFont.FreeTypeFont) else None


def _glyph_key(font: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(text)
    return mask.size, bytes(mask)


@functools.lru_cache(maxsize=64)
def _notdef(font: ImageFont.FreeTypeFont) -> tuple[tuple[int, int], bytes]:
    # U+10FFFD is a private-use noncharacter no font maps, so it draws the "missing" box.
    return _glyph_key(font, "\U0010fffd")


@functools.lru_cache(maxsize=4096)
def has_glyph(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """Whether ``font`` draws ``char`` itself rather than its missing-glyph box."""
    return _glyph_key(font, char) != _notdef(font)


def status() -> dict[str, str | None]:
    files = font_files()
    return {
        "emoji": str(files.emoji) if files.emoji else None,
        "text": str(files.text) if files.text else None,
        "arabic": str(files.arabic) if files.arabic else None,
        "layout_engine": "raqm" if has_raqm() else "basic",
    }


def reset() -> None:
    """Forget what was found and loaded, e.g. after the search folders changed (tests)."""
    for cached in (font_files, has_raqm, emoji_font, text_font, _notdef, has_glyph):
        cached.cache_clear()
