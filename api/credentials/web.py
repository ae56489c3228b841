"""HTTP routes for credentials: the DID document, issue, verify, list, the status lists, pages.

JSON errors read ``{"error": <code>, "message": <what to do>}`` with the matching
status code (api/credentials/errors.py makes FastAPI's own errors read so too).
Verification is public; issuing and revoking need an organisation API key
(``Authorization: Bearer mk_...``) with the right scope. Listing a learner's
credentials needs a link the learner made (see ``list_credentials``). Bodies over
256 KiB are refused, and requests are rate-limited (api/credentials/limits.py).

The pages for people: ``/verify`` (paste, upload, or arrive from a QR code) and
``/m/{token}``, a merit the learner shares, until they switch the link off.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2 import Environment
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.credentials import apikeys, baking, listing, service, sharing
from api.credentials.errors import error
from api.credentials.models import Credential
from api.credentials.qrcode import verify_url
from api.credentials.service import Issuance
from api.credentials.texts import explain, summary
from api.i18n import is_rtl
from api.page_language import browser_language, page_locale
from api.templating import pages_in

HERE: Final = Path(__file__).resolve().parent
MAX_BODY: Final = 256 * 1024
JSON_LD: Final = "application/ld+json"
PAGE_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(tags=["credentials"])


# --------------------------------------------------------------------------------------
# What the routes take and give, for the OpenAPI document at /docs. The routes read
# their bodies themselves (to refuse a large one early and to answer junk with a clear
# message), so the request models are documentation, not parsers.


class ErrorBody(BaseModel):
    error: str = Field(examples=["invalid_request"])
    message: str = Field(examples=["credentialSubject.achievement.name is required"])


class VerifyRequest(BaseModel):
    """The credential itself, or wrapped as VC-API does."""

    verifiableCredential: dict[str, Any]


class VerifyProblem(BaseModel):
    code: str = Field(examples=["changed", "unknown_key", "revoked", "expired", "malformed"])
    message: str


class VerifyResult(BaseModel):
    verified: bool
    problems: list[VerifyProblem]
    checks: dict[str, str] = Field(examples=[{"signature": "ok", "status": "ok"}])
    issuer: str | None
    issuerIsThisService: bool
    credentialId: str | None


class IssueRequest(BaseModel):
    credential: dict[str, Any] = Field(
        examples=[{"credentialSubject": {"achievement": {"name": "Forklift basics"}}}]
    )


class IssuedCredential(BaseModel):
    verifiableCredential: dict[str, Any]


class RevokeRequest(BaseModel):
    credentialId: str


class Revoked(BaseModel):
    credentialId: str
    status: str = Field(examples=["revoked"])


class CredentialPage(BaseModel):
    items: list[dict[str, Any]]
    page: int
    perPage: int
    total: int
    next: str | None = Field(description="The next page's address; null on the last page")


def _body_doc(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorBody} for code in (*codes, 413, 429)}


def _now() -> datetime:
    return datetime.now(UTC)


def _sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions = getattr(request.app.state, "sessions", None)
    if sessions is None:
        raise HTTPException(503, "the service is starting")
    return sessions  # type: ignore[no-any-return]


def issuance_of(request: Request) -> Issuance:
    state = request.app.state
    issuance: Issuance | None = getattr(state, "credential_issuance", None)
    if issuance is None:
        issuance = Issuance.from_settings(state.settings)
        state.credential_issuance = issuance
    return issuance


async def _body(request: Request) -> bytes | JSONResponse:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        return error(413, "too_large", f"the body may be at most {MAX_BODY} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return error(413, "too_large", f"the body may be at most {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _json_body(request: Request) -> Any | JSONResponse:
    body = await _body(request)
    if isinstance(body, JSONResponse):
        return body
    try:
        return json.loads(body)
    # ValueError covers bad UTF-8, bad JSON and an integer too long to read;
    # RecursionError, nesting too deep to read. Both are the sender's mistake.
    except (ValueError, RecursionError) as problem:
        return error(400, "invalid_json", f"the body is not valid JSON: {problem}")


@router.get("/.well-known/did.json", summary="The issuer's DID document (did:web)")
@router.get("/did.json", include_in_schema=False)
async def did_json(request: Request) -> JSONResponse:
    async with _sessions(request)() as session, session.begin():
        document = await service.our_did_document(session, issuance_of(request), _now())
    return JSONResponse(document, media_type="application/did+json")


@router.post(
    "/credentials/verify",
    summary="Verify a credential (no key needed)",
    response_model=None,
    responses={200: {"model": VerifyResult}, **_errors(400)},
    openapi_extra=_body_doc(VerifyRequest),
)
async def verify_credential(request: Request) -> JSONResponse:
    """Body: the credential, or ``{"verifiableCredential": <credential>}``.

    Answers 200 with ``verified`` and, when false, ``problems``: each with a ``code``
    (``changed``, ``unknown_key``, ``revoked``, ``expired``, ``not_yet_valid``,
    ``malformed``, ``unknown_context``, ``unsupported_proof``, ``no_proof``) and a message.
    """
    payload = await _json_body(request)
    if isinstance(payload, JSONResponse):
        return payload
    if isinstance(payload, dict) and isinstance(payload.get("verifiableCredential"), dict):
        payload = payload["verifiableCredential"]
    async with _sessions(request)() as session, session.begin():
        result = await service.verify(session, payload, issuance=issuance_of(request), now=_now())
    return JSONResponse(result.as_json())


@router.post(
    "/credentials/issue",
    status_code=201,
    summary="Issue a credential (API key with the issue scope)",
    response_model=None,
    responses={201: {"model": IssuedCredential}, **_errors(400, 401, 403, 422)},
    openapi_extra=_body_doc(IssueRequest),
)
async def issue_credential(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    """Body: ``{"credential": {"credentialSubject": {..., "achievement": {"name": ...}}}}``.

    The service sets ``@context``, ``id``, ``issuer``, ``validFrom`` and the status
    entry, signs, and answers 201 with ``{"verifiableCredential": ...}``.
    """
    async with _sessions(request)() as session, session.begin():
        key = await _api_key(session, authorization, "issue")
        if isinstance(key, JSONResponse):
            return key
        payload = await _json_body(request)
        if isinstance(payload, JSONResponse):
            return payload
        credential = payload.get("credential") if isinstance(payload, dict) else None
        if not isinstance(credential, dict):
            return error(422, "invalid_request", 'the body must be {"credential": {...}}')
        try:
            row = await service.issue_document(
                session, credential, issuance=issuance_of(request), now=_now(), api_key_id=key
            )
        except service.InvalidRequest as problem:
            return error(422, "invalid_request", str(problem))
        document = row.document
    return JSONResponse({"verifiableCredential": document}, status_code=201)


@router.post(
    "/credentials/revoke",
    summary="Revoke a credential this API key issued (API key with the revoke scope)",
    response_model=None,
    responses={200: {"model": Revoked}, **_errors(400, 401, 403, 404, 422)},
    openapi_extra=_body_doc(RevokeRequest),
)
async def revoke_credential(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    """Body: ``{"credentialId": <the credential's id>}``."""
    async with _sessions(request)() as session, session.begin():
        key = await _api_key(session, authorization, "revoke")
        if isinstance(key, JSONResponse):
            return key
        payload = await _json_body(request)
        if isinstance(payload, JSONResponse):
            return payload
        credential_id = payload.get("credentialId") if isinstance(payload, dict) else None
        if not isinstance(credential_id, str):
            return error(422, "invalid_request", 'the body must be {"credentialId": "..."}')
        row = await session.get(Credential, credential_id.rsplit("/", 1)[-1])
        if row is None or row.api_key_id != key:
            return error(404, "not_found", "no credential with that id was issued with this key")
        await service.revoke(session, row.id, reason="issuer", now=_now())
    return JSONResponse({"credentialId": credential_id, "status": "revoked"})


async def _api_key(
    session: AsyncSession, authorization: str | None, scope: str
) -> int | JSONResponse:
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        return error(401, "unauthorised", "send an API key: Authorization: Bearer mk_...")
    row = await apikeys.lookup(session, key.strip(), now=_now())
    if row is None:
        return error(401, "unauthorised", "the API key is not valid")
    if not apikeys.allows(row, scope):
        return error(403, "forbidden", f"the API key does not have the scope {scope!r}")
    return row.id


@router.get(
    "/credentials/status/{number}",
    summary="A revocation status list (a signed BitstringStatusListCredential)",
    response_model=None,
    responses={200: {"content": {"application/json": {}}}, **_errors(404, 422)},
)
async def status_list(number: int, request: Request) -> Response:
    async with _sessions(request)() as session, session.begin():
        document = await service.status_list_credential(
            session, number, issuance=issuance_of(request), now=_now()
        )
    if document is None:
        return error(404, "not_found", "there is no such status list")
    # Verifiers may keep it a few minutes; a revocation shows within that time.
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=300"})


@router.get(
    "/credentials",
    summary="A learner's credentials, a page at a time (a link the learner made)",
    response_model=None,
    responses={200: {"model": CredentialPage}, **_errors(401, 422)},
)
async def list_credentials(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(alias="perPage", ge=1, le=100)] = 20,
) -> JSONResponse:
    """Send the token of a link the learner made as ``Authorization: Bearer <token>``:
    their portfolio page's link (``/p/<token>``) lists every credential they have not
    withdrawn, newest first; a merit's link (``/m/<token>``) lists that one.

    The learner decides who sees their credentials, and takes it back by switching the
    link off; an organisation's key gives no access to learners' credentials.
    """
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return error(401, "unauthorised", "send the token of a learner's link: Bearer <token>")
    async with _sessions(request)() as session, session.begin():
        found = await listing.page_for_link(session, token, page=page, per_page=per_page)
    if found is None:
        return error(401, "unauthorised", "the link is not valid, or the learner switched it off")
    following = None
    if found.has_next:
        following = str(request.url.include_query_params(page=page + 1, perPage=per_page))
    return JSONResponse(
        {
            "items": list(found.documents),
            "page": found.page,
            "perPage": found.per_page,
            "total": found.total,
            "next": following,
        },
        headers={"Cache-Control": "no-store"},
    )


@router.get(
    "/credentials/{credential_id}",
    summary="A credential, as issued",
    response_model=None,
    responses={200: {"content": {"application/ld+json": {}}}, **_errors(404)},
)
async def get_credential(credential_id: str, request: Request) -> Response:
    async with _sessions(request)() as session:
        row = await session.get(Credential, credential_id)
    if row is None:
        return error(404, "not_found", "there is no credential with that id")
    return JSONResponse(row.document)


# --------------------------------------------------------------------------------------
# The verify page for people


@cache
def _environment(locale: str) -> Environment:
    return pages_in(HERE / "templates", locale)


def _page(
    request: Request,
    context: dict[str, Any],
    status_code: int = 200,
    *,
    template: str = "verify.html",
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    # The whole Accept-Language header is not a language: its first choice is.
    locale = page_locale(request, browser_language(request))
    page = _environment(locale).get_template(template)
    html = page.render(
        locale=locale,
        dir="rtl" if is_rtl(locale) else "ltr",
        languages=(("sv", "Svenska"), ("en", "English"), ("ar", "العربية")),
        summary=summary,
        **context,
        explanation=explain(context["result"], locale) if context.get("result") else None,
    )
    return HTMLResponse(html, status_code=status_code, headers={**PAGE_HEADERS, **(headers or {})})


@router.get("/verify", response_class=HTMLResponse, include_in_schema=False)
async def verify_page(request: Request, credential: str | None = None) -> HTMLResponse:
    """The page; ``?credential=<id or URL>`` (from a QR code) checks one of ours at once."""
    if not credential:
        return _page(request, {})
    async with _sessions(request)() as session, session.begin():
        row = await session.get(Credential, credential.rsplit("/", 1)[-1][:64])
        if row is None:
            return _page(request, {"not_found": True}, 404)
        result = await service.verify(
            session, row.document, issuance=issuance_of(request), now=_now()
        )
    return _page(request, {"result": result, "document": row.document})


@router.post("/verify", response_class=HTMLResponse, include_in_schema=False)
async def verify_page_post(request: Request) -> HTMLResponse:
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit() or int(declared) > MAX_BODY:
        return _page(request, {"too_large": True}, 413)
    form = await request.form(max_files=1, max_fields=4, max_part_size=MAX_BODY)
    text = form.get("credential")
    upload = form.get("file")
    raw = ""
    if upload is not None and not isinstance(upload, str):
        data = await upload.read(MAX_BODY + 1)
        raw = data.decode("utf-8", "replace")
        if data.startswith(baking.PNG_SIGNATURE):
            # A badge picture: check the credential baked into it.
            try:
                raw = baking.compact_json(baking.unbake(data))
            except baking.NotABadge:
                return _page(request, {"not_json": True}, 400)
    if not raw.strip() and isinstance(text, str):
        raw = text
    if not raw.strip():
        return _page(request, {"empty": True}, 400)
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):  # see _json_body
        return _page(request, {"not_json": True, "pasted": raw[:MAX_BODY]}, 400)
    async with _sessions(request)() as session, session.begin():
        result = await service.verify(session, document, issuance=issuance_of(request), now=_now())
    return _page(request, {"result": result, "document": document, "pasted": raw[:MAX_BODY]})


# --------------------------------------------------------------------------------------
# A merit the learner shares: its page lives as long as the link is switched on.

# Never kept by a cache or a search engine: switching the link off must take effect at once.
SHARED_HEADERS: Final = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


@router.get("/m/{token}", response_class=HTMLResponse, include_in_schema=False)
async def shared_merit(token: str, request: Request) -> HTMLResponse:
    async with _sessions(request)() as session, session.begin():
        link = await sharing.opened(session, token)
        row = None
        if link is not None and link.live:
            row = await session.get(Credential, link.credential_id)
        if link is None or (link.live and row is None):
            context = {"token": token, "unknown": True}
            return _page(request, context, 404, template="shared.html", headers=SHARED_HEADERS)
        if row is None:
            context = {"token": token, "stopped": True}
            return _page(request, context, 410, template="shared.html", headers=SHARED_HEADERS)
        result = await service.verify(
            session, row.document, issuance=issuance_of(request), now=_now()
        )
    context = {
        "token": token,
        "result": result,
        "document": row.document,
        "check_url": verify_url("", row.id),
        "file_url": f"/credentials/{row.id}",
    }
    return _page(request, context, template="shared.html", headers=SHARED_HEADERS)


@router.get("/verify/verify.css", include_in_schema=False)
async def verify_css() -> FileResponse:
    return FileResponse(HERE / "static" / "verify.css", media_type="text/css")
