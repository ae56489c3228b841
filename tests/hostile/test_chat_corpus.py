"""Every hostile text through the chat: typed at a question, tapped, sent as a command,
and saved as the learner's own words. The service answers each time, kindly, and what
it saves reads back as the learner typed it.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy.exc import DBAPIError

from bot.conversation import ConversationService
from bot.rendering import Reply
from dialogs.events import Event
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
# Known engine bug (dialogs/engine.py, reported): a "number" that str.isdigit() accepts
# but int() refuses (superscripts, or more than 4300 digits) raises ValueError in
# _on_tap and _button_named, and the engine's recovery takes the learner to the menu
# (kindly, but a half-typed experience is dropped). Fix: str.isdecimal() and a length
# bound. Only these texts may meet the recovery message.
KNOWN_RECOVERY = frozenset({"1" * 5000, "²³"})
# Known storage bug (reported; the fix belongs where the learner's words come in,
# dialogs/events.py or clean_text in dialogs/engine.py): text is stored as it came, so
# a NUL character (PostgreSQL refuses it in text and JSON) or a lone surrogate (not
# UTF-8 at all) makes the turn fail with a database error. The learner is told to try
# again in a moment and nothing is lost, but it is a server error. Strict: once fixed,
# these tests pass and the marks must go.
# On SQLite the dialog state is JSON text with \\u escapes, so only a saved row fails.
IN_THE_STATE = {("control", "postgres"), ("broken_utf8", "postgres")}
IN_A_SAVED_ROW = IN_THE_STATE | {("broken_utf8", "sqlite")}


def expect_known_bugs(
    request: pytest.FixtureRequest, family: str, known: set[tuple[str, str]]
) -> None:
    database = request.node.callspec.params.get("database_url")
    if (family, database) in known:
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                raises=(DBAPIError, UnicodeEncodeError),
                reason="NUL or a lone surrogate reaches the database (see IN_THE_STATE)",
            )
        )


def kind(replies: list[Reply], sent: str = "") -> list[Reply]:
    assert replies, "no answer at all"
    for reply in replies:
        assert reply.text.strip(), "an empty message"
        assert not any(word in reply.text for word in UNKIND), reply.text
        assert RECOVERY not in reply.text or sent in KNOWN_RECOVERY, (sent[:40], reply.text)
    assert replies[-1].buttons, "the last message offers buttons to go on with"
    return replies


async def turn(service: ConversationService, chat: str, event: Event) -> list[Reply]:
    result = await service.handle("test", chat, event, language_hint="en")
    return kind(list(result.replies), event.value)


@pytest.mark.parametrize("family", list(FAMILIES))
async def test_every_hostile_text_gets_a_kind_answer(
    family: str, service: ConversationService, request: pytest.FixtureRequest
) -> None:
    expect_known_bugs(request, family, IN_THE_STATE)
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
    family: str, service: ConversationService, request: pytest.FixtureRequest
) -> None:
    """Each text as the role, the place and the tasks of an experience, saved and shown.

    Texts that start with "/" are commands to the dialog, not words (the test above).
    """
    expect_known_bugs(request, family, IN_A_SAVED_ROW)
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
        from dialogs.engine import clean_text

        return clean_text(text)
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
