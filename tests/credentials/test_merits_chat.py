"""Jacob's merits in the chat, on SQLite and PostgreSQL: the list with a picture each,
the file, the badge with the merit baked in, the QR code, the certificate, a link he
can switch off, and withdrawing after an "are you sure".
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
import segno
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.credentials import baking, service
from api.credentials.models import Credential
from api.db.engine import create_session_factory
from api.skills.catalogue import Catalogue
from api.skills.matcher import SkillMatcher
from bot.conversation import ConversationService, TurnResult
from bot.rendering import ReplyFile
from tests.chat_script import ServiceChat, talk
from tests.credentials.conftest import issuance
from tests.credentials.holder import PUBLIC_URL, chat_learner, issue_merit, settings_for
from tests.endorsements.learner_chat import learner_with_internship
from tests.servers import app_lifespan

SHARE_LINK = re.compile(re.escape(PUBLIC_URL) + r"/m/([A-Za-z0-9_\-]+)")


class FilesKept:
    """The conversation service, keeping every file it sends the learner."""

    def __init__(self, inner: ConversationService) -> None:
        self.inner = inner
        self.files: list[ReplyFile] = []

    async def handle(self, *args: Any, **kwargs: Any) -> TurnResult:
        result = await self.inner.handle(*args, **kwargs)
        self.files += [reply.file for reply in result.replies if reply.file is not None]
        return result


@pytest_asyncio.fixture
async def web(database_url: str, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """Someone else's browser, on the same service."""
    app = create_app(settings_for(database_url))
    async with app_lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
            yield client


async def verify(engine: AsyncEngine, document: Any) -> service.Verification:
    async with create_session_factory(engine)() as session, session.begin():
        from datetime import UTC, datetime

        return await service.verify(session, document, issuance=issuance(), now=datetime.now(UTC))


def qr_matrix(png: bytes) -> list[list[bool]]:
    """The dark and light modules of a QR code drawn 8 pixels a module, 4 modules of border."""
    image = Image.open(io.BytesIO(png)).convert("L")
    modules = image.width // 8 - 8
    return [
        [image.getpixel((8 * (4 + x) + 4, 8 * (4 + y) + 4)) < 128 for x in range(modules)]
        for y in range(modules)
    ]


async def test_jacob_gets_shares_and_withdraws_his_merit(
    engine: AsyncEngine,
    database_url: str,
    catalogue: Catalogue,
    matcher: SkillMatcher,
    web: httpx.AsyncClient,
) -> None:
    sessions = create_session_factory(engine)
    kept = FilesKept(
        ConversationService(sessions, catalogue, matcher, settings=settings_for(database_url))
    )
    chat = ServiceChat(kept, chat_id="jacob")  # type: ignore[arg-type]
    learner_id = await learner_with_internship(chat, sessions, "test", "jacob", "en")
    await talk(chat, [("/merits", "You have no merits yet")])
    credential = await issue_merit(await chat_learner(learner_id, sessions), catalogue)

    listed = await talk(chat, [("/merits", "Which merit do you want to use?")])
    card, question = listed
    assert card.has_picture and "Cleaning hotel rooms" in card.text
    assert "Maria Berg confirmed it." in card.text
    assert question.find_button("Cleaning hotel rooms") is not None
    await talk(
        chat,
        [
            ("tap: Cleaning hotel rooms", "What do you want to do with it?"),
            ("tap: Get the file", "Here is your merit as a file."),
        ],
    )
    file = kept.files[-1]
    assert file.name == "merit-hotel_room_cleaning.json" and file.mime == "application/json"
    assert json.loads(file.data) == credential.document

    # The badge: a picture with the signed merit baked in, which verifies as it is.
    await talk(chat, [("tap: Get a badge picture", "The merit is inside the picture.")])
    badge = kept.files[-1]
    assert badge.name.endswith(".png") and badge.mime == "image/png"
    picture = Image.open(io.BytesIO(badge.data))
    baked = json.loads(picture.text["openbadgecredential"])  # type: ignore[attr-defined]
    assert baked == credential.document == baking.unbake(badge.data)
    assert (await verify(engine, baked)).verified
    uploaded = await web.post(
        "/verify?lang=en", files={"file": ("badge.png", badge.data, "image/png")}
    )
    assert "This credential is genuine." in uploaded.text

    # The QR code opens the verify page for this merit, which checks it at once.
    await talk(chat, [("tap: Get a QR code", "It opens a page that checks your merit.")])
    address = f"{PUBLIC_URL}/verify?credential={credential.id}"
    assert qr_matrix(kept.files[-1].data) == [
        [bool(module) for module in row] for row in segno.make_qr(address, error="m").matrix
    ]
    page = await web.get(address.removeprefix(PUBLIC_URL) + "&lang=en")
    assert "This credential is genuine." in page.text and "<script" not in page.text

    await talk(chat, [("tap: Get a certificate", "Here is a certificate to print.")])
    certificate = kept.files[-1]
    assert certificate.data.startswith(b"%PDF-") and certificate.name.endswith(".pdf")
    assert address.encode() in certificate.data  # the link under the QR code

    # A link to a public page, which Jacob switches off again.
    shared = await talk(chat, [("tap: Share a link", "Anyone with the link can see it.")])
    (token,) = {t for message in shared for t in SHARE_LINK.findall(message.text)}
    opened = await web.get(f"/m/{token}?lang=en")
    title = credential.document["name"]  # in the language Maria was asked in
    assert opened.status_code == 200 and title in opened.text
    assert "This credential is genuine." in opened.text
    assert opened.headers["cache-control"] == "no-store"
    await talk(
        chat,
        [
            ("tap: Back", "Which merit do you want to use?"),
            ("tap: Cleaning hotel rooms", "It is shared: anyone with the link can see it."),
            ("tap: Stop sharing", "The links to this merit no longer work."),
        ],
    )
    stopped = await web.get(f"/m/{token}?lang=en")
    assert stopped.status_code == 410
    assert "This merit is not shared any more." in stopped.text
    assert title not in stopped.text

    # Withdrawing asks first; "no" keeps it, "yes" makes every check fail from now on.
    await talk(
        chat,
        [
            ("tap: Withdraw it", "Do you want to withdraw Cleaning hotel rooms?"),
            ("tap: No, keep it", "What do you want to do with it?"),
            ("tap: Withdraw it", "You cannot undo this."),
            ("tap: Yes, withdraw it", "You have withdrawn it. It is no longer valid."),
        ],
    )
    result = await verify(engine, credential.document)
    assert [problem.code for problem in result.problems] == ["revoked"]
    async with sessions() as session:
        row = await session.get(Credential, credential.id)
        assert row is not None and row.revoked_reason == service.WITHDRAWN
    labels = [label for row in chat.history[-1].buttons for label, _ in row]
    assert "📄 Get the file" in labels and not any("Share" in label for label in labels)
