"""How the bot talks HTTP to the Bot API: python-telegram-bot's request interface on aiohttp.

Every learner's tap costs the bot about two Bot API calls (answering the tap, then the
next question), so the cost of one HTTP request is most of what a tap costs us. PTB's
default transport (httpx) spends most of that in pure-Python layers (URL parsing,
httpcore's pool, h11). aiohttp parses HTTP in C and keeps its own connection pool, and
measured on loopback it makes the bot's requests markedly cheaper (``python -m bench
end_to_end`` prints both). Behaviour is PTB's: the same timeouts, the same errors
(``TimedOut``, ``NetworkError``), JSON bodies for plain calls and multipart for uploads.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's own defaults for HTTPXRequest, so switching transport changes no waiting time.
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0
JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A PTB request object backed by one ``aiohttp.ClientSession``.

    ``connections`` bounds the pool as PTB's ``connection_pool_size`` does: 256 for the
    bot's calls, 1 for the long-polling ``getUpdates``.
    """

    def __init__(self, connections: int = 256, read_timeout: float | None = READ_TIMEOUT) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
                # Bot API answers are parsed by PTB, not by aiohttp's cookie or auth logic.
                cookie_jar=aiohttp.DummyCookieJar(),
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = request_data.multipart_data if request_data else None
        body: Any = None
        headers: dict[str, str] | None = None
        if uploads:
            body = _form(request_data, uploads)
        elif request_data is not None and request_data.parameters:
            # Native JSON (numbers stay numbers, markup stays an object), as the Bot API
            # accepts; cheaper than PTB's url-encoded strings of JSON.
            body, headers = json.dumps(request_data.parameters).encode(), JSON
        connect = _given(connect_timeout, CONNECT_TIMEOUT)
        timeout = aiohttp.ClientTimeout(
            # aiohttp's "connect" includes waiting for a free connection in the pool.
            connect=_sum(_given(pool_timeout, POOL_TIMEOUT), connect),
            sock_connect=connect,
            sock_read=_given(read_timeout, self._read_timeout),
        )
        write = _given(write_timeout, MEDIA_WRITE_TIMEOUT if uploads else WRITE_TIMEOUT)
        try:
            # aiohttp has no write timeout of its own; the whole exchange is bounded instead.
            async with asyncio.timeout(_sum(write, timeout.connect, timeout.sock_read)):
                async with self._session.request(
                    method, url, data=body, headers=headers, timeout=timeout
                ) as response:
                    return response.status, await response.read()
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as error:
            # No connection was made: the request never left, so asking again is safe.
            raise NotSent(f"aiohttp.{error.__class__.__name__}: {error}") from error
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The connection broke on the way: the Bot API may or may not have acted.
            raise MaybeSent(f"aiohttp.{error.__class__.__name__}: {error}") from error


class NotSent(NetworkError):
    """The request never reached the Bot API (no connection could be made)."""


class MaybeSent(NetworkError):
    """The connection broke after the request went out: it may have been carried out."""


def _given(value: Any, default: float | None) -> Any:
    """A timeout the caller gave (``None`` = wait forever), else this transport's default."""
    return default if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value


def _sum(*parts: float | None) -> float | None:
    """Timeouts added up; ``None`` (no limit) in any part means no limit."""
    return None if any(part is None for part in parts) else sum(p or 0.0 for p in parts)


def _form(request_data: RequestData | None, uploads: dict[str, Any]) -> aiohttp.FormData:
    form = aiohttp.FormData()
    if request_data is not None:
        for name, value in request_data.json_parameters.items():
            form.add_field(name, value)
    for name, (filename, content, mimetype) in uploads.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
