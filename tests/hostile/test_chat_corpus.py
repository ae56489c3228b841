"""Every hostile text through the chat: typed at a question, tapped, sent as a command,
and saved as the learner's own words. The service answers each time, kindly, and what
it saves reads back as the learner typed it.
"""

from __future__ import annotations

import json

import pytest

from bot.conversation import ConversationService
from bot.rendering import Reply
from dialogs.engine import clean_text
from dialogs.events import Event, storable
from tests.chat_script import ServiceChat, talk
from tests.dialogs.test_experience_conversation import ONBOARDING_IN_ENGLISH
from tests.hostile.corpus import FAMILIES

TO_THE_ROLE_QUESTION = [
    ("/menu", "What do you want to do?"),
    ("tap: Add an experience", "What kind of experience is it?"),
    ("tap: A job", "What kind of work was it?"),
    ("tap: Hotel", "What was your job there?"),
]
# What a kind answer never looks like: a crash, a stack, or the engine's own recovery.
UNKIND = ("Traceback", "Exception", "Internal Server Error")
RECOVERY = "I got mixed up"
# The engine's recovery ("I got mixed up") never meets a hostile text. Once it did for
# numbers isdigit() accepts and int() refuses ("²³", 5000 digits); the engine now reads
# only short decimal numbers. NUL and lone surrogates, which no database stores as text,
# are dropped where the words come in (dialogs/events.py).


def kind(replies: list[Reply], sent: str = "") -> list[Reply]:
    assert replies, "no answer at all"
    for reply in replies:
        assert reply.text.strip(), "an empty message"
        assert not any(word in reply.text for word in UNKIND), reply.text
        assert RECOVERY not in reply.text, (sent[:40], reply.text)
    assert replies[-1].buttons, "the last message offers buttons to go on with"
    return replies


async def turn(service: ConversationService, chat: str, event: Event) -> list[Reply]:
    result = await service.handle("test", chat, event, language_hint="en")
    return kind(list(result.replies), event.value)


@pytest.mark.parametrize("family", list(FAMILIES))
async def test_every_hostile_text_gets_a_kind_answer(
    family: str, service: ConversationService
) -> None:
    chat = ServiceChat(service, chat_id=f"hostile-{family}")
    await talk(chat, ONBOARDING_IN_ENGLISH)
    for text in FAMILIES[family]:
        # Typed at a question that takes words, at a question that takes buttons,
        # tapped as a button's data, and sent as a command.
        await talk(chat, TO_THE_ROLE_QUESTION)
        await turn(service, chat.chat_id, Event.text(text))
        await turn(service, chat.chat_id, Event.command("menu"))
        await turn(service, chat.chat_id, Event.text(text))
        await turn(service, chat.chat_id, Event.tap(text))
        await turn(service, chat.chat_id, Event.command(text or "/"))
        await turn(service, chat.chat_id, Event.resume())


@pytest.mark.parametrize("family", list(FAMILIES))
async def test_hostile_words_are_saved_and_read_back_as_typed(
    family: str, service: ConversationService
) -> None:
    """Each text as the role, the place and the tasks of an experience, saved and shown.

    Texts that start with "/" are commands to the dialog, not words (the test above).
    """
    chat = ServiceChat(service, chat_id=f"saved-{family}")
    await talk(chat, ONBOARDING_IN_ENGLISH)
    kept = 0
    for text in [t for t in FAMILIES[family] if not t.lstrip().startswith("/")]:
        await talk(chat, TO_THE_ROLE_QUESTION)
        role = await _answer(service, chat, text, "Cleaner", "Where was it?")
        place = await _answer(service, chat, text, "Hotel Baltic", "When did you start?")
        await talk(
            chat,
            [
                ("tap: 2025", "Which month did you start?"),
                ("tap: March", "When did it end?"),
                ("tap: I am still there", "What did you do there?"),
            ],
        )
        # Tasks gather: the hostile one (if the question takes it) and a plain one.
        for task in (text, "I cleaned rooms"):
            chat.history.extend(_messages(await turn(service, chat.chat_id, Event.text(task))))
        await talk(chat, [("tap: Done", "These skills may fit")])
        suggestions = chat.history[-1].buttons
        await chat.tap_data(suggestions[0][0][1], chat.history[-1])
        await talk(chat, [("tap: Done", "Is this right?")])
        saved = await turn(service, chat.chat_id, Event.tap(_button(chat, "Save")))
        assert any("Saved!" in reply.text for reply in saved), [r.text for r in saved]
        kept += role == text or place == text
        _summary, file_reply, _question = await turn(service, chat.chat_id, Event.command("mydata"))
        assert file_reply.file is not None
        stored = json.loads(file_reply.file.data)["experiences"][-1]
        assert (stored["role"], stored["place"]) == (role[:120], place[:120])
    # Most hostile texts are words to the dialog: they must come back unchanged.
    assert kept or family in ("long", "control", "broken_utf8", "bidi", "numbers"), family


async def _answer(
    service: ConversationService, chat: ServiceChat, text: str, fallback: str, next_question: str
) -> str:
    """Type ``text``; when the question is asked again, type ``fallback``. Returns what was kept."""
    replies = await turn(service, chat.chat_id, Event.text(text))
    chat.history.extend(_messages(replies))
    if next_question in replies[-1].text:
        # Kept as the engine tidies words, without what no database stores (NUL, lone
        # surrogates: dialogs/events.py).
        return clean_text(storable(text))
    replies = await turn(service, chat.chat_id, Event.text(fallback))
    chat.history.extend(_messages(replies))
    assert next_question in replies[-1].text, replies[-1].text
    return fallback


def _messages(replies: list[Reply]) -> list:  # type: ignore[type-arg]
    from tests.chat_script import BotMessage

    return [
        BotMessage(r.text_with_emoji, [[(b.label, b.data) for b in row] for row in r.buttons])
        for r in replies
    ]


def _button(chat: ServiceChat, label: str) -> str:
    for message in reversed(chat.history):
        found = message.find_button(label)
        if found:
            return found[1]
    raise AssertionError(f"no button {label!r}")
