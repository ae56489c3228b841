"""Endorsers' contact details: sealed in the database, emptied a while after a request is over."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, text, update

from api.db.types import SEALED_PREFIX, ContactKeyError, seal, unseal
from api.endorsements import retention
from api.endorsements import service as endorsements
from api.endorsements.models import Endorsement, EndorsementRequest
from api.privacy.models import WithdrawnLink
from api.settings import Settings
from tests.endorsements.conftest import NOW, Learner, jacob  # noqa: F401 - the fixture
from tests.privacy.world import marias_answer

RETENTION = timedelta(days=30)
LIFETIME = timedelta(days=30)
ERIKS = {"endorser_name": "Erik Lund", "endorser_email": "erik@hotel.example"}


async def _ask(learner: Learner, *, days_ago: int, **changes: object) -> int:
    async with learner.sessions() as session, session.begin():
        request, _token = await endorsements.create_request(
            session,
            learner.request(endorser_phone="+46701234567", **changes),
            now=NOW - timedelta(days=days_ago),
            lifetime=LIFETIME,
        )
        return request.id


async def _answer(learner: Learner, request_id: int, *, days_ago: int) -> None:
    async with learner.sessions() as session, session.begin():
        request = await session.get(EndorsementRequest, request_id)
        assert request is not None
        await endorsements.submit(
            session,
            request,
            marias_answer(request, email="maria.private@example.org"),
            now=NOW - timedelta(days=days_ago),
        )


async def _contacts(learner: Learner, request_id: int) -> tuple[str | None, str | None, str | None]:
    async with learner.sessions() as session:
        request = await session.get(EndorsementRequest, request_id)
        assert request is not None
        answer = request.endorsement
        return request.endorser_email, request.endorser_phone, answer.email if answer else None


async def test_contact_details_are_sealed_in_the_database(jacob: Learner) -> None:  # noqa: F811
    request_id = await _ask(jacob, days_ago=1)
    await _answer(jacob, request_id, days_ago=0)

    async with jacob.sessions() as session:
        raw = (
            await session.execute(
                text(
                    "SELECT r.endorser_email, r.endorser_phone, e.email "
                    "FROM endorsement_requests r JOIN endorsements e ON e.request_id = r.id"
                )
            )
        ).one()
    assert all(value.startswith(SEALED_PREFIX) for value in raw), raw
    dump = " ".join(raw)
    assert "maria" not in dump and "+4670" not in dump and "example" not in dump
    # The code reads them as they were typed.
    assert await _contacts(jacob, request_id) == (
        "maria@hotel.example",
        "+46701234567",
        "maria.private@example.org",
    )
    # The same address sealed twice looks different (a fresh nonce each time).
    assert raw[0] != seal("maria@hotel.example", "endorser_email")


def test_a_sealed_value_opens_only_in_its_own_column_and_with_its_own_key() -> None:
    sealed = seal("maria@hotel.example", "endorser_email")
    assert unseal(sealed, "endorser_email") == "maria@hotel.example"
    for purpose, key in (("endorsement_email", None), ("endorser_email", bytes(32))):
        try:
            unseal(sealed, purpose, key=key)
        except ContactKeyError:
            continue
        raise AssertionError(f"a sealed value opened where it should not: {purpose}")


async def test_the_sweep_empties_contacts_of_requests_over_for_longer_than_the_retention(
    jacob: Learner,  # noqa: F811
) -> None:
    answered_long_ago = await _ask(jacob, days_ago=70)
    await _answer(jacob, answered_long_ago, days_ago=65)
    answered_lately = await _ask(jacob, days_ago=12)
    await _answer(jacob, answered_lately, days_ago=10)
    declined_long_ago = await _ask(jacob, days_ago=50, **ERIKS)
    cancelled_long_ago = await _ask(jacob, days_ago=50, **ERIKS)
    async with jacob.sessions() as session, session.begin():
        for request_id, status in (
            (declined_long_ago, "declined"),
            (cancelled_long_ago, "cancelled"),
        ):
            await session.execute(
                update(EndorsementRequest)
                .where(EndorsementRequest.id == request_id)
                .values(status=status, closed_at=NOW - timedelta(days=40))
            )
    expired_long_ago = await _ask(jacob, days_ago=70, **ERIKS)  # expired 40 days ago
    expired_lately = await _ask(jacob, days_ago=40, **ERIKS)  # expired 10 days ago
    still_open = await _ask(jacob, days_ago=2, **ERIKS)

    swept = await retention.sweep(jacob.sessions, now=NOW, retention=RETENTION)

    assert swept.requests == 4
    for over in (answered_long_ago, declined_long_ago, cancelled_long_ago, expired_long_ago):
        email, phone, answer_email = await _contacts(jacob, over)
        assert (email, phone) == (None, None), over
        assert answer_email in (None, ""), over
    assert await _contacts(jacob, answered_lately) == (
        "maria@hotel.example",
        "+46701234567",
        "maria.private@example.org",
    )
    for kept in (expired_lately, still_open):
        assert await _contacts(jacob, kept) == ("erik@hotel.example", "+46701234567", None)

    # What the credential is built from stays: names, roles, what was confirmed.
    async with jacob.sessions() as session:
        answer = (
            await session.execute(
                select(Endorsement).where(Endorsement.request_id == answered_long_ago)
            )
        ).scalar_one()
        assert (answer.name, answer.organisation) == ("Maria Berg", "Hotell Norra")
        assert [v.verdict for v in answer.verdicts] == ["yes", "yes", "yes"]

    # A second sweep finds nothing more to do.
    again = await retention.sweep(jacob.sessions, now=NOW, retention=RETENTION)
    assert again == retention.Swept(0, 0)


async def test_the_sweep_drops_withdrawn_links_once_they_would_have_expired(
    jacob: Learner,  # noqa: F811
) -> None:
    async with jacob.sessions() as session, session.begin():
        session.add_all(
            [
                WithdrawnLink(token_hash="a" * 64, locale="sv", withdrawn_at=NOW, expires_at=NOW),
                WithdrawnLink(
                    token_hash="b" * 64,
                    locale="sv",
                    withdrawn_at=NOW,
                    expires_at=NOW + timedelta(days=1),
                ),
            ]
        )
    swept = await retention.sweep(jacob.sessions, now=NOW, retention=RETENTION)
    assert swept.withdrawn_links == 1
    async with jacob.sessions() as session:
        left = (await session.execute(select(WithdrawnLink.token_hash))).scalars().all()
    assert left == ["b" * 64]


async def test_the_service_sweeps_by_itself(jacob: Learner) -> None:  # noqa: F811
    request_id = await _ask(jacob, days_ago=400)
    await _answer(jacob, request_id, days_ago=399)
    settings = Settings(endorser_contact_retention_days=30, retention_sweep_minutes=1)
    task = retention.start_sweeping(jacob.sessions, settings)
    try:
        for _ in range(250):
            if (await _contacts(jacob, request_id))[0] is None:
                break
            await asyncio.sleep(0.02)
    finally:
        await retention.stop_sweeping(task)
    assert await _contacts(jacob, request_id) == (None, None, "")
