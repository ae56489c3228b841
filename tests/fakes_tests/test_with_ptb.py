"""A real python-telegram-bot Application, polling the fake over loopback HTTP."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, EndPointNotFound, Forbidden, NetworkError, RetryAfter

from tests.fakes.telegram import FakeBotApi, sample_png
from tests.fakes_tests.ptb_bot import BOT_PICTURE, RunningBot


async def test_text_is_echoed(api: FakeBotApi, bot: RunningBot) -> None:
    update_id = api.user_sends_text(10, "Jag kan svetsa")
    [reply] = await api.wait_for_messages(10, 1)
    assert reply.method == "sendMessage"
    assert reply.text == "Jag kan svetsa"
    assert reply.message_id == 2  # the user's message was 1: ids are shared per chat
    assert reply.time > api.update(update_id).enqueued_at
    assert api.update(update_id).delivered_at is not None


async def test_commands_reach_command_handler_with_args(api: FakeBotApi, bot: RunningBot) -> None:
    api.user_sends_command(11, "/start", args="ref_42 extra")
    [reply] = await api.wait_for_reply(11)
    assert reply.text == "start:ref_42 extra"
    # A command typed as plain text gets its bot_command entity too.
    api.user_sends_text(11, "/start")
    [reply] = await api.wait_for_reply(11)
    assert reply.text == "start:"


async def test_bot_photo_arrives_as_multipart_bytes(api: FakeBotApi, bot: RunningBot) -> None:
    api.user_sends_command(12, "/photo")
    [reply] = await api.wait_for_reply(12)
    assert reply.method == "sendPhoto"
    assert reply.photo == BOT_PICTURE
    assert reply.text == "En <b>bild</b>"
    assert reply.plain_text == "En bild"
    call = api.calls_to("sendPhoto")[0]
    assert call.files["photo"] == BOT_PICTURE
    # PTB parsed the answer into a real Message with sizes from the actual image.
    [message] = bot.sent_photos
    assert message.caption == "En bild"
    assert (message.photo[-1].width, message.photo[-1].height) == (320, 200)
    # Resending by file_id gives the same picture without a new upload.
    again = await bot.app.bot.send_photo(12, message.photo[-1].file_id)
    assert again.photo[-1].file_id == message.photo[-1].file_id
    assert api.sent(12)[-1].photo == BOT_PICTURE


async def test_tap_reaches_callback_handler_and_is_answered(
    api: FakeBotApi, bot: RunningBot
) -> None:
    api.user_sends_command(13, "/menu")
    [menu] = await api.wait_for_reply(13)
    assert menu.buttons == [[("Ja", "yes"), ("Nej", "no")], [("Läs mer", "https://example.org/om")]]
    tap = api.user_taps(13, "yes")
    [edit] = await api.wait_for_reply(13)
    answer = api.answer_for(tap)
    assert answer is not None
    assert answer.text == "Du valde yes"
    assert (
        api.calls_to("answerCallbackQuery")[0].params["callback_query_id"]
        == answer.callback_query_id
    )
    assert edit.method == "editMessageText"
    assert edit.message_id == menu.message_id
    assert edit.text == "Valt: yes"
    # The edit carried no reply_markup, so Telegram drops the keyboard.
    current = api.message(13, menu.message_id)
    assert current is not None
    assert current.buttons == []
    with pytest.raises(AssertionError, match="no such button"):
        api.user_taps(13, "no")


async def test_tap_by_label(api: FakeBotApi, bot: RunningBot) -> None:
    api.user_sends_command(14, "/menu")
    await api.wait_for_reply(14)
    tap = api.user_taps_button(14, "Nej")
    assert (await api.wait_for_callback_answer(tap)).text == "Du valde no"


async def test_edited_message_reaches_its_handler(api: FakeBotApi, bot: RunningBot) -> None:
    api.user_sends_text(15, "svtesa")
    [echo] = await api.wait_for_reply(15)
    assert echo.text == "svtesa"
    update_id = api.user_edits_message(15, 1, "svetsa")
    [reply] = await api.wait_for_reply(15)
    assert reply.text == "ändrat: svetsa"
    assert api.update(update_id).kind == "edited_message"
    with pytest.raises(AssertionError, match="no user text message 2"):
        api.user_edits_message(15, 2, "not mine")  # 2 is the bot's message


async def test_user_photo_can_be_downloaded_by_the_bot(api: FakeBotApi, bot: RunningBot) -> None:
    picture = sample_png(400, 300)
    api.user_sends_photo(16, picture, caption="mitt arbete")
    [reply] = await api.wait_for_reply(16)
    assert reply.text == f"foto {len(picture)} B 400x300 mitt arbete"


async def test_other_user_content_parses_in_ptb(api: FakeBotApi, bot: RunningBot) -> None:
    api.user_sends_sticker(17, "🔥")
    api.user_sends_voice(17)
    api.user_sends_location(17)
    api.user_sends_contact(17, "+46700000001")
    api.user_sends_document(17, b"%PDF-1.4 x", file_name="betyg.pdf")
    replies = await api.wait_for_messages(17, 5)
    assert sorted(m.text or "" for m in replies) == sorted(
        [
            "sticker 🔥",
            "voice audio/ogg b'OggS'",
            "location 59.33,18.07",
            "contact +46700000001 17",
            "document betyg.pdf application/pdf",
        ]
    )
    assert bot.errors == []


async def test_429_makes_ptb_raise_retry_after(api: FakeBotApi, bot: RunningBot) -> None:
    api.add_user(18)
    api.fail_next("sendMessage", times=1, status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.app.bot.send_message(18, "hej")
    assert "Retry in 3 seconds" in str(caught.value)
    await bot.app.bot.send_message(18, "hej igen")  # the fault was used up
    assert [c.status for c in api.calls_to("sendMessage")] == [429, 200]
    assert [m.text for m in api.sent(18)] == ["hej igen"]


async def test_429_inside_a_handler_reaches_the_error_handler(
    api: FakeBotApi, bot: RunningBot
) -> None:
    api.fail_next("sendMessage", status=429, retry_after=1)
    api.user_sends_text(19, "hej")
    await api.wait_for_reply(19, min_messages=0)
    assert api.sent(19) == []
    assert len(bot.errors) == 1
    assert isinstance(bot.errors[0], RetryAfter)


async def test_5xx_makes_ptb_raise_network_error(api: FakeBotApi, bot: RunningBot) -> None:
    api.add_user(20)
    api.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.app.bot.send_message(20, "hej")


async def test_polling_survives_injected_get_updates_errors(
    api: FakeBotApi, bot: RunningBot
) -> None:
    api.fail_next("getUpdates", times=2, status=502)
    api.user_sends_text(21, "fortfarande här?")
    [reply] = await api.wait_for_reply(21, timeout=10)
    assert reply.text == "fortfarande här?"
    assert [c.status for c in api.calls_to("getUpdates")].count(502) == 2


async def test_unknown_method_is_an_error_in_ptb(api: FakeBotApi, bot: RunningBot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.app.bot.do_api_request("frobnicate")


async def test_telegram_rules_become_ptb_errors(api: FakeBotApi, bot: RunningBot) -> None:
    ptb = bot.app.bot
    api.add_user(22)
    with pytest.raises(BadRequest, match="Chat not found"):
        await ptb.send_message(999, "hej")
    with pytest.raises(BadRequest, match='unsupported start tag "3"'):
        await ptb.send_message(22, "Jag <3 svetsning", parse_mode="HTML")
    with pytest.raises(BadRequest, match="reserved and must be escaped"):
        await ptb.send_message(22, "Klart.", parse_mode="MarkdownV2")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await ptb.send_message(22, "hej", reply_markup=markup)
    sent = await ptb.send_message(22, "samma")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await ptb.edit_message_text("samma", chat_id=22, message_id=sent.message_id)
    assert await ptb.delete_message(22, sent.message_id)
    assert api.message(22, sent.message_id) is None
    assert api.deleted(22) == [sent.message_id]
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await ptb.edit_message_text("ny", chat_id=22, message_id=sent.message_id)
    api.block_user(22)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await ptb.send_message(22, "hallå?")


async def test_media_kinds_and_chat_action(api: FakeBotApi, bot: RunningBot) -> None:
    ptb = bot.app.bot
    api.add_user(23)
    assert await ptb.send_chat_action(23, "typing")
    document = await ptb.send_document(23, b"a,b\n1,2\n", filename="data.csv", caption="tabell")
    voice = await ptb.send_voice(23, b"OggS-voice")
    audio = await ptb.send_audio(23, b"ID3-audio", title="Låt")
    assert document.document is not None and document.document.file_name == "data.csv"
    assert voice.voice is not None and audio.audio is not None and audio.audio.title == "Låt"
    sent = api.sent(23)
    assert [(m.method, m.text) for m in sent] == [
        ("sendDocument", "tabell"),
        ("sendVoice", None),
        ("sendAudio", None),
    ]
    assert (sent[0].document, sent[1].voice, sent[2].audio) == (
        b"a,b\n1,2\n",
        b"OggS-voice",
        b"ID3-audio",
    )
    edited = await ptb.edit_message_caption(23, document.message_id, caption="ny tabell")
    assert isinstance(edited, Message)
    assert edited.caption == "ny tabell"
    assert edited.document is not None
    assert api.sent(23)[-1].method == "editMessageCaption"
    assert api.sent(23)[-1].document == b"a,b\n1,2\n"  # the edit keeps the file
