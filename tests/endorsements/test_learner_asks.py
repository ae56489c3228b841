"""Jacob asks his supervisor to confirm what he learned, in the chat, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from api.db.engine import create_session_factory
from api.endorsements.service import RequestState
from bot.conversation import ConversationService
from tests.chat_script import ServiceChat, last_with_buttons, talk
from tests.endorsements.learner_chat import (
    endorser_answers,
    forwarded,
    learner_with_internship,
    request_of,
    token_in,
)

ASK_IN_ENGLISH = [
    ("tap: Ask someone to confirm", "First choose the experience"),
    ("tap: Rumsstädare, Hotell Norra", "What should the person confirm?"),
    ("tap: 1.", "Chosen: 1 of 4"),
    ("tap: Choose all", "Chosen: 4 of 4"),
    ("tap: 4.", "Chosen: 3 of 4"),
    ("tap: Done", "What is your first name?"),
    ("Jacob", "What is the name of the person you ask?"),
    ("tap: Pause", "Paused"),
    ("tap: Continue", "What is the name of the person you ask?"),
    ("tap: Back", "Last time you wrote: Jacob"),
    ("tap: Jacob", "What is the name of the person you ask?"),
    ("Maria Berg", "What is Maria Berg's role?"),
    ("tap: Supervisor", "e-mail address or phone number"),
    ("maria at the hotel", "does not look like an e-mail address"),
    ("tap: Skip", "Which language should the message to Maria Berg be in?"),
    ("tap: English", "Please check. Is this right?"),
]


async def test_jacob_asks_his_supervisor_and_sees_her_answer(
    service: ConversationService, engine: AsyncEngine
) -> None:
    sessions = create_session_factory(engine)
    chat = ServiceChat(service, chat_id="jacob")
    await learner_with_internship(chat, sessions, "test", "jacob", "en")
    confirm = await talk(chat, ASK_IN_ENGLISH)
    said = confirm[-1].text
    assert "To: Maria Berg (Supervisor)" in said and "No e-mail or phone" in said
    assert "You ask about 3 things:" in said and "Folding towels" not in said

    made = await talk(chat, [("tap: Yes, make the message", "Hello Maria Berg!")])
    message = forwarded(made)
    for words in (
        "This is Jacob. I was Rumsstädare at Hotell Norra.",
        "• prepare guest rooms following the hotel's cleaning checklist",
        "It takes about two minutes.",
    ):
        assert words in message.text
    labels = [label for row in message.buttons for label, _ in row]
    assert labels == ["✉️ Send by e-mail", "💬 Send by SMS", "📋 Copy the message"]
    targets = [target for row in message.buttons for _, target in row]
    assert targets[0].startswith("mailto:?subject=") and targets[1].startswith("sms:?body=")
    assert "When Maria Berg answers, I will tell you here." in made[-1].text
    token = token_in(made)
    request, state = await request_of(sessions, token)
    assert state is RequestState.SENT and request.learner_name == "Jacob"
    assert (request.endorser_role, request.endorser_email, request.locale) == (
        "Supervisor",
        None,
        "en",
    )
    assert len(request.outcomes) == 3

    await talk(chat, [("/requests", "📨 Maria Berg, Rumsstädare, Hotell Norra: Sent.")])
    await endorser_answers(sessions, token, [("yes", ""), ("yes", "Very tidy"), ("partly", "")])
    await talk(
        chat,
        [
            ("/requests", "✅ Maria Berg, Rumsstädare, Hotell Norra: Answered."),
            ("tap: Maria Berg", "2 confirmed, 🤏 1 partly, of 3."),
        ],
    )
    assert not last_with_buttons(chat).find_button("Send a reminder")


async def test_a_reminder_brings_a_new_link_and_a_cancelled_link_stops_working(
    service: ConversationService, engine: AsyncEngine
) -> None:
    sessions = create_session_factory(engine)
    chat = ServiceChat(service, chat_id="jacob")
    await learner_with_internship(chat, sessions, "test", "jacob", "en")
    await talk(chat, [("/ask", "First choose the experience"), *ASK_IN_ENGLISH[1:]])
    first = token_in(await talk(chat, [("tap: Yes, make the message", "Hello Maria Berg!")]))

    reminded = await talk(
        chat,
        [
            ("tap: My requests", "Sent. Not opened yet."),
            ("tap: Maria Berg", "You can send a reminder with a new link"),
            ("tap: Send a reminder", "This is Jacob again."),
        ],
    )
    second = token_in(reminded)
    assert second != first
    assert "Here is a reminder to Maria Berg" in reminded[0].text
    assert (await request_of(sessions, second))[0].reminders == 1

    await talk(
        chat,
        [
            ("tap: Cancel the request", "Do you want to cancel the request to Maria Berg?"),
            ("tap: No, keep it", "You can send a reminder"),
            ("tap: Cancel the request", "The link will stop working."),
            ("tap: Yes, cancel it", "Cancelled. The link does not work any more."),
        ],
    )
    for token in (first, second):
        assert (await request_of(sessions, token))[1] is RequestState.CANCELLED
    await talk(chat, [("/requests", "🚫 Maria Berg, Rumsstädare, Hotell Norra: Cancelled.")])
    assert not last_with_buttons(chat).find_button("Send a reminder")


async def test_the_menu_mid_way_keeps_the_answers_and_an_empty_portfolio_is_sent_to_add(
    service: ConversationService,
) -> None:
    chat = ServiceChat(service, chat_id="saman")
    await talk(chat, [*_onboarding_en()])
    await talk(
        chat,
        [
            ("/ask", "First add an experience."),
            ("tap: Add an experience", "What kind of experience is it?"),
        ],
    )


def _onboarding_en() -> list[tuple[str, str]]:
    from tests.endorsements.learner_chat import ONBOARDING

    return ONBOARDING["en"]


async def test_jacob_asks_in_swedish_with_a_phone_number(
    service: ConversationService, engine: AsyncEngine
) -> None:
    sessions = create_session_factory(engine)
    chat = ServiceChat(service, chat_id="jacob-sv", language="sv")
    await learner_with_internship(chat, sessions, "test", "jacob-sv", "sv")
    made = await talk(
        chat,
        [
            ("tap: Be någon bekräfta", "Vem kan säga vad du gjorde?"),
            ("tap: Rumsstädare, Hotell Norra", "Vad ska personen bekräfta?"),
            ("tap: Klar", "Välj minst en sak."),
            ("tap: Välj alla", "Valda: 4 av 4."),
            ("tap: Klar", "Vad heter du i förnamn?"),
            ("Jacob", "Vad heter personen som du frågar?"),
            ("Maria Berg", "Vilken roll har Maria Berg?"),
            ("tap: Handledare", "e-post eller telefonnummer"),
            ("070-123 45 67", "Vilket språk ska meddelandet till Maria Berg vara på?"),
            ("tap: Svenska", "Du frågar om 4 saker:"),
            ("tap: Ja, gör meddelandet", "Hej Maria Berg!"),
        ],
    )
    message = forwarded(made)
    assert "Det tar ungefär två minuter. Du behöver inget konto." in message.text
    assert "• göra i ordning rum för gäster enligt checklistan på utsatt tid" in message.text
    sms = message.find_button("Skicka med sms")
    assert sms is not None and sms[1].startswith("sms:0701234567?body=Hej%20Maria%20Berg")
    request, _ = await request_of(sessions, token_in(made))
    assert (request.endorser_phone, request.endorser_role, request.locale) == (
        "0701234567",
        "Handledare",
        "sv",
    )


async def test_saman_asks_in_arabic_and_names_stay_whole_right_to_left(
    service: ConversationService, engine: AsyncEngine
) -> None:
    sessions = create_session_factory(engine)
    chat = ServiceChat(service, chat_id="saman", language="ar")
    await learner_with_internship(chat, sessions, "test", "saman", "ar")
    made = await talk(
        chat,
        [
            ("tap: اطلب من شخص أن يؤكد", "اختر الخبرة أولًا"),
            ("tap: Rumsstädare, Hotell Norra", "ماذا يجب أن يؤكد الشخص؟"),
            ("tap: 2.", "المختار: \u20681\u2069 من \u20684\u2069."),
            ("tap: 3.", "المختار: \u20682\u2069 من \u20684\u2069."),
            ("tap: انتهيت", "ما اسمك الأول؟"),
            ("Saman", "ما اسم الشخص الذي تطلب منه؟"),
            ("Anders Holm", "ما دور \u2068Anders Holm\u2069؟"),
            ("tap: رجوع", "ما اسم الشخص الذي تطلب منه؟"),
            ("Anders Holm", "ما دور"),
            ("مدير الورشة", "البريد الإلكتروني أو رقم الهاتف"),
            ("anders@verkstad.example", "بأي لغة تكون الرسالة"),
            ("tap: العربية", "تسأل عن أمرين:"),
            ("tap: نعم، اكتب الرسالة", "مرحبًا \u2068Anders Holm\u2069!"),
        ],
    )
    message = forwarded(made)
    assert "أنا \u2068Saman\u2069. عملت \u2068Rumsstädare\u2069 في \u2068Hotell Norra\u2069." in (
        message.text
    )
    assert "يستغرق الأمر دقيقتين تقريبًا" in message.text
    mail = message.find_button("أرسل بالبريد الإلكتروني")
    assert mail is not None and mail[1].startswith("mailto:anders@verkstad.example?subject=")
    request, _ = await request_of(sessions, token_in(made))
    assert (request.learner_name, request.endorser_role, request.locale) == (
        "Saman",
        "مدير الورشة",
        "ar",
    )
    assert [o.outcome_id for o in request.outcomes] == ["makes_beds", "reports_room_issues"]
