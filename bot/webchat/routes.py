"""The local web chat at ``/chat``: the same dialogs as in Telegram, in a browser.

A learner is known by a random cookie; only its hash is used as the chat id. The
page asks for the current step on load, so a reload or a restart of the service
continues exactly where the learner was.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import secrets
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Cookie, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from api.db.outage import RETRY_AFTER_SECONDS, log_failure
from api.i18n import is_rtl, resolve_locale, translations
from api.notices.service import news_for_chat
from api.page_language import browser_language, page_locale
from api.templating import templates
from bot.conversation import ConversationService
from bot.news import news_json
from bot.rendering import Card, Reply, ReplyFile, card_png
from dialogs.events import Event

log = logging.getLogger(__name__)
CHANNEL = "web"
COOKIE = "meritkompis_chat"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365
STATIC_DIR = Path(__file__).resolve().parent / "static"
# A card's description travels in its URL; this bounds what a URL can ask us to draw.
MAX_CARD_SPEC = 2048

router = APIRouter()


class ChatEvent(BaseModel):
    # "start": the page was opened by an invite link (/chat?start=<payload>).
    kind: Literal["text", "tap", "resume", "start"]
    # Longer than any message a learner may send, so the dialog itself can answer kindly.
    value: str = Field(default="", max_length=10_000)


# Each chat's language at its last answer, for the "try again" message when a turn
# fails before the stored one can be read. Bounded: the oldest chats are forgotten.
_LAST_LOCALE: OrderedDict[str, str] = OrderedDict()
_LAST_LOCALE_SIZE = 10_000


def _remember_locale(chat: str, locale: str) -> None:
    _LAST_LOCALE[chat] = locale
    _LAST_LOCALE.move_to_end(chat)
    while len(_LAST_LOCALE) > _LAST_LOCALE_SIZE:
        _LAST_LOCALE.popitem(last=False)


def _chat_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:40]


# Public for the endorser's page: an answer sent from the learner's own browser is a signal.
chat_id = _chat_id


def _service(request: Request) -> ConversationService:
    return request.app.state.conversations  # type: ignore[no-any-return]


@router.get("/chat", response_class=HTMLResponse)
async def chat_page(
    request: Request, meritkompis_chat: Annotated[str | None, Cookie()] = None
) -> Response:
    locale = page_locale(request, browser_language(request))
    catalog = translations(locale)
    response = templates.TemplateResponse(
        request,
        "chat.html",
        {
            "locale": locale,
            "dir": "rtl" if is_rtl(locale) else "ltr",
            "gettext": catalog.gettext,
            "pgettext": catalog.pgettext,
        },
    )
    if not meritkompis_chat:
        response.set_cookie(
            COOKIE,
            secrets.token_urlsafe(24),
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="strict",
        )
    return response


@router.post("/chat/events")
async def chat_event(
    request: Request,
    event: ChatEvent,
    meritkompis_chat: Annotated[str | None, Cookie()] = None,
) -> dict[str, Any]:
    if not meritkompis_chat:
        raise HTTPException(status_code=400, detail="no chat cookie; reload the page")
    if event.kind == "text":
        dialog_event = Event.text(event.value)
    elif event.kind == "tap":
        dialog_event = Event.tap(event.value)
    elif event.kind == "start":
        dialog_event = Event.command("start", event.value[:64])
    else:
        dialog_event = Event.resume()
    try:
        result = await _service(request).handle(
            CHANNEL,
            _chat_id(meritkompis_chat),
            dialog_event,
            language_hint=browser_language(request),
        )
    except Exception as error:
        # The learner's answers up to the last turn are saved; say so and let them retry,
        # in the language of their last answer (the database may be what failed).
        log_failure(log, "a web chat turn failed", error)
        locale = resolve_locale(
            _LAST_LOCALE.get(_chat_id(meritkompis_chat)), browser_language(request)
        )
        return JSONResponse(  # type: ignore[return-value]
            {"error": page_texts(locale)["error"]},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    _remember_locale(_chat_id(meritkompis_chat), result.locale)
    news = await _news(request, _chat_id(meritkompis_chat))
    return {
        "locale": result.locale,
        "dir": "rtl" if is_rtl(result.locale) else "ltr",
        "ui": page_texts(result.locale),
        # News first, so the question being asked stays the newest message.
        "messages": news + [_reply_json(reply) for reply in result.replies],
    }


@router.get("/chat/news")
async def chat_news(
    request: Request, meritkompis_chat: Annotated[str | None, Cookie()] = None
) -> dict[str, Any]:
    """What happened since the last turn (an endorser answered); the page polls this."""
    if not meritkompis_chat:
        return {"messages": []}
    return {"messages": await _news(request, _chat_id(meritkompis_chat))}


async def _news(request: Request, chat_id: str) -> list[dict[str, Any]]:
    state = request.app.state
    if not hasattr(state, "sessions") or not hasattr(state, "catalogue"):
        return []
    try:
        found = await news_for_chat(state.sessions, CHANNEL, chat_id, state.catalogue)
    except Exception as error:
        # The news stays pending; the next poll brings it.
        log_failure(log, "could not read the learner's news", error)
        return []
    return [news_json(item) for item in found]


def page_texts(locale: str) -> dict[str, str]:
    """The page's own words, so a language change mid-chat changes them too."""
    catalog = translations(locale)
    return {
        "send": str(catalog.pgettext("button", "Send")),
        "placeholder": catalog.gettext("Write here…"),
        "label": catalog.gettext("Your message"),
        "error": catalog.gettext(
            "Sorry, something went wrong. Your answers are saved. Please try again in a moment."
        ),
        "offline": catalog.gettext(
            "I cannot reach the service right now. Please try again in a moment."
        ),
    }


@router.get("/chat/cards/{spec}.png")
async def card(spec: str) -> Response:
    if len(spec) > MAX_CARD_SPEC:
        raise HTTPException(status_code=404)
    try:
        data = json.loads(base64.urlsafe_b64decode(spec + "=" * (-len(spec) % 4)))
        card = Card(
            emoji=str(data["e"])[:16],
            label=str(data.get("l", ""))[:120],
            rtl=bool(data.get("r")),
            rows=tuple(
                (str(e)[:16], str(label)[:60], int(n)) for e, label, n in data.get("s", [])[:6]
            ),
        )
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise HTTPException(status_code=404) from None
    return Response(
        card_png(card), media_type="image/png", headers={"Cache-Control": "public, max-age=86400"}
    )


def card_url(card: Card) -> str:
    spec = {"e": card.emoji, "l": card.label, "r": int(card.rtl), "s": [list(r) for r in card.rows]}
    encoded = base64.urlsafe_b64encode(json.dumps(spec, ensure_ascii=False).encode()).decode()
    return f"/chat/cards/{encoded.rstrip('=')}.png"


def _reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "emoji": reply.emoji,
        "alt": reply.alt,
        "picture": card_url(reply.card) if reply.card else None,
        "replace": reply.replace_tapped,
        "buttons": [
            [{"label": b.label, "data": b.data, "kind": b.kind} for b in row]
            for row in reply.buttons
        ],
        "file": _file_json(reply.file) if reply.file else None,
    }


def _file_json(file: ReplyFile) -> dict[str, str]:
    # Inline, so the file needs no second request and no URL that could be guessed.
    return {"name": file.name, "mime": file.mime, "data": base64.b64encode(file.data).decode()}


static_files = StaticFiles(directory=STATIC_DIR)
