"""Reading a Telegram update as a dialog event."""

from __future__ import annotations

from telegram import Message, Update

from dialogs.events import Event

# Message fields that carry something other than text, and what the dialogs call them.
MEDIA_FIELDS: tuple[tuple[str, str], ...] = (
    ("sticker", "sticker"),
    ("voice", "voice"),
    ("audio", "voice"),
    ("video_note", "voice"),
    ("photo", "photo"),
    ("video", "video"),
    ("animation", "video"),
    ("location", "location"),
    ("venue", "location"),
    ("contact", "contact"),
    ("document", "document"),
    ("poll", "other"),
    ("dice", "other"),
)


def event_from_update(update: Update) -> Event | None:
    """The event in this update, or None for updates that are not a learner speaking."""
    if update.callback_query is not None:
        return Event.tap(update.callback_query.data or "")
    if update.edited_message is not None:
        return Event.edited()
    message = update.message
    if message is None:
        return None
    return event_from_message(message)


def event_from_message(message: Message) -> Event:
    text = message.text
    if text is not None:
        if text.startswith("/") and len(text) > 1:
            name, _, rest = text.partition(" ")
            # Only /start carries a payload (a deep link); other commands take no words.
            payload = rest.strip()[:64] if name.split("@", 1)[0] == "/start" else ""
            return Event.command(name.split()[0], payload)
        return Event.text(text)
    for field, kind in MEDIA_FIELDS:
        if getattr(message, field, None):
            return Event.media(kind)
    return Event.media("other")
