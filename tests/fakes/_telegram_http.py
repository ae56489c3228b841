"""HTTP for the fake Bot API: request decoding, the Starlette routes, the loopback server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tests.fakes._telegram_errors import ApiError, bad_request, not_found, unauthorized
from tests.fakes._telegram_methods import BotApiMethods, BotRequest
from tests.fakes._telegram_records import ApiCall, JsonDict, UploadedFile
from tests.fakes._telegram_state import TelegramWorld

# Form fields that are plain strings even when they look like JSON ("123", "[x]").
# PTB sends every other non-string parameter JSON-encoded (ints, bools, markup).
_STRING_FIELDS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "action", "url",
        "secret_token", "language_code", "inline_message_id", "business_connection_id",
        "photo", "document", "voice", "audio", "video", "animation", "sticker",
        "thumbnail", "file_id", "emoji", "title", "performer", "description",
        "short_description", "name", "message_effect_id", "ip_address",
    }
)  # fmt: skip
MAX_UPLOAD_PART = 50 * 1024 * 1024  # Telegram's upload limit for bots


def decode_form_value(name: str, raw: str) -> Any:
    if name in _STRING_FIELDS:
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        return raw  # e.g. chat_id "@channel"
    return value if isinstance(value, dict | list | bool | int | float) else raw


async def read_request(request: Request) -> tuple[JsonDict, dict[str, UploadedFile]]:
    """Parameters from the query string plus a JSON, urlencoded or multipart body."""
    params: JsonDict = {k: decode_form_value(k, v) for k, v in request.query_params.items()}
    files: dict[str, UploadedFile] = {}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            try:
                data = json.loads(body)
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(data, dict):
                raise bad_request("JSON object expected")
            params.update(data)
    elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        async with request.form(max_part_size=MAX_UPLOAD_PART) as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    data_bytes = await value.read()
                    files[key] = UploadedFile(value.filename, value.content_type, data_bytes)
                else:
                    params[key] = decode_form_value(key, value)
    # "attach://name" makes a field point at a file part called "name".
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://") and value[9:] in files:
            files[key] = files[value[9:]]
    return params, files


def _chat_id_of(params: JsonDict) -> int | None:
    try:
        return int(params["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None


class BotApiRoutes:
    """The Starlette app: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``."""

    def __init__(self, world: TelegramWorld, methods: BotApiMethods) -> None:
        self._world = world
        self._methods = methods
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._call, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._download, methods=["GET"]),
            ]
        )

    async def _call(self, request: Request) -> Response:
        received_at = time.perf_counter()
        name = request.path_params["method"]
        canonical = self._methods.canonical(name)
        try:
            params, files = await read_request(request)
        except ApiError as error:
            return JSONResponse(error.envelope(), status_code=error.status)
        call = ApiCall(
            method=canonical or name,
            params=params,
            files={key: upload.data for key, upload in files.items()},
            time=received_at,
        )
        self._world.calls.append(call)
        try:
            if request.path_params["token"] != self._world.token:
                raise unauthorized()
            if canonical is None:
                raise not_found()
            await self._inject_faults(canonical, params)
            result = await self._methods.call(BotRequest(canonical, params, files, received_at))
        except ApiError as error:
            call.status, call.description = error.status, error.description
            # A failed send is still the bot acting on the chat: waits should see it.
            self._world.touch(_chat_id_of(params))
            return JSONResponse(error.envelope(), status_code=error.status)
        call.status, call.result = 200, result
        return JSONResponse({"ok": True, "result": result})

    async def _inject_faults(self, method: str, params: JsonDict) -> None:
        if self._world.latency > 0 and method != "getUpdates":
            await asyncio.sleep(self._world.latency)
        fault = self._world.faults.take(method, _chat_id_of(params))
        if fault is None:
            return
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        error = fault.error()
        if error is not None:
            raise error

    async def _download(self, request: Request) -> Response:
        stored = self._world.files.by_path(request.path_params["file_path"])
        wrong_token = request.path_params["token"] != self._world.token
        if wrong_token or stored is None or stored.data is None:
            return JSONResponse(not_found().envelope(), status_code=404)
        return Response(stored.data, media_type=stored.mime_type or "application/octet-stream")


class _EmbeddedServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._exit_requested = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Ctrl-C belongs to the test runner, not to a server living inside it.
        yield

    async def main_loop(self) -> None:
        # uvicorn polls should_exit every 0.1 s; tests start and stop a server each, so
        # wait on an event instead. One tick sets the default response headers.
        await self.on_tick(0)
        await self._exit_requested.wait()

    def request_exit(self) -> None:
        self.should_exit = True
        self._exit_requested.set()


class LoopbackServer:
    """uvicorn serving an ASGI app on 127.0.0.1 as a task of the running event loop."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            access_log=False,
            # Longer than httpx's idle expiry, so the server never closes a pooled
            # connection just as the client reuses it (a spurious NetworkError).
            timeout_keep_alive=75,
            timeout_graceful_shutdown=2,
        )
        self._server = _EmbeddedServer(config)
        self._task: asyncio.Task[None] | None = None
        self.url = ""

    async def start(self) -> str:
        self._task = asyncio.create_task(self._server.serve(), name="fake-telegram-server")
        while not self._server.started:
            if self._task.done():
                await self._task  # re-raises why it could not start
                raise RuntimeError("fake Telegram server exited during startup")
            await asyncio.sleep(0.002)
        host, port = self._server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self.url

    async def stop(self) -> None:
        if self._task is None:
            return
        self._server.request_exit()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
