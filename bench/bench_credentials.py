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
  on the same credentials in the same run, and the ratio ours/theirs (skipped with a
  note when Node or its packages are missing).

Medians of rounds; it never fails on time.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.credentials import service
from api.credentials.service import Issuance
from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.endorsements import service as endorsements
from api.endorsements.service import AskedItem, EndorserAnswer, NewRequest
from api.experiences.service import save_experience
from api.learners.service import save_profile
from api.skills.catalogue import default_catalogue
from bench.report import verdict
from tests.endorsements.people import JACOBS_INTERNSHIP

CREDENTIALS_PER_ROUND = 100
ROUNDS = 5
RAW_OPS = 5000
GOAL_PER_SECOND = 200
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


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


async def ours(
    folder: Path,
) -> tuple[float, float, list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}")
    await upgrade(engine)
    sessions = create_session_factory(engine)
    issuance = Issuance(
        base_url="https://merit.example",
        public_url="https://merit.example",
        organisation_name="Meritkompis",
        organisation_url="https://merit.example",
        country_code="SE",
        region="",
        kek=bytes(32),
    )
    catalogue = default_catalogue()
    endorsement_ids = await answered_endorsements(sessions, CREDENTIALS_PER_ROUND * (ROUNDS + 1))
    issue_rates, documents = [], []
    for round_number in range(ROUNDS + 1):  # the first round warms up
        batch = endorsement_ids[
            round_number * CREDENTIALS_PER_ROUND : (round_number + 1) * CREDENTIALS_PER_ROUND
        ]
        started = time.perf_counter()
        for endorsement_id in batch:
            async with sessions() as session, session.begin():
                issued = await service.issue_for_endorsement(
                    session, endorsement_id, issuance=issuance, catalogue=catalogue, now=NOW
                )
            documents.append(issued[0].document)
        if round_number:
            issue_rates.append(len(batch) / (time.perf_counter() - started))
    sample = documents[-CREDENTIALS_PER_ROUND:]
    verify_rates = []
    for round_number in range(ROUNDS + 1):
        started = time.perf_counter()
        for document in sample:
            async with sessions() as session, session.begin():
                result = await service.verify(session, document, issuance=issuance, now=NOW)
            assert result.verified, result.problems
        if round_number:
            verify_rates.append(len(sample) / (time.perf_counter() - started))
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
    await engine.dispose()
    return statistics.median(issue_rates), statistics.median(verify_rates), sample, did, lists


def theirs(
    documents: list[dict[str, Any]], did: dict[str, Any], lists: dict[str, Any]
) -> float | str:
    from tests.credentials.interop import available, js_verify

    missing = available()
    if missing is not None:
        return missing
    output = js_verify(
        documents,
        did_documents={did["id"]: did},
        status_lists=lists,
        rounds=ROUNDS + 1,
        now=NOW.isoformat(),
    )
    assert all(r["verified"] for r in output["results"]), output["results"][:1]
    return len(documents) / statistics.median(output["seconds"][1:])


def main() -> None:
    sign_floor, verify_floor = raw_ed25519()
    with tempfile.TemporaryDirectory() as folder:
        issued, verified, documents, did, lists = asyncio.run(ours(Path(folder)))
    js = theirs(documents, did, lists)
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
        f"  floor: raw Ed25519 sign {sign_floor:,.0f}/s, verify {verify_floor:,.0f}/s"
        " (64-byte message)"
    )
    if isinstance(js, str):
        print(f"  independent JS verifier not run: {js}")
        return
    ratio = verified / js
    print(f"  Digital Bazaar vc + eddsa-rdfc-2022 (Node), same credentials: {js:,.0f}/s")
    print(verdict("verified/s ours / JS verifier", f"{ratio:.2f}", ">= 1.0", ratio >= 1.0))


if __name__ == "__main__":
    main()
