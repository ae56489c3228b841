"""Turning the dialogs' outputs into messages any channel can show.

Both the Telegram bot and the web chat show a ``Reply``: text in the learner's
language, buttons (mirrored for right-to-left readers) and an optional picture card.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.i18n import is_rtl, render
from api.pictures.cards import render_card, render_summary_card
from dialogs.outputs import Say

TELEGRAM_CAPTION_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class ReplyButton:
    label: str
    data: str
    # "tap": data goes back to the dialog; "url": data is a link to open; "copy": text to copy.
    kind: str = "tap"


@dataclass(frozen=True, slots=True)
class Card:
    """A picture to draw: one big emoji with a label, or the portfolio at a glance."""

    emoji: str
    label: str
    rtl: bool
    # (emoji, label, count) rows for the portfolio card; empty for a single picture.
    rows: tuple[tuple[str, str, int], ...] = ()


def card_png(card: Card) -> bytes:
    """The card as a PNG: the portfolio at a glance when it has rows, else one picture."""
    if card.rows:
        return render_summary_card(card.label, card.rows, rtl=card.rtl)
    return render_card(card.emoji, card.label or None, rtl=card.rtl)


@dataclass(frozen=True, slots=True)
class ReplyFile:
    """A file the learner gets with a message: their credential, a badge, their data."""

    name: str
    data: bytes
    mime: str


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[tuple[ReplyButton, ...], ...] = ()
    card: Card | None = None
    # The emoji that stands for the picture when no card is drawn.
    emoji: str = ""
    alt: str = ""
    replace_tapped: bool = False
    rtl: bool = False
    # Sent as a document (never as a photo: Telegram would recompress a PNG and drop
    # the credential baked into it).
    file: ReplyFile | None = None

    @property
    def text_with_emoji(self) -> str:
        return f"{self.emoji} {self.text}" if self.emoji and not self.card else self.text


def render_say(say: Say, locale: str, summary_rows: tuple[tuple[str, str, int], ...] = ()) -> Reply:
    rtl = is_rtl(locale)
    rows = []
    for row in say.buttons:
        rendered = tuple(
            ReplyButton(
                _button_label(
                    MIRRORED_EMOJI.get(b.emoji, b.emoji) if rtl else b.emoji,
                    render(b.label, locale),
                ),
                b.value,
                b.kind,
            )
            for b in row
        )
        # Right-to-left readers start at the right: the first button belongs there.
        rows.append(tuple(reversed(rendered)) if rtl else rendered)
    text = render(say.text, locale)
    emoji = say.picture.emoji if say.picture else ""
    alt = render(say.picture.alt, locale) if say.picture else ""
    card: Card | None = None
    if say.summary_card and summary_rows:
        card = Card(emoji or "📋", alt, rtl, summary_rows)
    elif say.card and say.picture:
        card = Card(emoji, alt, rtl)
    return Reply(
        text=text,
        buttons=tuple(rows),
        card=card,
        emoji=emoji,
        alt=alt,
        replace_tapped=say.replace_tapped,
        rtl=rtl,
    )


# Arrows that mean "back" or "forward" point the other way for right-to-left readers.
MIRRORED_EMOJI = {"⬅️": "➡️", "➡️": "⬅️", "↩️": "↪️"}


def _button_label(emoji: str, label: str) -> str:
    return f"{emoji} {label}" if emoji else label
