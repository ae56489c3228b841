"""Rate limits and a body-size limit in front of the credential routes.

Every request to the API and to the public credential pages counts against its
client address; a request that presents a key (``Authorization: Bearer ...``) counts
against that key as well, so an organisation's key cannot be used from many addresses
to get round its allowance. Both are token buckets in the process's memory
(``RateLimiter``), checked before any database work, so a flood costs a dictionary
lookup a request. Over the limit: 429 with ``Retry-After``.

A body over the limit is refused with 413 before the route runs when its length is
declared, and as soon as it grows past the limit when it is streamed.

The client address is the connection's: behind a reverse proxy, run uvicorn with
``--proxy-headers`` (and ``--forwarded-allow-ips``) so it is the real client's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

from api.credentials.errors import is_api
from api.endorsements.security import RateLimiter

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The public pages a stranger reaches: the verify page and the shared-merit pages.
PAGE_PREFIXES: Final = ("/verify", "/m/")


class TooLarge(Exception):
    """The streamed body grew past the limit."""


class CredentialLimits:
    def __init__(
        self,
        app: ASGIApp,
        *,
        per_address_per_minute: int,
        per_key_per_minute: int,
        max_body: int,
    ) -> None:
        self.app = app
        self.max_body = max_body
        # 0 turns a limit off (a benchmark on loopback, say).
        self.by_address = (
            RateLimiter(per_address_per_minute) if per_address_per_minute > 0 else None
        )
        self.by_key = RateLimiter(per_key_per_minute) if per_key_per_minute > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not (is_api(path) or path.startswith(PAGE_PREFIXES)):
            await self.app(scope, receive, send)
            return
        refused = self._refused(scope)
        if refused is not None:
            await _answer(send, path, *refused)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _answer(send, path, 413, "too_large", self._too_large, {})
            return
        started = False

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                counted["size"] += len(message.get("body", b""))
                if counted["size"] > self.max_body:
                    raise TooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        counted = {"size": 0}
        try:
            await self.app(scope, counting_receive, watching_send)
        except TooLarge:
            if started:
                raise
            await _answer(send, path, 413, "too_large", self._too_large, {})

    @property
    def _too_large(self) -> str:
        return f"the body may be at most {self.max_body} bytes"

    def _refused(self, scope: Scope) -> tuple[int, str, str, dict[str, str]] | None:
        client = scope.get("client")
        address = str(client[0]) if client else "unknown"
        checks: list[tuple[RateLimiter, str]] = []
        if self.by_address is not None:
            checks.append((self.by_address, address))
        authorization = _header(scope, b"authorization") or ""
        scheme, _, key = authorization.partition(" ")
        if self.by_key is not None and scheme.lower() == "bearer" and key.strip():
            # The bucket is named by a hash: no key is kept in memory as it was sent.
            checks.append((self.by_key, hashlib.sha256(key.strip().encode()).hexdigest()[:32]))
        for limiter, who in checks:
            if not limiter.allow(who):
                wait = str(limiter.retry_after(who))
                message = f"too many requests; try again in {wait} seconds"
                return 429, "too_many_requests", message, {"retry-after": wait}
        return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return None


async def _answer(
    send: Send, path: str, status: int, code: str, message: str, headers: dict[str, str]
) -> None:
    if is_api(path):
        body = json.dumps({"error": code, "message": message}).encode()
        kind = b"application/json"
    else:
        body = message.encode()
        kind = b"text/plain; charset=utf-8"
    raw = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
