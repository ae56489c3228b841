"""From an endorser's answer to a signed credential, and what makes it fail to verify."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from api.credentials import keys, proof, service, status
from api.credentials.models import Credential
from api.endorsements.models import Endorsement
from api.skills.catalogue import Catalogue
from tests.credentials.conftest import ISSUED, Answered, answer, issuance
from tests.endorsements.conftest import Learner


async def issue(answered: Answered, catalogue: Catalogue, **kwargs: Any) -> list[Credential]:
    async with answered.sessions() as session, session.begin():
        return await service.issue_for_endorsement(
            session,
            answered.endorsement_id,
            issuance=kwargs.get("issuer", issuance()),
            catalogue=catalogue,
            now=kwargs.get("now", ISSUED),
        )


async def check(answered: Answered, document: Any, **kwargs: Any) -> service.Verification:
    async with answered.sessions() as session, session.begin():
        return await service.verify(
            session,
            document,
            issuance=kwargs.get("issuer", issuance()),
            now=kwargs.get("now", ISSUED + timedelta(days=1)),
        )


async def test_only_confirmed_catalogue_outcomes_become_one_credential(
    answered: Answered, catalogue: Catalogue
) -> None:
    credentials = await issue(answered, catalogue)
    assert [c.skill_id for c in credentials] == ["hotel_room_cleaning"]
    document = credentials[0].document
    skill = catalogue.skill("hotel_room_cleaning")
    # "yes", "partly", and a "yes" in the learner's own words: only the first counts.
    outcomes = document["euMicroCredential"]["6_learningOutcomes"]
    assert [o["text"] for o in outcomes] == [
        "Innehavaren kan " + skill.outcome("prepares_guest_rooms").in_locale("sv")
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == "did:web:merit.example"
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    result = await check(answered, document)
    assert result.verified, result.problems
    assert result.issuer_is_us and result.checks == {
        "format": "ok",
        "signature": "ok",
        "dates": "ok",
        "status": "ok",
    }


async def test_every_eu_element_is_there(answered: Answered, catalogue: Catalogue) -> None:
    (credential,) = await issue(answered, catalogue)
    document = credential.document
    elements = document["euMicroCredential"]
    assert sorted(elements, key=lambda k: int(k.split("_")[0])) == [
        "1_learner",
        "2_title",
        "3_country",
        "4_awardingBody",
        "5_dateOfIssuing",
        "6_learningOutcomes",
        "7_notionalWorkload",
        "8_level",
        "9_assessment",
        "10_formOfParticipation",
        "11_qualityAssurance",
    ]
    assert elements["1_learner"]["name"] == "Jacob"
    assert document["credentialSubject"]["identifier"][0]["identityHash"] == "Jacob"
    assert document["credentialSubject"]["id"] == elements["1_learner"]["subjectId"]
    assert elements["3_country"]["countryCode"] == "SE"
    assert document["issuer"]["address"]["addressCountry"] == "Sverige"
    assert elements["4_awardingBody"]["name"] == "Meritkompis Test"
    assert elements["5_dateOfIssuing"] == document["validFrom"] == "2026-11-21T15:00:00Z"
    # An ongoing internship since March 2026, issued in November: nine months, estimated.
    workload = elements["7_notionalWorkload"]
    assert (workload["hours"], workload["estimated"]) == (9 * 80, True)
    assert elements["8_level"]["eqf"] is None
    assessment = elements["9_assessment"]
    assert assessment["type"] == "co_assessment_supervisor"
    assert assessment["assessor"]["name"] == "Maria Berg"
    assert assessment["identityCheck"] == "self_declared"
    assert elements["10_formOfParticipation"]["type"] == "work_based_internship"
    assert elements["11_qualityAssurance"]["type"] == "internal"
    assert document["evidence"][0]["narrative"].startswith("Maria Berg")


async def test_issuing_twice_gives_the_same_credential(
    answered: Answered, catalogue: Catalogue
) -> None:
    first = await issue(answered, catalogue)
    again = await issue(answered, catalogue, now=ISSUED + timedelta(days=3))
    assert [c.id for c in again] == [c.id for c in first]
    async with answered.sessions() as session:
        count = (await session.execute(select(func.count()).select_from(Credential))).scalar()
    assert count == 1


async def test_a_second_row_for_the_same_endorsement_and_skill_is_refused(
    answered: Answered, catalogue: Catalogue
) -> None:
    (credential,) = await issue(answered, catalogue)
    async with answered.sessions() as session, session.begin():
        duplicate = {
            "id": "00000000-0000-4000-8000-000000000000",
            "endorsement_id": answered.endorsement_id,
            "skill_id": credential.skill_id,
            "document": {},
            "status_list": 1,
            "status_index": (credential.status_index + 1) % status.LIST_BITS,
        }
        assert await service._store(session, duplicate) is None
        # The transaction goes on: the refused row left nothing to roll back.
        assert await session.get(Credential, credential.id) is not None


async def test_no_credential_for_a_self_endorsement_or_without_a_yes(
    jacob: Learner, catalogue: Catalogue
) -> None:
    own = await answer(jacob, name="jacob")
    nothing = await answer(jacob, verdicts=("partly", "no", "yes"))
    for endorsement_id in (own, nothing):
        assert await issue(Answered(jacob, endorsement_id), catalogue) == []


async def test_any_changed_field_fails_as_changed(answered: Answered, catalogue: Catalogue) -> None:
    (credential,) = await issue(answered, catalogue)
    original = credential.document
    changed = 0
    for path in leaves(original):
        if path[0] in ("@context", "proof"):
            continue
        tampered = copy.deepcopy(original)
        set_at(tampered, path, mutate(get_at(original, path)))
        result = await check(answered, tampered)
        assert not result.verified, path
        # A changed issuer no longer owns the key; a changed first type is no longer a
        # credential at all; anything else breaks the signature.
        expected = {("issuer", "id"): "unknown_key", ("type", 0): "malformed"}.get(path, "changed")
        assert result.problems[0].code == expected, (path, result.problems)
        changed += 1
    assert changed > 40
    # An added field no context defines cannot slip past the signature either.
    extra = {**original, "reward": "a trip"}
    assert [p.code for p in (await check(answered, extra)).problems] == ["changed"]


async def test_a_key_we_do_not_know_fails_as_unknown_key(
    answered: Answered, catalogue: Catalogue
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from api.credentials.multibase import ed25519_multikey

    (credential,) = await issue(answered, catalogue)
    stranger = Ed25519PrivateKey.generate()
    method = "did:web:merit.example#" + ed25519_multikey(stranger.public_key().public_bytes_raw())
    forged = proof.sign(credential.document, proof.Signer(method, stranger.sign), created=ISSUED)
    result = await check(answered, forged)
    assert [p.code for p in result.problems] == ["unknown_key"]


async def test_revoked_and_expired_say_so(answered: Answered, catalogue: Catalogue) -> None:
    (credential,) = await issue(answered, catalogue)
    async with answered.sessions() as session, session.begin():
        assert (
            await service.revoke_for_endorsement(session, answered.endorsement_id, now=ISSUED) == 1
        )
        listed = await service.status_list_credential(
            session, credential.status_list, issuance=issuance(), now=ISSUED
        )
    assert listed is not None
    bits = status.decode(listed["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == status.LIST_BITS and status.is_set(bits, credential.status_index)
    assert sum(bin(b).count("1") for b in bits) == 1
    assert (await check(answered, listed)).verified
    result = await check(answered, credential.document)
    assert [p.code for p in result.problems] == ["revoked"]

    async with answered.sessions() as session, session.begin():
        row = await service.issue_document(
            session,
            {
                "credentialSubject": {"achievement": {"name": "Forklift basics"}},
                "validUntil": "2027-01-01T00:00:00Z",
            },
            issuance=issuance(),
            now=ISSUED,
        )
    assert (await check(answered, row.document)).verified
    late = await check(answered, row.document, now=ISSUED + timedelta(days=60))
    assert [p.code for p in late.problems] == ["expired"]


async def test_rotation_keeps_old_credentials_verifiable(
    jacob: Learner, catalogue: Catalogue
) -> None:
    first = Answered(jacob, await answer(jacob))
    (old,) = await issue(first, catalogue)
    async with jacob.sessions() as session, session.begin():
        await keys.rotate(session, issuance().kek, ISSUED)
    second = Answered(jacob, await answer(jacob))
    (new,) = await issue(second, catalogue)
    assert (
        old.document["proof"]["verificationMethod"] != new.document["proof"]["verificationMethod"]
    )
    for credential in (old, new):
        assert (await check(first, credential.document)).verified
    async with jacob.sessions() as session, session.begin():
        did = await service.our_did_document(session, issuance(), ISSUED)
    methods = [m["id"] for m in did["verificationMethod"]]
    assert did["id"] == "did:web:merit.example"
    assert methods == did["assertionMethod"]
    assert {
        old.document["proof"]["verificationMethod"],
        new.document["proof"]["verificationMethod"],
    } == set(methods)
    assert all(
        m["type"] == "Multikey" and m["publicKeyMultibase"].startswith("z6Mk")
        for m in did["verificationMethod"]
    )


async def test_without_a_public_url_the_issuer_is_did_key(
    answered: Answered, catalogue: Catalogue
) -> None:
    local = issuance(public_url="")
    (credential,) = await issue(answered, catalogue, issuer=local)
    issuer = credential.document["issuer"]["id"]
    assert issuer.startswith("did:key:z6Mk")
    assert credential.document["proof"]["verificationMethod"] == f"{issuer}#{issuer[8:]}"
    result = await check(answered, credential.document, issuer=local)
    assert result.verified and result.issuer_is_us


async def test_a_wrong_key_encryption_key_cannot_open_the_signing_key(
    answered: Answered, catalogue: Catalogue
) -> None:
    await issue(answered, catalogue)
    async with answered.sessions() as session:
        with pytest.raises(keys.KeyEncryptionError):
            await keys.keyring(session, bytes(32), ISSUED)
        stored = (await keys.all_keys(session))[0].private_key_encrypted
    assert len(stored) == 12 + 32 + 16  # nonce, key, tag: never the raw key


async def test_a_retracted_endorsement_issues_nothing_more(
    answered: Answered, catalogue: Catalogue
) -> None:
    async with answered.sessions() as session, session.begin():
        endorsement = await session.get(Endorsement, answered.endorsement_id)
        assert endorsement is not None
        endorsement.retracted_at = ISSUED
    assert await issue(answered, catalogue) == []


# ---------------------------------------------------------------------------------------


Path = tuple[str | int, ...]


def leaves(value: Any, path: Path = ()) -> list[Path]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in leaves(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in leaves(item, (*path, index))]
    return [path]


def get_at(value: Any, path: Path) -> Any:
    for step in path:
        value = value[step]
    return value


def set_at(value: Any, path: Path, new: Any) -> None:
    get_at(value, path[:-1])[path[-1]] = new


def mutate(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if value is None:
        return "x"
    if isinstance(value, str) and value[-1:].isdigit():
        return value[:-1] + str((int(value[-1]) + 1) % 10)
    return str(value) + "x"
