"""Maria's answer is stored at once; its credential is signed by the issuing queue after.

The answer's own transaction records that a credential is due. ``issue_due`` (what
the news loop runs) signs it and takes it off the queue, once; a failure is tried
again later, each time waiting longer, and nothing is lost on the way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from api.credentials.models import Credential
from api.credentials.service import Issuance
from api.endorsements import issuing
from api.endorsements import service as endorsements
from api.endorsements.models import CredentialsDue
from api.endorsements.service import EndorserAnswer
from api.notices import service as notices
from api.notices.models import Notice
from api.skills.catalogue import Catalogue
from tests.credentials.conftest import issuance
from tests.endorsements.conftest import LIFETIME, NOW, Learner

ANSWERED = NOW + timedelta(hours=5)


async def maria_answers(learner: Learner, verdicts: tuple[str, ...]) -> int:
    """Maria confirms Jacob's three items as ``verdicts`` say; returns the endorsement id."""
    async with learner.sessions() as session, session.begin():
        request, _ = await endorsements.create_request(
            session, learner.request(), now=NOW, lifetime=LIFETIME
        )
        endorsement = await endorsements.submit(
            session,
            request,
            EndorserAnswer(
                relationship="supervisor",
                verdicts={o.id: (v, "") for o, v in zip(request.outcomes, verdicts, strict=True)},
                name="Maria Berg",
                role="Head of housekeeping",
                organisation="Hotell Norra",
                email="maria@hotel.example",
                declared=True,
            ),
            now=ANSWERED,
        )
        return endorsement.id


async def queue(learner: Learner) -> list[CredentialsDue]:
    async with learner.sessions() as session:
        return list((await session.execute(select(CredentialsDue))).scalars().all())


async def credentials(learner: Learner) -> list[Credential]:
    async with learner.sessions() as session:
        return list((await session.execute(select(Credential))).scalars().all())


async def run_queue(
    learner: Learner, catalogue: Catalogue, at: datetime, issuer: Issuance | None = None
) -> int:
    return await issuing.issue_due(
        learner.sessions, lambda: issuer or issuance(), catalogue, now=at
    )


async def the_news(learner: Learner, catalogue: Catalogue) -> str:
    async with learner.sessions() as session:
        notice = (await session.execute(select(Notice))).scalar_one()
        news = await notices.compose(session, notice, catalogue)
    assert news is not None
    return news.text


async def test_the_answer_queues_its_credential_and_the_queue_signs_it_once(
    jacob: Learner, catalogue: Catalogue
) -> None:
    endorsement_id = await maria_answers(jacob, ("yes", "partly", "yes"))

    [due] = await queue(jacob)
    assert (due.endorsement_id, due.tries) == (endorsement_id, 0)
    assert await credentials(jacob) == [], "nothing is signed while the endorser waits"
    assert "🏅 Ditt intyg är på väg." in await the_news(jacob, catalogue)

    assert await run_queue(jacob, catalogue, ANSWERED) == 1
    [credential] = await credentials(jacob)
    assert credential.endorsement_id == endorsement_id
    assert await queue(jacob) == []
    rooms = catalogue.skill("hotel_room_cleaning").name_in("sv")
    assert f"🏅 Du fick 1 intyg: {rooms}." in await the_news(jacob, catalogue)

    assert await run_queue(jacob, catalogue, ANSWERED + timedelta(minutes=1)) == 0
    assert [c.id for c in await credentials(jacob)] == [credential.id]


async def test_a_failed_signing_waits_longer_each_time_and_then_succeeds(
    jacob: Learner, catalogue: Catalogue
) -> None:
    await maria_answers(jacob, ("yes", "yes", "no"))
    broken = issuance(kek=b"too short to be a key")

    assert await run_queue(jacob, catalogue, ANSWERED, broken) == 0
    [due] = await queue(jacob)
    assert due.tries == 1 and due.last_error
    assert endorsements.as_utc(due.due_at) == ANSWERED + issuing.FIRST_RETRY

    # Not due yet: nothing is tried. Due again and still broken: it waits twice as long.
    assert await run_queue(jacob, catalogue, ANSWERED + timedelta(seconds=1), broken) == 0
    assert (await queue(jacob))[0].tries == 1
    second = ANSWERED + issuing.FIRST_RETRY
    assert await run_queue(jacob, catalogue, second, broken) == 0
    [due] = await queue(jacob)
    assert due.tries == 2
    assert endorsements.as_utc(due.due_at) == second + 2 * issuing.FIRST_RETRY
    assert await credentials(jacob) == []

    assert await run_queue(jacob, catalogue, second + 2 * issuing.FIRST_RETRY) == 1
    assert len(await credentials(jacob)) == 1
    assert await queue(jacob) == []


def test_the_wait_doubles_up_to_an_hour() -> None:
    waits = [issuing.retry_after(tries) for tries in (1, 2, 3, 4, 30)]
    assert waits[:4] == [timedelta(seconds=s) for s in (5, 10, 20, 40)]
    assert waits[4] == issuing.LONGEST_WAIT == timedelta(hours=1)


async def test_an_answer_that_confirms_nothing_in_full_queues_nothing(
    jacob: Learner, catalogue: Catalogue
) -> None:
    # "Partly", "no", and a "yes" to the learner's own words: no catalogue outcome seen.
    await maria_answers(jacob, ("partly", "no", "yes"))
    assert await queue(jacob) == []
    assert "🏅" not in await the_news(jacob, catalogue)
