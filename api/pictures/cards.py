"""Picture cards: a large emoji on a soft colour with a short caption, as PNG bytes.

Usage::

    from api.pictures.cards import render_card, render_summary_card

    png = render_card("🍳", "Kitchen hygiene")
    png = render_card("🔧", "إصلاح السيارات", rtl=True, tone="success")
    png = render_summary_card("Din profil", [("💼", "Erfarenheter", 2), ("✅", "Klart", 5, 10)])

Cards are drawn with Pillow from installed fonts (see ``api.pictures.fonts``); when a font is
missing the card gets plainer, never an error. Every card is kept in a bounded LRU cache keyed
by all its arguments, so the same card is drawn once per process (size it with
``configure_cache``, e.g. from ``Settings.picture_cache_size``). Drawing holds one lock:
Pillow's FreeType faces must not be used from two threads at once, and it makes
"drawn once" hold under concurrency too.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import NamedTuple

from PIL import Image, ImageDraw

from api.pictures import emoji as emoji_images
from api.pictures import fonts, palette, summary, text

DEFAULT_CACHE_SIZE = 512
_Z_RLE = 3  # zlib strategy
MIN_SIZE = 64
MAX_SIZE = 2048
MAX_EMOJI = 3

SummaryRow = summary.SummaryRow


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int


class _Cache:
    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self.lock = threading.RLock()

    def get_or_draw(self, key: Hashable, draw: Callable[[], bytes]) -> bytes:
        with self.lock:
            cached = self._items.get(key)
            if cached is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return cached
            self.misses += 1
            value = draw()
            if self.maxsize > 0:
                self._items[key] = value
                self._trim()
            return value

    def resize(self, maxsize: int) -> None:
        with self.lock:
            self.maxsize = maxsize
            self._trim()

    def clear(self) -> None:
        with self.lock:
            self._items.clear()
            self.hits = self.misses = 0

    def info(self) -> CacheInfo:
        with self.lock:
            return CacheInfo(self.hits, self.misses, self.maxsize, len(self._items))

    def _trim(self) -> None:
        while len(self._items) > max(self.maxsize, 0):
            self._items.popitem(last=False)


_cache = _Cache(DEFAULT_CACHE_SIZE)


def configure_cache(maxsize: int) -> None:
    """How many cards stay in memory (0 turns caching off); a typical card is 30–60 kB."""
    if maxsize < 0:
        raise ValueError("cache size cannot be negative")
    _cache.resize(maxsize)


def cache_info() -> CacheInfo:
    return _cache.info()


def clear_cache() -> None:
    """Forget drawn cards, and the fonts found, so the next card looks for fonts again."""
    with _cache.lock:
        _cache.clear()
        emoji_images.reset()
        fonts.reset()


def fonts_status() -> dict[str, str | None]:
    """Which font files cards are drawn with (``None``: missing) and the text layout engine."""
    return fonts.status()


def render_card(
    emoji: str,
    caption: str | None = None,
    *,
    rtl: bool = False,
    size: int = 512,
    tone: str = "default",
) -> bytes:
    """A square PNG card: ``emoji`` large on a soft colour, ``caption`` (up to 3 lines) below.

    ``tone`` is "default" (a colour chosen per emoji), "success", "warning" or "info".
    ``rtl`` sets the reading direction for the caption; Arabic is joined either way.
    Raises ``ValueError`` only for a size outside 64–2048 or an unknown tone.
    """
    _check_size(size)
    colours = palette.for_card(emoji, tone)
    key = ("card", emoji, caption, rtl, size, tone)
    return _cache.get_or_draw(key, lambda: _png(_draw_card(emoji, caption, rtl, size, colours)))


def render_summary_card(
    title: str,
    rows: Sequence[SummaryRow],
    *,
    rtl: bool = False,
    size: int = 800,
) -> bytes:
    """A PNG ``size`` pixels wide that sums up a learner's progress at a glance.

    Each row is ``(emoji, label, count)`` or ``(emoji, label, count, total)``; a row is drawn
    as emoji, label, the number ("5/10" when a total is given) and a bar of dots to count.
    """
    _check_size(size)
    frozen = tuple(tuple(row) for row in rows)
    key = ("summary", title, frozen, rtl, size)
    return _cache.get_or_draw(key, lambda: _png(summary.draw(title, rows, rtl=rtl, width=size)))


def _check_size(size: int) -> None:
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"card size must be between {MIN_SIZE} and {MAX_SIZE} pixels")


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # Run-length compression suits flat colour: as small as the default and faster. (A
    # 256-colour palette would be a third of the size, but Pillow's fast quantizer merges
    # nearby pastels, e.g. a white panel on a light grey page.)
    image.save(buffer, format="PNG", compress_level=6, compress_type=_Z_RLE)
    return buffer.getvalue()


def _draw_card(
    symbol: str, caption: str | None, rtl: bool, size: int, colours: palette.Palette
) -> Image.Image:
    image = Image.new("RGB", (size, size), colours.background)
    margin = round(size * 0.07)
    lines = None
    if caption:
        lines = text.fit(
            caption,
            max_width=size - 2 * margin,
            max_height=size * 0.32,
            max_lines=3,
            px_max=round(size * 0.1),
            px_min=round(size * 0.056),
            rtl=rtl,
        )
    if lines is None:
        _draw_symbol(image, symbol, caption, (size / 2, size / 2), size * 0.4, colours)
        return image
    # The caption sits at the bottom; the emoji takes the room left above it.
    caption_top = size - round(size * 0.06) - lines.height
    room = caption_top - round(size * 0.04) - round(size * 0.06)
    radius = min(size * 0.28, room / 2)
    _draw_symbol(image, symbol, caption, (size / 2, size * 0.06 + room / 2), radius, colours)
    text.draw(
        image,
        lines,
        (margin, caption_top, size - margin, caption_top + lines.height),
        ink=palette.INK,
    )
    return image


def _draw_symbol(
    image: Image.Image,
    symbol: str,
    caption: str | None,
    centre: tuple[float, float],
    radius: float,
    colours: palette.Palette,
) -> None:
    cx, cy = centre
    drawing = ImageDraw.Draw(image)
    disc = (cx - radius, cy - radius, cx + radius, cy + radius)
    # A card shows one picture; a few emoji side by side still read, a long string does not.
    shown = "".join(text.split_clusters(text.clean(symbol))[:MAX_EMOJI])
    picture = emoji_images.fitted(shown, round(radius * 1.38))
    if picture is not None:
        drawing.ellipse(disc, fill=colours.halo)
        emoji_images.paste_centred(image, picture, centre)
        return
    # No colour emoji font (or no glyph for this one): a coloured disc with a letter or symbol.
    drawing.ellipse(disc, fill=colours.accent)
    letter = _tile_letter(shown, caption)
    if letter is None:
        inner = radius * 0.28
        drawing.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), fill=colours.halo)
        return
    glyph, kind = letter
    font = fonts.text_font(kind, round(radius * 1.05))
    if font is not None:
        string, direction = text.prepared(glyph, kind, False, font)
        drawing.text(
            (cx, cy), string, font=font, fill=palette.WHITE, anchor="mm", direction=direction
        )


def _tile_letter(symbol: str, caption: str | None) -> tuple[str, text.Kind] | None:
    """What to write on a fallback tile: the symbol in a plain font, else the caption's initial."""
    for cluster in text.classify(text.clean(symbol)):
        if cluster.kind != "emoji" and not cluster.is_space:
            return cluster.text, cluster.kind
    for cluster in text.classify(text.clean(caption or "")):
        if cluster.bidi in ("L", "R"):
            return cluster.text.upper(), cluster.kind
    return None
