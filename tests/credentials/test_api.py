"""The credentials API's edges: a learner's list, JSON errors for junk, limits, the docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.credentials import apikeys, sharing
from api.portfolio.service import start_sharing, stop_sharing
from api.skills.catalogue import Catalogue
from tests.credentials.holder import PUBLIC_URL, issue_merit, settings_for
from tests.endorsements.conftest import Learner
from tests.servers import app_lifespan

ACHIEVEMENT = {"credential": {"credentialSubject": {"achievement": {"name": "Forklift basics"}}}}


@pytest_asyncio.fixture
async def app(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Any]:
    made = create_app(settings_for(sqlite_url, data_dir=tmp_path, api_rate_per_minute=1000))
    async with app_lifespan(made):
        yield made


def client_at(app: Any, address: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL)


@pytest_asyncio.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(app) as c:
        yield c


async def key_with(app: Any, *scopes: str) -> dict[str, str]:
    async with app.state.sessions() as session, session.begin():
        _, key = await apikeys.create(session, set(scopes), now=datetime.now(UTC))
    return {"Authorization": f"Bearer {key}"}


def is_json_error(response: httpx.Response, status: int) -> bool:
    body = response.json()
    return (
        response.status_code == status
        and response.headers["content-type"].startswith("application/json")
        and set(body) == {"error", "message"}
        and bool(body["message"])
    )


# --------------------------------------------------------------------------------------
# A learner's credentials, through a link the learner made


async def test_a_learners_link_lists_their_credentials_a_page_at_a_time(
    jacob: Learner, catalogue: Catalogue, engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    # Three answers from Maria, each confirming the internship: three merits.
    held = [await issue_merit(jacob, catalogue) for _ in range(3)]
    now = datetime.now(UTC)
    async with jacob.sessions() as session, session.begin():
        portfolio = await start_sharing(session, jacob.id, now=now)
        merit_link = await sharing.share(session, jacob.id, held[0].id, now=now)
    app = create_app(settings_for(database_url, data_dir=tmp_path))
    async with app_lifespan(app), client_at(app) as client:
        bearer = {"Authorization": f"Bearer {portfolio}"}
        first = await client.get("/credentials?perPage=2", headers=bearer)
        assert first.status_code == 200, first.text
        body = first.json()
        assert (body["page"], body["perPage"], body["total"]) == (1, 2, 3)
        assert [c["id"] for c in body["items"]] == [
            c.document["id"] for c in sorted(held, key=lambda c: c.issued_at, reverse=True)[:2]
        ]
        second = (await client.get(body["next"], headers=bearer)).json()
        assert len(second["items"]) == 1 and second["next"] is None

        one = await client.get("/credentials", headers={"Authorization": f"Bearer {merit_link}"})
        assert [c["id"] for c in one.json()["items"]] == [held[0].document["id"]]

        async with jacob.sessions() as session, session.begin():
            await stop_sharing(session, jacob.id, now=datetime.now(UTC))
        assert is_json_error(await client.get("/credentials", headers=bearer), 401)
        assert is_json_error(await client.get("/credentials"), 401)
        nobody = {"Authorization": "Bearer not-a-link"}
        assert is_json_error(await client.get("/credentials", headers=nobody), 401)
        # An organisation's key is not a learner's link.
        assert is_json_error(
            await client.get("/credentials", headers=await key_with(app, "issue")), 401
        )
        assert is_json_error(await client.get("/credentials?page=0", headers=bearer), 422)
        assert is_json_error(await client.get("/credentials?perPage=x", headers=bearer), 422)


# --------------------------------------------------------------------------------------
# Junk gets a clear JSON error with the right status, never an HTML page or a 500

JUNK: list[tuple[str, str, Any, int]] = [
    ("POST", "/credentials/verify", b"{not json", 400),
    ("POST", "/credentials/verify", b"\xff\xfe\x00", 400),
    ("POST", "/credentials/issue", b"", 400),
    ("POST", "/credentials/issue", [], 422),
    ("POST", "/credentials/issue", {"credential": "a badge"}, 422),
    ("POST", "/credentials/issue", {"credential": {"credentialSubject": []}}, 422),
    ("POST", "/credentials/issue", {"credential": {"credentialSubject": {"achievement": 7}}}, 422),
    (
        "POST",
        "/credentials/issue",
        {"credential": {"credentialSubject": {"achievement": {"name": ["x"]}}}},
        422,
    ),
    ("POST", "/credentials/issue", {"credential": {**ACHIEVEMENT["credential"], "id": "x"}}, 422),
    ("POST", "/credentials/revoke", {}, 422),
    ("POST", "/credentials/revoke", {"credentialId": 5}, 422),
    ("POST", "/credentials/revoke", {"credentialId": "nope"}, 404),
    ("GET", "/credentials/status/abc", None, 422),
    ("GET", "/credentials/status/99", None, 404),
    ("GET", "/credentials/no-such-credential", None, 404),
    ("GET", "/credentials/a/b/c", None, 404),
    ("DELETE", "/credentials/verify", None, 405),
    ("PUT", "/credentials/issue", ACHIEVEMENT, 405),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), JUNK)
async def test_junk_gets_a_json_error(
    app: Any, method: str, path: str, body: Any, status: int
) -> None:
    headers = await key_with(app, "issue", "revoke")
    async with client_at(app) as client:
        if isinstance(body, bytes):
            response = await client.request(method, path, content=body, headers=headers)
        else:
            response = await client.request(method, path, json=body, headers=headers)
    assert is_json_error(response, status), (response.status_code, response.text)


async def test_a_body_over_the_limit_is_refused_declared_or_streamed(
    client: httpx.AsyncClient,
) -> None:
    huge = b"[" + b"1," * 200_000 + b"1]"
    declared = await client.post("/credentials/verify", content=huge)
    assert is_json_error(declared, 413) and "262144" in declared.json()["message"]

    async def streamed_body() -> AsyncIterator[bytes]:
        for start in range(0, len(huge), 65536):
            yield huge[start : start + 65536]

    # Sent in chunks with no declared length: refused once it has grown past the limit.
    streamed = await client.post("/credentials/verify", content=streamed_body())
    assert is_json_error(streamed, 413)


async def test_rate_limits_per_address_and_per_key(sqlite_url: str, tmp_path: Path) -> None:
    settings = settings_for(
        sqlite_url, data_dir=tmp_path, api_rate_per_minute=5, api_key_rate_per_minute=8
    )
    app = create_app(settings)
    async with app_lifespan(app):
        async with client_at(app, "10.0.0.1") as one:
            answers = [await one.get("/credentials/status/1") for _ in range(6)]
        assert [a.status_code for a in answers[:5]] == [404] * 5
        assert is_json_error(answers[5], 429)
        assert int(answers[5].headers["retry-after"]) >= 1
        # Another address has its own allowance...
        async with client_at(app, "10.0.0.2") as other:
            assert (await other.get("/credentials/status/1")).status_code == 404
        # ...but one key used from many addresses shares one.
        key = await key_with(app, "issue")
        codes = []
        for number in range(10):
            async with client_at(app, f"10.0.1.{number}") as client:
                codes.append((await client.get("/credentials/x", headers=key)).status_code)
        assert codes == [404] * 8 + [429] * 2
        # The chat is not behind these limits.
        async with client_at(app, "10.0.0.1") as one:
            assert (await one.get("/health")).status_code == 200


async def test_the_docs_list_every_route_with_its_models(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    document = (await client.get("/openapi.json")).json()
    paths = document["paths"]
    for path, method in [
        ("/.well-known/did.json", "get"),
        ("/credentials/issue", "post"),
        ("/credentials/verify", "post"),
        ("/credentials/revoke", "post"),
        ("/credentials", "get"),
        ("/credentials/{credential_id}", "get"),
        ("/credentials/status/{number}", "get"),
    ]:
        assert method in paths[path], path
    schemas = document["components"]["schemas"]
    for model in ("ErrorBody", "VerifyResult", "IssuedCredential", "Revoked", "CredentialPage"):
        assert model in schemas
    issue = paths["/credentials/issue"]["post"]
    assert (
        "credential"
        in (issue["requestBody"]["content"]["application/json"]["schema"]["properties"])
    )
    assert issue["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert "429" in issue["responses"] and "413" in issue["responses"]
