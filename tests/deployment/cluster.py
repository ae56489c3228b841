"""Two service processes behind one webhook URL, on loopback, as docs/deployment.md describes.

* ``ServiceProcess`` (from the load benchmark) runs ``python -m api.cli serve``: two of
  them on two ports, one PostgreSQL database, one public URL, one bot token.
* ``RoundRobinProxy`` is the load balancer in front: every request goes to the next
  process in turn, with the client's address in ``X-Forwarded-For``.
* ``WebhookTelegram`` plays Telegram's side of a webhook, which the fake Bot API does
  not do by itself: it takes the updates the fake's users make and posts each one to
  the URL the service registered with ``setWebhook``, as Telegram does. Telegram
  delivers an update again when it is not sure the first delivery arrived; here chosen
  updates are delivered twice, at the same moment or right after the first, and the
  proxy takes each delivery to a different process.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.app import webhook_secret
from api.settings import Settings
from bench.bench_load import ServiceProcess, service_env
from tests.fakes.telegram import FakeBotApi
from tests.servers import free_port

PUBLIC_URL = "https://meritkompis.example"  # the load balancer's name; Telegram wants https
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


class RoundRobinProxy:
    """An HTTP load balancer on 127.0.0.1: each request to the next backend in turn."""

    def __init__(self, backends: Sequence[str]) -> None:
        self.backends = list(backends)
        self._turn = itertools.cycle(range(len(backends)))
        self.sent_to: list[int] = [0] * len(backends)  # requests per backend
        self.port = free_port()
        self._client = httpx.AsyncClient(timeout=60)
        app = Starlette(routes=[Route("/{path:path}", self._forward, methods=_METHODS)])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _forward(self, request: Request) -> Response:
        backend = next(self._turn)
        self.sent_to[backend] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        client = request.client.host if request.client else "unknown"
        headers["x-forwarded-for"] = client
        headers["x-forwarded-proto"] = "https"
        answer = await self._client.request(
            request.method,
            f"{self.backends[backend]}{request.url.path}",
            params=request.query_params,
            headers=headers,
            content=await request.body(),
        )
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    async def __aenter__(self) -> RoundRobinProxy:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=15)
        await self._client.aclose()


_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

# How one update is delivered: once, twice at the same moment, or again after the first.
ONCE, AT_ONCE, AGAIN = "once", "at once", "again"


def every_third_twice(update_id: int) -> str:
    """Redeliveries of both kinds for two updates in three."""
    return (ONCE, AT_ONCE, AGAIN)[update_id % 3]


@dataclass
class WebhookTelegram:
    """Telegram's side of the webhook: the fake's updates, posted to the registered URL."""

    api: FakeBotApi
    proxy_url: str
    secret: str
    redeliver: Callable[[int], str] = lambda _update_id: ONCE
    deliveries: int = 0
    refused: list[str] = field(default_factory=list)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def run(self) -> None:
        offset = 0
        async with httpx.AsyncClient(base_url=self.proxy_url, timeout=60) as client:
            while True:
                # The fake's own queue: the updates its users made, in order, confirmed
                # by the next offset as getUpdates would.
                batch = await self.api._world.updates.fetch(offset, 100, 1.0, None)
                for update in batch:
                    offset = max(offset, update["update_id"] + 1)
                    task = asyncio.create_task(self._deliver(client, update))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)

    async def _deliver(self, client: httpx.AsyncClient, update: dict[str, Any]) -> None:
        # Telegram calls the URL given to setWebhook; the load balancer answers for it.
        path = urlsplit(self.api.webhook_url).path
        how = self.redeliver(update["update_id"])
        if how == AT_ONCE:
            await asyncio.gather(self._post(client, path, update), self._post(client, path, update))
            return
        await self._post(client, path, update)
        if how == AGAIN:
            # As after a delivery Telegram thinks timed out: the update is in hand by now.
            await asyncio.sleep(0.2)
            await self._post(client, path, update)

    async def _post(self, client: httpx.AsyncClient, path: str, update: dict[str, Any]) -> None:
        self.deliveries += 1
        answer = await client.post(
            path, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": self.secret}
        )
        if answer.status_code != 200:
            self.refused.append(f"update {update['update_id']}: {answer.status_code}")


@dataclass
class Cluster:
    api: FakeBotApi
    processes: list[ServiceProcess]
    proxy: RoundRobinProxy
    telegram: WebhookTelegram
    database_url: str


@asynccontextmanager
async def two_processes(database_url: str, folder: Path, **settings: str) -> AsyncIterator[Cluster]:
    """Two ``meritkompis serve`` processes on one database, behind one proxy and webhook."""
    # One key-encryption key for both: each must read the signing key the other made.
    kek = folder / "credential-kek"
    kek.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="))
    async with FakeBotApi() as api:
        env = service_env(
            api,
            MERITKOMPIS_PUBLIC_URL=PUBLIC_URL,
            MERITKOMPIS_CREDENTIAL_KEK_FILE=str(kek),
            **settings,
        )
        processes = []
        for name in ("a", "b"):
            (folder / name).mkdir()
            processes.append(ServiceProcess(folder / name, database_url, env))
        # Both start at the same moment, as a service manager would start them.
        started = await asyncio.gather(*(p.start() for p in processes), return_exceptions=True)
        try:
            for outcome in started:
                if isinstance(outcome, BaseException):
                    raise outcome
            secret = webhook_secret(Settings(telegram_bot_token=api.token))
            async with RoundRobinProxy([p.url for p in processes]) as proxy:
                telegram = WebhookTelegram(api, proxy.url, secret)
                delivering = asyncio.create_task(telegram.run())
                try:
                    yield Cluster(api, processes, proxy, telegram, database_url)
                finally:
                    delivering.cancel()
                    with suppress(asyncio.CancelledError):
                        await delivering
        finally:
            for process in processes:
                process.stop()
