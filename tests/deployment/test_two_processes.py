"""Two service processes behind one webhook URL on one PostgreSQL database (docs/deployment.md).

Both processes start at the same moment, register the same webhook, tick the same
digest schedule and issue from the same status lists; a round-robin proxy on
loopback sends every request, and every delivery of a Telegram update, to the next
process in turn. Telegram delivers some updates twice, at the same moment or just
after the first: each is still handled once.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from api.conversations.models import Conversation
from api.db.engine import create_engine, create_session_factory
from api.experiences.models import Experience, SelfCheckAnswer
from api.mentors.models import Digest
from api.processed_updates import ProcessedUpdate
from api.skills.catalogue import Catalogue
from bench.bench_load import Script, calibrate, send
from bench.conversations import HOTEL_INTERNSHIP, ONBOARDING, Player, self_check
from tests.deployment.cluster import Cluster, every_third_twice, two_processes
from tests.mentors.world import build_world
from tests.support.postgres import PostgresServer, unique_database_name

pytestmark = pytest.mark.postgres

LEARNERS = 8
FIRST_CHAT = 6_100_001


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def cluster(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Cluster]:
    name = unique_database_name("deployment")
    url = await postgres_server.create_database(name)
    try:
        async with two_processes(
            url, tmp_path_factory.mktemp("deployment"), MERITKOMPIS_DIGEST_TICK_SECONDS="0.5"
        ) as running:
            yield running
    finally:
        await postgres_server.drop_database(name)


async def test_each_update_is_handled_once_whichever_process_gets_it(
    cluster: Cluster, catalogue: Catalogue
) -> None:
    api, telegram = cluster.api, cluster.telegram
    script = await calibrate(
        api,
        Script("learner", [*ONBOARDING, *HOTEL_INTERNSHIP, *self_check(catalogue, topics=1)]),
    )
    # From now on Telegram delivers two updates in three twice.
    telegram.redeliver = every_third_twice
    before = telegram.deliveries
    chats = [FIRST_CHAT + n for n in range(LEARNERS)]

    async def learner(chat_id: int) -> None:
        player = Player()
        for line, count in zip(script.lines, script.answers, strict=True):
            send(api, chat_id, player, line.action)
            sent = await api.wait_for_messages(chat_id, count, timeout=30)
            assert len(sent) == count, (line.action, [m.describe() for m in sent])
            for message in sent:
                player.saw([data for row in message.buttons for _label, data in row])

    await asyncio.gather(*(learner(chat_id) for chat_id in chats))
    await asyncio.sleep(2.0)  # a second handling would answer within this

    updates = len(chats) * len(script.lines)
    assert telegram.deliveries - before >= updates * 5 // 3 - len(chats)
    assert telegram.refused == []
    assert min(cluster.proxy.sent_to) > updates // 2
    # Every learner heard exactly the answers of their actions, nothing twice ...
    for chat_id in chats:
        assert len(api.sent(chat_id)) == sum(script.answers)
    # ... and stored each answer once: one internship, at the place they corrected it
    # to, and one answer per question of the first self-check topic.
    outcomes = len(catalogue.general_skills()[0].outcomes)
    engine = create_engine(cluster.database_url)
    try:
        async with create_session_factory(engine)() as session:
            for chat_id in chats:
                learner_id = await session.scalar(
                    select(Conversation.learner_id).where(
                        Conversation.channel == "telegram", Conversation.chat_id == str(chat_id)
                    )
                )
                places = await session.scalars(
                    select(Experience.place).where(Experience.learner_id == learner_id)
                )
                assert list(places) == ["Hotel Baltic Visby"]
                levels = await session.scalars(
                    select(SelfCheckAnswer.level).where(SelfCheckAnswer.learner_id == learner_id)
                )
                assert len(list(levels)) == outcomes
            claimed = await session.scalar(select(func.count(ProcessedUpdate.update_id)))
            assert claimed is not None and claimed >= updates
    finally:
        await engine.dispose()


async def test_each_digest_is_sent_once_with_both_processes_ticking(cluster: Cluster) -> None:
    api = cluster.api
    engine = create_engine(cluster.database_url)
    sessions = create_session_factory(engine)
    try:
        # Ten mentors whose weekly digest is due, following three learners each.
        world = await build_world(sessions, learners=30, mentors=10, chat_base=6_200_000)
        for chat_id in world.mentor_chats.values():
            api.add_user(int(chat_id))
        deadline = time.monotonic() + 60
        while True:
            async with sessions() as session:
                waiting = await session.scalar(
                    select(func.count(Digest.id)).where(Digest.delivered_at.is_(None))
                )
                made = await session.scalar(select(func.count(Digest.id)))
            if made == len(world.mentor_chats) and waiting == 0:
                break
            assert time.monotonic() < deadline, f"{made} digests made, {waiting} not sent"
            await asyncio.sleep(0.5)
        await asyncio.sleep(3.0)  # six more ticks of each process
        async with sessions() as session:
            assert await session.scalar(select(func.count(Digest.id))) == len(world.mentor_chats)
    finally:
        await engine.dispose()
    for mentor_id, chat_id in world.mentor_chats.items():
        sent = api.sent(int(chat_id))
        # One heading, then one progress card per learner they follow: once.
        assert len(sent) == 1 + len(world.learners_of[mentor_id]), [m.describe() for m in sent]
        assert sum(m.photo is not None for m in sent) == len(world.learners_of[mentor_id])


def _api_key(cluster: Cluster) -> str:
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "apikey",
            "create",
            "--scope",
            "issue",
            "--scope",
            "revoke",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=cluster.processes[0].env,
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip().split()[-1]


def _bits(encoded: str) -> bytes:
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


async def test_the_status_list_stays_consistent_when_both_processes_issue_at_once(
    cluster: Cluster,
) -> None:
    key = await asyncio.to_thread(_api_key, cluster)
    auth = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=cluster.proxy.url, timeout=60) as client:

        async def issue(n: int) -> dict[str, Any]:
            body = {"credential": {"credentialSubject": {"achievement": {"name": f"Skill {n}"}}}}
            answer = await client.post("/credentials/issue", json=body, headers=auth)
            assert answer.status_code == 201, answer.text
            document: dict[str, Any] = answer.json()["verifiableCredential"]
            return document

        # Sixty at once: the proxy gives every other one to each process.
        issued = await asyncio.gather(*(issue(n) for n in range(60)))
        slots = [
            (entry["statusListCredential"], int(entry["statusListIndex"]))
            for entry in (document["credentialStatus"] for document in issued)
        ]
        assert len(set(slots)) == len(slots)

        revoked = issued[::4]
        for document in revoked:
            answer = await client.post(
                "/credentials/revoke", json={"credentialId": document["id"]}, headers=auth
            )
            assert answer.status_code == 200, answer.text

        # Each process publishes the same list, with exactly the revoked slots set.
        wanted: dict[str, set[int]] = {}
        for document, (url, index) in zip(issued, slots, strict=True):
            wanted.setdefault(str(url), set())
            if document in revoked:
                wanted[str(url)].add(index)
        for url, indexes in wanted.items():
            lists = []
            for process in cluster.processes:
                async with httpx.AsyncClient(base_url=process.url) as direct:
                    answer = await direct.get(httpx.URL(url).path)
                assert answer.status_code == 200
                lists.append(answer.json()["credentialSubject"]["encodedList"])
            assert lists[0] == lists[1]
            bits = _bits(lists[0])
            set_bits = {i for i in range(len(bits) * 8) if bits[i // 8] & (0x80 >> (i % 8))}
            assert set_bits == indexes

        # And both processes verify every credential the same way.
        for document in issued:
            for _ in cluster.processes:  # the proxy takes turns
                answer = await client.post("/credentials/verify", json=document)
                result = answer.json()
                if document in revoked:
                    assert result["verified"] is False
                    assert [p["code"] for p in result["problems"]] == ["revoked"]
                else:
                    assert result["verified"] is True, result
