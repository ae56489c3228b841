"""The FastAPI application: the system of record, the web chat, and the bot in one process.

The bot is started and stopped inside the application's lifespan: by polling, or
through the webhook route when MERITKOMPIS_PUBLIC_URL is set.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from telegram import Update

from api.credentials import errors as credential_errors
from api.credentials.keys import load_kek
from api.credentials.limits import CredentialLimits
from api.credentials.web import router as credentials_router
from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.db.types import contact_key_from_kek, use_contact_key
from api.endorsements.retention import start_sweeping, stop_sweeping
from api.endorsements.web import close_pages as close_endorser_pages
from api.endorsements.web import install as install_endorser_pages
from api.heap import startup_frozen
from api.mail import Mailer
from api.pictures.cards import configure_cache
from api.portfolio.web import install as install_portfolio_page
from api.processed_updates import claim as claim_update
from api.settings import Settings
from api.skills.catalogue import default_catalogue
from api.skills.matcher import SkillMatcher
from bot.conversation import ConversationService
from bot.digests import DigestScheduler, start_loop, stop_loop
from bot.news import start_delivery, stop_delivery
from bot.webchat.routes import router as webchat_router
from bot.webchat.routes import static_files

log = logging.getLogger(__name__)


def webhook_secret(settings: Settings) -> str:
    """A path and header secret derived from the token, so only Telegram can post updates."""
    return hashlib.sha256(f"webhook:{settings.telegram_bot_token}".encode()).hexdigest()[:48]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.database_url_resolved.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Endorsers' contact details are sealed with a key made from the credential KEK.
        use_contact_key(contact_key_from_kek(load_kek(settings)))
        engine = create_engine(settings.database_url_resolved)
        await upgrade(engine)
        catalogue = default_catalogue()
        configure_cache(settings.picture_cache_size)
        app.state.settings = settings
        # The endorser's pages (api/endorsements/web.py) open sessions of their own.
        app.state.sessions = create_session_factory(engine)
        app.state.conversations = ConversationService(
            create_session_factory(engine),
            catalogue,
            SkillMatcher(catalogue),
            settings=settings,
            mailer=Mailer(settings),
        )
        # Mentors' digests and learners' reminders: Telegram's JobQueue ticks them;
        # without Telegram a loop of our own does, for web-chat news and e-mail.
        app.state.digests = DigestScheduler(
            app.state.sessions, settings=settings, mailer=Mailer(settings)
        )
        telegram = await _start_telegram(app, settings)
        digest_loop = None
        if telegram is None:
            digest_loop = start_loop(app.state.digests, settings.digest_tick_seconds)
        # News for learners (bot/news.py): set notices_wakeup to deliver at once.
        app.state.catalogue = catalogue
        app.state.notices_wakeup = asyncio.Event()
        news = start_delivery(app.state, telegram)
        contacts_sweep = start_sweeping(app.state.sessions, settings)
        try:
            with startup_frozen():
                yield
        finally:
            await stop_sweeping(contacts_sweep)
            await stop_delivery(news)
            await stop_loop(digest_loop)
            if telegram is not None:
                await _stop_telegram(telegram)
            close_endorser_pages(app)
            await engine.dispose()

    app = FastAPI(title="Meritkompis", version="0.1.0", lifespan=lifespan)
    app.include_router(webchat_router)
    app.mount("/chat/static", static_files, name="chat-static")
    install_endorser_pages(app)
    app.include_router(credentials_router)
    app.add_middleware(
        CredentialLimits,
        per_address_per_minute=settings.api_rate_per_minute,
        per_key_per_minute=settings.api_key_rate_per_minute,
        max_body=settings.api_max_body,
    )
    install_portfolio_page(app)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        # FastAPI's own answer echoes what was sent, which JSON may not carry (NaN, a
        # huge number) and a log should not keep: say where and what, not the input.
        problems = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in error.errors()]
        return JSONResponse({"detail": problems}, status_code=422)

    # After the app's own handlers, which it keeps for every path outside the API.
    credential_errors.install(app)

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/chat")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/telegram/webhook/{secret}", include_in_schema=False)
    async def telegram_webhook(secret: str, request: Request) -> JSONResponse:
        telegram = getattr(app.state, "telegram", None)
        if telegram is None or secret != webhook_secret(settings):
            raise HTTPException(status_code=404)
        if request.headers.get("x-telegram-bot-api-secret-token") != webhook_secret(settings):
            raise HTTPException(status_code=403)
        payload: dict[str, Any] = await request.json()
        update_id = payload.get("update_id")
        # Telegram delivers again when unsure, maybe to the other process: the first
        # claim handles it (api/processed_updates.py), a repeat is only acknowledged.
        if isinstance(update_id, int) and not await claim_update(app.state.sessions, update_id):
            return JSONResponse({"ok": True})
        await telegram.update_queue.put(Update.de_json(payload, telegram.bot))
        return JSONResponse({"ok": True})

    return app


async def _start_telegram(app: FastAPI, settings: Settings) -> Any:
    if not settings.telegram_enabled:
        log.info("no Telegram token: only the web chat at /chat is running")
        app.state.telegram = None
        return None
    from bot.telegram_app import POLL_INTERVAL, build_application

    telegram = build_application(settings, app.state.conversations, app.state.digests)
    await telegram.initialize()
    # Invite links name the bot: from the settings, else as getMe answered.
    app.state.conversations.bot_username = settings.telegram_bot_username or telegram.bot.username
    await telegram.start()
    if settings.public_url:
        secret = webhook_secret(settings)
        await telegram.bot.set_webhook(
            f"{settings.public_url.rstrip('/')}/telegram/webhook/{secret}", secret_token=secret
        )
    else:
        assert telegram.updater is not None
        await telegram.updater.start_polling(poll_interval=POLL_INTERVAL, timeout=10)
    app.state.telegram = telegram
    return telegram


async def _stop_telegram(telegram: Any) -> None:
    if telegram.updater is not None and telegram.updater.running:
        await telegram.updater.stop()
    await telegram.stop()
    await telegram.shutdown()
