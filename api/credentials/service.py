"""Issuing, verifying and revoking credentials: the one path the API, the bot and tests use.

Every function takes the session (the caller owns the transaction), an ``Issuance``
(who we are, from settings, and the key-encryption key) and the time it works at.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
import weakref
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, Final

from sqlalchemy import Engine, exists, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.credentials import build, keys, proof, status
from api.credentials.did import did_document, issuer_did, method_id, resolve_method
from api.credentials.jsonld import VC_V2, ContextNotAvailable, UnsignableData
from api.credentials.models import Credential
from api.endorsements.models import AskedOutcome, Endorsement, EndorsementRequest, OutcomeVerdict
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


async def signing(
    session: AsyncSession, issuance: Issuance, now: datetime, *, fresh: bool = False
) -> Signing:
    """The key that signs now, kept in memory unless ``fresh`` (see ``keys``)."""
    load = keys.keyring if fresh else keys.signing_keyring
    ring = await load(session, issuance.kek, now)
    did = issuer_did(issuance.public_url, ring.active.public_key_multibase)
    signer = proof.Signer(
        method_id(did, ring.active.public_key_multibase), ring.active.private_key.sign
    )
    return Signing(did, signer, ring)


async def our_did_document(
    session: AsyncSession, issuance: Issuance, now: datetime
) -> dict[str, Any]:
    # Fresh: a key rotated by another process is published at once.
    sign = await signing(session, issuance, now, fresh=True)
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


@dataclass(slots=True)
class _Slots:
    """The status list this process fills, and its slots taken as far as it knows."""

    number: int
    taken: bytearray  # one bit per slot, as in the published list
    used: int


_SLOTS: weakref.WeakKeyDictionary[Engine, _Slots] = weakref.WeakKeyDictionary()


async def _load_slots(session: AsyncSession) -> _Slots:
    number = (await session.execute(select(func.max(Credential.status_list)))).scalar() or 1
    rows = await session.execute(
        select(Credential.status_index).where(Credential.status_list == number)
    )
    indices = rows.scalars().all()
    if len(indices) >= LIST_FILL:
        return _Slots(number + 1, bytearray(status.LIST_BITS // 8), 0)
    taken = bytearray(status.LIST_BITS // 8)
    for index in indices:
        taken[index // 8] |= 0x80 >> (index % 8)
    return _Slots(number, taken, len(indices))


async def _status_slot(session: AsyncSession) -> tuple[int, int]:
    """A free random slot: from memory, after one load of the current list per process.

    The unique (list, index) constraint has the last word; when another process took
    the slot meanwhile, ``_slot_lost`` makes the next pick reload from the database.
    """
    engine = keys.engine_of(session)
    slots = _SLOTS.get(engine)
    if slots is None or slots.used >= LIST_FILL:
        slots = _SLOTS[engine] = await _load_slots(session)
    while True:
        index = status.random_index()
        byte, bit = index // 8, 0x80 >> (index % 8)
        if not slots.taken[byte] & bit:
            slots.taken[byte] |= bit
            slots.used += 1
            return slots.number, index


def _slot_lost(session: AsyncSession) -> None:
    _SLOTS.pop(keys.engine_of(session), None)


async def _store(session: AsyncSession, values: dict[str, Any]) -> Credential | None:
    """Insert the row in one statement; None when a unique constraint says it exists
    already (this endorsement and skill, or this status slot)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Credential).values(values).on_conflict_do_nothing().returning(Credential)
    return (await session.scalars(statement)).first()


# --------------------------------------------------------------------------------------
# Issuing from an endorsement


@dataclass(frozen=True, slots=True)
class _Answered:
    """What issuing needs of an endorsement, its request, the experience and the
    outcomes confirmed: one query, as issuing is most of what the service signs."""

    retracted_at: datetime | None
    declared: bool
    signals: dict[str, Any]
    relationship_kind: str
    name: str
    role: str
    organisation: str
    trust_level: str
    submitted_at: datetime
    request_id: int | None
    learner_id: int | None
    learner_name: str | None
    locale: str | None
    experience_kind: str | None
    # Whether credentials were issued for it before (then they are loaded).
    issued_before: bool
    period: build.Period
    # Skill id -> outcome ids the endorser answered "yes" to, in the order asked.
    confirmed: dict[str, list[str]]


_PERIOD_COLUMNS: Final = ("start_year", "start_month", "end_year", "end_month", "ongoing")
_ANSWERED: Final = (
    select(
        Endorsement.retracted_at,
        Endorsement.declared,
        Endorsement.signals,
        Endorsement.relationship_kind,
        Endorsement.name,
        Endorsement.role,
        Endorsement.organisation,
        Endorsement.trust_level,
        Endorsement.submitted_at,
        EndorsementRequest.id.label("request_id"),
        EndorsementRequest.learner_id,
        EndorsementRequest.learner_name,
        EndorsementRequest.locale,
        Experience.kind.label("experience_kind"),
        exists().where(Credential.endorsement_id == Endorsement.id).label("issued_before"),
        *(getattr(Experience, name) for name in _PERIOD_COLUMNS),
        AskedOutcome.skill_id,
        AskedOutcome.outcome_id,
    )
    .select_from(Endorsement)
    .outerjoin(EndorsementRequest, EndorsementRequest.id == Endorsement.request_id)
    .outerjoin(Experience, Experience.id == EndorsementRequest.experience_id)
    .outerjoin(
        OutcomeVerdict,
        (OutcomeVerdict.endorsement_id == Endorsement.id) & (OutcomeVerdict.verdict == "yes"),
    )
    .outerjoin(
        AskedOutcome,
        (AskedOutcome.id == OutcomeVerdict.asked_outcome_id)
        & (AskedOutcome.request_id == Endorsement.request_id),
    )
    .order_by(AskedOutcome.position, AskedOutcome.id)
)


async def _answered(session: AsyncSession, endorsement_id: int) -> _Answered | None:
    """The endorsement with a row per outcome confirmed "yes".

    "Partly" and "no" are left out: a credential says "the holder can", and "partly"
    means the endorser did not see it done in full. Skills in the learner's own words
    have no catalogue outcome to state in the guidebook's grammar, so they are left
    out too.
    """
    rows = (await session.execute(_ANSWERED.where(Endorsement.id == endorsement_id))).all()
    if not rows:
        return None
    confirmed: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.skill_id and row.outcome_id and row.outcome_id not in confirmed[row.skill_id]:
            confirmed[row.skill_id].append(row.outcome_id)
    fields = dict(rows[0]._mapping)
    del fields["skill_id"], fields["outcome_id"]
    start_year, start_month, end_year, end_month, ongoing = (
        fields.pop(name) for name in _PERIOD_COLUMNS
    )
    start = date(start_year, start_month or 1, 1) if start_year else None
    end = date(end_year, end_month or 12, 1) if end_year and not ongoing else None
    period = build.Period(start, end, ongoing=bool(ongoing))
    return _Answered(**fields, period=period, confirmed=dict(confirmed))


def _may_issue(retracted_at: datetime | None, declared: bool, signals: Mapping[str, Any]) -> bool:
    if retracted_at is not None or not declared:
        return False
    return not any(signals.get(name) for name in SELF_ENDORSEMENT_SIGNALS)


def may_issue(endorsement: Endorsement) -> bool:
    """Not for a retracted answer, nor one that looks like the learner's own."""
    return _may_issue(endorsement.retracted_at, endorsement.declared, endorsement.signals)


async def issue_for_endorsement(
    session: AsyncSession,
    endorsement_id: int,
    *,
    issuance: Issuance,
    catalogue: Catalogue,
    now: datetime,
) -> list[Credential]:
    """One credential per skill with confirmed outcomes; calling again returns the same ones."""
    answer = await _answered(session, endorsement_id)
    if answer is None:
        raise LookupError(f"no endorsement {endorsement_id}")
    existing: dict[str | None, Credential] = {}
    if answer.issued_before:
        rows = await session.execute(
            select(Credential).where(Credential.endorsement_id == endorsement_id)
        )
        existing = {c.skill_id: c for c in rows.scalars()}
    if not _may_issue(answer.retracted_at, answer.declared, answer.signals):
        return list(existing.values())
    if (
        answer.request_id is None
        or answer.learner_id is None
        or answer.learner_name is None
        or answer.locale is None
        or answer.experience_kind is None
    ):
        return list(existing.values())
    issued: list[Credential] = []
    for skill_id, outcome_ids in answer.confirmed.items():
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
                build.OutcomeText(outcome.category.value, outcome.in_locale(answer.locale))
            )
        if not outcomes:
            continue
        award = build.Award(
            credential_url="",
            locale=answer.locale,
            learner_name=answer.learner_name,
            subject_id=subject_id(issuance, answer.learner_id),
            skill_id=skill.id,
            skill_name=skill.name_in(answer.locale),
            esco_uri=skill.esco_uri,
            outcomes=tuple(outcomes),
            experience_kind=answer.experience_kind,
            period=answer.period,
            assessor=build.AssessorInfo(
                relationship=answer.relationship_kind,
                name=answer.name,
                role=answer.role,
                organisation=answer.organisation,
                trust_level=answer.trust_level,
                confirmed_at=_utc(answer.submitted_at),
            ),
            issued_at=now,
            status={},
        )
        stored = await _sign_and_store(
            session,
            partial(_award_document, award, issuance),
            issuance=issuance,
            now=now,
            learner_id=answer.learner_id,
            endorsement_id=endorsement_id,
            skill_id=skill.id,
        )
        if stored is None:  # issued meanwhile by another worker
            found = await session.execute(
                select(Credential).where(
                    Credential.endorsement_id == endorsement_id, Credential.skill_id == skill.id
                )
            )
            stored = found.scalar_one()
        issued.append(stored)
    return issued


def _award_document(
    award: build.Award, issuance: Issuance, url: str, status_entry: dict[str, Any], did: str
) -> dict[str, Any]:
    return build.build(
        replace(award, credential_url=url, status=status_entry), issuer_info(issuance, did)
    )


# Tries before giving up when other processes keep taking the slot picked.
SLOT_TRIES: Final = 5


async def _sign_and_store(
    session: AsyncSession,
    unsigned: Callable[[str, dict[str, Any], str], dict[str, Any]],
    *,
    issuance: Issuance,
    now: datetime,
    **columns: Any,
) -> Credential | None:
    """Give the credential an id and a status slot, sign it, and insert it.

    ``unsigned(url, status entry, issuer DID)`` builds the document. None when the row
    exists already (the same endorsement and skill); a slot another process took
    meanwhile is picked again and the document signed again.
    """
    sign = await signing(session, issuance, now)
    for _ in range(SLOT_TRIES):
        credential_id = str(uuid.uuid4())
        number, index = await _status_slot(session)
        document = unsigned(
            issuance.credential_url(credential_id),
            status.entry(issuance.base_url, number, index),
            sign.did,
        )
        values = {
            "id": credential_id,
            "document": await proof.sign_in_worker(document, sign.signer, created=now),
            "status_list": number,
            "status_index": index,
            "issued_at": now,
            **columns,
        }
        stored = await _store(session, values)
        if stored is not None:
            return stored
        if columns.get("endorsement_id") is not None:
            exists = await session.execute(
                select(Credential.id).where(
                    Credential.endorsement_id == columns["endorsement_id"],
                    Credential.skill_id == columns.get("skill_id"),
                )
            )
            if exists.first() is not None:
                return None
        _slot_lost(session)
    raise RuntimeError("no free status list slot after several tries")


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

    def unsigned(url: str, status_entry: dict[str, Any], did: str) -> dict[str, Any]:
        document: dict[str, Any] = {
            "@context": build.CONTEXT,
            "id": url,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": credential.get("name") or achievement["name"],
            "issuer": {
                "id": did,
                "type": ["Profile"],
                "name": issuance.organisation_name,
                "url": issuance.organisation_url,
            },
            "validFrom": proof.timestamp(now),
            "credentialSubject": {
                "type": ["AchievementSubject"],
                **subject,
                "achievement": {
                    "id": f"{url}#achievement",
                    "type": ["Achievement"],
                    "criteria": {"narrative": achievement.get("description", achievement["name"])},
                    "description": achievement["name"],
                    **achievement,
                },
            },
            "credentialStatus": status_entry,
        }
        for key in ("validUntil", "evidence", "description"):
            if key in credential:
                document[key] = credential[key]
        return document

    try:
        row = await _sign_and_store(
            session, unsigned, issuance=issuance, now=now, api_key_id=api_key_id
        )
    except (UnsignableData, ContextNotAvailable) as error:
        raise InvalidRequest(str(error)) from None
    assert row is not None  # a fresh id: only a slot can clash, and that is tried again
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
    return await proof.sign_in_worker(document, sign.signer, created=now)


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


def _named_keys(document: Mapping[str, Any], issuer: str | None) -> list[str]:
    """The public keys (multibase) the issuer and the proof name, to look up as ours."""
    named = []
    if issuer is not None and issuer.startswith("did:key:"):
        named.append(issuer.removeprefix("did:key:"))
    found = document.get("proof")
    if isinstance(found, list) and len(found) == 1:
        found = found[0]
    method = found.get("verificationMethod") if isinstance(found, Mapping) else None
    if isinstance(method, str) and "#" in method:
        named.append(method.partition("#")[2])
    return named


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
    ring_keys = await keys.public_keys(session, _named_keys(document, issuer))
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
        await proof.verify_in_worker(document, resolve)
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
