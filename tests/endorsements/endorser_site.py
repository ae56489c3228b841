"""The endorser's side as tests meet it: the service, a link, and a phone-less endorser.

``open_site`` runs the whole application (lifespan included) on an in-memory ASGI
client; ``Site.ask`` stores a request the way the chat does and hands back its link.
``MailCatcher`` is an SMTP server on loopback that keeps what it receives.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlalchemy import select

from api.app import create_app
from api.endorsements import issuing
from api.endorsements import service as endorsements
from api.endorsements.models import Endorsement, EndorsementRequest
from api.endorsements.security import CSRF_FIELD
from api.settings import Settings
from tests.endorsements.conftest import Learner
from tests.servers import app_lifespan

LIFETIME = timedelta(days=30)
_FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{64})"')


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Site:
    app: FastAPI
    client: httpx.AsyncClient
    learner: Learner
    # The last form token each link's page gave, for posting after the form is gone.
    form_tokens: dict[str, str] = field(default_factory=dict)

    async def ask(self, *, created: datetime | None = None, **changes: object) -> str:
        """A request from the learner, as the chat stores it; returns its link's token."""
        async with self.learner.sessions() as session, session.begin():
            _, token = await endorsements.create_request(
                session, self.learner.request(**changes), now=created or now(), lifetime=LIFETIME
            )
        return token

    async def stored(self, token: str) -> EndorsementRequest:
        async with self.learner.sessions() as session:
            found = await endorsements.request_by_token(session, token)
            assert found is not None
            return found

    async def credentials_signed(self, within: float = 15.0) -> None:
        """Wait until the news loop (woken by the answer) has emptied the issuing queue."""
        deadline = time.monotonic() + within
        while True:
            async with self.learner.sessions() as session:
                if await issuing.waiting(session) == 0:
                    return
            assert time.monotonic() < deadline, "the issuing queue was not emptied in time"
            await asyncio.sleep(0.02)

    async def endorsements(self) -> list[Endorsement]:
        async with self.learner.sessions() as session:
            return list((await session.execute(select(Endorsement))).scalars().all())

    async def open(self, token: str, lang: str | None = None) -> httpx.Response:
        return await self.client.get(f"/e/{token}", params={"lang": lang} if lang else None)

    async def form_token(self, token: str) -> str:
        """Open the page (which sets the form cookie) and read the form's hidden token."""
        page = await self.open(token)
        found = _FORM_TOKEN.search(page.text)
        if found:
            self.form_tokens[token] = found[1]
        return self.form_tokens[token]

    async def send(
        self, token: str, fields: Mapping[str, str], *, lang: str | None = None
    ) -> httpx.Response:
        """Post the form as a browser would: the hidden token from the page, then the fields."""
        posted = {CSRF_FIELD: await self.form_token(token), **fields}
        return await self.client.post(
            f"/e/{token}", params={"lang": lang} if lang else None, data=posted
        )

    async def answer(self, token: str, **changes: str) -> dict[str, str]:
        """A whole, valid answer for the request behind ``token``."""
        request = await self.stored(token)
        fields = {
            "relationship": "supervisor",
            "period_from": "2026-03",
            "period_to": "",
            "comment": "Jacob is careful and on time.",
            "name": "Maria Berg",
            "role": "Head of housekeeping",
            "organisation": "Hotell Norra",
            "email": "maria@hotel.example",
            "declared": "yes",
        }
        for asked in request.outcomes:
            fields[f"verdict-{asked.id}"] = "yes"
            fields[f"comment-{asked.id}"] = ""
        fields.update(changes)
        return fields


@asynccontextmanager
async def open_site(
    learner: Learner, settings: Settings, *, client: tuple[str, int] = ("127.0.0.1", 50000)
) -> AsyncIterator[Site]:
    app = create_app(settings)
    async with app_lifespan(app):
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Site(app, http, learner)


def site_settings(database_url: str, data_dir: Any, **changes: Any) -> Settings:
    return Settings(database_url=database_url, data_dir=data_dir, **changes)


@dataclass
class MailCatcher:
    """An SMTP server on 127.0.0.1 that keeps every message it is sent."""

    port: int = 0
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def code_in_last(self) -> str:
        message = self.messages[-1]
        part = message.get_payload(decode=True) if not message.is_multipart() else None
        text = part.decode() if isinstance(part, bytes) else str(message)
        found = re.search(r"\b(\d{6})\b", text)
        assert found, text
        return found[1]


@asynccontextmanager
async def mail_catcher() -> AsyncIterator[MailCatcher]:
    catcher = MailCatcher(port=_free_port())
    controller = Controller(catcher, hostname="127.0.0.1", port=catcher.port)
    controller.start()
    try:
        yield catcher
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
