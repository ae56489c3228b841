"""What issuing and verifying keep in memory or work out the short way gives the same
answer as the long way: the signing key after a rotation elsewhere, status slots
another process took, the proof options, JSON literals, and the few statements left.

"Another process" is a second engine on the same database: it shares nothing in
memory with the first, as a second service process would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from c14n import canonicalize
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.credentials import keys, proof, service, status
from api.credentials.jsonld import VC_V2, canonical_nquads, json_literal
from api.credentials.models import Credential
from api.db.engine import create_engine, create_session_factory
from api.skills.catalogue import Catalogue
from tests.credentials.conftest import ISSUED, issuance
from tests.credentials.conftest import answer as answer_for
from tests.endorsements.conftest import Learner


@pytest_asyncio.fixture
async def elsewhere(database_url: str, jacob: Learner) -> AsyncIterator[Learner]:
    """Jacob as a second service process sees him: its own engine, its own memory."""
    engine = create_engine(database_url)
    yield Learner(jacob.id, jacob.experience_id, create_session_factory(engine))
    await engine.dispose()


async def issue_one(learner: Learner, catalogue: Catalogue) -> Credential:
    endorsement_id = await answer_for(learner)
    async with learner.sessions() as session, session.begin():
        (credential,) = await service.issue_for_endorsement(
            session, endorsement_id, issuance=issuance(), catalogue=catalogue, now=ISSUED
        )
    return credential


async def check(learner: Learner, document: Any) -> service.Verification:
    async with learner.sessions() as session, session.begin():
        return await service.verify(
            session, document, issuance=issuance(), now=ISSUED + timedelta(days=1)
        )


def signed_by(credential: Credential) -> str:
    method: str = credential.document["proof"]["verificationMethod"]
    return method


async def test_a_rotation_in_another_process_is_followed_within_the_keyring_time(
    jacob: Learner, elsewhere: Learner, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await issue_one(jacob, catalogue)  # makes the first key: held once committed
    await issue_one(jacob, catalogue)
    async with elsewhere.sessions() as session, session.begin():
        await keys.rotate(session, issuance().kek, ISSUED)
    # The other process signs with the new key at once, and ours still knows it.
    theirs = await issue_one(elsewhere, catalogue)
    assert signed_by(theirs) != signed_by(first)
    assert (await check(jacob, theirs.document)).verified
    # Ours signs with the key it holds until the keyring time is up...
    assert signed_by(await issue_one(jacob, catalogue)) == signed_by(first)
    monkeypatch.setattr(keys, "KEYRING_TTL", 0.0)
    # ...then with the new one; everything either key signed still verifies.
    latest = await issue_one(jacob, catalogue)
    assert signed_by(latest) == signed_by(theirs)
    for credential in (first, theirs, latest):
        assert (await check(elsewhere, credential.document)).verified


async def test_a_rotation_rolled_back_leaves_the_old_key_signing(
    jacob: Learner, catalogue: Catalogue
) -> None:
    first = await issue_one(jacob, catalogue)
    endorsement_id = await answer_for(jacob)
    async with jacob.sessions() as session, session.begin():
        await keys.rotate(session, issuance().kek, ISSUED)
        (inside,) = await service.issue_for_endorsement(
            session, endorsement_id, issuance=issuance(), catalogue=catalogue, now=ISSUED
        )
        assert signed_by(inside) != signed_by(first)
        await session.rollback()
    assert signed_by(await issue_one(jacob, catalogue)) == signed_by(first)


async def test_the_did_document_shows_a_key_made_elsewhere_at_once(
    jacob: Learner, elsewhere: Learner, catalogue: Catalogue
) -> None:
    await issue_one(jacob, catalogue)
    async with elsewhere.sessions() as session, session.begin():
        new = await keys.rotate(session, issuance().kek, ISSUED)
    async with jacob.sessions() as session, session.begin():
        did = await service.our_did_document(session, issuance(), ISSUED)
    assert new.public_key_multibase in [m["publicKeyMultibase"] for m in did["verificationMethod"]]


async def test_a_slot_another_process_took_is_picked_again_and_signed_again(
    jacob: Learner, elsewhere: Learner, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    await issue_one(jacob, catalogue)  # ours now holds the list's slots in memory
    taken = await issue_one(elsewhere, catalogue)
    picks = iter([taken.status_index, taken.status_index, 77])
    monkeypatch.setattr(status, "random_index", lambda: next(picks))
    ours = await issue_one(jacob, catalogue)
    assert (ours.status_list, ours.status_index) == (taken.status_list, 77)
    entry = ours.document["credentialStatus"]
    assert entry["statusListIndex"] == "77"
    assert (await check(jacob, ours.document)).verified


async def test_a_list_filled_to_its_share_gives_way_to_the_next(
    jacob: Learner, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "LIST_FILL", 2)
    lists = [(await issue_one(jacob, catalogue)).status_list for _ in range(5)]
    assert lists == [1, 1, 2, 2, 3]
    async with jacob.sessions() as session:
        rows = await session.execute(select(Credential.status_list, Credential.status_index))
        slots = rows.all()
    assert len(set(slots)) == 5


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement sent to the database while the test runs."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2].split()[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_issuing_and_verifying_take_few_statements(
    jacob: Learner, catalogue: Catalogue, statements: list[str]
) -> None:
    # The first makes the signing key; the next loads it and the list's slots.
    for _ in range(2):
        await issue_one(jacob, catalogue)
    endorsement_id = await answer_for(jacob)
    statements.clear()
    async with jacob.sessions() as session, session.begin():
        (credential,) = await service.issue_for_endorsement(
            session, endorsement_id, issuance=issuance(), catalogue=catalogue, now=ISSUED
        )
    # The answer with its request, experience and confirmed outcomes; then the row.
    assert [s for s in statements if s in ("SELECT", "INSERT")] == ["SELECT", "INSERT"]
    statements.clear()
    assert (await check(jacob, credential.document)).verified
    assert [s for s in statements if s in ("SELECT", "INSERT", "UPDATE")] == ["SELECT"]


@pytest.mark.parametrize(
    "context",
    [
        [VC_V2, {"euMicroCredential": {"@id": "urn:x:eu", "@type": "@json"}}],
        [VC_V2],
        # "did" made a prefix: did:... methods now expand differently.
        [VC_V2, {"did": "https://elsewhere.example/"}],
    ],
)
@pytest.mark.parametrize(
    ("created", "method"),
    [
        ("2026-11-21T15:00:00Z", "did:web:merit.example#z6MkfirstKey"),
        ("2026-11-21T15:00:00.5+01:00", "did:key:z6Mkabc#z6Mkabc"),
        # Not plain: written the long way.
        ('2026-11-21 "late"', "did:web:merit.example#z6Mk~key"),
        ("2026-11-21T15:00:00Z", "https://merit.example/keys/1"),
    ],
)
def test_proof_options_from_the_template_are_what_pyld_writes(
    context: list[Any], created: str, method: str
) -> None:
    options = {
        "@context": context,
        "type": proof.PROOF_TYPE,
        "cryptosuite": proof.CRYPTOSUITE,
        "created": created,
        "verificationMethod": method,
        "proofPurpose": proof.ASSERTION,
    }
    assert proof._options_nquads(options) == canonical_nquads(options)
    with_expiry = {**options, "expires": "2027-01-01T00:00:00Z"}
    assert proof._options_nquads(with_expiry) == canonical_nquads(with_expiry)


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": [True, None, "x"], "é": {"z": "", "y": -(2**53) + 1}},
        {"text": 'quote " backslash \\ tab \t newline \n bell \x07 del \x7f'},
        {"\u00e5": 1, "\ufb01": 2, "a": 3, "Z": 4, "": 5},
        ["right-to-left \u2068Jacob\u2069", "emoji \U0001f600"],
    ],
)
def test_plain_json_literals_are_written_as_jcs_writes_them(value: Any) -> None:
    assert json_literal(value) == canonicalize(value).decode()


@pytest.mark.parametrize("value", [{"hours": 1.5}, {"n": 2**53}, {"\U0001f600": 1, "\uffee": 2}])
def test_other_json_literals_are_left_to_pyld(value: Any) -> None:
    assert json_literal(value) is None


async def test_a_key_named_by_no_process_is_looked_for_and_then_unknown(
    jacob: Learner, catalogue: Catalogue, statements: list[str]
) -> None:
    credential = await issue_one(jacob, catalogue)
    forged = {
        **credential.document,
        "proof": {
            **credential.document["proof"],
            "verificationMethod": "did:web:merit.example#z6MkNobody",
        },
    }
    statements.clear()
    result = await check(jacob, forged)
    assert [p.code for p in result.problems] == ["unknown_key"]
    # The keys were read again in case another process made that one.
    assert statements.count("SELECT") == 2
