"""The learner stays in control: self-check, review, change, delete, pause, language, leaving."""

from __future__ import annotations

from sqlalchemy import func, select

from api.conversations.models import Conversation
from api.experiences.models import Experience, SelfCheckAnswer
from api.learners.models import Learner
from bot.conversation import ConversationService
from tests.chat_script import ServiceChat, talk
from tests.dialogs.test_experience_conversation import HOTEL_INTERNSHIP, ONBOARDING_IN_ENGLISH


async def count(service: ConversationService, model: type) -> int:
    async with service._sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_general_skills_self_check_saves_each_topic_as_it_is_done(
    service: ConversationService,
) -> None:
    chat = ServiceChat(service)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(
        chat,
        [
            ("tap: Check my work skills", "There are 10 topics"),
            ("tap: Start", "Topic 1 of 10"),
            ("tap: Yes, I can", "question 2 of"),
            ("tap: Tell about a time", "Tell about a time when you did this"),
            ("I was never late in my internship", "Now choose an answer"),
            ("tap: With some help", "question 3 of"),
            ("tap: Back", "Your example: I was never late in my internship"),
            ("tap: With some help", "question 3 of"),
        ],
    )
    answers = await talk(chat, [("tap: Skip this topic", "Topic 2 of 10")])
    assert "Can you" in answers[-1].text
    assert await count(service, SelfCheckAnswer) == 2, "the first topic's two answers are saved"
    await talk(
        chat,
        [
            ("/review", "1 of 10 work skill topics checked"),
            ("tap: My work skills", "👍🤝"),
            ("tap: Arrives on time", "With some help"),
            ("tap: Delete", "Do you want to delete your answers"),
            ("tap: Yes, delete", "Deleted."),
        ],
    )
    assert await count(service, SelfCheckAnswer) == 0


async def test_a_saved_experience_can_be_changed_and_deleted(service: ConversationService) -> None:
    chat = ServiceChat(service)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP)
    await talk(
        chat,
        [
            ("tap: What I have saved", "1 experience"),
            ("tap: Receptionist, Hotel Baltic", "Where: Hotel Baltic"),
            ("tap: Change", "Is this right?"),
            ("tap: Change something", "What do you want to change?"),
            ("tap: Where", "Where was it?"),
            ("Hotel Baltic Sundsvall", "Where: Hotel Baltic Sundsvall"),
            ("tap: Save", "Saved!"),
        ],
    )
    assert await count(service, Experience) == 1, "a change replaces, it does not add"
    await talk(
        chat,
        [
            ("tap: What I have saved", "1 experience"),
            ("tap: Hotel Baltic Sundsvall", "Where: Hotel Baltic Sundsvall"),
            ("tap: Delete", "Do you want to delete"),
            ("tap: No, keep it", "1 experience"),
            ("tap: Hotel Baltic Sundsvall", "Where"),
            ("tap: Delete", "Do you want to delete"),
            ("tap: Yes, delete", "0 experiences"),
        ],
    )
    assert await count(service, Experience) == 0


async def test_pause_and_a_trip_to_the_menu_lose_nothing(service: ConversationService) -> None:
    chat = ServiceChat(service)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP[:5])
    await talk(
        chat,
        [
            ("tap: Pause", "Paused. Everything you answered is saved"),
            ("hello again", "Welcome back! We continue where you were."),
            ("/menu", "What do you want to do?"),
            ("tap: Continue where I was", "When did you start?"),
            ("tap: Back", "Now: Hotel Baltic"),
        ],
    )


async def test_the_language_can_change_in_the_middle_and_the_flow_goes_on(
    service: ConversationService,
) -> None:
    chat = ServiceChat(service)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP[:4])
    await talk(
        chat,
        [
            ("/language", "Choose your language."),
            ("tap: Svenska", "Var var det?"),
            ("Hotell Baltic", "När började du?"),
            ("/language", "Välj ditt språk."),
            ("tap: العربية", "متى بدأت"),
            ("tap: رجوع", "\u2068Hotell Baltic\u2069"),
        ],
    )


async def test_saying_no_at_the_start_leaves_nothing_stored(service: ConversationService) -> None:
    chat = ServiceChat(service)
    await talk(
        chat,
        [
            ("/start", "Choose your language"),
            ("tap: English", "I save your answers"),
            ("tap: No, I want to leave", "Nothing about you is saved"),
        ],
    )
    assert await count(service, Conversation) == 0
    assert await count(service, Learner) == 0
    await talk(chat, [("/start", "Choose your language")])


async def test_typing_the_answer_to_a_button_question_works(service: ConversationService) -> None:
    chat = ServiceChat(service)
    await talk(
        chat,
        [
            ("/start", "Choose your language"),
            ("english", "I save your answers"),
            ("yes, that is ok", "more pictures"),
            ("2", "What do you want to do?"),
            ("something else entirely", "Please tap one of the buttons"),
        ],
    )


async def test_add_in_the_middle_of_an_experience_keeps_it(service: ConversationService) -> None:
    chat = ServiceChat(service)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP[:7])  # the end is asked
    await talk(
        chat,
        [
            ("/add", "When did it end?"),
            ("tap: Back", "Which month did you start?"),
            ("tap: Back", "When did you start?"),
            ("tap: Back", "Now: Hotel Baltic"),
        ],
    )


async def test_continue_after_a_finished_topic_starts_the_self_check_again(
    service: ConversationService,
) -> None:
    chat = ServiceChat(service)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(
        chat,
        [
            ("tap: Check my work skills", "There are 10 topics"),
            ("tap: Choose a topic", "Which topic"),
            ("tap: Works safely", "Topic 7 of 10"),
            ("tap: Skip this topic", "Well done"),
            ("/menu", "What do you want to do?"),
            ("/check", "There are 10 topics"),
            ("tap: Pause", "Paused"),
            ("tap: Continue", "Welcome back"),
            ("tap: Back", "What do you want to do?"),
        ],
    )
