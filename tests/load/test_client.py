"""The load run's HTTP clients: the one retry browsers make, and nothing more.

A server on loopback that misbehaves on purpose, a request at a time: it closes a
kept-alive connection just as the next request arrives on it (what a keep-alive timer
crossing a request does), or breaks a request on a fresh connection, or in the middle
of an answer. Only the first is sent again; the others stay errors, saying which.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from bench.bench_load import Report, client_for

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"

# What the server does with the n-th request on a connection (counting from 1), given
# how many connections it has had: "answer", "reset" (an RST, nothing answered) or
# "half" (the answer's head and half its body, then an RST).
Plan = Callable[[int, int], str]


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@asynccontextmanager
async def misbehaving(plan: Plan) -> AsyncIterator[str]:
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        this_connection = connections
        requests = 0
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                requests += 1
                what = plan(this_connection, requests)
                if what == "reset":
                    _reset(writer)
                    return
                if what == "half":
                    writer.write(OK[:-1])
                    await writer.drain()
                    _reset(writer)
                    return
                writer.write(OK)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()


async def test_a_request_on_a_connection_the_server_closed_as_idle_goes_again_once() -> None:
    # The first connection is closed as the second request arrives on it.
    def plan(connection: int, request: int) -> str:
        return "reset" if (connection, request) == (1, 2) else "answer"

    report = Report()
    async with misbehaving(plan) as url, client_for(url, report) as client:
        first = await client.get("/credentials/a")
        second = await client.get("/credentials/b")

    assert (first.text, second.text) == ("ok", "ok")
    assert len(report.resent) == 1
    assert "GET /credentials/b" in report.resent[0]
    assert "on a kept-alive connection, before any answer" in report.resent[0]


async def test_a_request_broken_on_a_new_connection_is_an_error() -> None:
    report = Report()
    async with misbehaving(lambda _c, _r: "reset") as url, client_for(url, report) as client:
        with pytest.raises(httpx.TransportError, match="on a new connection, before any answer"):
            await client.get("/credentials/a")
    assert report.resent == []


async def test_an_answer_broken_halfway_is_an_error() -> None:
    def plan(connection: int, request: int) -> str:
        return "half" if request == 2 else "answer"

    report = Report()
    async with misbehaving(plan) as url, client_for(url, report) as client:
        await client.get("/credentials/a")
        with pytest.raises(httpx.TransportError, match="GET /credentials/b, in the answer's body"):
            await client.get("/credentials/b")
    assert report.resent == []


async def test_a_request_broken_again_after_its_one_retry_is_an_error() -> None:
    # Every connection is closed at its second request, and the retry's new connection
    # at its first: the server is broken, not merely closing an idle connection.
    def plan(connection: int, request: int) -> str:
        return "answer" if (connection, request) == (1, 1) else "reset"

    report = Report()
    async with misbehaving(plan) as url, client_for(url, report) as client:
        await client.get("/credentials/a")
        with pytest.raises(httpx.TransportError, match="on a new connection"):
            await client.get("/credentials/b")
    assert len(report.resent) == 1
