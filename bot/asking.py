"""Carrying out the chat's endorsement actions, and showing the message to forward.

A request's link carries a token that is stored only as a hash, so the message with
the link can be shown only in the turn that makes it (or makes a reminder). The token
lives in ``TurnEffects`` (bot/effects.py) for that one turn: never in the dialog state,
never in a log.

The learner forwards the message with one tap: in Telegram a share link and a copy
button; in the web chat ``mailto:`` and ``sms:`` links and a copy button. Where e-mail
is set up and the learner asked for it, the service sends it, after the turn's
transaction has committed, so a turn done again never sends twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

import aiosmtplib
from sqlalchemy.ext.asyncio import AsyncSession

from api.endorsements import asking
from api.endorsements import service as endorsements
from api.endorsements.invitation import share_text
from api.i18n import render
from api.mail import Mailer, MailNotConfigured
from api.settings import Settings
from api.skills.catalogue import Catalogue
from bot.effects import TELEGRAM, TELEGRAM_SHARE, Made, TurnEffects
from bot.rendering import Reply, ReplyButton
from dialogs.outputs import (
    AskForEndorsement,
    CancelRequest,
    EndorsementAction,
    Output,
    RemindEndorser,
)
from dialogs.texts import N_, Msg, pN_

log = logging.getLogger(__name__)


async def carry_out(
    session: AsyncSession,
    learner_id: int,
    action: EndorsementAction,
    effects: TurnEffects,
    *,
    settings: Settings,
    catalogue: Catalogue,
    now: datetime,
) -> None:
    if isinstance(action, AskForEndorsement):
        request, invitation, link = await asking.make_request(
            session,
            learner_id,
            action,
            now=now,
            lifetime=timedelta(days=settings.endorsement_days),
            base_url=settings.base_url,
            catalogue=catalogue,
            web_chat=effects.chat_id if effects.channel == "web" else None,
        )
        effects.made[id(action)] = Made(
            invitation, link, request.endorser_email, request.endorser_phone, action.send_email
        )
    elif isinstance(action, RemindEndorser):
        made = await asking.make_reminder(
            session,
            learner_id,
            action.request_id,
            now=now,
            base_url=settings.base_url,
            catalogue=catalogue,
        )
        if made is None:
            effects.failed.add(id(action))
        else:
            request, invitation, link = made
            effects.made[id(action)] = Made(
                invitation, link, request.endorser_email, request.endorser_phone, False
            )
    elif isinstance(action, CancelRequest):
        await endorsements.cancel(session, learner_id, action.request_id, now=now)


def replies_for(output: Output, effects: TurnEffects | None, locale: str) -> list[Reply]:
    """The message to forward where the action stands among the turn's outputs."""
    if effects is None or not isinstance(output, EndorsementAction):
        return []
    key = id(output)
    if key in effects.failed:
        text = render(N_("This request is no longer open, so I made no reminder."), locale)
        return [Reply(text=text, emoji="⚠️")]
    made = effects.made.get(key)
    if made is None:
        return []
    reply = Reply(text=made.invitation.body, buttons=_forward_buttons(made, effects, locale))
    return [reply]


def _forward_buttons(
    made: Made, effects: TurnEffects, locale: str
) -> tuple[tuple[ReplyButton, ...], ...]:
    def label(emoji: str, text: Msg) -> str:
        return f"{emoji} {render(text, locale)}"

    invitation = made.invitation
    if effects.channel == TELEGRAM:
        share = (
            TELEGRAM_SHARE
            + "?"
            + urlencode(
                {"url": made.link, "text": share_text(invitation, made.link)}, quote_via=quote
            )
        )
        return (
            (ReplyButton(label("📤", pN_("button", "Share in Telegram")), share, "url"),),
            (
                ReplyButton(
                    label("📋", pN_("button", "Copy the message")), invitation.short, "copy"
                ),
            ),
        )
    mail = f"mailto:{quote(made.email or '', safe='@')}?" + urlencode(
        {"subject": invitation.subject, "body": invitation.body}, quote_via=quote
    )
    sms = f"sms:{quote(made.phone or '', safe='+')}?" + urlencode(
        {"body": invitation.short}, quote_via=quote
    )
    return (
        (ReplyButton(label("✉️", pN_("button", "Send by e-mail")), mail, "url"),),
        (ReplyButton(label("💬", pN_("button", "Send by SMS")), sms, "url"),),
        (ReplyButton(label("📋", pN_("button", "Copy the message")), invitation.body, "copy"),),
    )


def note_emails(output: Output, effects: TurnEffects | None, position: int) -> None:
    """Remember a message the service should e-mail, and where to say how it went."""
    if effects is None:
        return
    made = effects.made.get(id(output))
    if made is not None and made.send_email and made.email:
        effects.emails.append((position, made))


async def send_emails(
    replies: list[Reply], effects: TurnEffects, mailer: Mailer, locale: str
) -> list[Reply]:
    """E-mail what the learner asked us to send; say how it went right after the message."""
    for position, made in reversed(effects.emails):
        try:
            await mailer.send(made.email or "", made.invitation.subject, made.invitation.body)
        except (MailNotConfigured, aiosmtplib.SMTPException, OSError) as error:
            log.warning("could not e-mail a request: %s", type(error).__name__)
            text = render(
                N_("I could not send the e-mail. Please send the message above yourself."),
                locale,
            )
            replies.insert(position, Reply(text=text, emoji="⚠️"))
        else:
            text = render(N_("I have e-mailed the message to {email}.")(email=made.email), locale)
            replies.insert(position, Reply(text=text, emoji="📧"))
    effects.emails.clear()
    return replies
