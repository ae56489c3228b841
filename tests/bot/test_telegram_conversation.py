"""The bot in Telegram: the same conversations, and everything a phone can throw at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from bot.conversation import ConversationService
from tests.bot.telegram_chat import TelegramChat, telegram_bot
from tests.chat_script import last_with_buttons, talk
from tests.dialogs.test_experience_conversation import HOTEL_INTERNSHIP, ONBOARDING_IN_ENGLISH
from tests.fakes.telegram import FakeBotApi


@pytest_asyncio.fixture
async def api(service: ConversationService) -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake, telegram_bot(fake, service):
        yield fake


async def test_a_learner_documents_a_hotel_internship_in_telegram(api: FakeBotApi) -> None:
    chat = TelegramChat(api, chat_id=1001)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP)
    taps = api.callback_answers
    assert taps, "every tap is acknowledged so the phone stops waiting"


async def test_toggling_a_skill_edits_the_message_instead_of_sending_a_new_one(
    api: FakeBotApi,
) -> None:
    chat = TelegramChat(api, chat_id=1002)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP[:9])
    await talk(chat, [("tap: Done", "These skills may fit")])
    before = len(chat.sent)
    skill_button = last_with_buttons(chat).buttons[0][0][0]
    await talk(chat, [(f"tap: {skill_button[2:]}", "You have chosen 1 skill")])
    assert chat.sent[before].method == "editMessageText"


async def _at_the_skills(chat: TelegramChat) -> tuple[int, tuple[str, str]]:
    """Where a tap changes the message in place: (messages so far, the first skill button)."""
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP[:9])
    await talk(chat, [("tap: Done", "These skills may fit")])
    label, data = last_with_buttons(chat).buttons[0][0]
    return len(chat.sent), (label[2:], data)  # the label without its box


async def test_a_message_telegram_will_not_edit_any_more_comes_again_as_a_new_one(
    api: FakeBotApi,
) -> None:
    chat = TelegramChat(api, chat_id=1005)
    before, (skill, _) = await _at_the_skills(chat)
    api.fail_next("editMessageText", status=400, description="Bad Request: message can't be edited")
    await talk(chat, [(f"tap: {skill}", "You have chosen 1 skill")])
    assert api.calls_to("editMessageText")[-1].status == 400
    (sent,) = chat.sent[before:]
    assert sent.method == "sendMessage"
    assert sent.labels[0] == f"☑️ {skill}"  # chosen, as the edit would have shown
    assert any(label.endswith("Done") for label in sent.labels)


async def test_an_edit_that_would_change_nothing_is_left_at_that(api: FakeBotApi) -> None:
    chat = TelegramChat(api, chat_id=1006)
    before, (_, data) = await _at_the_skills(chat)
    api.fail_next("editMessageText", status=400, description="Bad Request: message is not modified")
    await chat.tap_again(data)
    assert api.calls_to("editMessageText")[-1].status == 400
    assert chat.sent[before:] == []  # no new message, and no "something went wrong"


async def test_whatever_the_phone_sends_gets_a_kind_answer_and_nothing_is_lost(
    api: FakeBotApi,
) -> None:
    chat = TelegramChat(api, chat_id=1003)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP[:4])  # the role is given; now: where?
    for kind in ("sticker", "voice", "photo", "location", "contact", "document"):
        answer = await chat.send(kind)
        assert "Where was it?" in answer[-1].text, kind
    assert "voice" in "\n".join(m.text for m in chat.history[-12:]).lower()
    await talk(
        chat,
        [
            ("x" * 4096, "at most 100 characters"),
            ("🙂🙂🙂", "with words"),
            ("\u200b\u200f \u200b", "looked empty"),
            ("/nonsense", "I do not know the command"),
            ("/help", "Where was it?"),
            ("<b>Hotel</b> & *Baltic* \u202eevil", "When did you start?"),
            ("tap: Back", "Now: <b>Hotel</b> & *Baltic* evil"),
        ],
    )
    # The role answered before all this is still there.
    await talk(chat, [("tap: Back", "Now: Receptionist")])


async def test_a_tap_on_an_old_message_and_a_double_tap_change_nothing(api: FakeBotApi) -> None:
    chat = TelegramChat(api, chat_id=1004)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, [("tap: Add an experience", "What kind of experience is it?")])
    kinds_message = chat.sent[-1]
    job = kinds_message.button_data("💼 A job")
    await talk(chat, [("tap: A job", "What kind of work was it?")])

    again = await chat.tap_again(job)
    assert again == [], "a double tap is answered by silence, not by a second step"

    internship = kinds_message.button_data("🎓 An internship (APL)")
    api.user_taps(chat.chat_id, internship, message_id=kinds_message.message_id)
    stale = await chat._answer()
    assert "earlier question" in stale[0].text
    assert "What kind of work was it?" in stale[-1].text
    await talk(chat, [("tap: Hotel", "What was your job there?")])


async def test_an_edited_message_is_explained_and_the_flow_goes_on(api: FakeBotApi) -> None:
    chat = TelegramChat(api, chat_id=1005)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, HOTEL_INTERNSHIP[:4])
    update_id = api.user_sends_text(chat.chat_id, "Hotel Baltc", language_code="en")
    await chat._answer()
    message_id = api.update(update_id).payload["message"]["message_id"]
    answer = await chat.edit(message_id, "Hotel Baltic")
    assert "changed a message" in answer[0].text
    await talk(chat, [("tap: Back", "Now: Hotel Baltc")])


async def test_more_pictures_sends_picture_cards_as_photos(api: FakeBotApi) -> None:
    chat = TelegramChat(api, chat_id=1006)
    await talk(chat, ONBOARDING_IN_ENGLISH[:3])
    await talk(chat, [("tap: Yes, more pictures", "What do you want to do?")])
    photos = [s for s in chat.sent if s.photo is not None]
    assert photos and photos[0].photo is not None
    assert photos[0].photo.startswith(b"\x89PNG")
    await talk(chat, [("tap: Add an experience", "What kind of experience")])
    assert chat.sent[-1].method == "sendPhoto"


async def test_a_tap_too_old_to_acknowledge_still_moves_the_learner_on(api: FakeBotApi) -> None:
    # After a restart, taps sent while the service was down arrive later than Telegram
    # accepts an acknowledgement; the learner's choice must count all the same.
    chat = TelegramChat(api, chat_id=1006)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    api.fail_next(
        "answerCallbackQuery",
        status=400,
        description="Bad Request: query is too old and response timeout expired",
    )
    await talk(chat, [("tap: Add an experience", "What kind of experience is it?")])
    assert not any("went wrong" in m.text for m in chat.history)
