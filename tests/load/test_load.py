"""A short load run: 60 learners for 45 seconds against the real service process.

The same run as ``python -m bench.bench_load`` (see there for what counts), on SQLite
and on PostgreSQL: the learners chat through the fake Bot API, endorsers send the
forms behind the links the learners made, verify clients post issued credentials.
Nothing may go wrong and no answer may go missing; how fast it was is not judged here.
"""

from __future__ import annotations

from bench.bench_load import Options, run

SHORT = Options(
    minutes=0.75,
    learners=60,
    endorsers=10,
    verifiers=3,
    # Quick learners, so that askers reach their link and endorsers answer in time.
    think=(0.2, 0.8),
    reads=(0.2, 1.0),
    sample_seconds=5.0,
    quiet=True,
)


async def test_sixty_learners_chat_while_endorsers_answer_and_clients_verify(
    database_url: str,
) -> None:
    report = await run(Options(**{**SHORT.__dict__, "database_url": database_url}))

    assert report.errors == []
    assert report.lost == []
    assert report.extra == []
    # Everyone took part: learners were answered, links made and answered, news told,
    # credentials verified, and the service's memory was sampled all along.
    assert report.actions > 60 * 10
    assert report.submitted > 0 and report.news == report.submitted
    assert report.verified > 0
    assert len(report.samples) >= 5
