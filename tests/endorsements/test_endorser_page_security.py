"""The endorser's page holds up against guessing, flooding, framing and leaking links."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from starlette.types import ASGIApp, Message, Scope

from api.endorsements.security import SECURITY_HEADERS, RateLimiter, form_token, form_token_ok
from api.endorsements.web import pages_of
from tests.endorsements.conftest import Learner
from tests.endorsements.endorser_site import Site, open_site, site_settings

GUESSES = 10_000


# The jacob fixture runs on ``engine``, which follows ``database_url``. What is checked
# here happens before or beside the database, so one kind (SQLite) is enough.
@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest_asyncio.fixture
async def site(jacob: Learner, database_url: str, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(jacob, site_settings(database_url, tmp_path)) as opened:
        yield opened


async def status_of_get(app: ASGIApp, path: str) -> int:
    """One GET straight through the ASGI interface (what any HTTP server hands the app)."""
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def assert_secured(response: httpx.Response) -> None:
    for header, value in SECURITY_HEADERS.items():
        assert response.headers.get(header) == value, (header, response.status_code)
    policy = response.headers["content-security-policy"]
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "style-src 'self'" in policy


async def test_every_kind_of_page_carries_the_security_headers(site: Site) -> None:
    token = await site.ask()
    responses = [
        await site.open(token),
        await site.client.get(f"/e/{token}/decline", params={"reason": "not_me"}),
        await site.send(token, {"name": "only a name"}),
        await site.client.post(f"/e/{token}", data={"name": "no form token"}),
        await site.client.get("/e/not-a-link"),
        await site.client.get("/e/a/b/c"),
    ]
    await site.send(token, await site.answer(token))
    responses.append(await site.open(token))
    responses.append(await site.send(token, await site.answer(token)))
    assert [r.status_code for r in responses] == [200, 200, 422, 403, 404, 404, 200, 409]
    for response in responses:
        assert_secured(response)
        assert response.headers["content-type"].startswith("text/html")
    # The form cookie is for these pages only, and never readable by a script.
    cookie = responses[0].headers["set-cookie"]
    assert "Path=/e/" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


async def test_ten_thousand_guessed_links_find_nothing_and_the_limiter_steps_in(
    site: Site,
) -> None:
    await site.ask()  # a real request exists; no guess may find it
    limit = site.app.state.settings.endorsement_rate_per_minute
    # The clock stands still, so the allowance cannot refill while the guesses run.
    pages_of(site.app).limiter = RateLimiter(limit, clock=lambda: 0.0)

    async def guess() -> int:
        return await status_of_get(site.app, f"/e/{secrets.token_urlsafe(24)}")

    statuses: Counter[int] = Counter()
    for start in range(0, GUESSES, 500):
        statuses.update(await asyncio.gather(*(guess() for _ in range(start, start + 500))))
    assert statuses == {404: limit, 429: GUESSES - limit}

    limited = await site.client.get(f"/e/{secrets.token_urlsafe(24)}")
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert "Vänta en liten stund" in limited.text
    assert_secured(limited)

    # Another address is not held back by this one's guessing.
    transport = httpx.ASGITransport(app=site.app, client=("192.0.2.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        assert (await other.get("/e/still-not-a-link")).status_code == 404


def test_the_limiter_refills_over_a_minute() -> None:
    clock = [1000.0]
    limiter = RateLimiter(30, clock=lambda: clock[0])
    assert all(limiter.allow("198.51.100.1") for _ in range(30))
    assert not limiter.allow("198.51.100.1")
    assert limiter.retry_after("198.51.100.1") == 2  # one request every two seconds
    clock[0] += 2
    assert limiter.allow("198.51.100.1") and not limiter.allow("198.51.100.1")
    clock[0] += 60
    assert sum(limiter.allow("198.51.100.1") for _ in range(40)) == 30


def test_the_limiter_forgets_quiet_clients_when_full() -> None:
    clock = [0.0]
    limiter = RateLimiter(10, max_clients=100, clock=lambda: clock[0])
    for n in range(100):
        limiter.allow(f"10.0.0.{n}")
    clock[0] += 120
    assert limiter.allow("10.0.1.1")
    assert len(limiter._buckets) == 1


def test_a_form_token_belongs_to_one_link_and_one_cookie() -> None:
    token = form_token("link-one", "cookie-one")
    assert form_token_ok("link-one", "cookie-one", token)
    assert not form_token_ok("link-two", "cookie-one", token)
    assert not form_token_ok("link-one", "cookie-two", token)
    assert not form_token_ok("link-one", None, token)
    assert not form_token_ok("link-one", "cookie-one", "")
