"""A request's life, as the learner and the endorser live it: sent, opened, answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from api.endorsements import service as endorsements
from api.endorsements.models import RequestLink
from api.endorsements.service import EndorserAnswer, RequestClosed, RequestState
from api.notices.models import Notice
from tests.endorsements.conftest import LIFETIME, NOW, Learner


def answer_all(request: endorsements.EndorsementRequest, **changes: object) -> EndorserAnswer:
    verdicts = {o.id: ("yes", "") for o in request.outcomes}
    fields: dict[str, object] = {
        "relationship": "supervisor",
        "verdicts": verdicts,
        "name": "Maria Berg",
        "role": "Head of housekeeping",
        "organisation": "Hotell Norra",
        "email": "maria@hotel.example",
        "declared": True,
    }
    fields.update(changes)
    return EndorserAnswer(**fields)  # type: ignore[arg-type]


async def test_a_link_opens_its_request_and_only_its_hash_is_stored(jacob: Learner) -> None:
    async with jacob.sessions() as session, session.begin():
        request, token = await endorsements.create_request(
            session, jacob.request(), now=NOW, lifetime=LIFETIME
        )
        stored = (await session.execute(select(RequestLink.token_hash))).scalars().all()
    assert len(token) >= 32  # 192 random bits, URL-safe
    assert stored == [endorsements.token_hash(token)] and token not in stored

    async with jacob.sessions() as session, session.begin():
        opened = await endorsements.request_by_token(session, token)
        assert opened is not None and opened.id == request.id
        assert [o.own_words for o in opened.outcomes][-1] == "Folding towels the hotel's way"
        endorsements.mark_opened(opened, NOW + timedelta(hours=1))
        assert endorsements.state_of(opened, NOW) is RequestState.OPENED
        assert await endorsements.request_by_token(session, token + "x") is None
        assert await endorsements.request_by_token(session, "") is None


async def test_an_answer_is_taken_once_and_the_learner_hears_of_it(jacob: Learner) -> None:
    async with jacob.sessions() as session, session.begin():
        request, token = await endorsements.create_request(
            session, jacob.request(), now=NOW, lifetime=LIFETIME
        )
    later = NOW + timedelta(hours=5)
    async with jacob.sessions() as session, session.begin():
        request = await endorsements.request_by_token(session, token)
        assert request is not None
        first, second, third = (o.id for o in request.outcomes)
        verdicts = {first: ("yes", "Very tidy"), second: ("partly", ""), third: ("no", "")}
        await endorsements.submit(
            session, request, answer_all(request, verdicts=verdicts), now=later
        )
    async with jacob.sessions() as session, session.begin():
        request = await endorsements.request_by_token(session, token)
        assert request is not None
        with pytest.raises(RequestClosed) as closed:
            await endorsements.submit(session, request, answer_all(request), now=later)
        assert closed.value.state is RequestState.ANSWERED
        summary = (await endorsements.requests_of(session, jacob.id, now=later))[0]
        notices = (await session.execute(select(Notice))).scalars().all()
    assert (summary.state, summary.confirmed, summary.partly) == ("answered", 1, 1)
    assert summary.trust_level == "self_declared"
    assert summary.signals["seconds_to_answer"] == 5 * 3600
    assert [(n.kind, n.payload) for n in notices] == [
        ("endorsement_answered", {"request_id": summary.id})
    ]


async def test_an_answer_that_does_not_fit_the_request_stores_nothing(jacob: Learner) -> None:
    async with jacob.sessions() as session, session.begin():
        request, _ = await endorsements.create_request(
            session, jacob.request(), now=NOW, lifetime=LIFETIME
        )
        one_missing = dict(list(answer_all(request).verdicts.items())[1:])
        with pytest.raises(ValueError):
            await endorsements.submit(
                session, request, answer_all(request, verdicts=one_missing), now=NOW
            )
        with pytest.raises(ValueError):
            await endorsements.submit(
                session, request, answer_all(request, declared=False), now=NOW
            )
        assert endorsements.state_of(request, NOW) is RequestState.SENT
        assert request.endorsement is None


async def test_cancel_expiry_and_reminders_close_or_renew_links(jacob: Learner) -> None:
    async with jacob.sessions() as session, session.begin():
        cancelled, _ = await endorsements.create_request(
            session, jacob.request(), now=NOW, lifetime=LIFETIME
        )
        reminded, first_link = await endorsements.create_request(
            session, jacob.request(endorser_name="Ali"), now=NOW, lifetime=LIFETIME
        )
        assert await endorsements.cancel(session, jacob.id, cancelled.id, now=NOW)
        assert not await endorsements.cancel(session, jacob.id + 1, reminded.id, now=NOW)
        second_link = await endorsements.remind(session, jacob.id, reminded.id, now=NOW)
        assert await endorsements.remind(session, jacob.id, cancelled.id, now=NOW) is None
        links = await session.scalar(select(func.count()).select_from(RequestLink))
    assert second_link and second_link != first_link and links == 3
    async with jacob.sessions() as session, session.begin():
        for token in (first_link, second_link):
            request = await endorsements.request_by_token(session, token)
            assert request is not None and request.id == reminded.id
        states = {
            s.endorser_name: s.state
            for s in await endorsements.requests_of(session, jacob.id, now=NOW + LIFETIME)
        }
    assert states == {"Ali": RequestState.EXPIRED, "Maria Berg": RequestState.CANCELLED}


async def test_not_me_closes_the_link_and_tells_the_learner(jacob: Learner) -> None:
    async with jacob.sessions() as session, session.begin():
        request, _ = await endorsements.create_request(
            session, jacob.request(), now=NOW, lifetime=LIFETIME
        )
        await endorsements.decline(session, request, "not_me", now=NOW)
        with pytest.raises(RequestClosed):
            await endorsements.decline(session, request, "prefer_not", now=NOW)
        kinds = (await session.execute(select(Notice.kind))).scalars().all()
    assert kinds == ["endorsement_declined"]


async def test_the_email_code_raises_trust_and_wrong_codes_run_out(jacob: Learner) -> None:
    async with jacob.sessions() as session, session.begin():
        request, _ = await endorsements.create_request(
            session, jacob.request(), now=NOW, lifetime=LIFETIME
        )
        endorsement = await endorsements.submit(
            session, request, answer_all(request, email="Maria@Gmail.com"), now=NOW
        )
        assert endorsement.signals["free_mail_domain"] is True
        assert endorsement.signals["email_differs_from_request"] is True
        code = endorsements.start_email_check(endorsement, now=NOW)
        wrong = "000000" if code != "000000" else "111111"
        assert endorsements.check_email_code(endorsement, wrong, now=NOW) == "wrong"
        assert endorsement.trust_level == "self_declared"
        assert endorsements.check_email_code(endorsement, f" {code[:3]} {code[3:]}", now=NOW) == (
            "verified"
        )
        assert endorsement.trust_level == "email_verified"

        other, _ = await endorsements.create_request(
            session, jacob.request(), now=NOW, lifetime=LIFETIME
        )
        guessed = await endorsements.submit(session, other, answer_all(other), now=NOW)
        code = endorsements.start_email_check(guessed, now=NOW)
        for _ in range(endorsements.EMAIL_CODE_ATTEMPTS):
            endorsements.check_email_code(guessed, wrong, now=NOW)
        assert endorsements.check_email_code(guessed, code, now=NOW) == "too_many"
        assert guessed.trust_level == "self_declared"
