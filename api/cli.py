"""The ``meritkompis`` command.

meritkompis serve [--host 127.0.0.1] [--port 8000]
"""

from __future__ import annotations

import argparse
import logging

import uvicorn

from api.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="meritkompis", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the service (web chat, API, and the bot)")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # Every poll of the Bot API would otherwise be logged, with the token in its URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.command == "serve":
        settings = Settings()
        host = args.host or settings.host
        port = args.port or settings.port
        from api.app import create_app

        print(f"Meritkompis is running: open http://{host}:{port}/chat")
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


if __name__ == "__main__":
    main()
