"""Helpers shared by the picture card tests."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from api.pictures import fonts

RGB = tuple[int, int, int]


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    return image.convert("RGB")


needs_emoji_font = pytest.mark.skipif(
    fonts.font_files().emoji is None,
    reason="Noto Color Emoji is not installed (Debian: fonts-noto-color-emoji); "
    "the drawn-tile fallback is tested by the no_fonts tests instead",
)
needs_arabic_font = pytest.mark.skipif(
    fonts.font_files().arabic is None,
    reason="no font with Arabic letters is installed (Debian: fonts-noto-core or "
    "fonts-dejavu-core)",
)
needs_raqm = pytest.mark.skipif(
    not fonts.has_raqm(),
    reason="Pillow has no libraqm here (FriBiDi missing); the built-in shaper is tested instead",
)


def pixels(image: Image.Image) -> Iterator[tuple[int, int, RGB]]:
    """Every pixel as (x, y, colour), without Image.getdata (deprecated in Pillow 13)."""
    access = image.load()
    assert access is not None
    for y in range(image.height):
        for x in range(image.width):
            colour = access[x, y]
            assert isinstance(colour, tuple)
            yield x, y, (colour[0], colour[1], colour[2])


def colours(image: Image.Image) -> list[tuple[int, RGB]]:
    """(how many, colour) for every colour in an RGB or HSV image."""
    found = image.getcolors(image.width * image.height) or []
    return [(n, (c[0], c[1], c[2])) for n, c in found if isinstance(c, tuple)]


def count(image: Image.Image, colour: RGB) -> int:
    return sum(n for n, c in colours(image) if c == colour)


def dark(image: Image.Image) -> int:
    """How many pixels are as dark as text ink."""
    return sum(n for n, c in colours(image) if max(c) < 80)


def distance(first: RGB, second: RGB) -> int:
    return max(abs(a - b) for a, b in zip(first, second, strict=True))


def pixels_unlike(image: Image.Image, box: tuple[int, int, int, int], *known: RGB) -> int:
    """How many pixels in ``box`` are clearly none of ``known`` (background, halo, …)."""
    return sum(n for n, c in colours(image.crop(box)) if all(distance(c, k) > 40 for k in known))


def saturated(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels in ``box`` are vividly coloured (not grey, not pastel)."""
    return sum(n for n, (_, s, v) in colours(image.crop(box).convert("HSV")) if s > 120 and v > 60)
