"""Card colours: soft backgrounds that dark text reads well on, picked stably per emoji.

Every background keeps a contrast ratio of at least 12:1 with ``INK`` (WCAG AAA asks 7:1),
which ``tests/pictures`` checks.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

RGB = tuple[int, int, int]

INK: RGB = (0x1B, 0x1F, 0x24)
WHITE: RGB = (0xFF, 0xFF, 0xFF)


@dataclass(frozen=True)
class Palette:
    background: RGB
    halo: RGB  # the disc behind the emoji
    accent: RGB  # fallback tiles, bars


def _hex(value: str) -> RGB:
    return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))


def _palette(background: str, halo: str, accent: str) -> Palette:
    return Palette(_hex(background), _hex(halo), _hex(accent))


SOFT = (
    _palette("#FFE6D5", "#FFF5EE", "#D9622B"),  # peach
    _palette("#D9F3E3", "#F2FBF5", "#23855A"),  # mint
    _palette("#DAEBFF", "#F3F8FF", "#2B6CC4"),  # sky
    _palette("#E8E2FF", "#F7F5FF", "#6A4FD1"),  # lavender
    _palette("#FFF0C2", "#FFFAE8", "#A97800"),  # butter
    _palette("#FFDFE7", "#FFF3F6", "#C93D66"),  # rose
    _palette("#D3F2F1", "#F0FBFB", "#16817F"),  # aqua
    _palette("#E7F3CF", "#F7FBEE", "#5D8A16"),  # lime
)

TONES = {
    "success": _palette("#D4F1DC", "#F1FBF4", "#1E7F3A"),
    "warning": _palette("#FFE8BF", "#FFF7E8", "#B35C00"),
    "info": _palette("#D9E9FF", "#F2F7FF", "#1A5FC2"),
}


def for_card(emoji: str, tone: str) -> Palette:
    """The tone's colours, or for "default" a soft colour that stays the same per emoji."""
    if tone == "default":
        return SOFT[zlib.crc32(emoji.encode("utf-8", "surrogatepass")) % len(SOFT)]
    try:
        return TONES[tone]
    except KeyError:
        known = ", ".join(["default", *TONES])
        raise ValueError(f"unknown tone {tone!r}; use one of {known}") from None


def contrast(first: RGB, second: RGB) -> float:
    """WCAG 2 contrast ratio between two colours."""

    def luminance(colour: RGB) -> float:
        channels = [c / 255 for c in colour]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
