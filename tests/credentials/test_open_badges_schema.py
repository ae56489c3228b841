"""Our credentials fit 1EdTech's official Open Badges 3.0 JSON schema, and a spoiled copy
does not: it fails the schema, and it fails our own verifier too.

The schema is ``ob_v3p0_achievementcredential_schema.json`` (JSON Schema draft 2019-09),
verbatim from 1EdTech. ``open_badges/install.sh`` takes it out of a package release and
checks it against the pinned checksum in ``open_badges/SHA256SUMS``; ``make test`` runs it
through ``scripts/js-deps.sh``. Every ``$ref`` in it points inside the file, so nothing is
fetched while the tests run.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from jsonschema import Draft201909Validator

from api.app import create_app
from api.credentials import apikeys
from api.endorsements.service import AskedItem, NewRequest
from api.skills.catalogue import Catalogue
from tests.credentials.conftest import Answered, answer, issuance
from tests.credentials.holder import PUBLIC_URL, settings_for
from tests.credentials.test_issue import check, issue
from tests.endorsements.conftest import Learner
from tests.servers import app_lifespan

HERE = Path(__file__).resolve().parent / "open_badges"
SCHEMA = HERE / "ob_v3p0_achievementcredential_schema.json"
OFFICIAL_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
INSTALL = "bash tests/credentials/open_badges/install.sh"

Document = dict[str, Any]
Change = Callable[[Document], None]


def _not_ready() -> str | None:
    """None when the pinned official schema is in place, else what is wrong."""
    if not SCHEMA.is_file():
        return f"the Open Badges schema is not installed: run `{INSTALL}`"
    pinned = (HERE / "SHA256SUMS").read_text().split()[0]
    if hashlib.sha256(SCHEMA.read_bytes()).hexdigest() != pinned:
        return f"{SCHEMA.name} is not the pinned official schema: run `{INSTALL}`"
    if "date-time" not in Draft201909Validator.FORMAT_CHECKER.checkers:
        # Without it jsonschema quietly lets any string through as a date-time.
        return "jsonschema cannot check date-time: install rfc3339-validator (the test extra)"
    return None


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


@pytest.fixture(scope="module")
def schema() -> Draft201909Validator:
    problem = _not_ready()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the Open Badges schema test: {problem}")
        pytest.skip(problem)
    document = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert document["$id"] == OFFICIAL_ID
    assert document["$schema"].startswith("https://json-schema.org/draft/2019-09/schema")
    assert all(ref.startswith("#/") for ref in _refs(document)), "a $ref would need a fetch"
    Draft201909Validator.check_schema(document)
    # format_checker: validFrom and the other dates must really be dates, as the schema says.
    return Draft201909Validator(document, format_checker=Draft201909Validator.FORMAT_CHECKER)


def problems(schema: Draft201909Validator, document: Any) -> list[str]:
    """What the schema objects to, one line each, so a failing test says where."""
    return [
        f"{error.json_path}: {error.message[:200]}"
        for error in sorted(schema.iter_errors(document), key=lambda e: e.json_path)
    ]


# --------------------------------------------------------------------------------------
# What the service issues


@pytest.mark.parametrize("public_url", ["https://merit.example", ""], ids=["did_web", "did_key"])
async def test_jacobs_merit_fits_the_official_schema(
    schema: Draft201909Validator, answered: Answered, catalogue: Catalogue, public_url: str
) -> None:
    (merit,) = await issue(answered, catalogue, issuer=issuance(public_url))
    assert problems(schema, merit.document) == []


@dataclass
class AsksInArabic(Learner):
    """Jacob asks in Arabic, about punctuality (a skill aligned with ESCO) and cleaning."""

    def request(self, **changes: object) -> NewRequest:
        items = (
            AskedItem("arrives_on_time", "on_time_every_shift"),
            AskedItem("hotel_room_cleaning", "prepares_guest_rooms"),
        )
        return super().request(**{"locale": "ar", "items": items, **changes})


async def test_an_arabic_merit_with_an_esco_alignment_fits_too(
    schema: Draft201909Validator, jacob: Learner, catalogue: Catalogue
) -> None:
    asking = AsksInArabic(jacob.id, jacob.experience_id, jacob.sessions)
    answered = Answered(asking, await answer(asking, verdicts=("yes", "yes")))
    merits = await issue(answered, catalogue)
    assert {m.skill_id for m in merits} == {"arrives_on_time", "hotel_room_cleaning"}
    for merit in merits:
        assert merit.document["credentialSubject"]["achievement"]["inLanguage"] == "ar"
        assert problems(schema, merit.document) == [], merit.skill_id
    (punctual,) = [m for m in merits if m.skill_id == "arrives_on_time"]
    (alignment,) = punctual.document["credentialSubject"]["achievement"]["alignment"]
    assert alignment["targetFramework"] == "ESCO"


# --------------------------------------------------------------------------------------
# What POST /credentials/issue makes


@pytest_asyncio.fixture
async def organisation(sqlite_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An organisation calling the API with a key that may issue."""
    app = create_app(settings_for(sqlite_url, data_dir=tmp_path))
    async with app_lifespan(app):
        async with app.state.sessions() as session, session.begin():
            _, key = await apikeys.create(session, {"issue"}, now=datetime.now(UTC))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=PUBLIC_URL,
            headers={"Authorization": f"Bearer {key}"},
        ) as client:
            yield client


FORKLIFT_BARE = {"credentialSubject": {"achievement": {"name": "Forklift basics"}}}
FORKLIFT_FULL = {
    "name": "Forklift basics, warehouse course",
    "description": "A two-day course with a driving test.",
    "validUntil": "2031-06-30T00:00:00Z",
    "credentialSubject": {
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "identityHash": "sara@example.org",
                "hashed": False,
            }
        ],
        "achievement": {
            "name": "Forklift basics",
            "description": "Drives a counterbalance forklift safely in a warehouse.",
            "achievementType": "Certificate",
            "criteria": {"narrative": "Passed the driving test on the course's last day."},
        },
    },
    "evidence": [
        {
            "type": ["Evidence"],
            "name": "Driving test",
            "narrative": "Loaded and stacked ten pallets without a fault.",
        }
    ],
}


@pytest.mark.parametrize("request_body", [FORKLIFT_BARE, FORKLIFT_FULL], ids=["bare", "full"])
async def test_a_credential_from_the_api_fits_the_official_schema(
    schema: Draft201909Validator, organisation: httpx.AsyncClient, request_body: Document
) -> None:
    made = await organisation.post("/credentials/issue", json={"credential": request_body})
    assert made.status_code == 201, made.text
    credential = made.json()["verifiableCredential"]
    assert problems(schema, credential) == []
    fetched = await organisation.get(credential["id"].removeprefix(PUBLIC_URL))
    assert problems(schema, fetched.json()) == []


# --------------------------------------------------------------------------------------
# A spoiled copy


def _at(document: Document, path: tuple[str | int, ...]) -> Any:
    node: Any = document
    for step in path:
        node = node[step]
    return node


def without(*path: str | int) -> Change:
    def change(document: Document) -> None:
        del _at(document, path[:-1])[path[-1]]

    return change


def set_to(value: Any, *path: str | int) -> Change:
    def change(document: Document) -> None:
        _at(document, path[:-1])[path[-1]] = value

    return change


SUBJECT = ("credentialSubject",)
ACHIEVEMENT = (*SUBJECT, "achievement")
LEARNER = (*SUBJECT, "identifier", 0)

# Each removes one field or gives it a wrong type or value. (The schema lets a bare string
# through as ``type``, so that one is not here; the signature still catches it.)
SPOILED: dict[str, Change] = {
    "no @context": without("@context"),
    "the contexts in the wrong order": lambda d: d["@context"].reverse(),
    "no Open Badges context": lambda d: d["@context"].pop(1),
    "no id": without("id"),
    "a number as id": set_to(7, "id"),
    "no type": without("type"),
    "not an OpenBadgeCredential": set_to(["VerifiableCredential"], "type"),
    "not a VerifiableCredential": set_to(["OpenBadgeCredential"], "type"),
    "a number as name": set_to(3, "name"),
    "no issuer": without("issuer"),
    "an issuer without id": without("issuer", "id"),
    "an issuer without type": without("issuer", "type"),
    "an issuer that is not a Profile": set_to(["Organization"], "issuer", "type"),
    "a number as issuer": set_to(42, "issuer"),
    "an address without type": without("issuer", "address", "type"),
    "no validFrom": without("validFrom"),
    "validFrom in words": set_to("21 November 2026", "validFrom"),
    "validFrom without a time": set_to("2026-11-21", "validFrom"),
    "validFrom as a number": set_to(1795273200, "validFrom"),
    "awardedDate in words": set_to("today", "awardedDate"),
    "no credentialSubject": without("credentialSubject"),
    "a name as credentialSubject": set_to("Jacob", "credentialSubject"),
    "a subject without type": without(*SUBJECT, "type"),
    "a subject that is not an AchievementSubject": set_to(["Person"], *SUBJECT, "type"),
    "hashed as a word": set_to("no", *LEARNER, "hashed"),
    "an unknown identityType": set_to("firstName", *LEARNER, "identityType"),
    "no achievement": without(*ACHIEVEMENT),
    "a word as achievement": set_to("cleaning", *ACHIEVEMENT),
    "an achievement without id": without(*ACHIEVEMENT, "id"),
    "an achievement without name": without(*ACHIEVEMENT, "name"),
    "an achievement without description": without(*ACHIEVEMENT, "description"),
    "an achievement without criteria": without(*ACHIEVEMENT, "criteria"),
    "criteria as a string": set_to("do it", *ACHIEVEMENT, "criteria"),
    "an achievement that is a Badge": set_to(["Badge"], *ACHIEVEMENT, "type"),
    "an unknown achievementType": set_to("Microcredential", *ACHIEVEMENT, "achievementType"),
    "a language that is no code": set_to("Swedish", *ACHIEVEMENT, "inLanguage"),
    "evidence that is a Proof": set_to(["Proof"], "evidence", 0, "type"),
    "evidence without type": without("evidence", 0, "type"),
    "a status without type": without("credentialStatus", "type"),
    "a word as status": set_to("revoked", "credentialStatus"),
    "a proof without type": without("proof", "type"),
    "a proof created in words": set_to("yesterday", "proof", "created"),
    "a word as proof": set_to("signed", "proof"),
}


async def test_every_spoiled_copy_fails_the_schema_and_our_verifier(
    schema: Draft201909Validator, answered: Answered, catalogue: Catalogue
) -> None:
    (merit,) = await issue(answered, catalogue)
    assert problems(schema, merit.document) == []
    fits_the_schema, verifies = [], []
    for what, change in SPOILED.items():
        spoiled = copy.deepcopy(merit.document)
        change(spoiled)
        if not problems(schema, spoiled):
            fits_the_schema.append(what)
        if (await check(answered, spoiled)).verified:
            verifies.append(what)
    assert fits_the_schema == []
    assert verifies == []
