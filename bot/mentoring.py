"""Carrying out the chat's mentor actions, and the replies they make.

An invite's token exists only in the turn that makes it: it goes into the link shown
to the learner and nowhere else (not the dialog state, not a log). Progress cards are
drawn from figures read in the same transaction as the turn.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import quote, urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from api.i18n import is_rtl, render
from api.mentors import digest, service
from api.mentors.texts import card_title, learner_part, own_card_title
from api.pictures.progress import ProgressFigures, progress_rows
from api.settings import Settings
from bot.effects import TELEGRAM, TELEGRAM_SHARE, TurnEffects
from bot.rendering import Card, Reply, ReplyButton
from dialogs.mentors import DigestSettings, InviteLink, Mentoring, ReminderLink
from dialogs.outputs import (
    AcceptMentorInvite,
    ConfirmMentor,
    InviteMentor,
    MentorAction,
    RemoveMentor,
    SaveDigestSettings,
    SetReminders,
    ShowProgress,
    StopFollowing,
)
from dialogs.texts import N_, Msg, Verbatim, nN_, pN_

log = logging.getLogger(__name__)
PROGRESS_EMOJI = "📈"
# Deep-link payloads of the buttons in a reminder (see bot/digests.py).
REMINDERS_OFF = "r-off"
CONTINUE = "r-go"


def start_link(channel: str, payload: str, *, settings: Settings, bot_username: str) -> str:
    """A link that opens the chat with ``/start <payload>``: in Telegram, or in the web chat."""
    if channel == TELEGRAM and bot_username:
        return f"https://t.me/{bot_username}?start={payload}"
    return f"{settings.base_url}/chat?start={payload}"


async def open_link(
    session: AsyncSession, payload: str, *, learner_id: int | None, now: datetime
) -> InviteLink | ReminderLink | None:
    """What a /start payload opens; None for a payload we do not know."""
    if payload in (REMINDERS_OFF, CONTINUE):
        return ReminderLink("off" if payload == REMINDERS_OFF else "continue")
    return await service.open_invite(session, payload, learner_id=learner_id, now=now)


async def mentoring_of(
    session: AsyncSession, channel: str, chat_id: str, learner_id: int | None
) -> Mentoring:
    """What the dialog's mentor steps show (``Context.mentoring``)."""
    return await service.snapshot(session, channel, chat_id, learner_id)


async def carry_out(
    session: AsyncSession,
    learner_id: int | None,
    action: MentorAction,
    effects: TurnEffects,
    *,
    settings: Settings,
    bot_username: str,
    locale: str,
    now: datetime,
) -> None:
    channel, chat_id = effects.channel, effects.chat_id
    shown: list[Reply] = []
    if isinstance(action, AcceptMentorInvite):
        accepted = await service.accept_invite(
            session,
            action.invite_id,
            channel=channel,
            chat_id=chat_id,
            mentor_name=action.mentor_name,
            locale=locale,
            now=now,
        )
        shown.append(_accepted_reply(accepted, locale))
    elif isinstance(action, StopFollowing):
        await service.leave(session, channel, chat_id, action.link_id)
    elif isinstance(action, SaveDigestSettings):
        settings_of = DigestSettings(action.frequency, action.weekday, action.hour, action.email)
        await service.save_settings(session, channel, chat_id, settings_of, locale=locale, now=now)
    elif isinstance(action, ShowProgress) and action.as_mentor:
        shown += await _mentor_progress(session, channel, chat_id, locale, now)
    elif learner_id is None:
        return  # the rest is about the learner's own things: nothing without their yes
    elif isinstance(action, InviteMentor):
        payload = await service.new_invite(session, learner_id, action.learner_name, now=now)
        link = start_link(channel, payload, settings=settings, bot_username=bot_username)
        shown.append(_invite_reply(link, channel, locale))
    elif isinstance(action, ConfirmMentor):
        await service.confirm(session, learner_id, action.link_id, now=now)
    elif isinstance(action, RemoveMentor):
        await service.remove(session, learner_id, action.link_id)
    elif isinstance(action, ShowProgress):
        shown.append(
            _own_progress_reply(await digest.own_progress(session, learner_id, now), locale)
        )
    elif isinstance(action, SetReminders):
        await service.set_reminders(session, learner_id, action.enabled)
    if shown:
        effects.show(action, *shown)


def _label(emoji: str, text: Msg, locale: str) -> str:
    return f"{emoji} {render(text, locale)}"


def _invite_reply(link: str, channel: str, locale: str) -> Reply:
    text = render(
        N_(
            "Send this link to your mentor: {link}\n"
            "It works once, for seven days. Your mentor sees nothing until you say yes."
        )(link=Verbatim(link)),
        locale,
    )
    share_text = render(N_("Will you be my mentor? Open the link."), locale)
    buttons: list[tuple[ReplyButton, ...]] = []
    if channel == TELEGRAM:
        share = TELEGRAM_SHARE + "?" + urlencode({"url": link, "text": share_text}, quote_via=quote)
        buttons.append(
            (ReplyButton(_label("📤", pN_("button", "Share in Telegram"), locale), share, "url"),)
        )
    else:
        mail = "mailto:?" + urlencode({"subject": share_text, "body": link}, quote_via=quote)
        buttons.append(
            (ReplyButton(_label("✉️", pN_("button", "Send by e-mail"), locale), mail, "url"),)
        )
    buttons.append(
        (ReplyButton(_label("📋", pN_("button", "Copy the link"), locale), link, "copy"),)
    )
    return Reply(text=text, buttons=tuple(buttons), emoji="🔗")


def _accepted_reply(accepted: service.Accepted, locale: str) -> Reply:
    name = Verbatim(accepted.learner_name)
    if accepted.problem == "gone":
        text = N_("Sorry, this invite link was used or has expired. Ask for a new link.")
        return Reply(text=render(text, locale), emoji="⚠️")
    if accepted.problem == "already":
        return Reply(text=render(N_("You already follow {name}.")(name=name), locale), emoji="🤝")
    text = N_(
        "Thank you! Now {name} must say yes. Then you get a digest every Monday at 08:00. "
        "Change it in /mentors."
    )(name=name)
    return Reply(text=render(text, locale), emoji="🤝")


def progress_card(title: str, figures: ProgressFigures, locale: str) -> Card:
    """The progress card as the chat draws it (api/pictures/progress.py's rows)."""
    return Card(PROGRESS_EMOJI, title, is_rtl(locale), progress_rows(figures, locale))


def _own_progress_reply(progress: digest.LearnerProgress, locale: str) -> Reply:
    figures = ProgressFigures(
        experiences=progress.experiences,
        skills=progress.skills + progress.checks,
        confirmed=progress.confirmed,
        credentials=progress.credentials,
    )
    text = render(
        N_("📈 Others have confirmed {confirmed} of your {skills} skills.")(
            confirmed=figures.confirmed, skills=figures.skills
        ),
        locale,
    )
    if figures.credentials:
        text += "\n" + render(
            nN_("🏅 You have {n} credential.", "🏅 You have {n} credentials.")(
                n=figures.credentials
            ),
            locale,
        )
    return Reply(text=text, card=progress_card(own_card_title(locale), figures, locale))


async def _mentor_progress(
    session: AsyncSession, channel: str, chat_id: str, locale: str, now: datetime
) -> list[Reply]:
    mentor = await service.mentor_of_chat(session, channel, chat_id)
    found = await digest.build(session, digest.mentor_pairs(mentor.id), now) if mentor else []
    if not found:
        text = N_("Nobody has said yes to you as a mentor yet.")
        return [Reply(text=render(text, locale), emoji="🧑‍🏫")]
    return [
        Reply(
            text=learner_part(progress, locale),
            card=progress_card(card_title(progress, locale), progress.figures, locale),
        )
        for progress in found
    ]
