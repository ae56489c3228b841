"""Endorsement page benchmark: the endorser's page and form under 50 clients at once.

Run with ``python -m bench.bench_endorsement_page [--clients 50] [--rounds 3]``.

The service (``api.app.create_app``, SQLite file in a temporary folder) runs in a
process of its own under uvicorn on 127.0.0.1, so the clients' work never shares its
event loop. A thin ASGI wrapper adds a ``Server-Timing`` header to every response:
the time from the request reaching the application to its response starting, which
is the figure measured ("server time"). The same process serves a bare FastAPI
endpoint (``/bare``, a few bytes of HTML) measured the same way in the same run.

* page: ``--clients`` clients, each opening endorsement links (``GET /e/{token}``)
  one after another; server time p95, median over ``--rounds`` rounds.
* submissions: the same clients each posting complete answers to fresh links; form
  submissions per second (each a ``303`` after the answer is stored), median over
  rounds. The form token is computed as the browser's page would carry it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.endorsements import service as endorsements
from api.endorsements.security import CSRF_COOKIE, form_token
from api.experiences.service import save_experience
from api.learners.service import save_profile
from bench.report import percentile, verdict
from tests.endorsements.people import JACOBS_INTERNSHIP

CLIENTS = 50
ROUNDS = 3
PAGE_REQUESTS_PER_CLIENT = 40
SUBMISSIONS_PER_CLIENT = 10
LINKS_FOR_PAGES = 200
GOAL_P95_MS = 30.0
PACED_REQUESTS = 10
PACED_PAUSE = 0.5  # seconds between one client's pages
READY_TIMEOUT = 60.0
ITEMS = (
    endorsements.AskedItem("hotel_room_cleaning", "prepares_guest_rooms"),
    endorsements.AskedItem("hotel_room_cleaning", "makes_beds"),
    endorsements.AskedItem("hotel_room_cleaning", "reports_room_issues"),
    endorsements.AskedItem(own_words="Folding towels the hotel's way"),
)


# --------------------------------------------------------------------------- the server


def serve(database_url: str, data_dir: str, port: int) -> None:
    """The child process: the whole service plus /bare, each response timed."""
    import uvicorn
    from fastapi.responses import HTMLResponse
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from api.app import create_app
    from api.settings import Settings

    settings = Settings(
        database_url=database_url,
        data_dir=Path(data_dir),
        # Every client is 127.0.0.1 here; the limiter would measure itself.
        endorsement_rate_per_minute=1_000_000_000,
    )
    app = create_app(settings)

    @app.get("/bare")
    async def bare() -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>ok</title><p>ok</p>")

    def timed(inner: ASGIApp) -> ASGIApp:
        async def wrapper(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await inner(scope, receive, send)
                return
            started = time.perf_counter()

            async def timed_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    took = (time.perf_counter() - started) * 1000
                    headers = [
                        *message.get("headers", []),
                        (b"server-timing", b"app;dur=%.3f" % took),
                    ]
                    message = {**message, "headers": headers}
                await send(message)

            await inner(scope, receive, timed_send)

        return wrapper

    uvicorn.run(timed(app), host="127.0.0.1", port=port, log_level="warning", lifespan="on")


def start_server(database_url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.bench_endorsement_page",
            "--serve",
            "--database-url",
            database_url,
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
        ],
        cwd=Path(__file__).resolve().parent.parent,
    )


async def wait_ready(url: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"{url}/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the service did not start")


# --------------------------------------------------------------------------- the data


async def make_links(database_url: str, count: int) -> list[str]:
    """``count`` open requests from one learner, as the chat stores them."""
    engine = create_engine(database_url)
    await upgrade(engine)
    sessions = create_session_factory(engine)
    now = datetime.now(UTC)
    tokens = []
    async with sessions() as session, session.begin():
        learner = await save_profile(session, None, locale="sv", more_pictures=True)
        experience = await save_experience(
            session,
            learner.id,
            JACOBS_INTERNSHIP,
        )
        for n in range(count):
            _, token = await endorsements.create_request(
                session,
                endorsements.NewRequest(
                    learner_id=learner.id,
                    experience_id=experience.id,
                    learner_name="Jacob",
                    endorser_name=f"Maria {n}",
                    endorser_role="Head of housekeeping",
                    endorser_email="maria@hotel.example",
                    locale=("sv", "en", "ar")[n % 3],
                    items=ITEMS,
                ),
                now=now,
                lifetime=timedelta(days=30),
            )
            tokens.append(token)
    await engine.dispose()
    return tokens


# --------------------------------------------------------------------------- the clients


def server_ms(response: httpx.Response) -> float:
    return float(response.headers["server-timing"].split("dur=")[1])


async def run_clients(
    url: str,
    clients: int,
    per_client: int,
    request: Callable[[httpx.AsyncClient, int], Awaitable[float]],
    pause: float = 0.0,
) -> tuple[list[float], float]:
    """Server times of every request, and the wall time the whole run took."""
    times: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def one_client(number: int) -> None:
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
            if pause:
                # Start at different moments, as people do, not all in one burst.
                await asyncio.sleep(random.uniform(0, pause))
            for n in range(per_client):
                times.append(await request(client, number * per_client + n))
                if pause:
                    await asyncio.sleep(pause)

    started = time.perf_counter()
    await asyncio.gather(*(one_client(c) for c in range(clients)))
    return times, time.perf_counter() - started


def page_request(tokens: Sequence[str]) -> Callable[[httpx.AsyncClient, int], Awaitable[float]]:
    async def request(client: httpx.AsyncClient, n: int) -> float:
        response = await client.get(f"/e/{tokens[n % len(tokens)]}")
        if response.status_code != 200:
            raise RuntimeError(f"page answered {response.status_code}")
        return server_ms(response)

    return request


async def bare_request(client: httpx.AsyncClient, n: int) -> float:
    response = await client.get("/bare")
    return server_ms(response)


def answer_fields(token: str, cookie: str, outcome_ids: Sequence[int]) -> dict[str, str]:
    fields = {
        "form_token": form_token(token, cookie),
        "relationship": "supervisor",
        "period_from": "2026-03",
        "comment": "Careful and on time.",
        "name": "Maria Berg",
        "role": "Head of housekeeping",
        "organisation": "Hotell Norra",
        "email": "maria@hotel.example",
        "declared": "yes",
    }
    for outcome_id in outcome_ids:
        fields[f"verdict-{outcome_id}"] = "yes"
    return fields


def submit_request(
    tokens: Sequence[str], outcome_ids: dict[str, list[int]]
) -> Callable[[httpx.AsyncClient, int], Awaitable[float]]:
    cookie = "benchmark-form-cookie"

    async def request(client: httpx.AsyncClient, n: int) -> float:
        token = tokens[n]
        client.cookies.set(CSRF_COOKIE, cookie)
        response = await client.post(
            f"/e/{token}", data=answer_fields(token, cookie, outcome_ids[token])
        )
        if response.status_code != 303:
            raise RuntimeError(f"the form answered {response.status_code}: {response.text[:200]}")
        return server_ms(response)

    return request


async def asked_outcome_ids(database_url: str, tokens: Sequence[str]) -> dict[str, list[int]]:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    found: dict[str, list[int]] = {}
    async with sessions() as session:
        for token in tokens:
            request = await endorsements.request_by_token(session, token)
            assert request is not None
            found[token] = [asked.id for asked in request.outcomes]
    await engine.dispose()
    return found


# --------------------------------------------------------------------------- the run


async def run(clients: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory(prefix="meritkompis-bench-") as folder:
        data_dir = Path(folder)
        database_url = f"sqlite+aiosqlite:///{data_dir / 'bench.sqlite3'}"
        submissions = clients * SUBMISSIONS_PER_CLIENT
        tokens = await make_links(database_url, LINKS_FOR_PAGES + rounds * submissions)
        page_tokens = tokens[:LINKS_FOR_PAGES]
        outcome_ids = await asked_outcome_ids(database_url, tokens[LINKS_FOR_PAGES:])
        port = _free_port()
        server = start_server(database_url, data_dir, port)
        url = f"http://127.0.0.1:{port}"
        try:
            await wait_ready(url)
            # Warm up: templates compiled, connections open, every page language rendered.
            await run_clients(url, clients, 3, page_request(page_tokens))
            await run_clients(url, clients, 3, bare_request)
            page_p95, page_p50, bare_p95, bare_p50, per_second = [], [], [], [], []
            paced_p95 = []
            for number in range(rounds):
                times, _ = await run_clients(
                    url, clients, PAGE_REQUESTS_PER_CLIENT, page_request(page_tokens)
                )
                page_p95.append(percentile(times, 95))
                page_p50.append(percentile(times, 50))
                times, _ = await run_clients(
                    url, clients, PACED_REQUESTS, page_request(page_tokens), pause=PACED_PAUSE
                )
                paced_p95.append(percentile(times, 95))
                times, _ = await run_clients(url, clients, PAGE_REQUESTS_PER_CLIENT, bare_request)
                bare_p95.append(percentile(times, 95))
                bare_p50.append(percentile(times, 50))
                fresh = tokens[
                    LINKS_FOR_PAGES + number * submissions : LINKS_FOR_PAGES
                    + (number + 1) * submissions
                ]
                _, took = await run_clients(
                    url, clients, SUBMISSIONS_PER_CLIENT, submit_request(fresh, outcome_ids)
                )
                per_second.append(submissions / took)
                print(
                    f"round {number + 1}: page p95 {page_p95[-1]:.1f} ms "
                    f"(paced {paced_p95[-1]:.1f} ms), "
                    f"bare p95 {bare_p95[-1]:.2f} ms, {per_second[-1]:.0f} submissions/s",
                    flush=True,
                )
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()

    p95 = statistics.median(page_p95)
    bare = statistics.median(bare_p95)
    print(
        verdict(
            f"endorsement page server time p95, {clients} clients",
            f"{p95:.1f} ms (p50 {statistics.median(page_p50):.1f} ms)",
            f"<= {GOAL_P95_MS:.0f} ms",
            p95 <= GOAL_P95_MS,
        )
    )
    print(
        f"  paced: {clients} clients, each a page every {PACED_PAUSE:.1f} s: p95 "
        f"{statistics.median(paced_p95):.1f} ms (for context: people pause between pages)"
    )
    print(
        f"  bare FastAPI endpoint, same run: p95 {bare:.2f} ms (p50 "
        f"{statistics.median(bare_p50):.2f} ms); page/bare p95 ratio {p95 / bare:.1f}"
    )
    print(
        f"  form submissions per second, {clients} clients: "
        f"{statistics.median(per_second):.0f} (median of {rounds} rounds; for context)"
    )
    return 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.database_url, args.data_dir, args.port)
        return 0
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    return asyncio.run(run(args.clients, args.rounds))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
