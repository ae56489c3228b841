"""Our credentials verify with an independent implementation: Digital Bazaar's ``vc``
with the ``eddsa-rdfc-2022`` cryptosuite (Node), and a changed copy fails in both."""

from __future__ import annotations

import copy
import os

import pytest

from api.credentials import service
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


@pytest.mark.parametrize("public_url", ["https://merit.example", ""])
async def test_theirs_agrees_with_ours(
    answered: Answered, catalogue: Catalogue, public_url: str
) -> None:
    issuer = issuance(public_url)
    (credential,) = await issue(answered, catalogue, issuer=issuer)
    async with answered.sessions() as session, session.begin():
        did = await service.our_did_document(session, issuer, ISSUED)
        listed = await service.status_list_credential(
            session, credential.status_list, issuance=issuer, now=ISSUED
        )
    assert listed is not None
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
