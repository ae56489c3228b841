"""The ``meritkompis`` command.

meritkompis serve [--host 127.0.0.1] [--port 8000]
meritkompis apikey create --scope issue [--scope revoke] [--name NAME]
meritkompis signing-key rotate
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import sys

import uvicorn

from api.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="meritkompis", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the service (web chat, API, and the bot)")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")
    apikey = commands.add_parser("apikey", help="organisation API keys for the credentials API")
    apikey_commands = apikey.add_subparsers(dest="apikey_command", required=True)
    create_key = apikey_commands.add_parser("create", help="make a key and print it (once)")
    create_key.add_argument(
        "--scope", action="append", required=True, choices=["issue", "revoke"], dest="scopes"
    )
    create_key.add_argument("--name", default="", help="who the key is for")
    signing_key = commands.add_parser("signing-key", help="the issuer's credential signing key")
    signing_key_commands = signing_key.add_subparsers(dest="signing_key_command", required=True)
    signing_key_commands.add_parser("rotate", help="sign with a new key from now on")
    args = parser.parse_args(argv)
    if args.command in ("apikey", "signing-key"):
        import asyncio

        from api.credentials.cli import create_api_key, rotate_signing_key

        if args.command == "apikey":
            print(asyncio.run(create_api_key(Settings(), set(args.scopes), args.name)))
        else:
            print(asyncio.run(rotate_signing_key(Settings())))
        return

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # Every poll of the Bot API would otherwise be logged, with the token in its URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.command == "serve":
        share_malloc_arenas()
        settings = Settings()
        host = args.host or settings.host
        port = args.port or settings.port
        from api.app import create_app

        print(f"Meritkompis is running: open http://{host}:{port}/chat")
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def share_malloc_arenas(arenas: int = 2) -> None:
    """Let the service's threads share two malloc arenas (glibc only; elsewhere nothing).

    glibc gives each thread that allocates its own arena of memory and seldom returns
    them. When aiosqlite ran a thread per database connection, the resident memory on
    SQLite kept creeping up under load (+1.5 MB a minute over ten minutes) although no
    object was kept; with two arenas it stayed flat (bench/bench_load.py). SQLite now
    runs on the loop's thread (api/db/sqlite_on_loop.py), but the service still has
    threads that allocate (signing big documents, asyncio's default executor). The same as
    MALLOC_ARENA_MAX=2 in the environment, but without relying on whoever starts us.
    Called before any thread starts, so none has an arena of its own yet.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # another C library (musl, say): its allocator works differently
        return
    m_arena_max = -8  # from glibc's malloc.h
    libc.mallopt(m_arena_max, arenas)


if __name__ == "__main__":
    main()
