"""Emoji as images: drawn from the colour emoji font, cropped to their ink, scaled on demand."""

from __future__ import annotations

import functools

from PIL import Image, ImageDraw

from api.pictures import fonts

_PICTOGRAPHIC = (
    (0x1F000, 0x1FAFF),  # cards, enclosed letters, flags, pictographs, faces, transport, …
    (0x2600, 0x27BF),  # miscellaneous symbols and dingbats
    (0x2B05, 0x2B55),  # arrows, squares, star, circle
    (0x231A, 0x23FF),  # watch, hourglass, media buttons, alarm clock
)


def _pictographic(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _PICTOGRAPHIC)


def is_emoji(cluster: str) -> bool:
    """Whether a grapheme cluster asks for emoji presentation (it may still lack a glyph)."""
    return _pictographic(cluster[0]) or "\ufe0f" in cluster or "\u20e3" in cluster


def is_extender(char: str, *, after_emoji: bool) -> bool:
    """Whether ``char`` belongs to the cluster before it (variation selector, skin tone, tag)."""
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or code in (0x20E3, 0x200C) or 0xE0020 <= code <= 0xE007F:
        return True
    return after_emoji and 0x1F3FB <= code <= 0x1F3FF


def is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


# Unscaled glyphs are about 70 kB each; captions reuse a few emoji at a few sizes.
@functools.lru_cache(maxsize=128)
def glyph(text: str) -> Image.Image | None:
    """``text`` drawn with the emoji font, cropped to its ink; ``None`` when nothing shows.

    Images returned here and by ``scaled`` are shared by their caches: callers paste
    them, never draw on them. (``fitted`` images are large and drawn once per card, which
    the card cache already keeps, so they are not cached.)
    """
    font = fonts.emoji_font()
    if font is None or not text:
        return None
    left, top, right, bottom = font.getbbox(text)
    width, height = int(right - left) + 2, int(bottom - top) + 2
    if width <= 2 or height <= 2:
        return None
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((-left, -top), text, font=font, embedded_color=True)
    ink = image.getbbox()
    return image.crop(ink) if ink else None


@functools.lru_cache(maxsize=128)
def scaled(text: str, height: int) -> Image.Image | None:
    """The emoji glyph at ``height`` pixels tall, keeping its proportions."""
    image = glyph(text)
    if image is None or height <= 0:
        return None
    width = max(1, round(image.width * height / image.height))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def fitted(text: str, box: int) -> Image.Image | None:
    """The emoji glyph scaled to fit a ``box`` × ``box`` square."""
    image = glyph(text)
    if image is None or box <= 0:
        return None
    scale = box / max(image.width, image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def paste_centred(image: Image.Image, picture: Image.Image, centre: tuple[float, float]) -> None:
    x = round(centre[0] - picture.width / 2)
    y = round(centre[1] - picture.height / 2)
    image.paste(picture, (x, y), picture)


def reset() -> None:
    glyph.cache_clear()
    scaled.cache_clear()
