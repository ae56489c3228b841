"""Our credentials verify with an independent implementation: Digital Bazaar's ``vc``
with the ``eddsa-rdfc-2022`` cryptosuite (Node), and a changed copy fails in both."""

from __future__ import annotations

import copy
import os
from typing import Any

import pytest

from api.credentials import service
from api.credentials.models import Credential
from api.skills.catalogue import Catalogue
from tests.credentials.conftest import ISSUED, Answered, issuance
from tests.credentials.interop import available, js_verify
from tests.credentials.test_issue import check, issue


@pytest.fixture(autouse=True)
def _verifier() -> None:
    missing = available()
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the interop test: {missing}")
    pytest.skip(missing)


async def issued_with_keys(
    answered: Answered, catalogue: Catalogue, issuer: service.Issuance
) -> tuple[Credential, dict[str, Any], dict[str, Any]]:
    """A credential, and what a verifier needs beside it: our DID document and its status list."""
    (credential,) = await issue(answered, catalogue, issuer=issuer)
    async with answered.sessions() as session, session.begin():
        did = await service.our_did_document(session, issuer, ISSUED)
        listed = await service.status_list_credential(
            session, credential.status_list, issuance=issuer, now=ISSUED
        )
    assert listed is not None
    return credential, did, listed


@pytest.mark.parametrize("public_url", ["https://merit.example", ""])
async def test_theirs_agrees_with_ours(
    answered: Answered, catalogue: Catalogue, public_url: str
) -> None:
    issuer = issuance(public_url)
    credential, did, listed = await issued_with_keys(answered, catalogue, issuer)
    original = credential.document
    renamed = copy.deepcopy(original)
    renamed["credentialSubject"]["identifier"][0]["identityHash"] = "Jakob"
    fewer = copy.deepcopy(original)
    fewer["euMicroCredential"]["7_notionalWorkload"]["hours"] = 2000
    results = js_verify(
        [original, renamed, fewer, listed],
        did_documents={did["id"]: did},
        status_lists={listed["id"]: listed},
        now=(ISSUED.replace(day=22)).isoformat(),
    )["results"]
    assert [r["verified"] for r in results] == [True, False, False, True], results
    for tampered in (renamed, fewer):
        assert [p.code for p in (await check(answered, tampered, issuer=issuer)).problems] == [
            "changed"
        ]


async def test_theirs_sees_a_revocation_too(answered: Answered, catalogue: Catalogue) -> None:
    (credential,) = await issue(answered, catalogue)
    async with answered.sessions() as session, session.begin():
        await service.revoke(session, credential.id, reason=service.WITHDRAWN, now=ISSUED)
        did = await service.our_did_document(session, issuance(), ISSUED)
        listed = await service.status_list_credential(
            session, credential.status_list, issuance=issuance(), now=ISSUED
        )
    assert listed is not None
    (result,) = js_verify(
        [credential.document], did_documents={did["id"]: did}, status_lists={listed["id"]: listed}
    )["results"]
    assert not result["verified"] and "revoked" in result["error"]


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every plain value (string, number, true/false) in a JSON document."""
    if isinstance(value, dict):
        return [leaf for key, inner in value.items() for leaf in _leaves(inner, (*path, key))]
    if isinstance(value, list):
        return [leaf for i, inner in enumerate(value) for leaf in _leaves(inner, (*path, i))]
    return [path] if value is not None else []


def _changed_at(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    """A copy of ``document`` with the one value at ``path`` changed, keeping its type."""
    changed = copy.deepcopy(document)
    *parents, last = path
    holder: Any = changed
    for step in parents:
        holder = holder[step]
    old = holder[last]
    if isinstance(old, bool):
        holder[last] = not old
    elif isinstance(old, int | float):
        holder[last] = old + 1
    elif old.startswith(("http://", "https://", "did:", "urn:")):
        holder[last] = old + "x"  # still an address, just another one
    elif path[-1] == "proofValue":
        # Another signature (a character in the middle of its base58 text), not just
        # another spelling of the same one.
        middle = len(old) // 2
        holder[last] = old[:middle] + ("2" if old[middle] != "2" else "3") + old[middle + 1 :]
    elif old[:4].isdigit():
        holder[last] = old.replace(old[:4], str(int(old[:4]) + 1), 1)  # another date
    else:
        holder[last] = old + " "
    return changed


async def test_any_single_value_changed_fails_in_ours_and_in_theirs(
    answered: Answered, catalogue: Catalogue
) -> None:
    issuer = issuance("https://merit.example")
    credential, did, listed = await issued_with_keys(answered, catalogue, issuer)
    paths = _leaves(credential.document)
    assert len(paths) > 60, "the credential carries the EU elements, its evidence and its proof"
    copies = [_changed_at(credential.document, path) for path in paths]
    theirs = js_verify(
        [credential.document, *copies],
        did_documents={did["id"]: did},
        status_lists={listed["id"]: listed},
        now=(ISSUED.replace(day=22)).isoformat(),
    )["results"]
    assert theirs[0]["verified"], theirs[0]
    passed_theirs = [paths[i] for i, result in enumerate(theirs[1:]) if result["verified"]]
    assert passed_theirs == [], "theirs accepted a changed copy"
    passed_ours = [
        path
        for path, changed in zip(paths, copies, strict=True)
        if (await check(answered, changed, issuer=issuer)).verified
    ]
    assert passed_ours == [], "ours accepted a changed copy"
