"""Signing and verifying credentials happen beside the event loop, not on it.

A credential the service issued is canonicalised in about a millisecond, but a body
sent to ``POST /credentials/verify`` (or to ``/credentials/issue``) may be up to
256 KB of JSON-LD, which pyld takes most of a second to canonicalise. On the event
loop that would hold every chat up meanwhile, for anyone who sends such bodies. So the
work goes to a worker thread. A task that keeps turning the event loop sees that work
under way (the canonicalising lock held): it could not if the work ran on the loop,
which would not turn again until the work was done.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any, TypeVar

from api.credentials import proof, service
from api.credentials.models import Credential
from api.skills.catalogue import Catalogue
from tests.credentials.conftest import ISSUED, issuance
from tests.credentials.conftest import answer as answer_for
from tests.endorsements.conftest import Learner, jacob

__all__ = ["jacob"]  # the fixture: Jacob and his internship, on SQLite and PostgreSQL

T = TypeVar("T")
LATER = ISSUED + timedelta(days=1)


def _held_by_another_thread() -> bool:
    """Whether a canonicalisation is under way in another thread (the lock is reentrant,
    so this thread can only learn it by trying)."""
    if proof._CANONICALISING.acquire(blocking=False):
        proof._CANONICALISING.release()
        return False
    return True


async def while_the_loop_turns(work: Awaitable[T]) -> tuple[T, int]:
    """``work``'s result, and how many turns of the event loop saw a canonicalisation
    under way meanwhile."""
    done = False
    seen = 0

    async def turn() -> None:
        nonlocal seen
        while not done:
            seen += _held_by_another_thread()
            await asyncio.sleep(0)

    turning = asyncio.create_task(turn())
    try:
        result = await work
    finally:
        done = True
        await turning
    return result, seen


async def issued_to(jacob: Learner, catalogue: Catalogue) -> Credential:
    endorsement_id = await answer_for(jacob)
    async with jacob.sessions() as session, session.begin():
        credential, *_ = await service.issue_for_endorsement(
            session, endorsement_id, issuance=issuance(), catalogue=catalogue, now=ISSUED
        )
    return credential


def padded(document: dict[str, Any]) -> dict[str, Any]:
    """The credential with 1,500 results added: some 170 KB, within the API's limit."""
    bigger = copy.deepcopy(document)
    bigger["credentialSubject"]["result"] = [
        {"type": ["Result"], "value": f"level {n}"} for n in range(1500)
    ]
    return bigger


async def test_a_long_verification_leaves_the_event_loop_turning(
    jacob: Learner, catalogue: Catalogue
) -> None:
    credential = await issued_to(jacob, catalogue)
    changed = padded(credential.document)

    async with jacob.sessions() as session, session.begin():
        check, seen = await while_the_loop_turns(
            service.verify(session, changed, issuance=issuance(), now=LATER)
        )
        original = await service.verify(
            session, credential.document, issuance=issuance(), now=LATER
        )

    assert check.as_json()["checks"]["signature"] != "ok"  # results added after signing
    assert seen > 0
    assert original.verified, original.as_json()


async def test_signing_beside_the_loop_gives_the_same_proof_as_on_it(
    jacob: Learner, catalogue: Catalogue
) -> None:
    credential = await issued_to(jacob, catalogue)
    async with jacob.sessions() as session, session.begin():
        signing = await service.signing(session, issuance(), ISSUED)
    unsigned = {k: v for k, v in credential.document.items() if k != "proof"}

    # Several at once, as a burst of answers brings them, and a long one.
    beside = await asyncio.gather(
        *(proof.sign_in_worker(unsigned, signing.signer, created=ISSUED) for _ in range(8))
    )
    long_one, seen = await while_the_loop_turns(
        proof.sign_in_worker(padded(unsigned), signing.signer, created=ISSUED)
    )

    assert all(document == credential.document for document in beside)
    assert proof.sign(unsigned, signing.signer, created=ISSUED) == credential.document
    assert seen > 0
    public_key = signing.keyring.public_keys[signing.keyring.active.public_key_multibase]
    method = proof.verify(long_one, lambda _method: public_key)
    assert method == signing.signer.verification_method
