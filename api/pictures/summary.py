"""The summary card: a title and one row per kind of progress, with dots to count.

A learner who reads little should see "two suitcases, seven puzzle pieces, five of ten
ticks" without reading the labels, so counts are drawn as dots (up to ``MAX_DOTS``; beyond
that a filled bar) next to the number. Right-to-left mirrors the whole row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from api.pictures import emoji, palette, text

SummaryRow = tuple[str, str, int] | tuple[str, str, int, int]
_Mirror = Callable[[float, float], tuple[float, float]]

MAX_DOTS = 12
BACKGROUND = (0xEC, 0xF0, 0xF5)
PANEL = palette.WHITE
EMPTY_DOT = (0xD5, 0xDC, 0xE5)


@dataclass(frozen=True)
class _Row:
    symbol: str
    label: str
    count: int
    total: int | None
    figure: text.Lines | None  # "7" or "5/10"


def _row(row: SummaryRow, unit: float) -> _Row:
    if len(row) == 4:
        symbol, label, count, total = row
    else:
        symbol, label, count = row
        total = 0
    count = max(count, 0)
    number = f"{count}/{total}" if total > 0 else str(count)
    # Numbers stay left-to-right in every language, so they are laid out on their own.
    figure = text.fit(
        number,
        max_width=200 * unit,
        max_height=124 * unit,
        max_lines=1,
        px_max=round(52 * unit),
        px_min=round(30 * unit),
        rtl=False,
    )
    return _Row(symbol, label, count, total if total > 0 else None, figure)


def draw(title: str, rows: Sequence[SummaryRow], *, rtl: bool, width: int) -> Image.Image:
    unit = width / 800
    pad, gap, row_height = round(40 * unit), round(18 * unit), round(124 * unit)
    heading = text.fit(
        title,
        max_width=width - 2 * pad,
        max_height=150 * unit,
        max_lines=2,
        px_max=round(54 * unit),
        px_min=round(36 * unit),
        rtl=rtl,
    )
    heading_height = heading.height + round(20 * unit) if heading else 0
    parsed = [_row(row, unit) for row in rows]
    height = 2 * pad + heading_height + len(parsed) * (row_height + gap) - (gap if parsed else 0)
    image = Image.new("RGB", (width, max(height, 2 * pad)), BACKGROUND)
    if heading is not None:
        box = (pad, pad, width - pad, pad + heading.height)
        text.draw(image, heading, box, ink=palette.INK, align="start")
    # Shared columns and one scale for every row, so that longer bars mean more.
    largest = max((row.total or row.count for row in parsed), default=0)
    figures = round(max((r.figure.line_width(0) for r in parsed if r.figure), default=0))
    top = pad + heading_height
    for row in parsed:
        box = (pad, top, width - pad, top + row_height)
        _draw_row(image, box, row, largest, figures, rtl=rtl, unit=unit)
        top += row_height + gap
    return image


def _draw_row(
    image: Image.Image,
    box: tuple[int, int, int, int],
    row: _Row,
    largest: int,
    figures: int,
    *,
    rtl: bool,
    unit: float,
) -> None:
    left, top, right, bottom = box
    colours = palette.for_card(row.symbol, "default")
    drawing = ImageDraw.Draw(image)
    drawing.rounded_rectangle(box, radius=round(26 * unit), fill=PANEL)
    inset = round(22 * unit)
    icon = round(76 * unit)

    def mirrored(x0: float, x1: float) -> tuple[float, float]:
        """A horizontal span given from the start side (the right, for right-to-left)."""
        return (right - x1 + left, right - x0 + left) if rtl else (x0, x1)

    # The emoji on a tinted disc at the start of the row.
    disc_x0, disc_x1 = mirrored(left + inset, left + inset + icon)
    disc_y0 = top + (bottom - top - icon) / 2
    drawing.ellipse((disc_x0, disc_y0, disc_x1, disc_y0 + icon), fill=colours.background)
    picture = emoji.fitted(text.clean(row.symbol), round(icon * 0.68))
    if picture is not None:
        emoji.paste_centred(image, picture, ((disc_x0 + disc_x1) / 2, disc_y0 + icon / 2))

    # The number at the end of the row, flush with the outer edge.
    if row.figure is not None:
        fig_x0, fig_x1 = mirrored(right - inset - figures, right - inset)
        fig_box = (round(fig_x0), top, round(fig_x1), bottom)
        text.draw(image, row.figure, fig_box, ink=palette.INK, align="left" if rtl else "right")

    # The label above the dots, between the emoji and the number.
    body_x0 = left + inset + icon + round(20 * unit)
    body_x1 = right - inset - figures - round(24 * unit)
    middle = top + (bottom - top) * 0.5
    label = text.fit(
        row.label,
        max_width=body_x1 - body_x0,
        max_height=(bottom - top) * 0.5,
        max_lines=1,
        px_max=round(36 * unit),
        px_min=round(24 * unit),
        rtl=rtl,
    )
    if label is not None:
        span = mirrored(body_x0, body_x1)
        label_box = (round(span[0]), top + round(10 * unit), round(span[1]), round(middle) + 4)
        text.draw(image, label, label_box, ink=palette.INK, align="start")
    bar_box = (body_x0, middle + 12 * unit, body_x1, middle + 36 * unit)
    _draw_bar(drawing, bar_box, row, largest, colours.accent, mirrored)


def _draw_bar(
    drawing: ImageDraw.ImageDraw,
    box: tuple[float, float, float, float],
    row: _Row,
    largest: int,
    accent: tuple[int, int, int],
    mirrored: _Mirror,
) -> None:
    x0, y0, x1, y1 = box
    diameter = y1 - y0
    slots = row.total or largest
    if 0 < slots <= MAX_DOTS:
        step = min(diameter * 1.45, (x1 - x0) / slots)
        size = min(diameter, step * 0.8)
        # Empty dots only where there is a total to reach ("5 of 10"); a bare count shows
        # just its own dots, on the same scale as the other rows.
        for index in range(row.total or row.count):
            a, b = mirrored(x0 + index * step, x0 + index * step + size)
            fill = accent if index < row.count else EMPTY_DOT
            dot_top = y0 + (diameter - size) / 2
            drawing.ellipse((a, dot_top, b, dot_top + size), fill=fill)
        return
    radius = diameter / 2
    a, b = mirrored(x0, x1)
    drawing.rounded_rectangle((a, y0, b, y1), radius=radius, fill=EMPTY_DOT)
    share = min(row.count / slots, 1.0) if slots else 0.0
    if share > 0:
        a, b = mirrored(x0, x0 + max(diameter, (x1 - x0) * share))
        drawing.rounded_rectangle((a, y0, b, y1), radius=radius, fill=accent)
