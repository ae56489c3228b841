"""A learner documents an experience, the whole way, on SQLite and on PostgreSQL."""

from __future__ import annotations

from api.db.engine import create_engine, create_session_factory
from api.skills.catalogue import Catalogue
from api.skills.matcher import SkillMatcher
from bot.conversation import ConversationService
from tests.chat_script import ServiceChat, talk

ONBOARDING_IN_ENGLISH = [
    ("/start", "Choose your language"),
    ("tap: English", "I save your answers"),
    ("tap: Yes, that is OK", "more pictures and smaller steps"),
    ("tap: No, thank you", "What do you want to do?"),
]

HOTEL_INTERNSHIP = [
    ("tap: Add an experience", "What kind of experience is it?"),
    ("tap: An internship", "What kind of work was it?"),
    ("tap: Hotel", "What was your job there?"),
    ("Receptionist", "Where was it?"),
    ("Hotel Baltic", "When did you start?"),
    ("tap: 2025", "Which month did you start?"),
    ("tap: March", "When did it end?"),
    ("tap: I am still there", "What did you do there?"),
    ("I cleaned rooms and welcomed guests", "Tap Done"),
    ("tap: Done", "These skills may fit"),
    ("kitchen hygine", "This is what I found for"),
    ("tap: Kitchen hygiene", "You have chosen 1 skill."),
    ("tap: In my own words", "Write the skill in a few words"),
    ("I can fold towels the hotel way", "You have chosen 2 skills."),
    ("tap: Done", "Is this right?"),
    ("tap: Save", "Saved! You now have 2 skills from Hotel Baltic."),
]


async def test_a_learner_documents_a_hotel_internship(service: ConversationService) -> None:
    chat = ServiceChat(service)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP)
    await talk(
        chat,
        [
            ("tap: What I have saved", "1 experience"),
            ("tap: Receptionist, Hotel Baltic", "Kitchen hygiene"),
        ],
    )


async def test_a_restart_half_way_continues_at_the_same_question(
    database_url: str, service: ConversationService, catalogue: Catalogue, matcher: SkillMatcher
) -> None:
    chat = ServiceChat(service)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP[:5])

    # A new engine and service on the same database stand for the restarted process.
    engine = create_engine(database_url)
    try:
        restarted = ServiceChat(
            ConversationService(create_session_factory(engine), catalogue, matcher),
            chat_id=chat.chat_id,
        )
        # The old messages are still on the learner's phone: their buttons keep working.
        restarted.history = chat.history
        await talk(
            restarted,
            [
                ("tap: 2025", "Which month did you start?"),
                ("tap: Back", "When did you start?"),
                ("tap: Back", "Now: Hotel Baltic"),
            ],
        )
    finally:
        await engine.dispose()
