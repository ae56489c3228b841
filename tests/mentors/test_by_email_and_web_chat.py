"""Without Telegram the same digests still come: by e-mail, and in the web chat's next turn."""

from __future__ import annotations

from datetime import timedelta
from email.message import Message

from sqlalchemy.ext.asyncio import AsyncEngine

from api.db.engine import create_session_factory
from api.settings import Settings
from bot.conversation import ConversationService
from bot.digests import DigestScheduler
from tests.chat_script import ServiceChat
from tests.endorsements.endorser_site import mail_catcher
from tests.mentors.world import SECRET_COMMENT, build_world


def _parts(message: Message) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found[part.get_content_type()] = payload.decode()
    return found


async def test_a_web_chat_mentor_gets_the_digest_by_e_mail_and_in_the_chat(
    engine: AsyncEngine, service: ConversationService
) -> None:
    sessions = create_session_factory(engine)
    world = await build_world(
        sessions, learners=2, mentors=1, channel="test", chat_base=7000, email="anna@kommun.example"
    )
    async with mail_catcher() as mail:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=mail.port)
        scheduler = DigestScheduler(sessions, settings=settings)
        tick = await scheduler.tick(world.first_due + timedelta(minutes=1))
        assert tick.built == 1 and tick.delivered == 1
        # Done is done: the next tick sends nothing again.
        await scheduler.tick(world.first_due + timedelta(minutes=2))
    [sent] = mail.messages
    assert sent["To"] == "anna@kommun.example"
    assert sent["Subject"].startswith("Ditt brev,")  # mentor 0 reads Swedish
    parts = _parts(sent)
    assert "👤 Learner 0" in parts["text/plain"] and "👤 Learner 1" in parts["text/plain"]
    assert 'src="data:image/png;base64,' in parts["text/html"]
    assert SECRET_COMMENT not in str(sent)

    # Anna's next turn in the web chat brings the digest with its cards, once.
    anna = ServiceChat(service, chat_id="7000")
    first = await anna.send_text("hej")
    assert any("Ditt brev" in m.text for m in first)
    assert sum(m.has_picture for m in first) == 2
    again = await anna.send_text("hej")
    assert not any("Ditt brev" in m.text for m in again)
