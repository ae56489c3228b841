"""Carrying out what the learner asked for in /merits: files, links, withdrawing.

Each action acts only on a credential the learner holds (checked here, whatever the
dialog's snapshot said). What it makes is shown where the action stands among the
turn's outputs (``TurnEffects.shown``): a file reaches Telegram as a document and the
web chat as bytes in the message. A share link's token exists in full only in this
turn's reply; the database keeps its hash (api/credentials/sharing.py).

Drawing a badge or a certificate takes a few milliseconds of CPU, so it runs in a
worker thread and other chats are not held up meanwhile.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.credentials import baking, certificate, qrcode, service, sharing
from api.credentials.models import Credential
from api.i18n import is_rtl, render
from api.pictures.cards import render_card
from api.skills.catalogue import Catalogue
from bot.effects import TurnEffects
from bot.rendering import Reply, ReplyButton, ReplyFile
from dialogs.outputs import MeritAction, SendMerit, ShareMerit, WithdrawMerit
from dialogs.texts import N_, Msg, pN_

CAPTIONS: Final[dict[str, tuple[str, Msg]]] = {
    "json": (
        "📄",
        N_(
            "Here is your merit as a file. It is signed, so anyone can check that it is "
            "real. Keep it safe."
        ),
    ),
    "badge": (
        "🏅",
        N_(
            "Here is your badge picture. The merit is inside the picture. "
            "You can add it where you show what you can do."
        ),
    ),
    "qr": ("📱", N_("Here is a QR code. It opens a page that checks your merit.")),
    "pdf": ("🖨️", N_("Here is a certificate to print. Its QR code checks the merit.")),
}
NOT_FOUND: Final = N_("I could not find that merit.")
LINK_MESSAGE: Final = N_(
    "Here is a link to a page with your merit:\n{link}\n"
    "Anyone with the link can see it. You can stop the link at any time."
)
OPEN: Final = pN_("button", "Open the page")
COPY: Final = pN_("button", "Copy the link")


async def _held(session: AsyncSession, learner_id: int, credential_id: str) -> Credential | None:
    found = await session.execute(
        select(Credential).where(
            Credential.id == credential_id, Credential.learner_id == learner_id
        )
    )
    return found.scalar_one_or_none()


async def carry_out(
    session: AsyncSession,
    learner_id: int,
    action: MeritAction,
    effects: TurnEffects,
    *,
    base_url: str,
    catalogue: Catalogue,
    now: datetime,
) -> None:
    credential_id = getattr(action, "credential_id", "")
    held = await _held(session, learner_id, credential_id)
    if held is None:
        locale = getattr(action, "locale", "sv")
        effects.show(action, Reply(text=render(NOT_FOUND, locale), emoji="⚠️"))
        return
    if isinstance(action, WithdrawMerit):
        await service.revoke(session, held.id, reason=service.WITHDRAWN, now=now)
    elif isinstance(action, ShareMerit) and not action.on:
        await sharing.stop(session, learner_id, held.id, now=now)
    elif isinstance(action, ShareMerit):
        token = await sharing.share(session, learner_id, held.id, now=now)
        assert token is not None  # the learner holds it: checked above
        effects.show(action, _link_reply(sharing.share_url(base_url, token), action.locale))
    elif isinstance(action, SendMerit):
        file = await asyncio.to_thread(
            merit_file, held, action.form, action.locale, base_url, catalogue
        )
        emoji, caption = CAPTIONS[action.form]
        effects.show(action, Reply(text=render(caption, action.locale), emoji=emoji, file=file))


def _link_reply(link: str, locale: str) -> Reply:
    buttons = (
        (ReplyButton(f"🌐 {render(OPEN, locale)}", link, "url"),),
        (ReplyButton(f"📋 {render(COPY, locale)}", link, "copy"),),
    )
    return Reply(text=render(LINK_MESSAGE(link=link), locale), buttons=buttons, emoji="🔗")


def _language(document: dict[str, Any], fallback: str) -> str:
    achievement = document.get("credentialSubject", {}).get("achievement", {})
    language = achievement.get("inLanguage") if isinstance(achievement, dict) else None
    return language if isinstance(language, str) and language else fallback


def merit_file(
    credential: Credential, form: str, locale: str, base_url: str, catalogue: Catalogue
) -> ReplyFile:
    """The credential as the file the learner asked for."""
    document = credential.document
    stem = f"merit-{credential.skill_id or credential.id[:8]}"
    if form == "json":
        data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        return ReplyFile(f"{stem}.json", data, "application/json")
    url = qrcode.verify_url(base_url, credential.id)
    if form == "qr":
        return ReplyFile(f"{stem}-qr.png", qrcode.qr_png(url), "image/png")
    if form == "pdf":
        pdf = certificate.certificate_pdf(
            document, locale=locale, verify_url=url, qr_png=qrcode.qr_png(url)
        )
        return ReplyFile(f"{stem}.pdf", pdf, "application/pdf")
    if form != "badge":
        raise ValueError(f"no such form of a merit: {form!r}")
    skill = catalogue.get(credential.skill_id) if credential.skill_id else None
    picture = render_card(
        skill.picture if skill is not None else "🏅",
        str(document.get("name") or ""),
        rtl=is_rtl(_language(document, locale)),
    )
    return ReplyFile(f"{stem}.png", baking.bake(picture, document), "image/png")
