"""The credentials API and the /verify page over HTTP (in memory, no socket)."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest_asyncio

from api.app import create_app
from api.credentials import apikeys, status
from api.settings import Settings
from tests.servers import app_lifespan

KEK = base64.urlsafe_b64encode(bytes(range(32))).decode().rstrip("=")


@pytest_asyncio.fixture
async def client(sqlite_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=sqlite_url,
        data_dir=tmp_path,
        public_url="https://merit.example",
        credential_kek=KEK,
        organisation_name="Meritkompis Test",
    )
    app = create_app(settings)
    async with app_lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://merit.example") as c:
            c.app = app  # type: ignore[attr-defined]
            yield c


async def key_with(client: httpx.AsyncClient, *scopes: str) -> str:
    async with client.app.state.sessions() as session, session.begin():  # type: ignore[attr-defined]
        _, key = await apikeys.create(session, set(scopes), now=datetime.now(UTC))
    return key


ACHIEVEMENT = {"credential": {"credentialSubject": {"achievement": {"name": "Forklift basics"}}}}


async def test_the_did_document_is_published(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/did.json")
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == "did:web:merit.example"
    (method,) = document["verificationMethod"]
    assert method["type"] == "Multikey" and method["controller"] == "did:web:merit.example"
    assert document["assertionMethod"] == [method["id"]]


async def test_issuing_needs_a_key_with_the_issue_scope(client: httpx.AsyncClient) -> None:
    assert (await client.post("/credentials/issue", json=ACHIEVEMENT)).status_code == 401
    wrong = {"Authorization": "Bearer mk_not-a-key"}
    assert (
        await client.post("/credentials/issue", json=ACHIEVEMENT, headers=wrong)
    ).status_code == 401
    revoker = {"Authorization": f"Bearer {await key_with(client, 'revoke')}"}
    refused = await client.post("/credentials/issue", json=ACHIEVEMENT, headers=revoker)
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"

    issuer = {"Authorization": f"Bearer {await key_with(client, 'issue')}"}
    made = await client.post("/credentials/issue", json=ACHIEVEMENT, headers=issuer)
    assert made.status_code == 201
    credential = made.json()["verifiableCredential"]
    assert credential["issuer"]["id"] == "did:web:merit.example"
    fetched = await client.get(credential["id"].removeprefix("https://merit.example"))
    assert fetched.json() == credential

    checked = await client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert checked.json()["verified"] is True

    # An issue-only key cannot revoke; a revoke key can, for what its organisation issued.
    body = {"credentialId": credential["id"]}
    assert (await client.post("/credentials/revoke", json=body, headers=issuer)).status_code == 403
    assert (await client.post("/credentials/revoke", json=body, headers=revoker)).status_code == 404
    both = {"Authorization": f"Bearer {await key_with(client, 'issue', 'revoke')}"}
    mine = (await client.post("/credentials/issue", json=ACHIEVEMENT, headers=both)).json()
    revoked = await client.post(
        "/credentials/revoke",
        json={"credentialId": mine["verifiableCredential"]["id"]},
        headers=both,
    )
    assert revoked.status_code == 200
    result = (await client.post("/credentials/verify", json=mine)).json()
    assert [p["code"] for p in result["problems"]] == ["revoked"]
    entry = mine["verifiableCredential"]["credentialStatus"]
    listed = await client.get(entry["statusListCredential"].removeprefix("https://merit.example"))
    bits = status.decode(listed.json()["credentialSubject"]["encodedList"])
    assert status.is_set(bits, int(entry["statusListIndex"]))


async def test_bad_requests_get_clear_json_errors(client: httpx.AsyncClient) -> None:
    issuer = {"Authorization": f"Bearer {await key_with(client, 'issue')}"}
    broken = await client.post("/credentials/verify", content=b"{not json")
    assert broken.status_code == 400 and broken.json()["error"] == "invalid_json"
    huge = await client.post("/credentials/verify", content=b"[" + b"1," * 200_000 + b"1]")
    assert huge.status_code == 413 and huge.json()["error"] == "too_large"
    empty = await client.post("/credentials/issue", json={"credential": {}}, headers=issuer)
    assert empty.status_code == 422 and "achievement" in empty.json()["message"]
    unknown_term = {
        "credential": {
            "credentialSubject": {"achievement": {"name": "X", "secretBonus": 1}},
        }
    }
    refused = await client.post("/credentials/issue", json=unknown_term, headers=issuer)
    assert refused.status_code == 422 and "secretBonus" in refused.json()["message"]
    assert (await client.get("/credentials/nope")).status_code == 404
    assert (await client.get("/credentials/status/99")).status_code == 404
    not_a_credential = (await client.post("/credentials/verify", json=[1])).json()
    assert not_a_credential["problems"][0]["code"] == "malformed"


async def test_the_page_explains_in_plain_language(client: httpx.AsyncClient) -> None:
    issuer = {"Authorization": f"Bearer {await key_with(client, 'issue')}"}
    credential = (await client.post("/credentials/issue", json=ACHIEVEMENT, headers=issuer)).json()[
        "verifiableCredential"
    ]
    page = await client.get("/verify?lang=ar")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text and "تحقّق من شهادة" in page.text
    assert (
        "<script" not in page.text and "script-src" not in page.headers["content-security-policy"]
    )
    assert "default-src 'none'" in page.headers["content-security-policy"]

    from_qr = await client.get("/verify", params={"credential": credential["id"], "lang": "sv"})
    assert "Det här intyget är äkta." in from_qr.text and "Forklift basics" in from_qr.text

    changed = {**credential, "name": "Forklift master"}
    pasted = await client.post("/verify?lang=en", files={"credential": (None, json.dumps(changed))})
    assert "This credential could not be confirmed." in pasted.text
    assert "changed this credential after it was signed" in pasted.text

    uploaded = await client.post(
        "/verify?lang=sv",
        files={"file": ("badge.json", json.dumps(credential).encode(), "application/json")},
    )
    assert "Det här intyget är äkta." in uploaded.text
    garbage = await client.post("/verify?lang=en", files={"credential": (None, "hello")})
    assert garbage.status_code == 400 and "not a credential file" in garbage.text
