"""Issuing, verifying and revoking credentials: the one path the API, the bot and tests use.

Every function takes the session (the caller owns the transaction), an ``Issuance``
(who we are, from settings, and the key-encryption key) and the time it works at.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.credentials import build, keys, proof, status
from api.credentials.did import did_document, issuer_did, method_id, resolve_method
from api.credentials.jsonld import VC_V2, ContextNotAvailable, UnsignableData
from api.credentials.models import Credential
from api.endorsements.models import Endorsement, EndorsementRequest
from api.experiences.models import Experience
from api.settings import Settings
from api.skills.catalogue import Catalogue

# Fill a status list to half before starting the next, so random slots stay cheap to find.
LIST_FILL: Final = status.LIST_BITS // 2
# An answer with one of these signals may be the learner confirming themselves.
SELF_ENDORSEMENT_SIGNALS: Final = ("same_browser_as_learner", "name_matches_learner")
WITHDRAWN: Final = "learner_withdrew"
RETRACTED: Final = "endorser_retracted"


@dataclass(frozen=True, slots=True)
class Issuance:
    """Who issues: from settings, with the key-encryption key already loaded."""

    base_url: str
    public_url: str
    organisation_name: str
    organisation_url: str
    country_code: str
    region: str
    kek: bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> Issuance:
        return cls(
            base_url=settings.base_url,
            public_url=settings.public_url.rstrip("/"),
            organisation_name=settings.organisation_name,
            organisation_url=settings.organisation_url or settings.base_url,
            country_code=settings.organisation_country,
            region=settings.organisation_region,
            kek=keys.load_kek(settings),
        )

    def credential_url(self, credential_id: str) -> str:
        return f"{self.base_url}/credentials/{credential_id}"


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def subject_id(issuance: Issuance, learner_id: int) -> str:
    """A stable pseudonymous id for a learner: the same in all their credentials,
    and not their database id."""
    digest = hmac.new(issuance.kek, f"subject:{learner_id}".encode(), hashlib.sha256).hexdigest()
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:meritkompis:subject:{digest}").urn


@dataclass(frozen=True, slots=True)
class Signing:
    did: str
    signer: proof.Signer
    keyring: keys.Keyring


async def signing(session: AsyncSession, issuance: Issuance, now: datetime) -> Signing:
    ring = await keys.keyring(session, issuance.kek, now)
    did = issuer_did(issuance.public_url, ring.active.public_key_multibase)
    signer = proof.Signer(
        method_id(did, ring.active.public_key_multibase), ring.active.private_key.sign
    )
    return Signing(did, signer, ring)


async def our_did_document(
    session: AsyncSession, issuance: Issuance, now: datetime
) -> dict[str, Any]:
    sign = await signing(session, issuance, now)
    if sign.did.startswith("did:key:"):
        return did_document(sign.did, [sign.keyring.active.public_key_multibase])
    return did_document(sign.did, sign.keyring.public_keys)


def issuer_info(issuance: Issuance, did: str) -> build.IssuerInfo:
    return build.IssuerInfo(
        did=did,
        name=issuance.organisation_name,
        url=issuance.organisation_url,
        country_code=issuance.country_code,
        region=issuance.region,
    )


async def _status_slot(session: AsyncSession) -> tuple[int, int]:
    number = (await session.execute(select(func.max(Credential.status_list)))).scalar() or 1
    used = (
        await session.execute(
            select(func.count()).select_from(Credential).where(Credential.status_list == number)
        )
    ).scalar_one()
    if used >= LIST_FILL:
        number += 1
    while True:
        index = status.random_index()
        taken = await session.execute(
            select(Credential.id).where(
                Credential.status_list == number, Credential.status_index == index
            )
        )
        if taken.first() is None:
            return number, index


async def _store(session: AsyncSession, credential: Credential) -> Credential | None:
    """Insert in a savepoint; None when a unique constraint says it exists already."""
    try:
        async with session.begin_nested():
            session.add(credential)
    except IntegrityError:
        return None
    return credential


# --------------------------------------------------------------------------------------
# Issuing from an endorsement


def _period(experience: Experience) -> build.Period:
    start = end = None
    if experience.start_year:
        start = date(experience.start_year, experience.start_month or 1, 1)
    if experience.end_year and not experience.ongoing:
        end = date(experience.end_year, experience.end_month or 12, 1)
    return build.Period(start=start, end=end, ongoing=experience.ongoing)


def confirmed_outcomes(
    endorsement: Endorsement, request: EndorsementRequest
) -> dict[str, list[str]]:
    """Skill id -> outcome ids the endorser answered "yes" to, in the order asked.

    "Partly" and "no" are left out: a credential says "the holder can", and "partly"
    means the endorser did not see it done in full. Skills in the learner's own words
    have no catalogue outcome to state in the guidebook's grammar, so they are left
    out too.
    """
    verdicts = {v.asked_outcome_id: v.verdict for v in endorsement.verdicts}
    confirmed: dict[str, list[str]] = defaultdict(list)
    for asked in request.outcomes:
        if verdicts.get(asked.id) != "yes" or not asked.skill_id or not asked.outcome_id:
            continue
        confirmed[asked.skill_id].append(asked.outcome_id)
    return dict(confirmed)


def may_issue(endorsement: Endorsement) -> bool:
    """Not for a retracted answer, nor one that looks like the learner's own."""
    if endorsement.retracted_at is not None or not endorsement.declared:
        return False
    return not any(endorsement.signals.get(name) for name in SELF_ENDORSEMENT_SIGNALS)


async def issue_for_endorsement(
    session: AsyncSession,
    endorsement_id: int,
    *,
    issuance: Issuance,
    catalogue: Catalogue,
    now: datetime,
) -> list[Credential]:
    """One credential per skill with confirmed outcomes; calling again returns the same ones."""
    endorsement = await session.get(Endorsement, endorsement_id)
    if endorsement is None:
        raise LookupError(f"no endorsement {endorsement_id}")
    existing = {
        c.skill_id: c
        for c in (
            await session.execute(
                select(Credential).where(Credential.endorsement_id == endorsement_id)
            )
        ).scalars()
    }
    if not may_issue(endorsement):
        return list(existing.values())
    request = await session.get(EndorsementRequest, endorsement.request_id)
    if request is None:
        return list(existing.values())
    experience = await session.get(Experience, request.experience_id)
    if experience is None:
        return list(existing.values())
    issued: list[Credential] = []
    sign: Signing | None = None
    for skill_id, outcome_ids in confirmed_outcomes(endorsement, request).items():
        if skill_id in existing:
            issued.append(existing[skill_id])
            continue
        skill = catalogue.get(skill_id)
        if skill is None:
            continue
        outcomes = []
        for outcome_id in outcome_ids:
            try:
                outcome = skill.outcome(outcome_id)
            except KeyError:
                continue
            outcomes.append(
                build.OutcomeText(outcome.category.value, outcome.in_locale(request.locale))
            )
        if not outcomes:
            continue
        sign = sign or await signing(session, issuance, now)
        credential_id = str(uuid.uuid4())
        number, index = await _status_slot(session)
        award = build.Award(
            credential_url=issuance.credential_url(credential_id),
            locale=request.locale,
            learner_name=request.learner_name,
            subject_id=subject_id(issuance, request.learner_id),
            skill_id=skill.id,
            skill_name=skill.name_in(request.locale),
            esco_uri=skill.esco_uri,
            outcomes=tuple(outcomes),
            experience_kind=experience.kind,
            period=_period(experience),
            assessor=build.AssessorInfo(
                relationship=endorsement.relationship_kind,
                name=endorsement.name,
                role=endorsement.role,
                organisation=endorsement.organisation,
                trust_level=endorsement.trust_level,
                confirmed_at=_utc(endorsement.submitted_at),
            ),
            issued_at=now,
            status=status.entry(issuance.base_url, number, index),
        )
        document = proof.sign(
            build.build(award, issuer_info(issuance, sign.did)), sign.signer, created=now
        )
        row = Credential(
            id=credential_id,
            learner_id=request.learner_id,
            endorsement_id=endorsement.id,
            skill_id=skill.id,
            document=document,
            status_list=number,
            status_index=index,
            issued_at=now,
        )
        stored = await _store(session, row)
        if stored is None:  # issued meanwhile by another worker
            found = await session.execute(
                select(Credential).where(
                    Credential.endorsement_id == endorsement.id, Credential.skill_id == skill.id
                )
            )
            stored = found.scalar_one()
        issued.append(stored)
    return issued


# --------------------------------------------------------------------------------------
# Issuing through the API


class InvalidRequest(ValueError):
    """What the caller sent cannot become a credential; the message says why."""


async def issue_document(
    session: AsyncSession,
    credential: Mapping[str, Any],
    *,
    issuance: Issuance,
    now: datetime,
    api_key_id: int | None = None,
) -> Credential:
    """Secure a caller's credential: we set ``@context``, id, issuer, dates and status.

    The caller gives ``credentialSubject`` (with its ``achievement``) and may give
    ``name``, ``validUntil`` and ``evidence``; every term must be one the contexts
    define, or signing refuses it.
    """
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or not isinstance(subject.get("achievement"), Mapping):
        raise InvalidRequest("credentialSubject with an achievement is required")
    achievement = subject["achievement"]
    if not isinstance(achievement.get("name"), str) or not achievement["name"].strip():
        raise InvalidRequest("credentialSubject.achievement.name is required")
    allowed = {"credentialSubject", "name", "validUntil", "evidence", "description"}
    extra = set(credential) - allowed - {"@context", "type"}
    if extra:
        raise InvalidRequest(f"these fields are set by the service: {', '.join(sorted(extra))}")
    sign = await signing(session, issuance, now)
    credential_id = str(uuid.uuid4())
    url = issuance.credential_url(credential_id)
    number, index = await _status_slot(session)
    achievement_doc = {
        "id": f"{url}#achievement",
        "type": ["Achievement"],
        "criteria": {"narrative": achievement.get("description", achievement["name"])},
        "description": achievement["name"],
        **achievement,
    }
    document: dict[str, Any] = {
        "@context": build.CONTEXT,
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential.get("name") or achievement["name"],
        "issuer": {
            "id": sign.did,
            "type": ["Profile"],
            "name": issuance.organisation_name,
            "url": issuance.organisation_url,
        },
        "validFrom": proof.timestamp(now),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            **subject,
            "achievement": achievement_doc,
        },
        "credentialStatus": status.entry(issuance.base_url, number, index),
    }
    for key in ("validUntil", "evidence", "description"):
        if key in credential:
            document[key] = credential[key]
    try:
        signed = proof.sign(document, sign.signer, created=now)
    except (UnsignableData, ContextNotAvailable) as error:
        raise InvalidRequest(str(error)) from None
    row = Credential(
        id=credential_id,
        document=signed,
        status_list=number,
        status_index=index,
        issued_at=now,
        api_key_id=api_key_id,
    )
    session.add(row)
    await session.flush()
    return row


# --------------------------------------------------------------------------------------
# Revoking


async def revoke(
    session: AsyncSession, credential_id: str, *, reason: str, now: datetime
) -> Credential | None:
    credential = await session.get(Credential, credential_id)
    if credential is not None and credential.revoked_at is None:
        credential.revoked_at = now
        credential.revoked_reason = reason
    return credential


async def revoke_for_endorsement(
    session: AsyncSession, endorsement_id: int, *, now: datetime
) -> int:
    """The endorser took their answer back: revoke what it gave. Returns how many."""
    rows = await session.execute(
        select(Credential).where(
            Credential.endorsement_id == endorsement_id, Credential.revoked_at.is_(None)
        )
    )
    count = 0
    for credential in rows.scalars():
        credential.revoked_at = now
        credential.revoked_reason = RETRACTED
        count += 1
    return count


async def status_list_credential(
    session: AsyncSession, number: int, *, issuance: Issuance, now: datetime
) -> dict[str, Any] | None:
    """The signed status list ``number``, or None when no credential uses it."""
    rows = await session.execute(
        select(Credential.status_index, Credential.revoked_at).where(
            Credential.status_list == number
        )
    )
    slots = rows.all()
    if not slots:
        return None
    sign = await signing(session, issuance, now)
    revoked = [index for index, revoked_at in slots if revoked_at is not None]
    document = status.list_credential(
        issuance.base_url, number, sign.did, proof.timestamp(now), revoked
    )
    return proof.sign(document, sign.signer, created=now)


# --------------------------------------------------------------------------------------
# Verifying


@dataclass(slots=True)
class Problem:
    code: str
    message: str


@dataclass(slots=True)
class Verification:
    """What a verifier found. ``verified`` only when no problem was found."""

    problems: list[Problem] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)  # check -> ok | failed | unchecked
    issuer: str | None = None
    issuer_is_us: bool = False
    credential_id: str | None = None

    @property
    def verified(self) -> bool:
        return not self.problems

    def fail(self, check: str, code: str, message: str) -> None:
        self.checks[check] = "failed"
        self.problems.append(Problem(code, message))

    def as_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "problems": [{"code": p.code, "message": p.message} for p in self.problems],
            "checks": self.checks,
            "issuer": self.issuer,
            "issuerIsThisService": self.issuer_is_us,
            "credentialId": self.credential_id,
        }


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return _utc(moment)


def _shape_problem(document: Any) -> str | None:
    if not isinstance(document, Mapping):
        return "a credential is a JSON object"
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_V2:
        return f"the first @context must be {VC_V2}"
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        return "the type must include VerifiableCredential"
    if document.get("issuer") is None:
        return "the credential names no issuer"
    return None


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


async def verify(
    session: AsyncSession, document: Any, *, issuance: Issuance, now: datetime
) -> Verification:
    result = Verification()
    shape = _shape_problem(document)
    if shape is not None:
        result.fail("format", "malformed", shape)
        return result
    result.checks["format"] = "ok"
    issuer = _issuer_id(document)
    result.issuer = issuer
    result.credential_id = document.get("id") if isinstance(document.get("id"), str) else None
    ring_keys = {
        row.public_key_multibase: keys.ed25519_public(row) for row in await keys.all_keys(session)
    }
    our_did = issuer_did(issuance.public_url, "") if issuance.public_url else None
    if issuer is not None:
        own_key = issuer.startswith("did:key:") and issuer.removeprefix("did:key:") in ring_keys
        result.issuer_is_us = issuer == our_did or own_key

    def resolve(method: str) -> bytes | None:
        found = resolve_method(method, our_did, ring_keys)
        if found is None or found[0] != issuer:
            return None
        return found[1]

    try:
        proof.verify(document, resolve)
        result.checks["signature"] = "ok"
    except proof.ProofError as error:
        code = "changed" if error.code == "changed" else error.code
        result.fail("signature", code, str(error))
    except ContextNotAvailable as error:
        result.fail("signature", "unknown_context", str(error))
    except UnsignableData as error:
        result.fail(
            "signature", "changed", f"the credential holds data its signature cannot cover: {error}"
        )
    valid_from = _parse_time(document.get("validFrom"))
    valid_until = _parse_time(document.get("validUntil"))
    if "validFrom" in document and valid_from is None:
        result.fail("dates", "malformed", "validFrom is not a date and time")
    elif valid_from is not None and valid_from > now:
        result.fail(
            "dates", "not_yet_valid", f"the credential is valid only from {document['validFrom']}"
        )
    elif valid_until is not None and valid_until < now:
        result.fail("dates", "expired", f"the credential expired on {document['validUntil']}")
    else:
        result.checks["dates"] = "ok"
    await _check_status(session, document, issuance, result)
    return result


async def _check_status(
    session: AsyncSession, document: Mapping[str, Any], issuance: Issuance, result: Verification
) -> None:
    entry = document.get("credentialStatus")
    if entry is None:
        result.checks["status"] = "none"
        return
    if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
        result.checks["status"] = "unchecked"
        return
    url = entry.get("statusListCredential")
    prefix = status.list_url(issuance.base_url, 0)[:-1]
    try:
        number = int(str(url).removeprefix(prefix)) if str(url).startswith(prefix) else None
        index = int(entry.get("statusListIndex", ""))
    except ValueError:
        result.fail("status", "malformed", "the credential's status entry is not valid")
        return
    if number is None:
        # Another issuer's list: we do not fetch it.
        result.checks["status"] = "unchecked"
        return
    row = await session.execute(
        select(Credential.revoked_at).where(
            Credential.status_list == number, Credential.status_index == index
        )
    )
    found = row.first()
    if found is not None and found[0] is not None:
        result.fail("status", "revoked", "the credential has been revoked")
    else:
        result.checks["status"] = "ok"
