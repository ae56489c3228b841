"""Captions: clean the text, split it into runs per font, order the runs for right-to-left
reading, wrap into a few lines that fit, and draw them.

Pillow draws one font per call and does no font fallback, so a caption like
"إصلاح السيارات BMW 🔧" is split into runs (Arabic font, Latin font, emoji images). The runs
are ordered with the reordering rules of the Unicode bidirectional algorithm (UAX #9,
simplified to what short captions need: strong letters, numbers, neutrals; no explicit
embeddings, whose control characters are removed). Inside a run, libraqm shapes and orders
the text when Pillow has it; otherwise Arabic is joined by ``arabic.shape`` and reversed here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from api.pictures import arabic, emoji, fonts

Kind = Literal["text", "arabic", "emoji"]
Bidi = Literal["L", "R", "EN", "N"]
Align = Literal["center", "start", "left", "right"]

# Longer captions cannot fit three lines on a card anyway; cutting early bounds the work.
MAX_CHARS = 160
ELLIPSIS = "…"
ZWJ = "\u200d"
ZWNJ = "\u200c"
_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
# Emoji in a caption are drawn a little taller than capital letters, sitting on the baseline.
_EMOJI_HEIGHT = 1.05
_EMOJI_GAP = 0.08


@dataclass(frozen=True)
class Cluster:
    """One user-perceived character (base letter with its marks, or one emoji sequence)."""

    text: str
    kind: Kind
    bidi: Bidi

    @property
    def is_space(self) -> bool:
        return self.text == " "


@dataclass(frozen=True)
class Run:
    """Clusters sharing one font and one direction, ready to measure and draw."""

    text: str  # logical order
    kind: Kind
    rtl: bool
    width: float


@dataclass(frozen=True)
class Lines:
    """A wrapped caption: each line is its runs in visual order, left to right."""

    lines: tuple[tuple[Run, ...], ...]
    px: int
    rtl: bool
    has_arabic: bool

    @property
    def line_height(self) -> int:
        return _line_height(self.px, self.has_arabic)

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)

    def line_width(self, index: int) -> float:
        return sum(run.width for run in self.lines[index])


def _line_height(px: int, has_arabic: bool) -> int:
    # Arabic letters reach further above and below the line than Latin ones.
    return round(px * (1.5 if has_arabic else 1.22))


def clean(text: str) -> str:
    """Normalise, drop invisible and control characters, collapse white space, bound length."""
    kept: list[str] = []
    # Whatever survives cleaning is cut at MAX_CHARS anyway; this bounds the work first.
    for char in unicodedata.normalize("NFC", text[: MAX_CHARS * 4]):
        code = ord(char)
        category = unicodedata.category(char)
        if char in (ZWJ, ZWNJ) or 0xE0020 <= code <= 0xE007F:
            kept.append(char)  # emoji sequences and Persian non-joining need these
        elif char.isspace() or category in ("Cc", "Zl", "Zp"):
            kept.append(" ")
        elif category in ("Cf", "Cs", "Co"):
            continue  # bidi controls, zero-width spaces, lone surrogates, private use
        else:
            kept.append(char)
    cleaned = " ".join("".join(kept).split())
    if len(cleaned) > MAX_CHARS:
        cleaned = cleaned[:MAX_CHARS].rstrip(ZWJ + ZWNJ + " ") + ELLIPSIS
    return cleaned


def split_clusters(text: str) -> list[str]:
    """User-perceived characters: a letter with its marks, or a whole emoji sequence."""
    clusters: list[str] = []
    i = 0
    while i < len(text):
        j = i + 1
        if emoji.is_regional_indicator(text[i]) and j < len(text):
            j += int(emoji.is_regional_indicator(text[j]))
        while j < len(text):
            char = text[j]
            after_emoji = emoji.is_emoji(text[i:j])
            if unicodedata.category(char).startswith("M") or emoji.is_extender(
                char, after_emoji=after_emoji
            ):
                j += 1
            elif char == ZWJ:
                j += 2 if j + 1 < len(text) else 1
            else:
                break
        clusters.append(text[i:j])
        i = j
    return clusters


def _is_arabic(char: str) -> bool:
    code = ord(char)
    return (
        0x0600 <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x08A0 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
    )


def _bidi(char: str) -> Bidi:
    kind = unicodedata.bidirectional(char)
    if kind == "L":
        return "L"
    if kind in ("R", "AL"):
        return "R"
    if kind in ("EN", "AN"):
        return "EN"
    return "N"


_PROBE_PX = 32


def _covers(kind: Kind, char: str) -> bool:
    font = fonts.emoji_font() if kind == "emoji" else fonts.text_font(kind, _PROBE_PX)
    return font is not None and (char == " " or fonts.has_glyph(font, char))


def classify(text: str) -> list[Cluster]:
    """Split cleaned text into clusters and choose the font each is drawn with.

    Letters choose by script; spaces, digits and punctuation take the font of the letters
    around them so that a run of Arabic words stays one run (and joins). Characters no
    installed font can draw are dropped rather than shown as empty boxes.
    """
    raw = split_clusters(text)
    strong: list[Kind | None] = []
    for cluster in raw:
        first = cluster[0]
        if emoji.is_emoji(cluster) and _covers("emoji", first):
            strong.append("emoji")
        elif _is_arabic(first):
            strong.append("arabic")
        elif _bidi(first) == "L":
            strong.append("text")
        else:
            strong.append(None)
    out: list[Cluster] = []
    for index, cluster in enumerate(raw):
        kind = strong[index]
        if kind is None:
            kind = _neighbour_kind(strong, index)
        if kind != "emoji" and not _covers(kind, cluster[0]):
            other: Kind = "text" if kind == "arabic" else "arabic"
            if not _covers(other, cluster[0]):
                continue
            kind = other
        out.append(Cluster(cluster, kind, _bidi(cluster[0])))
    return out


def _neighbour_kind(strong: Sequence[Kind | None], index: int) -> Kind:
    before = (k for k in reversed(strong[:index]) if k is not None and k != "emoji")
    after = (k for k in strong[index + 1 :] if k is not None and k != "emoji")
    return next(before, None) or next(after, None) or "text"


def _levels(clusters: Sequence[Cluster], base_rtl: bool) -> list[int]:
    """Embedding levels (UAX #9 rules W2, W7, N1, N2, I1, I2) for one line."""
    base = "R" if base_rtl else "L"
    last_strong = base
    directions: list[str | None] = []
    numbers: list[bool] = []
    for cluster in clusters:
        if cluster.bidi in ("L", "R"):
            last_strong = cluster.bidi
            directions.append(cluster.bidi)
        elif cluster.bidi == "EN":
            # A number after Latin letters reads as Latin; otherwise it sides with Arabic.
            directions.append("L" if last_strong == "L" else "R")
        else:
            directions.append(None)
        numbers.append(cluster.bidi == "EN")
    resolved: list[str] = []
    for index, direction in enumerate(directions):
        if direction is not None:
            resolved.append(direction)
            continue
        before = next((d for d in reversed(directions[:index]) if d is not None), base)
        after = next((d for d in directions[index + 1 :] if d is not None), base)
        resolved.append(before if before == after else base)
    levels: list[int] = []
    for direction, number in zip(resolved, numbers, strict=True):
        if base_rtl:
            levels.append(1 if direction == "R" and not number else 2)
        elif number:
            levels.append(2 if direction == "R" else 0)
        else:
            levels.append(1 if direction == "R" else 0)
    return levels


def _visual_order(levels: Sequence[int]) -> list[int]:
    """Indices in display order, left to right (UAX #9 rule L2)."""
    order = list(range(len(levels)))
    if not levels:
        return order
    lowest_odd = min(levels) | 1
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < level:
                i += 1
                continue
            j = i
            while j < len(order) and levels[order[j]] >= level:
                j += 1
            order[i:j] = reversed(order[i:j])
            i = j
    return order


def prepared(
    run_text: str, kind: Kind, rtl: bool, font: ImageFont.FreeTypeFont
) -> tuple[str, str | None]:
    """The string and direction handed to Pillow for one run.

    With libraqm the text stays in logical order and raqm shapes and orders it. Without it
    (or for Pillow's built-in font, which never uses raqm) Arabic is joined here and a
    right-to-left run is reversed, with its brackets mirrored.
    """
    if font.layout_engine == ImageFont.Layout.RAQM:
        return run_text, "rtl" if rtl else "ltr"
    shaped = arabic.shape(run_text) if kind == "arabic" else run_text
    shaped = shaped.replace(ZWJ, "").replace(ZWNJ, "")
    return (shaped[::-1].translate(_MIRRORED) if rtl else shaped), None


def _run_width(run_text: str, kind: Kind, rtl: bool, px: int) -> float:
    if kind == "emoji":
        height = round(px * _EMOJI_HEIGHT)
        total = 0.0
        for cluster in split_clusters(run_text):
            image = emoji.glyph(cluster)
            if image is not None:
                total += image.width * height / image.height + px * _EMOJI_GAP
        return total
    font = fonts.text_font(kind, px)
    if font is None:
        return 0.0
    string, direction = prepared(run_text, kind, rtl, font)
    return font.getlength(string, direction=direction)


def layout_line(clusters: Sequence[Cluster], px: int, base_rtl: bool) -> tuple[Run, ...]:
    """One line's runs in visual order, each measured at ``px``."""
    levels = _levels(clusters, base_rtl)
    runs: list[Run] = []
    group: list[Cluster] = []
    group_level = -1

    def flush() -> None:
        if not group:
            return
        rtl = group_level % 2 == 1
        # Within a right-to-left run the display order is the reverse of the logical one.
        logical = list(reversed(group)) if rtl else group
        text = "".join(c.text for c in logical)
        kind = group[0].kind
        runs.append(Run(text, kind, rtl, _run_width(text, kind, rtl, px)))

    for index in _visual_order(levels):
        cluster = clusters[index]
        if group and (cluster.kind != group[0].kind or levels[index] != group_level):
            flush()
            group = []
        group.append(cluster)
        group_level = levels[index]
    flush()
    return tuple(runs)


def _words(clusters: Sequence[Cluster]) -> list[list[Cluster]]:
    words: list[list[Cluster]] = [[]]
    for cluster in clusters:
        if cluster.is_space:
            if words[-1]:
                words.append([])
        else:
            words[-1].append(cluster)
    return [w for w in words if w]


def _width(clusters: Sequence[Cluster], px: int, base_rtl: bool) -> float:
    return sum(run.width for run in layout_line(clusters, px, base_rtl))


def _wrap(
    words: Sequence[list[Cluster]],
    widths: Sequence[float],
    space: float,
    max_width: float,
) -> list[list[int]] | None:
    """Greedy word wrap; ``None`` when some single word is wider than a line."""
    lines: list[list[int]] = []
    current = 0.0
    for index, width in enumerate(widths):
        if width > max_width:
            return None
        if lines and current + space + width <= max_width:
            lines[-1].append(index)
            current += space + width
        else:
            lines.append([index])
            current = width
    return lines


def _assemble(
    words: Sequence[list[Cluster]], wrapped: Sequence[Sequence[int]]
) -> list[list[Cluster]]:
    """Lines of clusters from the word indices of each line, words joined by spaces."""
    lines: list[list[Cluster]] = []
    for indices in wrapped:
        line: list[Cluster] = []
        for index in indices:
            if line:
                line.append(_space(line[-1].kind))
            line.extend(words[index])
        lines.append(line)
    return lines


def _space(kind: Kind) -> Cluster:
    return Cluster(" ", "text" if kind == "emoji" else kind, "N")


def _break_long(
    clusters: Sequence[Cluster], px: int, base_rtl: bool, max_width: float
) -> list[list[Cluster]]:
    """Cut a run of clusters with no spaces into pieces that each fit a line.

    Widths are summed per cluster (each distinct cluster measured once): shaping across
    the cut hardly changes them, and measuring every growing prefix would cost a shaping
    call per character.
    """
    measured: dict[Cluster, float] = {}
    pieces: list[list[Cluster]] = []
    current: list[Cluster] = []
    used = 0.0
    for cluster in clusters:
        if cluster not in measured:
            measured[cluster] = _width([cluster], px, base_rtl)
        width = measured[cluster]
        if current and used + width > max_width * 0.97:
            pieces.append(current)
            current, used = [], 0.0
        current.append(cluster)
        used += width
    if current:
        pieces.append(current)
    return pieces


def _ellipsize(line: list[Cluster], px: int, base_rtl: bool, max_width: float) -> list[Cluster]:
    kind: Kind = line[-1].kind if line and line[-1].kind != "emoji" else "text"
    mark = Cluster(ELLIPSIS, kind, "N")
    while line and (line[-1].is_space or _width([*line, mark], px, base_rtl) > max_width):
        line = line[:-1]
    return [*line, mark]


def fit(
    text: str,
    *,
    max_width: float,
    max_height: float,
    max_lines: int,
    px_max: int,
    px_min: int,
    rtl: bool,
) -> Lines | None:
    """Wrap ``text`` into at most ``max_lines`` lines, as large as fits between the sizes.

    At the smallest size, words longer than a line are cut and text beyond the last line
    is replaced by an ellipsis. ``None`` when nothing drawable is left of the text.
    """
    clusters = classify(clean(text))
    words = _words(clusters)
    if not words:
        return None
    has_arabic = any(c.kind == "arabic" for c in clusters)
    # Words are measured once, at the largest size; text widths grow in proportion to the
    # size, so smaller sizes are estimated and only the chosen lines are measured again.
    reference = [_width(word, px_max, rtl) for word in words]
    reference_space = _run_width(" ", "text", rtl, px_max)
    step = max(1, (px_max - px_min) // 8)
    for px in range(px_max, px_min, -step):
        lines_allowed = min(max_lines, int(max_height // _line_height(px, has_arabic)))
        scale = px / px_max
        widths = [width * scale for width in reference]
        space = reference_space * scale
        # Cheap rejection: the words cannot fit the lines even if packed perfectly.
        if sum(widths) + space * (len(words) - 1) > max_width * lines_allowed:
            continue
        wrapped = _wrap(words, widths, space, max_width)
        if wrapped is None or len(wrapped) > lines_allowed:
            continue
        lines = _lines(_assemble(words, wrapped), px, rtl, has_arabic)
        if all(lines.line_width(i) <= max_width for i in range(len(lines.lines))):
            return lines
    lines_allowed = max(1, min(max_lines, int(max_height // _line_height(px_min, has_arabic))))
    return _fit_smallest(words, px_min, rtl, max_width, lines_allowed, has_arabic)


def _fit_smallest(
    words: Sequence[list[Cluster]],
    px: int,
    rtl: bool,
    max_width: float,
    max_lines: int,
    has_arabic: bool,
) -> Lines:
    pieces: list[list[Cluster]] = []
    for word in words:
        if _width(word, px, rtl) > max_width:
            pieces.extend(_break_long(word, px, rtl, max_width))
        else:
            pieces.append(word)
    widths = [_width(piece, px, rtl) for piece in pieces]
    space = _run_width(" ", "text", rtl, px)
    wrapped = _wrap(pieces, widths, space, max_width) or [[i] for i in range(len(pieces))]
    lines = _assemble(pieces, wrapped)
    if len(lines) > max_lines:
        last = [*lines[max_lines - 1], _space(lines[max_lines - 1][-1].kind)]
        lines = [*lines[: max_lines - 1], _ellipsize(last, px, rtl, max_width)]
    return _lines(lines, px, rtl, has_arabic)


def _lines(lines: Sequence[Sequence[Cluster]], px: int, rtl: bool, has_arabic: bool) -> Lines:
    return Lines(tuple(layout_line(line, px, rtl) for line in lines), px, rtl, has_arabic)


def draw(
    image: Image.Image,
    caption: Lines,
    box: tuple[int, int, int, int],
    *,
    ink: tuple[int, int, int],
    align: Align = "center",
) -> None:
    """Draw the lines vertically centred in ``box``; "start" is the right for right-to-left."""
    left, top, right, bottom = box
    drawing = ImageDraw.Draw(image)
    y = top + (bottom - top - caption.height) / 2
    # The baseline sits a little below the middle of the line box.
    baseline_offset = caption.line_height / 2 + caption.px * 0.36
    for index, runs in enumerate(caption.lines):
        width = caption.line_width(index)
        if align == "start":
            align = "right" if caption.rtl else "left"
        if align == "center":
            x = left + (right - left - width) / 2
        elif align == "right":
            x = right - width
        else:
            x = float(left)
        baseline = y + baseline_offset
        for run in runs:
            _draw_run(image, drawing, run, (x, baseline), caption.px, ink)
            x += run.width
        y += caption.line_height


def _draw_run(
    image: Image.Image,
    drawing: ImageDraw.ImageDraw,
    run: Run,
    origin: tuple[float, float],
    px: int,
    ink: tuple[int, int, int],
) -> None:
    x, baseline = origin
    if run.kind == "emoji":
        height = round(px * _EMOJI_HEIGHT)
        clusters = split_clusters(run.text)
        for cluster in reversed(clusters) if run.rtl else clusters:
            picture = emoji.scaled(cluster, height)
            if picture is None:
                continue
            x += px * _EMOJI_GAP / 2
            # Sit the emoji on the baseline, dipping slightly like a letter with a descender.
            image.paste(picture, (round(x), round(baseline - height * 0.88)), picture)
            x += picture.width + px * _EMOJI_GAP / 2
        return
    font = fonts.text_font(run.kind, px)
    if font is None:
        return
    string, direction = prepared(run.text, run.kind, run.rtl, font)
    drawing.text((x, baseline), string, font=font, fill=ink, anchor="ls", direction=direction)
