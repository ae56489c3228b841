"""Where e-mail is set up, the service can send the request itself (SMTP on loopback)."""

from __future__ import annotations

from email.message import Message

from sqlalchemy.ext.asyncio import AsyncEngine

from api.db.engine import create_session_factory
from api.settings import Settings
from api.skills.catalogue import Catalogue
from api.skills.matcher import SkillMatcher
from bot.conversation import ConversationService
from tests.chat_script import ServiceChat, talk
from tests.endorsements.endorser_site import mail_catcher
from tests.endorsements.learner_chat import learner_with_internship, request_of, token_in
from tests.endorsements.test_learner_asks import ASK_IN_ENGLISH
from tests.servers import free_port

WITH_EMAIL = [
    *ASK_IN_ENGLISH[:13],
    ("maria@hotel.example", "Which language should the message to Maria Berg be in?"),
    ("tap: English", "📇 maria@hotel.example"),
]


def _service(
    engine: AsyncEngine, catalogue: Catalogue, matcher: SkillMatcher, port: int
) -> ConversationService:
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port)
    return ConversationService(
        create_session_factory(engine), catalogue, matcher, settings=settings
    )


def _text(message: Message) -> str:
    payload = message.get_payload(decode=True)
    return payload.decode() if isinstance(payload, bytes) else str(payload)


async def test_the_service_e_mails_the_request_for_the_learner(
    engine: AsyncEngine, catalogue: Catalogue, matcher: SkillMatcher
) -> None:
    sessions = create_session_factory(engine)
    async with mail_catcher() as mail:
        chat = ServiceChat(_service(engine, catalogue, matcher, mail.port), chat_id="jacob")
        await learner_with_internship(chat, sessions, "test", "jacob", "en")
        await talk(chat, WITH_EMAIL)
        made = await talk(
            chat,
            [
                (
                    "tap: Yes, and e-mail it for me",
                    "I have e-mailed the message to maria@hotel.example.",
                )
            ],
        )
    token = token_in(made)
    # Said right after the message itself, before the next question.
    assert "e-mailed" in made[2].text and "When Maria Berg answers" in made[-1].text
    [sent] = mail.messages
    assert sent["To"] == "maria@hotel.example"
    assert sent["Subject"] == "Jacob asks: can you confirm what I learned?"
    assert f"/e/{token}" in _text(sent) and "about two minutes" in _text(sent)
    request, _ = await request_of(sessions, token)
    assert request.endorser_email == "maria@hotel.example"


async def test_when_the_mail_server_is_down_the_learner_sends_it_and_the_request_stays(
    engine: AsyncEngine, catalogue: Catalogue, matcher: SkillMatcher
) -> None:
    sessions = create_session_factory(engine)
    chat = ServiceChat(_service(engine, catalogue, matcher, free_port()), chat_id="jacob")
    await learner_with_internship(chat, sessions, "test", "jacob", "en")
    await talk(chat, WITH_EMAIL)
    made = await talk(chat, [("tap: Yes, and e-mail it for me", "I could not send the e-mail.")])
    await request_of(sessions, token_in(made))


async def test_without_e_mail_set_up_the_service_does_not_offer_to_send_it(
    service: ConversationService, engine: AsyncEngine
) -> None:
    chat = ServiceChat(service, chat_id="jacob")
    await learner_with_internship(chat, create_session_factory(engine), "test", "jacob", "en")
    confirm = await talk(chat, WITH_EMAIL)
    assert confirm[-1].find_button("e-mail it for me") is None
