"""The one path every learner action takes, whatever channel it came through.

    load state (+ portfolio) -> dialogs.advance -> carry out actions -> save state -> render

All of it happens in one database transaction, so a crash between saving an
experience and moving the dialog on cannot leave the two out of step. If another
worker saved the same chat first, the turn is done again on the fresh state.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.conversations import service as conversations
from api.experiences import service as experiences
from api.i18n import render, resolve_locale
from api.learners import service as learners
from api.mail import Mailer
from api.portfolio import chat as sharing
from api.settings import Settings
from api.skills.catalogue import Catalogue
from api.skills.matcher import SkillMatcher
from bot import asking
from bot import mentoring as my_mentors
from bot import merits as my_merits
from bot import privacy as my_data
from bot.digests import TELEGRAM as TELEGRAM_CHANNEL
from bot.digests import news_for_chat as digests_for_chat
from bot.effects import TurnEffects
from bot.rendering import Reply, render_say
from dialogs import flows  # noqa: F401 - registers the steps
from dialogs.engine import Context, PortfolioNeeded, advance, new_state
from dialogs.events import Event
from dialogs.mentors import NOT_LOADED, MentoringNeeded
from dialogs.outputs import (
    DeleteExperience,
    DeleteSelfCheck,
    EndorsementAction,
    Forget,
    MentorAction,
    MeritAction,
    Output,
    SaveExperience,
    SaveProfile,
    SaveSelfCheck,
    Say,
    SendMyData,
    SharePortfolio,
)
from dialogs.portfolio import EMPTY_PORTFOLIO, Portfolio
from dialogs.texts import N_, Text

log = logging.getLogger(__name__)
ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class TurnResult:
    replies: tuple[Reply, ...]
    locale: str


class ConversationService:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        catalogue: Catalogue,
        matcher: SkillMatcher,
        *,
        settings: Settings | None = None,
        mailer: Mailer | None = None,
    ) -> None:
        self._sessions = session_factory
        self._catalogue = catalogue
        self._matcher = matcher
        self._settings = settings or Settings()
        self._mailer = mailer or Mailer(self._settings)
        # For invite links (t.me/<name>?start=...); the bot sets it from getMe at start.
        self.bot_username = self._settings.telegram_bot_username

    async def handle(
        self, channel: str, chat_id: str, event: Event, *, language_hint: str | None = None
    ) -> TurnResult:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._handle_once(channel, chat_id, event, language_hint)
            except (conversations.ConversationChanged, IntegrityError):
                # Another worker (or a double tap in the web chat) saved first: redo on
                # the state it saved, which answers the second tap as a stale one.
                log.info("conversation changed under us (attempt %d)", attempt)
        raise RuntimeError("conversation kept changing")

    async def _handle_once(
        self, channel: str, chat_id: str, event: Event, language_hint: str | None
    ) -> TurnResult:
        async with self._sessions() as session, session.begin():
            stored = await conversations.load(session, channel, chat_id)
            stored_locale = (stored.state or {}).get("profile", {}).get("locale")
            locale = resolve_locale(stored_locale, language_hint)
            # A deep link's payload is looked up here and never reaches the dialog state.
            link = None
            if event.payload:
                link = await my_mentors.open_link(
                    session, event.payload, learner_id=stored.learner_id, now=datetime.now(UTC)
                )
            context = Context(
                catalogue=self._catalogue,
                matcher=self._matcher,
                # Loaded only when a step reads it (see below): most never do.
                portfolio=None if stored.learner_id else EMPTY_PORTFOLIO,
                today=date.today(),
                translate=lambda text: render(text, locale),
                can_email=self._mailer.enabled,
                link=link,
                mentoring=NOT_LOADED,
            )
            state = stored.state or new_state()
            try:
                next_state, outputs = advance(state, event, context)
            except MentoringNeeded:
                mentoring = await my_mentors.mentoring_of(
                    session, channel, chat_id, stored.learner_id
                )
                context = replace(context, mentoring=mentoring)
                next_state, outputs = advance(state, event, context)
            except PortfolioNeeded:
                # This step shows what is saved: load it and take the step again, which
                # is as if it had been there from the start (advance is pure).
                assert stored.learner_id is not None
                loaded = await experiences.load_portfolio(session, stored.learner_id)
                context = replace(context, portfolio=loaded)
                next_state, outputs = advance(state, event, context)
            portfolio = EMPTY_PORTFOLIO if context.portfolio is None else context.portfolio
            effects = TurnEffects(channel, chat_id)
            learner_id, forgotten = await self._carry_out(
                session,
                stored.learner_id,
                outputs,
                effects,
                locale=resolve_locale(next_state["profile"].get("locale"), language_hint),
            )
            if forgotten:
                await conversations.forget(session, channel, chat_id)
            else:
                await conversations.save(
                    session, channel, chat_id, next_state, learner_id, stored.version
                )
            locale = resolve_locale(next_state["profile"].get("locale"), language_hint)
            summary_rows: tuple[tuple[str, str, int], ...] = ()
            if any(isinstance(o, Say) and o.summary_card for o in outputs):
                # Drawn after this turn's changes, so the card shows what is saved now.
                if learner_id:
                    portfolio = await experiences.load_portfolio(session, learner_id)
                summary_rows = self._summary_rows(portfolio, locale)
            replies = self._render(outputs, locale, summary_rows, effects)
        if effects.emails:
            # Only after the commit: a turn done again must not send the e-mail twice.
            replies = await asking.send_emails(replies, effects, self._mailer, locale)
        if channel != TELEGRAM_CHANNEL:
            # The web chat has no push: a mentor's digests come with their next turn.
            replies[:0] = await digests_for_chat(self._sessions, channel, chat_id)
        return TurnResult(tuple(replies), locale)

    def _render(
        self,
        outputs: Sequence[Output],
        locale: str,
        summary_rows: tuple[tuple[str, str, int], ...],
        effects: TurnEffects,
    ) -> list[Reply]:
        replies: list[Reply] = []
        for output in outputs:
            if isinstance(output, Say):
                replies.append(render_say(output, locale, summary_rows))
            else:
                # What an action made (a request's message with its link, a file) is
                # shown where the action stands.
                replies += effects.shown_for(output)
                replies += asking.replies_for(output, effects, locale)
                asking.note_emails(output, effects, len(replies))
        return replies

    async def _carry_out(
        self,
        session: AsyncSession,
        learner_id: int | None,
        outputs: Sequence[Output],
        effects: TurnEffects | None = None,
        *,
        locale: str = "sv",
    ) -> tuple[int | None, bool]:
        forgotten = False
        for output in outputs:
            if isinstance(output, SaveProfile):
                learner = await learners.save_profile(
                    session,
                    learner_id,
                    locale=output.locale,
                    more_pictures=output.more_pictures,
                )
                learner_id = learner.id
            elif isinstance(output, Forget):
                if learner_id:
                    await learners.forget(session, learner_id)
                learner_id, forgotten = None, True
            elif isinstance(output, MentorAction) and effects is not None:
                # Before the check below: a mentor need not be a learner.
                await my_mentors.carry_out(
                    session,
                    learner_id,
                    output,
                    effects,
                    settings=self._settings,
                    bot_username=self.bot_username,
                    locale=locale,
                    now=datetime.now(UTC),
                )
            elif learner_id is None:
                # Nothing is stored for someone who has not agreed.
                continue
            elif isinstance(output, SaveExperience):
                await experiences.save_experience(session, learner_id, output.experience)
            elif isinstance(output, DeleteExperience):
                await experiences.delete_experience(session, learner_id, output.experience_id)
            elif isinstance(output, SaveSelfCheck):
                await experiences.save_self_check(
                    session, learner_id, output.skill_id, output.answers
                )
            elif isinstance(output, DeleteSelfCheck):
                await experiences.delete_self_check(session, learner_id, output.skill_id)
            elif isinstance(output, SendMyData) and effects is not None:
                await my_data.carry_out(session, learner_id, output, effects, now=datetime.now(UTC))
            elif isinstance(output, SharePortfolio) and effects is not None:
                await sharing.carry_out(
                    session,
                    learner_id,
                    output,
                    effects,
                    base_url=self._settings.base_url,
                    now=datetime.now(UTC),
                )
            elif isinstance(output, MeritAction) and effects is not None:
                await my_merits.carry_out(
                    session,
                    learner_id,
                    output,
                    effects,
                    base_url=self._settings.base_url,
                    catalogue=self._catalogue,
                    now=datetime.now(UTC),
                )
            elif isinstance(output, EndorsementAction) and effects is not None:
                await asking.carry_out(
                    session,
                    learner_id,
                    output,
                    effects,
                    settings=self._settings,
                    catalogue=self._catalogue,
                    now=datetime.now(UTC),
                )
        return learner_id, forgotten

    def _summary_rows(self, portfolio: Portfolio, locale: str) -> tuple[tuple[str, str, int], ...]:
        labels: list[tuple[str, Text, int]] = [
            ("💼", N_("Experiences"), len(portfolio.experiences)),
            ("🧩", N_("Skills"), portfolio.skill_count),
            ("✅", N_("Work skills checked"), len(portfolio.self_checks)),
        ]
        return tuple((emoji, render(label, locale), count) for emoji, label, count in labels)
