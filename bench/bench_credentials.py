"""Benchmark of credentials: issued per second and verified per second, with floors.

Run with ``python -m bench.bench_credentials``. On a SQLite file, with real Ed25519 and
real RDF canonicalisation (pyld):

* issued/s: ``issue_for_endorsement`` for answered endorsement requests (build the
  Open Badges credential with the EU elements, sign with eddsa-rdfc-2022, store), one
  transaction each, in rounds; the median round;
* verified/s: ``service.verify`` of the same credentials (signature, key, dates,
  revocation status from the database), one transaction each;
* the floor: raw Ed25519 sign and verify of a 64-byte message (what any Data Integrity
  proof costs at least);
* the independent verifier: Digital Bazaar's ``vc`` with ``eddsa-rdfc-2022`` in Node,
  on the same credentials in the same run, a round of theirs after each round of ours,
  and the median of the rounds' ratios ours/theirs (skipped with a note when Node or
  its packages are missing);
* under load: the whole service (``api.app.create_app`` on the same SQLite file) in a
  process of its own under uvicorn on 127.0.0.1, and 50 clients, each on its own open
  connection, posting the same credentials to ``POST /credentials/verify`` back to
  back; p50/p95/p99 of the time each request took (send to whole response) once every
  connection is open and warm, and the same for ``POST /bare``, a
  bare FastAPI endpoint in the same process that reads the same body and answers a
  fixed JSON, in the same run; the ratio verify/bare. The service's rate limit is
  turned off for this (every client is 127.0.0.1).

Issued/s and verified/s are one process, one credential at a time, each in its own
transaction: the goal is judged on those. Medians of rounds; it never fails on time.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Request
from fastapi.responses import JSONResponse

from api.credentials import service
from api.credentials.service import Issuance
from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.endorsements import service as endorsements
from api.endorsements.service import AskedItem, EndorserAnswer, NewRequest
from api.experiences.service import save_experience
from api.learners.service import save_profile
from api.skills.catalogue import default_catalogue
from bench.bench_endorsement_page import _free_port, wait_ready
from bench.report import percentile, verdict
from tests.endorsements.people import JACOBS_INTERNSHIP

CREDENTIALS_PER_ROUND = 100
ROUNDS = 5
RAW_OPS = 5000
GOAL_PER_SECOND = 200
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
PUBLIC_URL = "https://merit.example"
KEK = bytes(32)
CLIENTS = 50
REQUESTS_PER_CLIENT = 20
LOAD_ROUNDS = 3


def raw_ed25519() -> tuple[float, float]:
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    message = bytes(64)
    signature = key.sign(message)
    signs, verifies = [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(RAW_OPS):
            key.sign(message)
        signs.append(RAW_OPS / (time.perf_counter() - started))
        started = time.perf_counter()
        for _ in range(RAW_OPS):
            public.verify(signature, message)
        verifies.append(RAW_OPS / (time.perf_counter() - started))
    return statistics.median(signs), statistics.median(verifies)


async def answered_endorsements(sessions: Any, count: int) -> list[int]:
    ids = []
    async with sessions() as session, session.begin():
        learner = await save_profile(session, None, locale="sv", more_pictures=False)
        experience = await save_experience(
            session,
            learner.id,
            JACOBS_INTERNSHIP,
        )
        for number in range(count):
            request, _ = await endorsements.create_request(
                session,
                NewRequest(
                    learner_id=learner.id,
                    experience_id=experience.id,
                    learner_name="Jacob",
                    endorser_name=f"Maria {number}",
                    endorser_email="maria@hotel.example",
                    locale="sv",
                    items=(
                        AskedItem("hotel_room_cleaning", "prepares_guest_rooms"),
                        AskedItem("hotel_room_cleaning", "reports_room_issues"),
                    ),
                ),
                now=NOW,
                lifetime=timedelta(days=30),
            )
            endorsement = await endorsements.submit(
                session,
                request,
                EndorserAnswer(
                    relationship="supervisor",
                    verdicts={o.id: ("yes", "") for o in request.outcomes},
                    name=f"Maria {number}",
                    role="Head of housekeeping",
                    organisation="Hotell Norra",
                    email="maria@hotel.example",
                    declared=True,
                ),
                now=NOW + timedelta(hours=1),
            )
            await session.flush()
            ids.append(endorsement.id)
    return ids


@dataclass
class Rates:
    """Per second, each round: by the clock (the figure), and per CPU second of this
    process, its database thread included (for context on a busy machine)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @contextmanager
    def round(self, count: int, *, counted: bool) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        if counted:
            self.wall.append(count / (time.perf_counter() - wall))
            self.cpu.append(count / (time.process_time() - cpu))

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


@dataclass
class Js:
    """Digital Bazaar's verifier on the same credentials, one round at a time."""

    rates: list[float] = field(default_factory=list)
    missing: str | None = None

    def round(
        self, documents: list[dict[str, Any]], did: dict[str, Any], lists: dict[str, Any]
    ) -> None:
        from tests.credentials.interop import available, js_verify

        self.missing = available()
        if self.missing is not None:
            return
        output = js_verify(
            documents,
            did_documents={did["id"]: did},
            status_lists=lists,
            rounds=2,  # the first warms up
            now=NOW.isoformat(),
        )
        assert all(r["verified"] for r in output["results"]), output["results"][:1]
        self.rates.append(len(documents) / float(output["seconds"][1]))


@dataclass
class Ours:
    issuing: Rates
    verifying: Rates
    js: Js
    documents: list[dict[str, Any]]


async def ours(folder: Path) -> Ours:
    engine = create_engine(database_url(folder))
    await upgrade(engine)
    sessions = create_session_factory(engine)
    issuance = Issuance(
        base_url=PUBLIC_URL,
        public_url=PUBLIC_URL,
        organisation_name="Meritkompis",
        organisation_url=PUBLIC_URL,
        country_code="SE",
        region="",
        kek=KEK,
    )
    catalogue = default_catalogue()
    endorsement_ids = await answered_endorsements(sessions, CREDENTIALS_PER_ROUND * (ROUNDS + 1))
    issuing, documents = Rates(), []
    for round_number in range(ROUNDS + 1):  # the first round warms up
        batch = endorsement_ids[
            round_number * CREDENTIALS_PER_ROUND : (round_number + 1) * CREDENTIALS_PER_ROUND
        ]
        with issuing.round(len(batch), counted=round_number > 0):
            for endorsement_id in batch:
                async with sessions() as session, session.begin():
                    issued = await service.issue_for_endorsement(
                        session, endorsement_id, issuance=issuance, catalogue=catalogue, now=NOW
                    )
                documents.append(issued[0].document)
    sample = documents[-CREDENTIALS_PER_ROUND:]
    async with sessions() as session, session.begin():
        did = await service.our_did_document(session, issuance, NOW)
        lists = {}
        for number in sorted(
            {int(d["credentialStatus"]["statusListCredential"].rsplit("/", 1)[1]) for d in sample}
        ):
            listed = await service.status_list_credential(
                session, number, issuance=issuance, now=NOW
            )
            assert listed is not None
            lists[listed["id"]] = listed
    # Ours and theirs take turns, round by round, so that both see the same machine.
    verifying, js = Rates(), Js()
    for round_number in range(ROUNDS + 1):
        with verifying.round(len(sample), counted=round_number > 0):
            for document in sample:
                async with sessions() as session, session.begin():
                    result = await service.verify(session, document, issuance=issuance, now=NOW)
                assert result.verified, result.problems
        if round_number:
            js.round(sample, did, lists)
    await engine.dispose()
    return Ours(issuing, verifying, js, sample)


def database_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"


# --------------------------------------------------------------------------------------
# Under load: POST /credentials/verify and a bare endpoint, 50 clients


def verify_app() -> Any:
    """The child's application: the whole service, plus ``POST /bare``.

    A factory for uvicorn; the settings come from the environment ``start_server`` set.
    """
    from api.app import create_app

    app = create_app()

    @app.post("/bare")
    async def bare(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({"verified": True})

    return app


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "MERITKOMPIS_DATABASE_URL": database_url(folder),
        "MERITKOMPIS_DATA_DIR": str(folder),
        "MERITKOMPIS_PUBLIC_URL": PUBLIC_URL,
        "MERITKOMPIS_CREDENTIAL_KEK": base64.urlsafe_b64encode(KEK).decode().rstrip("="),
        "MERITKOMPIS_TELEGRAM_BOT_TOKEN": "",
        # Every client is 127.0.0.1 here; the limiter would answer 429 to most of them.
        "MERITKOMPIS_API_RATE_PER_MINUTE": "0",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench.bench_credentials:verify_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
    )


async def post_back_to_back(
    clients: list[httpx.AsyncClient], path: str, bodies: list[bytes]
) -> list[float]:
    """Each client posts REQUESTS_PER_CLIENT bodies one after another on its open
    connection; the milliseconds each request took, send to whole response."""
    waited: list[float] = []
    headers = {"content-type": "application/json"}

    async def one_client(number: int, client: httpx.AsyncClient) -> None:
        for n in range(REQUESTS_PER_CLIENT):
            body = bodies[(number * REQUESTS_PER_CLIENT + n) % len(bodies)]
            started = time.perf_counter()
            response = await client.post(path, content=body, headers=headers)
            waited.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or not response.json().get("verified"):
                raise RuntimeError(f"{path} answered {response.status_code}: {response.text}")

    await asyncio.gather(*(one_client(n, client) for n, client in enumerate(clients)))
    return waited


Spread = tuple[float, float, float]  # p50, p95, p99 in ms


async def under_load(folder: Path, documents: list[dict[str, Any]]) -> dict[str, Spread]:
    """Median over rounds of p50/p95/p99 for ``/credentials/verify`` and ``/bare``."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    bodies = [json.dumps(document).encode() for document in documents]
    server = start_server(folder, port)
    rounds: dict[str, list[Spread]] = {"/credentials/verify": [], "/bare": []}
    try:
        await wait_ready(url)
        async with AsyncExitStack() as stack:
            clients = [
                await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=60))
                for _ in range(CLIENTS)
            ]
            for path in rounds:  # warm up: connections opened, caches filled
                await post_back_to_back(clients, path, bodies)
            for _ in range(LOAD_ROUNDS):
                for path, spreads in rounds.items():
                    waited = await post_back_to_back(clients, path, bodies)
                    spreads.append(
                        (percentile(waited, 50), percentile(waited, 95), percentile(waited, 99))
                    )
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    return {
        path: (
            statistics.median(s[0] for s in spreads),
            statistics.median(s[1] for s in spreads),
            statistics.median(s[2] for s in spreads),
        )
        for path, spreads in rounds.items()
    }


def main() -> None:
    load_before = os.getloadavg()[0]
    sign_floor, verify_floor = raw_ed25519()
    with tempfile.TemporaryDirectory(prefix="meritkompis-bench-") as folder:
        found = asyncio.run(ours(Path(folder)))
        loaded = asyncio.run(under_load(Path(folder), found.documents))
    issued, verified = found.issuing.median, found.verifying.median
    goal = f">= {GOAL_PER_SECOND}/s"
    print(
        verdict(
            "credentials issued/s (build, sign, store)",
            f"{issued:,.0f}/s",
            goal,
            issued >= GOAL_PER_SECOND,
        )
    )
    print(
        verdict(
            "credentials verified/s (proof, key, dates, status)",
            f"{verified:,.0f}/s",
            goal,
            verified >= GOAL_PER_SECOND,
        )
    )
    print(
        f"  one process, one credential per transaction; per CPU second of the process:"
        f" issued {found.issuing.median_cpu:,.0f}, verified {found.verifying.median_cpu:,.0f}"
    )
    print(
        f"  floor: raw Ed25519 sign {sign_floor:,.0f}/s, verify {verify_floor:,.0f}/s"
        " (64-byte message)"
    )
    print(
        f"  machine load average (1 min, {os.cpu_count()} cores): {load_before:.1f} before,"
        f" {os.getloadavg()[0]:.1f} after; above the core count every figure here is shared"
    )
    if found.js.missing is not None:
        print(f"  independent JS verifier not run: {found.js.missing}")
    else:
        js = statistics.median(found.js.rates)
        # Round by round (each ours, then theirs), so a burst of load elsewhere hits both.
        ratio = statistics.median(
            ours / theirs for ours, theirs in zip(found.verifying.wall, found.js.rates, strict=True)
        )
        print(f"  Digital Bazaar vc + eddsa-rdfc-2022 (Node), same credentials: {js:,.0f}/s")
        print(verdict("verified/s ours / JS verifier", f"{ratio:.2f}", ">= 1.0", ratio >= 1.0))
    verify, bare = loaded["/credentials/verify"], loaded["/bare"]
    print(
        f"  POST /credentials/verify, {CLIENTS} clients back to back on loopback (one uvicorn"
        " process; time each client waited, median of rounds):"
    )
    for name, (p50, p95, p99) in (("verify", verify), ("bare", bare)):
        print(f"    {name:<7} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   p99 {p99:7.1f} ms")
    print(
        f"    verify/bare ratio: p50 {verify[0] / bare[0]:.1f}, p95 {verify[1] / bare[1]:.1f},"
        f" p99 {verify[2] / bare[2]:.1f}"
    )


if __name__ == "__main__":
    main()
