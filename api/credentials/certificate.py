"""A printable PDF certificate of one credential, with a QR code that checks it.

Drawn with fpdf2 and its HarfBuzz text shaping (uharfbuzz), so Arabic is joined and
laid out right to left as real, selectable, searchable text; drawing the words as a
picture with our Pillow shaping would make them unreadable to screen readers and to
copy and paste. The fonts are the system's (Noto Sans, with Noto Sans Arabic as the
fallback for Arabic letters; DejaVu where Noto is missing); nothing is downloaded.

The certificate is a picture of the credential, not the credential: only the signed
JSON (or the baked badge) proves anything, which is why the QR code opens the page
that checks our stored copy.

A certificate is drawn inside a chat turn, and most of its time went on the fonts:
reading each one (its widths, character map and glyph ids), then cutting each down to
the letters used. So each font is read once per process and every certificate gets
its own copy of what a document changes (see ``_own_copy``), and the Arabic fonts are
added only when some letter needs them: fpdf2 embeds every font it was given, used or
not.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from api.credentials.texts import summary
from api.i18n import is_rtl, render
from api.pictures.fonts import search_dirs
from dialogs.texts import N_

HEADING: Final = N_("Certificate")
AWARDED_TO: Final = N_("Awarded to {learner}")
ASSESSED: Final = N_("How it was assessed")
ISSUED_BY: Final = N_("Issued by {issuer} on {date}")
SCAN: Final = N_("Scan the code to check that this certificate is genuine and still valid.")
ONLY_PROOF: Final = N_("The signed credential file is the proof. This paper is a copy of it.")

REGULAR: Final = ("NotoSans-Regular.ttf", "DejaVuSans.ttf", "LiberationSans-Regular.ttf")
BOLD: Final = ("NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf")
ARABIC: Final = ("NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf", "DejaVuSans.ttf")
ARABIC_BOLD: Final = ("NotoSansArabic-Bold.ttf", "NotoNaskhArabic-Bold.ttf", "DejaVuSans-Bold.ttf")
# Dropped from the embedded fonts by fpdf2 (fpdf/output.py), so never needed there.
LAYOUT_TABLES: Final = ("GDEF", "GSUB", "GPOS")
INK: Final = (33, 37, 41)
MUTED: Final = (88, 96, 105)
ACCENT: Final = (31, 94, 140)


class NoFont(RuntimeError):
    """No TrueType font on this machine to write the certificate with."""


@cache
def _font_index() -> dict[str, Path]:
    index: dict[str, Path] = {}
    for folder in search_dirs():
        if folder.is_dir():
            for path in sorted(folder.rglob("*.tt[fc]")):
                index.setdefault(path.name, path)
    return index


def _font(names: tuple[str, ...]) -> Path:
    index = _font_index()
    for name in names:
        if name in index:
            return index[name]
    raise NoFont(f"none of these fonts is installed: {', '.join(names)}")


@cache
def _read_fonts() -> dict[str, TTFFont]:
    """The four fonts as fpdf2 reads them, by its keys ("body", "bodyB", "arabic"...)."""
    pdf = FPDF()
    pdf.add_font("body", "", str(_font(REGULAR)))
    pdf.add_font("body", "B", str(_font(BOLD)))
    pdf.add_font("arabic", "", str(_font(ARABIC)))
    pdf.add_font("arabic", "B", str(_font(ARABIC_BOLD)))
    return dict(pdf.fonts)  # type: ignore[arg-type]


@cache
def _embeddable(path: Path) -> bytes:
    """The font file without its layout tables, which HarfBuzz reads from the file itself
    and fpdf2 leaves out of the embedded font anyway; on a fresh copy of the whole file,
    fontTools parsed them again for every certificate only to drop them."""
    font = ttLib.TTFont(path, recalcTimestamp=False)
    for tag in LAYOUT_TABLES:
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _own_copy(read: TTFFont, number: int) -> TTFFont:
    """A font for one certificate: what was read is shared and only read from; what a
    document changes is new. fpdf2 notes the glyphs used (``subset``, ``missing_glyphs``),
    cuts the font file down to them in place when it writes the PDF (``ttfont``),
    numbers the font's objects (``desc``), and sets the size on HarfBuzz's font before
    each shaping, so two certificates drawn at once in two threads never share those."""
    font = copy.copy(read)
    font.i = number
    font.ttfont = ttLib.TTFont(
        io.BytesIO(_embeddable(read.ttffile)), recalcTimestamp=False, lazy=True
    )
    font._hbfont = None  # made from the file on first use
    font.cw = copy.copy(read.cw)  # a defaultdict: looking up a missing letter adds it
    font.glyph_ids = dict(read.glyph_ids)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.desc = copy.copy(read.desc)
    font.subset = SubsetMap(font)
    return font


def _pdf(texts: Iterable[str]) -> FPDF:
    """A blank A4 document with the body fonts, and the Arabic ones if ``texts`` need them."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=18)
    fonts = _read_fonts()
    families = ["body"]
    # fpdf2 takes a letter from the fallback when the font in use lacks it (not "\n").
    body = fonts["body"].cmap.keys() & fonts["bodyB"].cmap.keys()
    if any(ord(letter) not in body for text in texts for letter in text if letter != "\n"):
        families.append("arabic")
    for key, read in fonts.items():
        if key.rstrip("BI") in families:
            pdf.fonts[key] = _own_copy(read, len(pdf.fonts) + 1)
    if "arabic" in families:
        # Letters the body font lacks (Arabic in a Swedish name, say) come from the fallback.
        pdf.set_fallback_fonts(["arabic"], exact_match=False)
    return pdf


def _assessment(document: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    elements = document.get("euMicroCredential")
    assessment = elements.get("9_assessment") if isinstance(elements, Mapping) else None
    if isinstance(assessment, Mapping):
        lines += [str(assessment.get(key) or "") for key in ("text", "identityCheckText")]
    for evidence in document.get("evidence") or ():
        if isinstance(evidence, Mapping) and evidence.get("narrative"):
            lines.insert(1 if lines else 0, str(evidence["narrative"]))
    return [line for line in lines if line.strip()]


def certificate_pdf(
    document: Mapping[str, Any], *, locale: str, verify_url: str, qr_png: bytes
) -> bytes:
    """The certificate: headings in the learner's language, the credential's own words."""
    facts = summary(document)
    rtl = is_rtl(locale)
    start = Align.R if rtl else Align.L
    heading = render(HEADING, locale).upper()
    awarded = render(AWARDED_TO(learner=facts["learner"]), locale) if facts.get("learner") else ""
    outcomes = [f"•  {outcome}" for outcome in facts.get("outcomes") or ()]
    assessment = _assessment(document)
    issued = (
        render(ISSUED_BY(issuer=facts["issuer"], date=facts.get("issued") or ""), locale)
        if facts.get("issuer")
        else ""
    )
    scan, only_proof = render(SCAN, locale), render(ONLY_PROOF, locale)
    pdf = _pdf(
        [
            heading,
            facts.get("title") or "",
            awarded,
            *outcomes,
            render(ASSESSED, locale),
            *assessment,
            issued,
            scan,
            verify_url,
            only_proof,
        ]
    )
    pdf.set_lang(locale)
    pdf.set_title(facts.get("title") or render(HEADING, locale))
    pdf.set_creator(str(facts.get("issuer") or ""))
    # Each paragraph takes its direction from its first letter: the headings are in the
    # learner's language, the credential's words in the language it was issued in.
    pdf.set_text_shaping(True)
    pdf.add_page()
    width = pdf.epw

    def write(
        text: str,
        size: float,
        *,
        bold: bool = False,
        colour: tuple[int, int, int] = INK,
        align: Align = start,
        gap: float = 2.0,
    ) -> None:
        pdf.set_font("body", "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(width, size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.8)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
    write(heading, 13, bold=True, colour=ACCENT, align=Align.C, gap=4)
    write(facts.get("title") or "", 22, bold=True, align=Align.C, gap=3)
    if awarded:
        write(awarded, 14, align=Align.C, gap=8)
    for outcome in outcomes:
        write(outcome, 11.5, gap=1.5)
    if assessment:
        pdf.ln(4)
        write(render(ASSESSED, locale), 12, bold=True, colour=ACCENT)
        for line in assessment:
            write(line, 10.5, colour=MUTED, gap=1)
    pdf.ln(4)
    if issued:
        write(issued, 11)
    # The QR code sits at the foot of the page, with what it is for beside it.
    size = 38.0
    top = max(pdf.get_y() + 4, pdf.h - 22 - size)
    if top + size > pdf.h - 18:
        pdf.add_page()
        top = pdf.t_margin
    left = pdf.l_margin if rtl else pdf.w - pdf.r_margin - size
    pdf.image(io.BytesIO(qr_png), x=left, y=top, w=size, h=size)
    pdf.set_xy(pdf.l_margin + (size + 6 if rtl else 0), top + 4)
    text_width = width - size - 6
    pdf.set_font("body", "", 10.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(text_width, 5, scan, align=start, new_x=XPos.LEFT)
    pdf.set_font("body", "", 8)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(text_width, 4, verify_url, align=start, link=verify_url, new_x=XPos.LEFT)
    pdf.multi_cell(text_width, 4, only_proof, align=start)
    return bytes(pdf.output())
