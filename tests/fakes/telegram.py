"""A fake Telegram Bot API server on loopback, for tests and benchmarks.

The real python-telegram-bot ``Application`` talks HTTP to it through ``base_url``,
so everything from request encoding to long polling runs as in production::

    async with FakeBotApi() as api:
        app = (
            Application.builder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .concurrent_updates(api.update_processor(256))  # optional: exact waits
            .build()
        )
        ...  # add handlers, start polling
        api.user_sends_command(42, "/start")
        replies = await api.wait_for_reply(42)

The fake keeps Telegram's rules where bots get them wrong: markup that does not
parse, callback_data over 64 bytes, edits that change nothing, sending to a chat that
never talked to the bot, a second poller. Injected faults answer like Telegram does.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from telegram.ext import Application, BaseUpdateProcessor, SimpleUpdateProcessor

from tests.fakes._telegram_errors import ApiError
from tests.fakes._telegram_http import BotApiRoutes, LoopbackServer
from tests.fakes._telegram_media import sample_png
from tests.fakes._telegram_methods import BotApiMethods
from tests.fakes._telegram_observe import BotObserver
from tests.fakes._telegram_records import (
    ApiCall,
    Buttons,
    CallbackAnswer,
    JsonDict,
    SentMessage,
    UpdateRecord,
)
from tests.fakes._telegram_state import Fault, TelegramWorld
from tests.fakes._telegram_tracking import TrackingUpdateProcessor
from tests.fakes._telegram_users import UserActions

__all__ = [
    "ApiCall",
    "ApiError",
    "Buttons",
    "CallbackAnswer",
    "FakeBotApi",
    "SentMessage",
    "UpdateRecord",
    "sample_png",
]

DEFAULT_TOKEN = "123456789:AAHfakeTokenForTestsOnly0123456789abc"


class FakeBotApi(UserActions, BotObserver):
    """Fake Bot API: server lifecycle, bot identity and fault injection.

    The simulated users (``user_*``) come from UserActions; the records and waits
    (``calls``, ``sent``, ``wait_for_*``) from BotObserver.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "meritkompis_test_bot",
        bot_first_name: str = "Meritkompis",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        bot_user: JsonDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._world = TelegramWorld(token, bot_user)
        self._routes = BotApiRoutes(self._world, BotApiMethods(self._world))
        self._server = LoopbackServer(self._routes.app, host, port)

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        await self._server.start()

    async def stop(self) -> None:
        # Open long polls would hold the server's shutdown until their timeout.
        self._world.updates.close()
        await self._server.stop()

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- where the bot connects ------------------------------------------------------

    @property
    def token(self) -> str:
        return self._world.token

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` once started."""
        if not self._server.url:
            raise RuntimeError("FakeBotApi is not started; use 'async with FakeBotApi()'")
        return self._server.url

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"  # PTB appends the token

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def asgi_app(self) -> Any:
        """The Starlette app, e.g. for ``httpx.ASGITransport`` without a socket."""
        return self._routes.app

    @property
    def bot_user(self) -> JsonDict:
        return dict(self._world.bot_user)

    @property
    def webhook_url(self) -> str:
        return self._world.webhook_url

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot (getUpdates with a higher offset)."""
        return self._world.updates.pending_count

    def update_processor(self, inner: BaseUpdateProcessor | int = 256) -> BaseUpdateProcessor:
        """An update processor for ``ApplicationBuilder.concurrent_updates``.

        It wraps ``inner`` (a processor, or a concurrency for PTB's simple one) and lets
        the fake see when each handler has finished, so ``wait_for_reply`` waits for
        exactly that instead of guessing from fetch time plus quiet time.
        """
        if isinstance(inner, int):
            inner = SimpleUpdateProcessor(inner)
        self._world.tracks_handling = True
        return TrackingUpdateProcessor(
            inner,
            on_started=self._world.handling_started,
            on_finished=self._world.handling_finished,
        )

    def track(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Install ``update_processor`` into an Application built elsewhere.

        For apps whose builder the test does not control. Call before the app is
        initialized; the app's own processor keeps running inside the wrapper.
        """
        if application.running:
            raise RuntimeError("track() the Application before starting it")
        current = application.update_processor
        if not isinstance(current, TrackingUpdateProcessor):
            # PTB 22 offers no setter; the slot is stable across 22.x (pinned <23).
            application._update_processor = self.update_processor(current)

    # -- fault injection -------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 429,
        retry_after: int = 2,
        description: str | None = None,
        chat_id: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any) fail with ``status``.

        429 answers carry ``parameters.retry_after`` (PTB raises RetryAfter); 5xx answer
        with Telegram's wording (PTB raises NetworkError). ``chat_id`` limits the fault
        to calls for that chat; ``delay`` holds the answer back first.
        """
        self._world.faults.add(
            method,
            Fault(status, description, retry_after, delay, chat_id, remaining=times),
        )

    def delay_next(
        self, method: str, seconds: float, times: int = 1, *, chat_id: int | None = None
    ) -> None:
        """Answer the next ``times`` calls of ``method`` normally, but ``seconds`` late."""
        self._world.faults.add(method, Fault(None, None, None, seconds, chat_id, remaining=times))

    def clear_faults(self) -> None:
        self._world.faults.clear()

    @property
    def latency(self) -> float:
        """Extra seconds before answering every call except getUpdates."""
        return self._world.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._world.latency = seconds

    def block_user(self, chat_id: int) -> None:
        """The user blocks the bot: calls for the chat get 403 until unblocked."""
        self._world.ensure_chat(chat_id).blocked = True

    def unblock_user(self, chat_id: int) -> None:
        self._world.ensure_chat(chat_id).blocked = False
