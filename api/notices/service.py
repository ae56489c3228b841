"""News for the learner: what an endorser answered, told in the learner's chat.

The outbox (``Notice``) is written in the same transaction as the answer (or the
endorser taking it back, or declining). The news of an answer says which credentials
it gave; the loop signs them (api/endorsements/issuing.py) before it delivers. Delivery:

* Telegram: a loop started with the service sends each pending notice through the
  bot. One notice, one transaction: the row is locked, the message is sent, then
  ``delivered_at`` is set and the transaction commits. A crash between the send and
  the commit sends that one notice again after the restart: **at least once**, and at
  most one repeat per crash. We chose this side because a lost "your skills were
  confirmed" is worse than reading it twice. Two workers never both send: the row
  lock is taken with SKIP LOCKED (PostgreSQL; SQLite runs one writer anyway).
* The web chat has no push: pending notices go out with the learner's next turn or
  the page's next poll, marked delivered in the transaction that reads them.

The loop wakes at once when ``wakeup`` is set (the endorser's page sets
``app.state.notices_wakeup`` after an answer; see ``wake``) and polls every few
seconds anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.conversations.models import Conversation
from api.credentials.models import Credential
from api.db.outage import log_failure
from api.endorsements import issuing
from api.endorsements.models import EndorsementRequest
from api.endorsements.service import ANSWERED_NOTICE, DECLINED_NOTICE, RETRACTED_NOTICE
from api.experiences.models import Experience
from api.i18n import isolate, render
from api.learners.models import Learner
from api.mentors.service import MENTOR_ACCEPTED_NOTICE
from api.notices.models import Notice
from api.skills.catalogue import Catalogue
from dialogs.texts import N_, Joined, Listed, Msg, Text, Verbatim, nN_

log = logging.getLogger(__name__)

POLL_SECONDS: Final = 5.0
BATCH: Final = 20
TELEGRAM: Final = "telegram"
WEB: Final = "web"

# Each verdict's picture, and its words in the legend.
VERDICTS: Final[dict[str, tuple[str, Msg]]] = {
    "yes": ("✅", N_("saw it")),
    "partly": ("🤏", N_("partly")),
    "no": ("➖", N_("did not see it")),
}

Send = Callable[[str, str], Awaitable[None]]


class Unreachable(Exception):
    """The chat cannot take messages (the learner blocked the bot): stop trying."""


@dataclass(frozen=True, slots=True)
class News:
    notice_id: int
    text: str
    locale: str


def wake(state: Any) -> None:
    """Tell the delivery loop there is news (call with ``request.app.state``)."""
    event = getattr(state, "notices_wakeup", None)
    if isinstance(event, asyncio.Event):
        event.set()


async def compose(session: AsyncSession, notice: Notice, catalogue: Catalogue) -> News | None:
    """The notice as a message in the learner's language; None when there is nothing to say."""
    learner = await session.get(Learner, notice.learner_id)
    if learner is not None and notice.kind == MENTOR_ACCEPTED_NOTICE:
        # A mentor accepted the learner's invite and waits for their yes (api/mentors).
        mentor = Verbatim(str(notice.payload.get("mentor_name") or ""))
        said = N_("🤝 {name} wants to be your mentor. Write /mentors to say yes or no.")
        return News(notice.id, render(said(name=mentor), learner.locale), learner.locale)
    request = await session.get(EndorsementRequest, int(notice.payload.get("request_id") or 0))
    if learner is None or request is None:
        return None
    locale = learner.locale
    experience = await session.get(Experience, request.experience_id)
    name = Verbatim(request.endorser_name)
    where = Verbatim(f"{experience.role}, {experience.place}" if experience else "")
    lines: list[Text]
    endorsement = request.endorsement
    if notice.kind == ANSWERED_NOTICE and endorsement is not None:
        if endorsement.retracted_at is not None:
            return None  # taken back before the news went out: that news follows instead
        verdicts = {v.asked_outcome_id: v for v in endorsement.verdicts}
        lines = [N_("🎉 {name} has answered your request!")(name=name), N_("💼 {what}")(what=where)]
        for asked in request.outcomes:
            verdict = verdicts.get(asked.id)
            if verdict is None:
                continue
            emoji = VERDICTS.get(verdict.verdict, VERDICTS["no"])[0]
            # The picture leads the line unisolated; the outcome is in the learner's language.
            lines.append(Verbatim(f"{emoji} {_statement(asked, catalogue, locale)}"))
            if verdict.comment:
                lines.append(N_("   💬 {comment}")(comment=Verbatim(verdict.comment)))
        lines.append(
            Verbatim(
                " · ".join(
                    f"{emoji} {render(meaning, locale)}" for emoji, meaning in VERDICTS.values()
                )
            )
        )
        if endorsement.comment:
            lines.append(N_("💬 {name} wrote: {comment}")(name=name, comment=endorsement.comment))
        lines.append(N_("Write /requests to see all your requests."))
        lines.extend(await _credential_lines(session, endorsement.id, catalogue, locale))
    elif notice.kind == RETRACTED_NOTICE:
        revoked = int(notice.payload.get("revoked") or 0)
        lines = [N_("↩️ {name} took back their answer.")(name=name), N_("💼 {what}")(what=where)]
        if revoked:
            lines.append(
                nN_(
                    "🏅 {n} credential from that answer is no longer valid.",
                    "🏅 {n} credentials from that answer are no longer valid.",
                )(n=revoked)
            )
        lines.append(N_("You can ask someone else with /ask."))
    elif notice.kind == DECLINED_NOTICE:
        reason = notice.payload.get("reason")
        lines = [
            N_("🙅 {name} says your request reached the wrong person. The link is closed.")(
                name=name
            )
            if reason == "not_me"
            else N_("🙅 {name} chose not to answer your request. The link is closed.")(name=name),
            N_("💼 {what}")(what=where),
            N_("You can ask someone else with /ask."),
        ]
    else:
        return None
    return News(notice.id, render(Joined(tuple(lines)), locale), locale)


async def _credential_lines(
    session: AsyncSession, endorsement_id: int, catalogue: Catalogue, locale: str
) -> list[Text]:
    """What the answer gave: the credentials signed, or that they are on their way."""
    skill_ids = (
        (
            await session.execute(
                select(Credential.skill_id)
                .where(Credential.endorsement_id == endorsement_id, Credential.revoked_at.is_(None))
                .order_by(Credential.issued_at, Credential.skill_id)
            )
        )
        .scalars()
        .all()
    )
    if skill_ids:
        names = tuple(_skill_name(skill_id or "", catalogue, locale) for skill_id in skill_ids)
        return [
            nN_(
                "🏅 You got {n} credential: {skills}. See it with /merits.",
                "🏅 You got {n} credentials: {skills}. See them with /merits.",
            )(n=len(names), skills=Listed(names))
        ]
    if await issuing.is_due(session, endorsement_id):
        return [N_("🏅 Your credential is on its way. Soon you can see it with /merits.")]
    return []


def _skill_name(skill_id: str, catalogue: Catalogue, locale: str) -> str:
    skill = catalogue.get(skill_id)
    return skill.name_in(locale) if skill else skill_id


def _statement(asked: Any, catalogue: Catalogue, locale: str) -> str:
    """One asked outcome in the learner's language; own words as written, kept whole."""
    if asked.own_words:
        return isolate(asked.own_words, locale)
    skill = catalogue.get(asked.skill_id or "")
    for outcome in skill.outcomes if skill else ():
        if outcome.id == asked.outcome_id:
            return outcome.in_locale(locale)
    return isolate(asked.outcome_id or "", locale)


async def _mark_delivered(session: AsyncSession, notice: Notice, now: datetime) -> None:
    notice.delivered_at = now
    request = await session.get(EndorsementRequest, int(notice.payload.get("request_id") or 0))
    if request is not None and request.learner_told_at is None:
        request.learner_told_at = now
    await session.flush()


async def _pending_telegram(session: AsyncSession) -> list[int]:
    rows = await session.execute(
        select(Notice.id)
        .join(
            Conversation,
            (Conversation.learner_id == Notice.learner_id) & (Conversation.channel == TELEGRAM),
        )
        .where(Notice.delivered_at.is_(None))
        .order_by(Notice.id)
        .limit(BATCH)
    )
    return list(dict.fromkeys(rows.scalars()))


async def deliver_to_telegram(
    sessions: async_sessionmaker[AsyncSession], send: Send, catalogue: Catalogue
) -> int:
    """Send every pending notice whose learner chats in Telegram; returns how many went out."""
    async with sessions() as session:
        notice_ids = await _pending_telegram(session)
    sent = 0
    for notice_id in notice_ids:
        async with sessions() as session, session.begin():
            notice = (
                await session.execute(
                    select(Notice)
                    .where(Notice.id == notice_id, Notice.delivered_at.is_(None))
                    .with_for_update(skip_locked=True)
                )
            ).scalar_one_or_none()
            if notice is None:
                continue  # another worker has it, or has sent it
            chat_ids = (
                (
                    await session.execute(
                        select(Conversation.chat_id).where(
                            Conversation.learner_id == notice.learner_id,
                            Conversation.channel == TELEGRAM,
                        )
                    )
                )
                .scalars()
                .all()
            )
            news = await compose(session, notice, catalogue)
            if news is not None:
                for chat_id in chat_ids:
                    try:
                        await send(chat_id, news.text)
                    except Unreachable:
                        log.info(
                            "a learner's chat cannot take messages; notice %d dropped", notice.id
                        )
                sent += 1
            await _mark_delivered(session, notice, datetime.now(UTC))
    return sent


async def news_for_chat(
    sessions: async_sessionmaker[AsyncSession], channel: str, chat_id: str, catalogue: Catalogue
) -> list[News]:
    """Pending news for the learner of this chat, marked delivered as it is read."""
    async with sessions() as session, session.begin():
        learner_id = (
            await session.execute(
                select(Conversation.learner_id).where(
                    Conversation.channel == channel, Conversation.chat_id == chat_id
                )
            )
        ).scalar_one_or_none()
        if learner_id is None:
            return []
        notices = (
            (
                await session.execute(
                    select(Notice)
                    .where(Notice.learner_id == learner_id, Notice.delivered_at.is_(None))
                    .order_by(Notice.id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            .scalars()
            .all()
        )
        told: list[News] = []
        now = datetime.now(UTC)
        for notice in notices:
            news = await compose(session, notice, catalogue)
            if news is not None:
                told.append(news)
            await _mark_delivered(session, notice, now)
    return told


Round = Callable[[], Awaitable[object]]


async def delivery_loop(
    sessions: async_sessionmaker[AsyncSession],
    send: Send | None,
    catalogue: Catalogue,
    wakeup: asyncio.Event,
    *,
    poll_seconds: float = POLL_SECONDS,
    first: Round | None = None,
) -> None:
    """Deliver Telegram news until cancelled: right after ``wakeup`` is set, else every poll.

    ``first`` runs at the start of every round (the issuing queue), so news about an
    answer goes out after its credentials are signed. Without ``send`` (no Telegram)
    only ``first`` runs.
    """
    steps = [step for step in (first, _telegram_round(sessions, send, catalogue)) if step]
    while True:
        wakeup.clear()
        for step in steps:
            try:
                await step()
            except Exception as error:
                # A failed round (database or network down) is tried again on the next one.
                log_failure(log, "a round of the news loop failed; trying again shortly", error)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wakeup.wait(), timeout=poll_seconds)


def _telegram_round(
    sessions: async_sessionmaker[AsyncSession], send: Send | None, catalogue: Catalogue
) -> Round | None:
    if send is None:
        return None

    async def deliver() -> int:
        return await deliver_to_telegram(sessions, send, catalogue)

    return deliver
