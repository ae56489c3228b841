"""Running the real service in-process on a free loopback port, for browser and bot tests."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def running_service(settings: Settings) -> AsyncIterator[tuple[str, FastAPI]]:
    """The whole service (lifespan included) on 127.0.0.1; yields its URL and app."""
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    # Tests own signal handling; the server must not take it over.
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(500):
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        if task.done():
            task.result()
        assert server.started, "the service did not start"
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)


@asynccontextmanager
async def app_lifespan(app: FastAPI) -> AsyncIterator[FastAPI]:
    """Run the app's start-up and shut-down around an in-memory (ASGI) client."""
    async with app.router.lifespan_context(app):
        yield app
