"""Linking only with consent: the mentor says yes to the invite, then the learner says yes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.db.engine import create_session_factory
from api.mentors.models import MentorInvite
from api.mentors.service import token_hash
from api.notices.service import news_for_chat
from api.skills.catalogue import Catalogue
from bot.conversation import ConversationService
from tests.chat_script import ServiceChat, talk
from tests.mentors.people import anna_accepts, jacob_invites, open_link, stored_states


async def test_jacob_invites_anna_and_only_his_yes_makes_her_his_mentor(
    service: ConversationService, engine: AsyncEngine, catalogue: Catalogue
) -> None:
    sessions = create_session_factory(engine)
    jacob = ServiceChat(service, chat_id="jacob")
    anna = ServiceChat(service, chat_id="anna")
    payload = await jacob_invites(jacob, sessions)

    # Only the hash of the link's token is stored; the token is in no dialog state.
    token = payload.removeprefix("m-")
    assert len(token) >= 32
    assert token not in await stored_states(sessions)
    async with sessions() as session:
        invite = (await session.execute(select(MentorInvite))).scalar_one()
    assert invite.token_hash == token_hash(token)

    opened = await open_link(anna, payload)
    said = "\n".join(m.text for m in opened)
    assert "Jacob asks you to be a mentor" in said
    assert "You will not see" in said and "what they wrote" in said
    await talk(
        anna,
        [
            ("tap: Yes, I want to be a mentor", "What name should the learner see?"),
            ("Anna, job centre", "Now Jacob must say yes"),
        ],
    )
    assert token not in await stored_states(sessions)

    # Before Jacob's yes Anna follows nobody: /progress shows nothing about him.
    await talk(anna, [("/progress", "Nobody has said yes to you as a mentor yet")])

    [news] = await news_for_chat(sessions, "test", "jacob", catalogue)
    assert "Anna, job centre wants to be your mentor" in news.text
    await talk(
        jacob,
        [
            ("/mentors", "Anna, job centre wants to follow you. Say yes or no."),
            ("tap: Yes to Anna", "Anna, job centre can now follow your progress"),
        ],
    )
    progress = await talk(anna, [("/progress", "👤 Jacob")])
    card = next(m for m in progress if "👤 Jacob" in m.text)
    assert card.has_picture
    assert "Asked to confirm" in card.text and "Next step" not in card.text

    # Jacob removes Anna at any time; she sees nothing more.
    await talk(
        jacob,
        [
            ("/mentors", "🤝 Anna, job centre"),
            ("tap: Remove Anna", "does not follow you now"),
        ],
    )
    await talk(anna, [("/progress", "Nobody has said yes to you as a mentor yet")])


async def test_the_link_works_once_and_not_for_jacob_himself(
    service: ConversationService, engine: AsyncEngine
) -> None:
    sessions = create_session_factory(engine)
    jacob = ServiceChat(service, chat_id="jacob")
    payload = await jacob_invites(jacob, sessions)
    own = await open_link(jacob, payload)
    assert "This is your own invite link" in own[0].text

    await anna_accepts(ServiceChat(service, chat_id="anna"), payload)
    late = await open_link(ServiceChat(service, chat_id="bertil"), payload)
    assert "does not work any more" in late[0].text
    guessed = await open_link(ServiceChat(service, chat_id="bertil"), "m-" + "A" * 32)
    assert "does not work any more" in guessed[0].text


async def test_anna_says_no_and_nothing_about_her_is_kept(
    service: ConversationService, engine: AsyncEngine, catalogue: Catalogue
) -> None:
    sessions = create_session_factory(engine)
    payload = await jacob_invites(ServiceChat(service, chat_id="jacob"), sessions)
    anna = ServiceChat(service, chat_id="anna", language="sv")
    opened = await open_link(anna, payload)
    assert "Jacob ber dig att bli mentor" in opened[-1].text
    await talk(anna, [("tap: Nej tack", "Inget om dig sparas")])
    assert await news_for_chat(sessions, "test", "jacob", catalogue) == []
    await talk(anna, [("/mentors", "Svara först på frågan")])
