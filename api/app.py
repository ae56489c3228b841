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
from fastapi.responses import JSONResponse, RedirectResponse
from telegram import Update

from api.credentials.web import router as credentials_router
from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.endorsements.web import install as install_endorser_pages
from api.mail import Mailer
from api.pictures.cards import configure_cache
from api.settings import Settings
from api.skills.catalogue import default_catalogue
from api.skills.matcher import SkillMatcher
from bot.conversation import ConversationService
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
        telegram = await _start_telegram(app, settings)
        # News for learners (bot/news.py): set notices_wakeup to deliver at once.
        app.state.catalogue = catalogue
        app.state.notices_wakeup = asyncio.Event()
        news = start_delivery(app.state, telegram)
        try:
            yield
        finally:
            await stop_delivery(news)
            if telegram is not None:
                await _stop_telegram(telegram)
            await engine.dispose()

    app = FastAPI(title="Meritkompis", version="0.1.0", lifespan=lifespan)
    app.include_router(webchat_router)
    app.mount("/chat/static", static_files, name="chat-static")
    install_endorser_pages(app)
    app.include_router(credentials_router)

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
        await telegram.update_queue.put(Update.de_json(payload, telegram.bot))
        return JSONResponse({"ok": True})

    return app


async def _start_telegram(app: FastAPI, settings: Settings) -> Any:
    if not settings.telegram_enabled:
        log.info("no Telegram token: only the web chat at /chat is running")
        app.state.telegram = None
        return None
    from bot.telegram_app import build_application

    telegram = build_application(settings, app.state.conversations)
    await telegram.initialize()
    await telegram.start()
    if settings.public_url:
        secret = webhook_secret(settings)
        await telegram.bot.set_webhook(
            f"{settings.public_url.rstrip('/')}/telegram/webhook/{secret}", secret_token=secret
        )
    else:
        assert telegram.updater is not None
        await telegram.updater.start_polling(poll_interval=0.0, timeout=10)
    app.state.telegram = telegram
    return telegram


async def _stop_telegram(telegram: Any) -> None:
    if telegram.updater is not None and telegram.updater.running:
        await telegram.updater.stop()
    await telegram.stop()
    await telegram.shutdown()
