"""Carrying out the chat's ``SharePortfolio``: the link is shown in that turn only.

Like a request's link (bot/asking.py), the token exists in full only in this turn's
reply; the database keeps its hash. ``bot/conversation.py`` calls ``carry_out`` and
shows the reply where the action stands.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from api.i18n import render
from api.portfolio import service
from bot.effects import TELEGRAM, TurnEffects
from bot.rendering import Reply, ReplyButton
from dialogs import pictures
from dialogs.outputs import SharePortfolio
from dialogs.texts import N_, pN_

LINK_MESSAGE = N_(
    "Here is the link to your page:\n{link}\n"
    "Anyone with the link can see the page. You can stop it at any time with /share."
)

OPEN = pN_("button", "Open my page")
COPY = pN_("button", "Copy the link")


def page_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/p/{token}"


async def carry_out(
    session: AsyncSession,
    learner_id: int,
    action: SharePortfolio,
    effects: TurnEffects,
    *,
    base_url: str,
    now: datetime,
) -> None:
    if not action.on:
        await service.stop_sharing(session, learner_id, now=now)
        return
    token = await service.start_sharing(session, learner_id, now=now)
    link = page_link(base_url, token)
    locale = action.locale
    copy = (ReplyButton(f"📋 {render(COPY, locale)}", link, "copy"),)
    buttons: tuple[tuple[ReplyButton, ...], ...] = (copy,)
    if effects.channel != TELEGRAM or link.startswith("https://"):
        # Telegram refuses a button that opens a plain-http or loopback address.
        buttons = ((ReplyButton(f"🌐 {render(OPEN, locale)}", link, "url"),), copy)
    text = render(LINK_MESSAGE(link=link), locale)
    picture = pictures.SHARE
    effects.show(
        action,
        Reply(text=text, buttons=buttons, emoji=picture.emoji, alt=render(picture.alt, locale)),
    )
