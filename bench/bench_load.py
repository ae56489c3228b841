"""Load run: many learners, endorsers and verifiers at once against the real service process.

Run with ``python -m bench.bench_load [--minutes 10] [--learners 500] [--endorsers 50]
[--verifiers 10] [--postgres | --database-url postgresql+asyncpg://...]``.

What runs, all on 127.0.0.1:

* **the service**, as it is deployed: ``python -m api.cli serve`` (``meritkompis serve``)
  in a process of its own, with ``MERITKOMPIS_TELEGRAM_API_BASE_URL`` pointing at the
  fake Bot API (``tests/fakes``) that this benchmark runs, so the service's own
  python-telegram-bot long-polls it. Its resident memory (``VmRSS`` in ``/proc``) and CPU
  time are sampled every ``--sample-seconds`` and printed as a time series;
* **learners** (``--learners``) chat in Telegram. Three in four: onboarding, a hotel
  internship with a search, own words and a change, and the first self-check topic
  (``bench/conversations.py``); one in four: onboarding, an internship by taps, and
  asking their supervisor to confirm it, which makes a real endorsement link. Before
  every action a learner thinks for a random ``--think`` seconds. A learner who
  reaches the end comes back as a new one (a new chat), until the time is up; then
  nobody starts a new action and every answer still on its way is waited for;
* **endorsers** (``--endorsers``) take the links the learners made, open the page
  (``GET /e/{token}``), read for a while and send the form as a browser does (the
  hidden form token from the page, the form cookie, a verdict for every outcome);
* **verify clients** (``--verifiers``) post credentials the service has issued (those
  signed for the endorsers' answers, and a few issued through the API with a key
  made by ``meritkompis apikey create``) to ``POST /credentials/verify``.

How many messages answer each action is learned first, from one learner per script
playing alone with a generous quiet time. Under load a learner then waits for exactly
that many. What counts:

* **errors**: an HTTP answer other than the expected one (5xx included), a timeout or a
  broken connection, a credential that does not verify, the bot saying "something went
  wrong", a Bot API call the service made that the fake refused, an ERROR line in the
  service's log, the service process dying. One broken request is not an error, as
  browsers do not show it either: one that went out on a kept-alive connection and broke
  before any byte of an answer came back (the server closing the idle connection as the
  request arrived) is sent again once, and counted apart (``AsBrowsers``);
* **lost answers**: an action whose answer did not arrive within ``REPLY_TIMEOUT``, and
  an endorser's answer whose news never reached the learner's chat;
* **extra answers**: more messages than the action's answer has (a duplicate).

Latency is update enqueued -> first message of the answer seen by the fake. The run
prints throughput and p95 per sample and for the whole run, the chat p95 in the samples
in which credentials were signed and in the others, the memory slope over the second
half (MB per minute, least squares) and judges it flat at <= ``FLAT_MB_PER_MIN``.

The machine is shared, so each sample also says what else was going on: how long the
service's event loop was ready to run but waited for a core (``/proc/<pid>/schedstat``),
how busy all cores were, and this process's own CPU and event-loop lateness (the fake
Bot API and every learner live here; a late load generator looks like a slow service).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import re
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from sqlalchemy import select

from api.credentials.models import Credential
from api.db.engine import create_engine, create_session_factory
from api.skills.catalogue import default_catalogue
from bench.bench_end_to_end import _send, database_label
from bench.bench_endorsement_page import ENDORSER_ANSWER
from bench.conversations import HOTEL_INTERNSHIP, ONBOARDING, Line, Player, self_check
from bench.report import percentile, verdict
from tests.fakes.telegram import FakeBotApi, SentMessage

ROOT = Path(__file__).resolve().parent.parent
MINUTES = 10.0
LEARNERS = 500
ENDORSERS = 50
VERIFIERS = 10
THINK_S = (3.0, 9.0)  # a learner reads the answer and taps or types
ENDORSER_READS_S = (5.0, 20.0)  # an endorser reads the page before sending it
VERIFIER_PAUSE_S = (0.5, 1.5)
SAMPLE_S = 10.0
ASKERS_EVERY = 4  # one learner in this many asks someone to confirm
REPLY_TIMEOUT = 60.0  # seconds: an answer later than this is lost
NEWS_TIMEOUT = 60.0  # seconds after the run for an endorser's answer to reach the learner
HTTP_TIMEOUT = 30.0
READY_TIMEOUT = 120.0
CALIBRATION_SETTLE = 0.5  # quiet seconds that end an answer while one learner plays alone
SEED_CREDENTIALS = 10  # issued through the API before the run, so verifiers start at once
FLAT_MB_PER_MIN = 1.0
NEWS = "has answered your request"
SORRY = ("something went wrong", "try again in a moment")
LINK = re.compile(r"https?://\S+/e/([A-Za-z0-9_\-]+)")
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
VERDICT = re.compile(r'name="(verdict-\d+)"')
_chat_ids = itertools.count(3_000_000_001 + random.randrange(1_000) * 1_000_000)

# A job documented by taps only, quickly, to ask about.
QUICK_INTERNSHIP = [
    Line("tap: experience", "experience.kind"),
    Line("tap: internship", "experience.area"),
    Line("tap: hotel", "experience.role"),
    Line("Receptionist", "experience.place"),
    Line("Hotel Baltic", "experience.start_year"),
    Line("tap: y*", "experience.start_month"),
    Line("tap: m3", "experience.end"),
    Line("tap: ongoing", "experience.tasks"),
    Line("tap: t0", "experience.tasks"),
    Line("tap: done", "experience.skills"),
    Line("tap: s:*", "experience.skills"),
    Line("tap: done", "experience.confirm"),
    Line("tap: save", "home.menu"),
]

# Asking the supervisor to confirm the internship just saved, in the learner's words.
ASK = [
    Line("tap: ask", "ask.experience"),
    Line("tap: e*", "ask.outcomes"),
    Line("tap: all", "ask.outcomes"),
    Line("tap: done", "ask.my_name"),
    Line("Jacob", "ask.person"),
    Line("Maria Berg", "ask.role"),
    Line("tap: r0", "ask.contact"),
    Line("tap: skip", "ask.language"),
    Line("tap: en", "ask.confirm"),
    Line("tap: make", "home.menu"),
]


@dataclass(frozen=True)
class Options:
    minutes: float = MINUTES
    learners: int = LEARNERS
    endorsers: int = ENDORSERS
    verifiers: int = VERIFIERS
    think: tuple[float, float] = THINK_S
    reads: tuple[float, float] = ENDORSER_READS_S
    sample_seconds: float = SAMPLE_S
    reply_timeout: float = REPLY_TIMEOUT
    database_url: str | None = None  # None: a SQLite file in a temporary folder
    quiet: bool = False  # no time series while running (the test)


@dataclass(frozen=True)
class Script:
    name: str
    lines: Sequence[Line]
    answers: Sequence[int] = ()  # messages that answer each line, learned by calibrate()
    chat_id: int = 0  # the calibrating learner's chat
    link: str | None = None  # the endorsement link the calibrating learner made, if any


@dataclass
class Sample:
    at: float  # seconds since the start of the load
    rss_mb: float
    cpu_percent: float
    actions: int
    per_second: float
    p95_ms: float
    signed: int = 0  # credentials the service issued during the sample
    bench_cpu_percent: float = float("nan")  # this process: the learners and the fake
    lag_ms: float = 0.0  # the longest this process's event loop was late in the sample
    # Waiting for a core: ms per second the service's event loop was ready but not run.
    cpu_wait_ms: float = float("nan")
    machine_percent: float = float("nan")  # all cores busy, whoever used them


@dataclass
class Report:
    """Everything counted; ``errors`` and ``lost`` must stay empty."""

    seconds: float = 0.0
    actions: int = 0  # learner actions answered
    latencies_ms: list[float] = field(default_factory=list)
    scripts_done: int = 0
    chats: int = 0
    links: int = 0
    pages: int = 0
    submitted: int = 0
    news: int = 0
    verified: int = 0
    page_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    verify_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    # Requests sent again because the server had closed their idle connection (AsBrowsers).
    resent: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.actions / self.seconds if self.seconds else 0.0

    def p95(self, samples: Sequence[float]) -> float:
        return percentile(samples, 95) if samples else float("nan")

    def signing_samples(self) -> tuple[list[Sample], list[Sample]]:
        """The samples in which the service issued credentials, and the others."""
        signing = [sample for sample in self.samples if sample.signed]
        return signing, [sample for sample in self.samples if not sample.signed]

    def memory_slope(self) -> float:
        """MB per minute over the second half of the run (least squares)."""
        half = [s for s in self.samples if s.at >= self.seconds / 2]
        if len(half) < 2:
            return float("nan")
        mean_t = sum(s.at for s in half) / len(half)
        mean_m = sum(s.rss_mb for s in half) / len(half)
        spread = sum((s.at - mean_t) ** 2 for s in half)
        if not spread:
            return float("nan")
        slope = sum((s.at - mean_t) * (s.rss_mb - mean_m) for s in half) / spread
        return slope * 60


# --------------------------------------------------------------------------- the service


class ServiceProcess:
    """``python -m api.cli serve`` on a free loopback port, its log in a file."""

    def __init__(self, data_dir: Path, database_url: str, env: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.log = data_dir / f"service-{self.port}.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MERITKOMPIS_")}
        self.env |= {
            "MERITKOMPIS_DATA_DIR": str(data_dir),
            "MERITKOMPIS_DATABASE_URL": database_url,
            "MERITKOMPIS_HOST": "127.0.0.1",
            "MERITKOMPIS_PORT": str(self.port),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self._cpu: tuple[float, float] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def spawn(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve"],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def start(self) -> None:
        """Spawn the process and wait until it answers ``/health``."""
        self.spawn()
        assert self.process is not None
        deadline = time.monotonic() + READY_TIMEOUT
        async with httpx.AsyncClient(base_url=self.url) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the service exited:\n{self.tail()}")
                try:
                    if (await client.get("/health")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the service did not start:\n{self.tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        return int(found[1]) / 1024 if found else float("nan")

    def cpu_percent(self) -> float:
        """CPU use since the last call, in percent of one core."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        busy = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        now = time.monotonic()
        last, self._cpu = self._cpu, (now, busy)
        if last is None or now == last[0]:
            return float("nan")
        return (busy - last[1]) / (now - last[0]) * 100

    def waited_for_cpu(self) -> float:
        """Seconds the service's main thread (its event loop) was ready to run but waited
        for a core (``/proc/<pid>/schedstat``): time other programs took from it."""
        return int(Path(f"/proc/{self.pid}/schedstat").read_text().split()[1]) / 1e9

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def error_lines(self) -> list[str]:
        if not self.log.exists():
            return []
        text = self.log.read_text(errors="replace")
        return [line for line in text.splitlines() if line.startswith(("ERROR", "CRITICAL"))]


def machine_busy() -> tuple[float, float]:
    """Seconds all the machine's cores were busy, and seconds counted, from ``/proc/stat``."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and waiting for I/O
    clock = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / clock, sum(ticks) / clock


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(api: FakeBotApi, **extra: str) -> dict[str, str]:
    """The service's settings for a run: the fake's Telegram, no per-address limits."""
    return {
        "MERITKOMPIS_TELEGRAM_BOT_TOKEN": api.token,
        "MERITKOMPIS_TELEGRAM_API_BASE_URL": api.url,
        # Every client here is 127.0.0.1: an address limit would only measure itself.
        "MERITKOMPIS_ENDORSEMENT_RATE_PER_MINUTE": "1000000000",
        "MERITKOMPIS_API_RATE_PER_MINUTE": "0",
        "MERITKOMPIS_API_KEY_RATE_PER_MINUTE": "0",
        **extra,
    }


# --------------------------------------------------------------------------- learners


def send(api: FakeBotApi, chat_id: int, player: Player, action: str) -> int:
    """The fake's user does ``action``, as the end-to-end benchmark's learners do."""
    return _send(api, chat_id, player, action)


def _saw(player: Player, messages: Sequence[SentMessage]) -> None:
    for message in messages:
        player.saw([data for row in message.buttons for _label, data in row])


async def calibrate(api: FakeBotApi, script: Script) -> Script:
    """How many messages answer each line: one learner plays alone, with time to spare."""
    chat_id, player, answers = next(_chat_ids), Player(), []
    for line in script.lines:
        send(api, chat_id, player, line.action)
        sent = await api.wait_for_reply(chat_id, timeout=REPLY_TIMEOUT, settle=CALIBRATION_SETTLE)
        answers.append(len(sent))
        _saw(player, sent)
        if any(sorry in (m.plain_text or "").lower() for m in sent for sorry in SORRY):
            raise RuntimeError(f"{script.name}: {line.action!r} was answered with an apology")
    links = [t for m in sent for t in LINK.findall(m.plain_text or m.text or "")]
    return Script(script.name, script.lines, answers, chat_id, links[0] if links else None)


async def warm_up(api: FakeBotApi, service: ServiceProcess, scripts: Sequence[Script]) -> None:
    """Every path once before the load: the calibrating asker's link answered, the
    credentials signed, the news told, one credential verified. Otherwise the first
    answers under load would draw templates and contexts in, and count as growth."""
    asker = next(script for script in scripts if script.link)
    assert asker.link is not None
    async with client_for(service.url) as client:
        problem = await answer_link(client, asker.link, Report(), (0.0, 0.0))
        if problem:
            raise RuntimeError(f"warming up: {problem}")
        deadline = time.monotonic() + NEWS_TIMEOUT
        while not any(NEWS in (m.plain_text or "") for m in api.sent(asker.chat_id)):
            if time.monotonic() > deadline:
                raise RuntimeError("warming up: the endorser's answer never reached the learner")
            await asyncio.sleep(0.2)
        run = Run(api, Options(minutes=0), Report(), time.monotonic())
        await watch_credentials(run, service.env["MERITKOMPIS_DATABASE_URL"], once=True)
        document = await client.get(f"/credentials/{run.credentials[0]}")
        verified = await client.post("/credentials/verify", json=document.json())
        if verified.json().get("verified") is not True:
            raise RuntimeError(f"warming up: {verified.text[:200]}")


@dataclass
class Run:
    """What the learners, endorsers and verifiers share while the load lasts."""

    api: FakeBotApi
    options: Options
    report: Report
    ends_at: float
    links: asyncio.Queue[tuple[str, int]] = field(default_factory=asyncio.Queue)
    answered: dict[int, str] = field(default_factory=dict)  # learner's chat -> token answered
    credentials: list[str] = field(default_factory=list)  # ids of issued credentials
    consumed: dict[int, int] = field(default_factory=dict)  # chat -> messages accounted for
    lag_ms: float = 0.0  # the event loop's worst lateness since the last sample

    def over(self) -> bool:
        return time.monotonic() >= self.ends_at


async def learner(run: Run, number: int, scripts: Sequence[Script]) -> None:
    """One person: plays their script with think times, and again as a new learner."""
    rng = random.Random(number)
    script = scripts[1] if number % ASKERS_EVERY == 0 else scripts[0]
    api, report = run.api, run.report
    # People do not all arrive in the same second.
    await asyncio.sleep(rng.uniform(0, run.options.think[1]))
    while not run.over():
        chat_id, player = next(_chat_ids), Player()
        report.chats += 1
        run.consumed[chat_id] = 0
        for number_, (line, count) in enumerate(zip(script.lines, script.answers, strict=True)):
            if number_:
                await asyncio.sleep(rng.uniform(*run.options.think))
            if run.over():
                return
            where = f"{script.name} chat {chat_id} line {number_ + 1} {line.action!r}"
            try:
                update_id = send(api, chat_id, player, line.action)
            except AssertionError as error:  # the button to tap is not there
                report.errors.append(f"{where}: {error}")
                return
            try:
                sent = await api.wait_for_messages(
                    chat_id, count, timeout=run.options.reply_timeout
                )
            except AssertionError:
                report.lost.append(f"{where}: no answer within {run.options.reply_timeout:.0f} s")
                return
            report.latencies_ms.append((sent[0].time - api.update(update_id).enqueued_at) * 1000)
            report.actions += 1
            run.consumed[chat_id] += len(sent)
            if len(sent) > count:
                report.extra.append(f"{where}: {len(sent)} messages, the answer has {count}")
            if any(sorry in (m.plain_text or "").lower() for m in sent for sorry in SORRY):
                report.errors.append(f"{where}: the bot apologised: {sent[0].plain_text!r}")
                return
            _saw(player, sent)
            if line is script.lines[-1] and script.name == "asker":
                tokens = [t for m in sent for t in LINK.findall(m.plain_text or m.text or "")]
                if len(tokens) != 1:
                    report.errors.append(f"{where}: {len(tokens)} links in the answer")
                    return
                report.links += 1
                run.links.put_nowait((tokens[0], chat_id))
        report.scripts_done += 1


# --------------------------------------------------------------------------- endorsers


async def answer_link(
    client: httpx.AsyncClient, token: str, report: Report, reads: tuple[float, float]
) -> str | None:
    """Open the link's page, read for a while, send the form; what went wrong, if anything."""
    started = time.perf_counter()
    page = await client.get(f"/e/{token}")
    report.page_ms.append((time.perf_counter() - started) * 1000)
    report.pages += 1
    form = FORM_TOKEN.search(page.text)
    verdicts = sorted(set(VERDICT.findall(page.text)))
    if page.status_code != 200 or form is None or not verdicts:
        return f"the page answered {page.status_code}"
    await asyncio.sleep(random.uniform(*reads))
    fields = {
        "form_token": form[1],
        **ENDORSER_ANSWER,
        "period_to": "",  # as a browser sends the empty field
        **{name: "yes" for name in verdicts},
    }
    started = time.perf_counter()
    sent = await client.post(f"/e/{token}", data=fields)
    report.submit_ms.append((time.perf_counter() - started) * 1000)
    if sent.status_code != 303:
        return f"the form answered {sent.status_code}"
    report.submitted += 1
    return None


async def endorser(run: Run, number: int, url: str) -> None:
    """Takes links the learners made and answers each, as a person in a browser would."""
    report = run.report
    async with client_for(url, report) as client:
        while not run.over():
            try:
                async with asyncio.timeout(max(0.0, run.ends_at - time.monotonic())):
                    token, chat_id = await run.links.get()
            except TimeoutError:
                return
            try:
                problem = await answer_link(client, token, report, run.options.reads)
            except httpx.HTTPError as error:
                problem = f"{type(error).__name__} {error}"
            if problem:
                report.errors.append(f"endorser {number} link for chat {chat_id}: {problem}")
                continue
            run.answered[chat_id] = token


def client_for(url: str, report: Report | None = None) -> httpx.AsyncClient:
    # Idle connections are dropped well before the server's keep-alive would close them,
    # as browsers do, so no request goes out on a connection the server is closing.
    limits = httpx.Limits(keepalive_expiry=2.0)
    transport = AsBrowsers(report or Report(), limits=limits, verify=_tls())
    return httpx.AsyncClient(base_url=url, timeout=HTTP_TIMEOUT, transport=transport)


@cache
def _tls() -> ssl.SSLContext:
    # Unused (plain http on loopback), but httpx makes one per client, loading the CA
    # bundle each time: 60 clients starting at once held this event loop up for seconds.
    return ssl.create_default_context()


# What a connection the server closed looks like to the request that went out on it.
CLOSED_UNDER_IT = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


class AsBrowsers(httpx.AsyncBaseTransport):
    """httpx's transport, with the one retry browsers make: a request that went out on
    a kept-alive connection and broke before any byte of an answer came back is sent
    again, once, on a new connection. That is the server having closed the connection
    as idle just as the request arrived (its keep-alive timer and the request crossing),
    which the client cannot tell in advance; it is counted in ``report.resent``. A
    request that breaks on a new connection, or after the answer began, or breaks again,
    is an error, and its message says which it was."""

    def __init__(self, report: Report, **options: Any) -> None:
        self._report = report
        self._inner = httpx.AsyncHTTPTransport(**options)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        where = f"{request.method} {request.url.path}"
        try:
            return await self._send(request)
        except CLOSED_UNDER_IT as error:
            if not getattr(error, "idle_close", False):
                raise
            self._report.resent.append(f"{where}: {type(error).__name__} {error}")
            return await self._send(request)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        events: list[str] = []

        async def trace(event: str, _info: dict[str, Any]) -> None:
            events.append(event)

        request.extensions = {**request.extensions, "trace": trace}
        try:
            response = await self._inner.handle_async_request(request)
        except httpx.TransportError as error:
            kept = "connection.connect_tcp.started" not in events
            answered = "http11.receive_response_headers.complete" in events
            said = (
                f"{error} ({request.method} {request.url.path}, on "
                f"{'a kept-alive' if kept else 'a new'} connection, "
                f"{'after' if answered else 'before'} any answer)"
            )
            described = type(error)(said, request=request)
            described.idle_close = kept and not answered  # type: ignore[attr-defined]
            raise described from error
        response.stream = _BodyDescribed(response.stream, request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class _BodyDescribed(httpx.AsyncByteStream):
    """An answer's body, whose breaking says so (rather than an empty "ReadError")."""

    def __init__(self, inner: Any, request: httpx.Request) -> None:
        self._inner, self._request = inner, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except httpx.TransportError as error:
            request = self._request
            said = f"{error} ({request.method} {request.url.path}, in the answer's body)"
            raise type(error)(said, request=request) from error

    async def aclose(self) -> None:
        await self._inner.aclose()


# --------------------------------------------------------------------------- verify clients


async def verifier(run: Run, number: int, url: str) -> None:
    """Fetches issued credentials and has the service verify them."""
    rng = random.Random(10_000 + number)
    report = run.report
    async with client_for(url, report) as client:
        while not run.over():
            await asyncio.sleep(rng.uniform(*VERIFIER_PAUSE_S))
            if not run.credentials or run.over():
                continue
            credential_id = rng.choice(run.credentials)
            where = f"verifier {number} credential {credential_id}"
            try:
                document = await client.get(f"/credentials/{credential_id}")
                if document.status_code != 200:
                    report.errors.append(f"{where}: fetching answered {document.status_code}")
                    continue
                started = time.perf_counter()
                answer = await client.post("/credentials/verify", json=document.json())
                report.verify_ms.append((time.perf_counter() - started) * 1000)
            except httpx.HTTPError as error:
                report.errors.append(f"{where}: {type(error).__name__} {error}")
                continue
            if answer.status_code != 200 or answer.json().get("verified") is not True:
                report.errors.append(f"{where}: {answer.status_code} {answer.text[:200]}")
                continue
            report.verified += 1


async def watch_credentials(run: Run, database_url: str, *, once: bool = False) -> None:
    """Keeps the verifiers' list of issued credentials up to date, from the database."""
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        while True:
            async with sessions() as session:
                ids = (await session.execute(select(Credential.id))).scalars().all()
            run.credentials[:] = list(ids)
            if once or run.over():
                return
            await asyncio.sleep(2.0)
    finally:
        await engine.dispose()


async def seed_credentials(service: ServiceProcess, count: int) -> None:
    """A key from ``meritkompis apikey create``, and credentials issued with it."""
    made = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "api.cli", "apikey", "create", "--scope", "issue"],
        cwd=ROOT,
        env=service.env,
        capture_output=True,
        text=True,
        check=True,
    )
    key = made.stdout.strip().split()[-1]
    async with httpx.AsyncClient(base_url=service.url, timeout=HTTP_TIMEOUT) as client:
        for n in range(count):
            body = {"credential": {"credentialSubject": {"achievement": {"name": f"Forklift {n}"}}}}
            issued = await client.post(
                "/credentials/issue", json=body, headers={"Authorization": f"Bearer {key}"}
            )
            if issued.status_code != 201:
                raise RuntimeError(f"issuing through the API answered {issued.status_code}")


# --------------------------------------------------------------------------- sampling


async def loop_lag(run: Run, every: float = 0.05) -> None:
    """How late this process's event loop wakes: a slow load generator (the fake Bot API
    and every learner live here) would look like a slow service otherwise."""
    while not run.over():
        asked = time.monotonic()
        await asyncio.sleep(every)
        run.lag_ms = max(run.lag_ms, (time.monotonic() - asked - every) * 1000)


async def sampler(run: Run, service: ServiceProcess) -> None:
    report, started = run.report, time.monotonic()
    last_actions, last_latencies, last_at = 0, 0, started
    last_cpu, last_signed = time.process_time(), len(run.credentials)
    last_wait, last_machine = service.waited_for_cpu(), machine_busy()
    service.cpu_percent()
    while True:
        await asyncio.sleep(run.options.sample_seconds)
        if not service.alive:
            report.errors.append(f"the service process died:\n{service.tail()}")
            return
        now, cpu = time.monotonic(), time.process_time()
        wait, machine = service.waited_for_cpu(), machine_busy()
        window = report.latencies_ms[last_latencies:]
        sample = Sample(
            at=now - started,
            rss_mb=service.rss_mb(),
            cpu_percent=service.cpu_percent(),
            actions=report.actions,
            per_second=(report.actions - last_actions) / (now - last_at),
            p95_ms=report.p95(window),
            signed=len(run.credentials) - last_signed,
            bench_cpu_percent=(cpu - last_cpu) / (now - last_at) * 100,
            lag_ms=run.lag_ms,
            cpu_wait_ms=(wait - last_wait) / (now - last_at) * 1000,
            machine_percent=(machine[0] - last_machine[0]) / (machine[1] - last_machine[1]) * 100,
        )
        report.samples.append(sample)
        last_actions, last_latencies, last_at = report.actions, len(report.latencies_ms), now
        last_cpu, last_signed, run.lag_ms = cpu, len(run.credentials), 0.0
        last_wait, last_machine = wait, machine
        if not run.options.quiet:
            print(
                f"  {sample.at:6.0f} s  rss {sample.rss_mb:7.1f} MB  cpu {sample.cpu_percent:4.0f}%"
                f"  {sample.per_second:6.1f} actions/s  p95 {sample.p95_ms:7.1f} ms  "
                f"chats {report.chats:5d}  forms {report.submitted:4d}  "
                f"signed {sample.signed:3d}  verified {report.verified:5d}  "
                f"errors {len(report.errors)}  lost {len(report.lost)}  "
                f"| waited for cpu {sample.cpu_wait_ms:4.0f} ms/s  machine "
                f"{sample.machine_percent:3.0f}%  bench cpu {sample.bench_cpu_percent:3.0f}% "
                f"lag {sample.lag_ms:5.0f} ms",
                flush=True,
            )
        if run.over():
            return


# --------------------------------------------------------------------------- the run


async def drain(run: Run, service: ServiceProcess) -> None:
    """After the load: every endorser's answer reaches its learner, and nothing more comes."""
    api, report = run.api, run.report
    deadline = time.monotonic() + NEWS_TIMEOUT
    waiting = dict(run.answered)
    while waiting and time.monotonic() < deadline:
        for chat_id in list(waiting):
            if any(NEWS in (m.plain_text or "") for m in api.sent(chat_id)):
                del waiting[chat_id]
        await asyncio.sleep(0.5)
    report.lost += [f"chat {c}: the endorser's answer never reached the learner" for c in waiting]
    await asyncio.sleep(2.0)  # room for anything late, which would be extra
    for chat_id, consumed in run.consumed.items():
        sent = api.sent(chat_id)
        news = [m for m in sent[consumed:] if NEWS in (m.plain_text or "")]
        report.news += min(len(news), 1)
        others = len(sent) - consumed - len(news)
        if len(news) > 1 or others:
            report.extra.append(f"chat {chat_id}: {len(news)} news, {others} other late messages")
    refused = [c for c in api.calls if c.status not in (None, 200) and c.method != "getUpdates"]
    report.errors += [f"Bot API refused {c.method}: {c.status} {c.description}" for c in refused]
    report.errors += [f"service log: {line}" for line in service.error_lines()]


async def run(options: Options) -> Report:
    report = Report()
    say = (lambda *_: None) if options.quiet else print
    catalogue = default_catalogue()
    scripts = [
        Script("self-check", [*ONBOARDING, *HOTEL_INTERNSHIP, *self_check(catalogue, topics=1)]),
        Script("asker", [*ONBOARDING, *QUICK_INTERNSHIP, *ASK]),
    ]
    with tempfile.TemporaryDirectory(prefix="meritkompis-load-") as folder:
        url = options.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'load.sqlite3'}"
        async with FakeBotApi() as api:
            service = ServiceProcess(Path(folder), url, service_env(api))
            await service.start()
            try:
                say(f"database: {database_label(options.database_url)}")
                say(f"service: python -m api.cli serve, pid {service.pid}, {service.url}")
                scripts = list(await asyncio.gather(*(calibrate(api, s) for s in scripts)))
                for script in scripts:
                    say(
                        f"script {script.name}: {len(script.lines)} actions, answered by "
                        f"{sum(script.answers)} messages"
                    )
                await warm_up(api, service, scripts)
                await seed_credentials(service, SEED_CREDENTIALS)
                say(
                    f"load: {options.learners} learners (think {options.think[0]:g}-"
                    f"{options.think[1]:g} s), {options.endorsers} endorsers, "
                    f"{options.verifiers} verify clients, {options.minutes:g} min"
                )
                shared = Run(api, options, report, time.monotonic() + options.minutes * 60)
                # Those signed so far, so the first sample counts only what the load signs.
                await watch_credentials(shared, url, once=True)
                started = time.monotonic()
                tasks = [
                    *(learner(shared, n, scripts) for n in range(options.learners)),
                    *(endorser(shared, n, service.url) for n in range(options.endorsers)),
                    *(verifier(shared, n, service.url) for n in range(options.verifiers)),
                    watch_credentials(shared, url),
                ]
                watching = asyncio.create_task(sampler(shared, service))
                lagging = asyncio.create_task(loop_lag(shared))
                await asyncio.gather(*tasks)
                await lagging
                report.seconds = time.monotonic() - started
                await watching
                await drain(shared, service)
            finally:
                service.stop()
    return report


def print_report(report: Report, options: Options) -> None:
    print(
        f"run: {report.seconds:.0f} s, {report.chats} chats ({report.scripts_done} scripts "
        f"finished), {report.actions} learner actions, {report.links} links, "
        f"{report.pages} pages opened, {report.submitted} forms sent, {report.news} news "
        f"delivered, {report.verified} credentials verified"
    )
    print(
        f"  throughput {report.per_second:.1f} learner actions/s; update -> answer "
        f"p50 {percentile(report.latencies_ms, 50) if report.latencies_ms else float('nan'):.1f}"
        f" ms, p95 {report.p95(report.latencies_ms):.1f} ms"
    )
    windows = [s.p95_ms for s in report.samples if s.p95_ms == s.p95_ms]  # not NaN
    if windows:
        print(
            f"  p95 per {options.sample_seconds:g} s sample: median "
            f"{statistics.median(windows):.1f} ms, best {min(windows):.1f} ms, "
            f"worst {max(windows):.1f} ms"
        )
    signing, other = report.signing_samples()
    for name, during in (("while credentials were signed", signing), ("otherwise", other)):
        p95s = [sample.p95_ms for sample in during if sample.p95_ms == sample.p95_ms]
        if p95s:
            waited = statistics.median(sample.cpu_wait_ms for sample in during)
            print(
                f"  chat p95 in the {len(p95s)} samples {name}: median "
                f"{statistics.median(p95s):.1f} ms, worst {max(p95s):.1f} ms (the service "
                f"waited for a core {waited:.0f} ms/s, median)"
            )
    if report.samples:
        worst = max(report.samples, key=lambda s: s.lag_ms)
        print(
            f"  this process (learners, endorsers, the fake Bot API): cpu median "
            f"{statistics.median(s.bench_cpu_percent for s in report.samples):.0f}%, event loop "
            f"late by up to {worst.lag_ms:.0f} ms (at {worst.at:.0f} s)"
        )
    print(
        f"  endorser page p95 {report.p95(report.page_ms):.1f} ms, form p95 "
        f"{report.p95(report.submit_ms):.1f} ms, verify p95 {report.p95(report.verify_ms):.1f} ms"
    )
    memory = [s.rss_mb for s in report.samples]
    if memory:
        print(
            f"  resident memory: first sample {memory[0]:.1f} MB, last {memory[-1]:.1f} MB, "
            f"peak {max(memory):.1f} MB"
        )
    print(
        f"  requests sent again after the server closed their idle connection: {len(report.resent)}"
    )
    for kind, found in (
        ("error", report.errors),
        ("lost", report.lost),
        ("extra", report.extra),
        ("sent again", report.resent),
    ):
        for line in found[:10]:
            print(f"  {kind}: {line}")
    label = f"{options.learners} learners, {options.minutes:g} min"
    print(verdict(f"load: errors, {label}", str(len(report.errors)), "0", not report.errors))
    print(verdict(f"load: lost answers, {label}", str(len(report.lost)), "0", not report.lost))
    print(verdict(f"load: extra answers, {label}", str(len(report.extra)), "0", not report.extra))
    slope = report.memory_slope()
    print(
        verdict(
            "load: memory slope, second half",
            f"{slope:+.2f} MB/min",
            f"<= {FLAT_MB_PER_MIN:g} MB/min",
            slope <= FLAT_MB_PER_MIN,
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=MINUTES)
    parser.add_argument("--learners", type=int, default=LEARNERS)
    parser.add_argument("--endorsers", type=int, default=ENDORSERS)
    parser.add_argument("--verifiers", type=int, default=VERIFIERS)
    parser.add_argument("--think", type=float, nargs=2, metavar=("FROM", "TO"), default=THINK_S)
    parser.add_argument("--sample-seconds", type=float, default=SAMPLE_S)
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--database-url", default=None, help="e.g. postgresql+asyncpg://...; default SQLite"
    )
    where.add_argument(
        "--postgres",
        action="store_true",
        help="start a throw-away PostgreSQL the way the tests do (tests/support/postgres.py)",
    )
    args = parser.parse_args(argv)
    options = Options(
        minutes=args.minutes,
        learners=args.learners,
        endorsers=args.endorsers,
        verifiers=args.verifiers,
        think=(args.think[0], args.think[1]),
        sample_seconds=args.sample_seconds,
        database_url=args.database_url,
    )
    server: Any = None
    if args.postgres:
        from tests.support.postgres import start_postgres

        server = start_postgres()
        if server is None:
            print("no PostgreSQL server could be started (see tests/support/postgres.py)")
            return 1
        url = asyncio.run(server.create_database("load_bench"))
        options = Options(**{**options.__dict__, "database_url": url})
    try:
        report = asyncio.run(run(options))
    finally:
        if server is not None:
            server.stop()
    print_report(report, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
