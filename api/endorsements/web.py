"""The endorser's page: a personal link opens the outcomes a learner asked about.

Routes (every one limited per client address, checked before any database work):

* ``GET  /e/{token}``          the form; the thank-you page once answered; a closed page
* ``POST /e/{token}``          the answer
* ``GET  /e/{token}/decline``  "This is not me" / "I prefer not to answer", to confirm
* ``POST /e/{token}/decline``  closes the request
* ``POST /e/{token}/email``    sends a one-time code to the endorser's address
* ``GET|POST /e/{token}/code`` types the code; the right one raises the trust level
* ``GET  /e/{token}/retract``  "Take back my answer", to confirm (while the link works)
* ``POST /e/{token}/retract``  the answer stops counting; its credentials are revoked

``?lang=sv|en|ar`` switches the language; the default is the one the learner chose.
Pages are plain HTML forms: no JavaScript, right to left in Arabic. Every response
carries the headers in ``security.SECURITY_HEADERS``, and every failure is a page in
the endorser's language, never a bare error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from babel.dates import format_date
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db.outage import RETRY_AFTER_SECONDS, log_failure, unavailable
from api.endorsements import forms
from api.endorsements import service as endorsements
from api.endorsements.models import Endorsement, EndorsementRequest
from api.endorsements.reading import (
    AskedFacts,
    ExperienceFacts,
    LinkedRequest,
    LinkReader,
    experience_facts,
    linked_from_request,
)
from api.endorsements.rendered import FORM_TOKEN_MARKER, LINK_MARKER, RenderedForms, fill_in
from api.endorsements.security import (
    COOKIE_PATH,
    CSRF_COOKIE,
    CSRF_FIELD,
    SECURITY_HEADERS,
    RateLimiter,
    form_token,
    form_token_ok,
    new_form_cookie,
)
from api.endorsements.service import CodeCheck, RequestClosed, RequestState
from api.i18n import SUPPORTED_LOCALES, is_rtl, render
from api.mail import Mailer
from api.notices import service as notices
from api.page_language import browser_language, page_locale
from api.privacy.erase import withdrawn_request
from api.settings import Settings
from api.skills.catalogue import Catalogue, default_catalogue
from api.templating import pages_in
from bot.webchat.routes import COOKIE as WEB_CHAT_COOKIE
from bot.webchat.routes import chat_id as web_chat_id
from dialogs.texts import N_, nN_

log = logging.getLogger(__name__)

HERE: Final = Path(__file__).resolve().parent
STATIC_PATH: Final = "/endorse/static"
LANGUAGE_NAMES: Final = {"sv": "Svenska", "en": "English", "ar": "العربية"}
DECLINE_REASONS: Final = endorsements.DECLINE_REASONS

CODE_SUBJECT: Final = N_("Your code is {code}")
CODE_BODY: Final = nN_(
    "Your code is {code}.\n\nType it on the page about {name}. The code works for {n} minute."
    "\n\nDid you not ask for a code? Then you can delete this e-mail.",
    "Your code is {code}.\n\nType it on the page about {name}. The code works for {n} minutes."
    "\n\nDid you not ask for a code? Then you can delete this e-mail.",
)
# Counted texts are rendered here, as {n} messages like every other counted text.
FIX_COUNT: Final = nN_(
    "Please fix {n} thing before you send.", "Please fix {n} things before you send."
)
TO_ANSWER: Final = nN_("There is {n} thing to answer.", "There are {n} things to answer.")
CODE_WORKS: Final = nN_("The code works for {n} minute.", "The code works for {n} minutes.")
CODE_MINUTES: Final = int(endorsements.EMAIL_CODE_LIFETIME.total_seconds() // 60)


# --------------------------------------------------------------------------- wiring


@dataclass(slots=True)
class EndorserPages:
    """What the routes need, made once per application on first use."""

    sessions: async_sessionmaker[AsyncSession]
    catalogue: Catalogue
    settings: Settings
    mailer: Mailer
    limiter: RateLimiter
    reader: LinkReader
    forms: RenderedForms


def _pages(request: Request) -> EndorserPages:
    return pages_of(request.app)


def pages_of(app: FastAPI) -> EndorserPages:
    """The application's endorser pages (made on first use, after the lifespan started)."""
    state = app.state
    pages: EndorserPages | None = getattr(state, "endorser_pages", None)
    if pages is None:
        settings: Settings = state.settings
        pages = EndorserPages(
            sessions=state.sessions,
            catalogue=default_catalogue(),
            settings=settings,
            mailer=Mailer(settings),
            limiter=RateLimiter(settings.endorsement_rate_per_minute),
            reader=LinkReader(settings.database_url_resolved, state.sessions),
            forms=RenderedForms(),
        )
        state.endorser_pages = pages
    return pages


def close_pages(app: FastAPI) -> None:
    """Let go of what the pages hold open (the quick reader's connection); at shutdown."""
    pages: EndorserPages | None = getattr(app.state, "endorser_pages", None)
    if pages is not None:
        pages.reader.close()
        app.state.endorser_pages = None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# The request a page is about: loaded by the ORM (to change it) or read quickly (to show it).
Shown = EndorsementRequest | LinkedRequest


class UnknownLink(Exception):
    """The token opens no request (mistyped, guessed or garbage): the route shows a 404 page."""


async def _linked_request(session: AsyncSession, token: str) -> EndorsementRequest:
    found = await endorsements.request_by_token(session, token)
    if found is None:
        raise UnknownLink
    return found


class EndorserRoute(APIRoute):
    """Rate limit first, security headers on every answer, a friendly page for any failure."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            client = client_address(request)
            limiter = _pages(request).limiter
            if not limiter.allow(client):
                response: Response = _slow_down_page(_locale(request, None))
                response.headers["Retry-After"] = str(limiter.retry_after(client))
            else:
                try:
                    try:
                        response = await handler(request)
                    except UnknownLink:
                        response = await _unknown_link_page(request)
                except Exception as error:
                    # The same kind page either way; the database away for a moment is a
                    # 503 with Retry-After (come back soon), anything else our fault, a 500.
                    log_failure(log, "the endorser's page failed", error)
                    away = unavailable(error)
                    response = _message_page(
                        request, None, "error", status_code=503 if away else 500
                    )
                    if away:
                        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            response.headers.update(SECURITY_HEADERS)
            return response

        return guarded


async def _unknown_link_page(request: Request) -> Response:
    """404; or "withdrawn" when the learner erased everything (see api/privacy/erase.py)."""
    async with _pages(request).sessions() as session:
        token = request.path_params.get("token", "")
        withdrawn = await withdrawn_request(session, token, request.query_params.get("lang"))
    if withdrawn is None:
        return _message_page(request, None, "unknown", status_code=404)
    return _closed_page(request, withdrawn, RequestState.CANCELLED)


router = APIRouter(route_class=EndorserRoute)
static_files = StaticFiles(directory=HERE / "static")


def install(app: FastAPI) -> None:
    """Add the endorser's routes and style sheet to the application."""
    app.include_router(router)
    app.mount(STATIC_PATH, static_files, name="endorse-static")


# --------------------------------------------------------------------------- rendering


@cache
def _environment(locale: str) -> Environment:
    """One template environment per language, its gettext bound to that language."""
    environment = pages_in(HERE / "templates", locale)
    environment.filters["bdi"] = _bdi
    environment.filters["fill"] = _fill
    return environment


def _fill(text: str, **values: object) -> Markup:
    """A translated text with its {placeholders} filled in; every value is escaped."""
    try:
        return Markup(text).format(**values)
    except (KeyError, IndexError, ValueError):
        # A broken translation must not cost the endorser the page.
        return Markup(text)


def _bdi(value: object) -> Markup:
    """Words someone typed, kept whole in a sentence in the other direction."""
    return Markup('<bdi dir="auto">{}</bdi>').format(value)


def _html(
    request: Request, locale: str, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    html = _render(locale, template, context, _language_links(quote(request.url.path), locale))
    return HTMLResponse(html, status_code=status_code)


def _render(
    locale: str,
    template: str,
    context: dict[str, Any],
    languages: list[tuple[str, str, str, bool]],
) -> str:
    return (
        _environment(locale)
        .get_template(template)
        .render(
            locale=locale,
            dir="rtl" if is_rtl(locale) else "ltr",
            static=STATIC_PATH,
            languages=languages,
            **context,
        )
    )


def _language_links(path: str, current: str) -> list[tuple[str, str, str, bool]]:
    return [
        (code, LANGUAGE_NAMES[code], f"{path}?lang={code}", code == current)
        for code in SUPPORTED_LOCALES
    ]


@cache
def _slow_down_body(locale: str) -> bytes:
    # A flood is answered from memory: the same few bytes for everyone in a language.
    page = _environment(locale).get_template("endorse_message.html")
    return page.render(
        locale=locale,
        dir="rtl" if is_rtl(locale) else "ltr",
        static=STATIC_PATH,
        languages=[],
        kind="rate_limited",
        learner_name="",
        expired_on="",
    ).encode()


def _slow_down_page(locale: str) -> Response:
    return Response(_slow_down_body(locale), status_code=429, media_type="text/html")


def _message_page(
    request: Request,
    endorsement_request: Shown | None,
    kind: str,
    *,
    status_code: int,
    locale: str | None = None,
) -> HTMLResponse:
    locale = locale or _locale(request, endorsement_request)
    context: dict[str, Any] = {"kind": kind, "learner_name": "", "expired_on": ""}
    if endorsement_request is not None:
        context["learner_name"] = endorsement_request.learner_name
        context["decline_reason"] = endorsement_request.decline_reason
        expires = endorsements.as_utc(endorsement_request.expires_at)
        context["expired_on"] = format_date(expires.date(), "long", locale=locale)
    return _html(request, locale, "endorse_message.html", context, status_code)


def _locale(request: Request, endorsement_request: Shown | None) -> str:
    """``?lang=``, else the language the request's message was written in; the browser's
    only where no request is known (see api/page_language.py)."""
    if endorsement_request is not None:
        return page_locale(request, endorsement_request.locale)
    return page_locale(request, browser_language(request))


def _link(token: str, locale: str, suffix: str = "") -> str:
    return f"/e/{quote(token, safe='')}{suffix}?lang={locale}"


# --------------------------------------------------------------------------- page data


@dataclass(frozen=True, slots=True)
class AskedView:
    """One statement on the page, in the page's language."""

    id: int
    number: int
    text: str
    own_words: bool


@dataclass(frozen=True, slots=True)
class ExperienceView:
    role: str
    place: str
    start: str
    end: str
    ongoing: bool


def _asked(outcomes: Sequence[AskedFacts], catalogue: Catalogue, locale: str) -> list[AskedView]:
    views = []
    for number, asked in enumerate(outcomes, start=1):
        if asked.own_words is not None or asked.skill_id is None:
            views.append(AskedView(asked.id, number, asked.own_words or "", True))
            continue
        skill = catalogue.get(asked.skill_id)
        text = asked.outcome_id or asked.skill_id
        if skill is not None:
            try:
                text = skill.outcome(asked.outcome_id or "").in_locale(locale)
            except KeyError:
                # The catalogue no longer has this outcome: ask about the skill itself.
                text = skill.name_in(locale)
        views.append(AskedView(asked.id, number, text, False))
    return views


def _month_text(year: int | None, month: int | None, locale: str) -> str:
    if not year:
        return ""
    if month:
        return format_date(date(year, month, 1), "LLLL y", locale=locale)
    return str(year)


def _experience_view(experience: ExperienceFacts | None, locale: str) -> ExperienceView | None:
    if experience is None:
        return None
    return ExperienceView(
        role=experience.role,
        place=experience.place,
        start=_month_text(experience.start_year, experience.start_month, locale),
        end=_month_text(experience.end_year, experience.end_month, locale),
        ongoing=experience.ongoing,
    )


def _month_value(year: int | None, month: int | None) -> str | None:
    return f"{year:04d}-{month:02d}" if year and month else None


def _field_order(asked: Sequence[AskedView]) -> list[str]:
    order = ["relationship", "period_from", "period_to"]
    for view in asked:
        order += [forms.verdict_field(view.id), forms.comment_field(view.id)]
    return [*order, "comment", "name", "role", "organisation", "email", "declared"]


def _form_page(
    request: Request,
    pages: EndorserPages,
    linked: LinkedRequest,
    token: str,
    form: forms.EndorserForm | None,
    *,
    status_code: int = 200,
    notice: str = "",
) -> HTMLResponse:
    """The form: unfilled from memory (see ``rendered``), or as posted with what to fix."""
    locale = _locale(request, linked)
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    fresh_cookie = not cookie or len(cookie) > 128
    if fresh_cookie:
        cookie = new_form_cookie()
    if form is None and not notice:
        key = (linked.id, locale, linked.shown())
        page = pages.forms.get(key)
        if page is None:
            page = _render_form(pages, linked, locale, LINK_MARKER, FORM_TOKEN_MARKER, None, "")
            pages.forms.keep(key, page)
        html = fill_in(page, token, form_token(token, cookie))
    else:
        html = _render_form(pages, linked, locale, token, form_token(token, cookie), form, notice)
    response = HTMLResponse(html, status_code=status_code)
    if fresh_cookie:
        _set_form_cookie(request, response, cookie)
    return response


def _render_form(
    pages: EndorserPages,
    linked: LinkedRequest,
    locale: str,
    token: str,
    hidden_token: str,
    form: forms.EndorserForm | None,
    notice: str,
) -> str:
    experience = linked.experience
    if form is None:
        form = forms.prefilled(
            endorser_name=linked.endorser_name,
            endorser_role=linked.endorser_role,
            endorser_email=linked.endorser_email,
            organisation=experience.place if experience else "",
            period_from=_month_value(experience.start_year, experience.start_month)
            if experience
            else None,
            period_to=_month_value(experience.end_year, experience.end_month)
            if experience
            else None,
        )
    asked = _asked(linked.outcomes, pages.catalogue, locale)
    errors = [
        (error.field, render(error.message, locale))
        for error in forms.error_order(form.errors, _field_order(asked))
    ]
    error_of = dict(errors)
    return _render(
        locale,
        "endorse_form.html",
        {
            "learner_name": linked.learner_name,
            "experience": _experience_view(experience, locale),
            "asked": asked,
            "form": form,
            "errors": errors,
            "error_of": error_of,
            "aria": _AriaAttributes(error_of),
            "counted": {
                "fix": render(FIX_COUNT(n=len(errors)), locale),
                "to_answer": render(TO_ANSWER(n=len(asked)), locale),
            },
            "notice": notice,
            "action": _link(token, locale),
            "decline_links": {
                reason: _link(token, locale, "/decline") + f"&reason={reason}"
                for reason in DECLINE_REASONS
            },
            "form_token": hidden_token,
            "relationships": endorsements.RELATIONSHIPS,
            "verdicts": endorsements.VERDICTS,
            "limits": {
                "name": forms.MAX_NAME,
                "role": forms.MAX_ROLE,
                "organisation": forms.MAX_ORGANISATION,
                "email": forms.MAX_EMAIL,
                "comment": forms.MAX_COMMENT,
                "outcome_comment": forms.MAX_OUTCOME_COMMENT,
            },
        },
        _language_links(f"/e/{quote(token, safe='')}", locale),
    )


class _AriaAttributes:
    """``aria[field]``: the attributes that tie an input to its error message, as markup."""

    def __init__(self, error_of: dict[str, str]) -> None:
        self._error_of = error_of

    def __getitem__(self, field: str) -> Markup:
        return self.of(field)

    def of(self, field: str, hint: str = "", invalid: bool = True) -> Markup:
        error = self._error_of.get(field)
        described = " ".join(part for part in (hint, f"{field}-error" if error else "") if part)
        html = Markup(' aria-describedby="{}"').format(described) if described else Markup()
        if invalid and error:
            html += Markup(' aria-invalid="true"')
        return html


def _set_form_cookie(request: Request, response: Response, cookie: str) -> None:
    response.set_cookie(
        CSRF_COOKIE,
        cookie,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _masked(email: str) -> str:
    """Enough of the address for its owner to know it, not enough to copy it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def _thanks_page(
    request: Request,
    pages: EndorserPages,
    endorsement_request: EndorsementRequest,
    token: str,
    *,
    status_code: int = 200,
    again: bool = False,
) -> HTMLResponse:
    locale = _locale(request, endorsement_request)
    endorsement = endorsement_request.endorsement
    if endorsement is not None and endorsement.retracted_at is not None:
        return _message_page(request, endorsement_request, "retracted", status_code=410)
    verified = endorsement is not None and endorsement.email_verified_at is not None
    return _page_with_form(
        request,
        token,
        locale,
        "endorse_thanks.html",
        {
            "learner_name": endorsement_request.learner_name,
            "again": again,
            "verified": verified,
            "can_verify": pages.mailer.enabled and endorsement is not None and not verified,
            "code_sent": endorsement is not None and endorsement.email_code_hash is not None,
            "email": _masked(endorsement.email) if endorsement else "",
            "send_action": _link(token, locale, "/email"),
            "code_link": _link(token, locale, "/code"),
            "retract_link": _link(token, locale, "/retract")
            if endorsements.can_retract(endorsement_request, _now())
            else "",
        },
        status_code,
    )


def _page_with_form(
    request: Request,
    token: str,
    locale: str,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    """A page with a small form on it: its hidden token, and the cookie it pairs with."""
    cookie = request.cookies.get(CSRF_COOKIE) or new_form_cookie()
    response = _html(
        request, locale, template, {**context, "form_token": form_token(token, cookie)}, status_code
    )
    if cookie != request.cookies.get(CSRF_COOKIE):
        _set_form_cookie(request, response, cookie)
    return response


def _closed_page(request: Request, endorsement_request: Shown, state: RequestState) -> HTMLResponse:
    return _message_page(request, endorsement_request, state.value, status_code=410)


async def _read_form(request: Request) -> dict[str, str] | None:
    """The posted fields, or None when the body is bigger than any real answer."""
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > forms.MAX_BODY_BYTES):
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > forms.MAX_BODY_BYTES:
            return None
    return forms.decode_body(bytes(body))


def _form_ok(request: Request, token: str, posted: dict[str, str]) -> bool:
    return form_token_ok(token, request.cookies.get(CSRF_COOKIE), posted.get(CSRF_FIELD))


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- confirm, then post

# Declining and taking an answer back each have a page of their own that says what the
# change means: ``GET /e/{token}<suffix>``. Its button posts to the same address, which
# makes the change. Declining's page is about a reason (``?reason=``, then a hidden field).

# Another page instead of the confirmation page (given the request and the page's
# language), or None to show it.
NotNow = Callable[[EndorsementRequest, str], Response | None]
# The change, in the post's transaction (given the reason or "", and the time). It
# answers instead of the usual way back to the link's page when it could not be made.
Change = Callable[
    [AsyncSession, EndorsementRequest, str, datetime], Coroutine[Any, Any, Response | None]
]


async def _confirmation_page(
    request: Request,
    token: str,
    suffix: str,
    template: str,
    not_now: NotNow,
    reasons: Sequence[str] = (),
) -> Response:
    """The page that asks "are you sure?"; without a reason it knows, back to the form."""
    reason = request.query_params.get("reason", "")
    async with _pages(request).sessions() as session:
        found = await _linked_request(session, token)
        locale = _locale(request, found)
        instead = not_now(found, locale)
        if instead is not None:
            return instead
        if reasons and reason not in reasons:
            return _see_other(_link(token, locale))
        context = {
            "learner_name": found.learner_name,
            "action": _link(token, locale, suffix),
            "back": _link(token, locale),
        }
        if reasons:
            context["reason"] = reason
        return _page_with_form(request, token, locale, template, context)


async def _confirmed_change(
    request: Request, token: str, suffix: str, change: Change, reasons: Sequence[str] = ()
) -> Response:
    """The confirmed post: the change in one transaction, then back to the link's page."""
    now = _now()
    posted = await _read_form(request) or {}
    async with _pages(request).sessions() as session, session.begin():
        found = await _linked_request(session, token)
        locale = _locale(request, found)
        reason = posted.get("reason", "") if reasons else ""
        if (reasons and reason not in reasons) or not _form_ok(request, token, posted):
            # A fresh confirmation page pairs a new form with the cookie; nothing changed.
            again = _link(token, locale, suffix)
            return _see_other(again + f"&reason={quote(reason)}" if reasons else again)
        instead = await change(session, found, reason, now)
        if instead is not None:
            return instead
    notices.wake(request.app.state)  # tell the learner now, not at the next poll
    return _see_other(_link(token, locale))


# --------------------------------------------------------------------------- routes


@router.get("/e/{token}", response_class=HTMLResponse)
async def endorsement_page(request: Request, token: str) -> Response:
    pages = _pages(request)
    now = _now()
    # One read, and on an open link no other wait: see ``reading`` and ``rendered``.
    linked = await pages.reader.linked(token)
    if linked is None:
        raise UnknownLink
    state = endorsements.state_of(linked, now)
    if state is RequestState.ANSWERED:
        async with pages.sessions() as session:
            return _thanks_page(request, pages, await _linked_request(session, token), token)
    if state not in endorsements.OPEN_STATES:
        return _closed_page(request, linked, state)
    if state is RequestState.SENT:
        # Only the first visit writes; every later one only reads.
        async with pages.sessions() as session, session.begin():
            await endorsements.mark_opened_by_id(session, linked.id, now)
    return _form_page(request, pages, linked, token, None)


@router.post("/e/{token}", response_class=HTMLResponse)
async def submit_answer(request: Request, token: str) -> Response:
    posted = await _read_form(request)
    try:
        return await _take_answer(request, token, posted)
    except IntegrityError:
        # Another submit on the same link was stored first; that one is kept.
        return await _answered_twice(request, token)


async def _take_answer(request: Request, token: str, posted: dict[str, str] | None) -> Response:
    pages = _pages(request)
    now = _now()
    async with pages.sessions() as session, session.begin():
        found = await _linked_request(session, token)
        state = endorsements.state_of(found, now)
        if state is RequestState.ANSWERED:
            return _thanks_page(request, pages, found, token, status_code=409, again=True)
        if state not in endorsements.OPEN_STATES:
            return _closed_page(request, found, state)
        if posted is None:
            return _message_page(request, found, "too_large", status_code=413)
        outcome_ids = [asked.id for asked in found.outcomes]
        form, answer = forms.parse(
            posted, outcome_ids, learner_name=found.learner_name, today=now.date()
        )
        if not _form_ok(request, token, posted):
            # Nothing is stored; the person sees their answers again and sends once more.
            linked = await _shown_again(session, found)
            return _form_page(request, pages, linked, token, form, status_code=403, notice="csrf")
        if answer is None:
            linked = await _shown_again(session, found)
            return _form_page(request, pages, linked, token, form, status_code=422)
        chat_cookie = request.cookies.get(WEB_CHAT_COOKIE)
        try:
            await endorsements.submit(
                session,
                found,
                answer,
                now=now,
                client_web_chat=web_chat_id(chat_cookie) if chat_cookie else None,
            )
        except RequestClosed as closed:
            return _closed_page(request, found, closed.state)
    pages.forms.forget(found.id)  # answered: its form is not shown again
    # The news loop signs the answer's credentials (queued with it) and tells the learner.
    notices.wake(request.app.state)
    locale = _locale(request, found)
    return _see_other(_link(token, locale))


async def _shown_again(session: AsyncSession, found: EndorsementRequest) -> LinkedRequest:
    """The facts the form shows, for a form that comes back with what to fix."""
    return linked_from_request(found, await experience_facts(session, found.experience_id))


async def _answered_twice(request: Request, token: str) -> Response:
    """Another submit on the same link won the race: show its answer is kept."""
    pages = _pages(request)
    async with pages.sessions() as session:
        found = await _linked_request(session, token)
        return _thanks_page(request, pages, found, token, status_code=409, again=True)


@router.get("/e/{token}/decline", response_class=HTMLResponse)
async def decline_page(request: Request, token: str) -> Response:
    pages = _pages(request)

    def not_now(found: EndorsementRequest, _: str) -> Response | None:
        state = endorsements.state_of(found, _now())
        if state is RequestState.ANSWERED:
            return _thanks_page(request, pages, found, token)
        if state not in endorsements.OPEN_STATES:
            return _closed_page(request, found, state)
        return None

    return await _confirmation_page(
        request, token, "/decline", "endorse_decline.html", not_now, DECLINE_REASONS
    )


@router.post("/e/{token}/decline", response_class=HTMLResponse)
async def decline(request: Request, token: str) -> Response:
    pages = _pages(request)

    async def change(
        session: AsyncSession, found: EndorsementRequest, reason: str, now: datetime
    ) -> Response | None:
        state = endorsements.state_of(found, now)
        if state is RequestState.ANSWERED:
            return _thanks_page(request, pages, found, token, status_code=409, again=True)
        try:
            await endorsements.decline(session, found, reason, now=now)
        except RequestClosed as closed:
            return _closed_page(request, found, closed.state)
        return None

    return await _confirmed_change(request, token, "/decline", change, DECLINE_REASONS)


@router.post("/e/{token}/email", response_class=HTMLResponse)
async def send_code(request: Request, token: str) -> Response:
    pages = _pages(request)
    now = _now()
    posted = await _read_form(request) or {}
    async with pages.sessions() as session, session.begin():
        found = await _linked_request(session, token)
        locale = _locale(request, found)
        endorsement = found.endorsement
        state = endorsements.state_of(found, now)
        if state is not RequestState.ANSWERED or endorsement is None or endorsement.retracted_at:
            return _see_other(_link(token, locale))
        if (
            not pages.mailer.enabled
            or endorsement.email_verified_at is not None
            or not _form_ok(request, token, posted)
        ):
            return _see_other(_link(token, locale))
        code = endorsements.start_email_check(endorsement, now=now)
        learner_name, email = found.learner_name, endorsement.email
    try:
        await pages.mailer.send(
            email,
            render(CODE_SUBJECT(code=code), locale),
            render(CODE_BODY(code=code, name=learner_name, n=CODE_MINUTES), locale),
        )
    except Exception:
        log.exception("the e-mail with a code was not sent")
        return _message_page(request, found, "mail_failed", status_code=503, locale=locale)
    return _see_other(_link(token, locale, "/code"))


@router.get("/e/{token}/code", response_class=HTMLResponse)
async def code_page(request: Request, token: str) -> Response:
    pages = _pages(request)
    async with pages.sessions() as session:
        found = await _linked_request(session, token)
        endorsement = found.endorsement
        if endorsement is None or endorsement.email_code_hash is None or endorsement.retracted_at:
            return _see_other(_link(token, _locale(request, found)))
        return _code_form(request, found, endorsement, token, problem=None)


@router.post("/e/{token}/code", response_class=HTMLResponse)
async def check_code(request: Request, token: str) -> Response:
    pages = _pages(request)
    now = _now()
    posted = await _read_form(request) or {}
    async with pages.sessions() as session, session.begin():
        found = await _linked_request(session, token)
        locale = _locale(request, found)
        endorsement = found.endorsement
        if endorsement is None or endorsement.retracted_at is not None:
            return _see_other(_link(token, locale))
        if not _form_ok(request, token, posted):
            return _code_form(request, found, endorsement, token, problem="csrf", status=403)
        result = endorsements.check_email_code(endorsement, posted.get("code", "")[:32], now=now)
        if result is CodeCheck.VERIFIED or result is CodeCheck.NOT_STARTED:
            return _see_other(_link(token, locale))
        # A wrong try counts, so it is stored before the page says so.
        return _code_form(request, found, endorsement, token, problem=result.value, status=422)


def _code_form(
    request: Request,
    found: EndorsementRequest,
    endorsement: Endorsement,
    token: str,
    *,
    problem: str | None,
    status: int = 200,
) -> HTMLResponse:
    locale = _locale(request, found)
    return _page_with_form(
        request,
        token,
        locale,
        "endorse_code.html",
        {
            "learner_name": found.learner_name,
            "email": _masked(endorsement.email),
            "problem": problem,
            "works_for": render(CODE_WORKS(n=CODE_MINUTES), locale),
            "action": _link(token, locale, "/code"),
            "send_action": _link(token, locale, "/email"),
            "back": _link(token, locale),
        },
        status,
    )


@router.get("/e/{token}/retract", response_class=HTMLResponse)
async def retract_page(request: Request, token: str) -> Response:
    """ "Take back my answer": what it means, and the button that does it."""

    def not_now(found: EndorsementRequest, locale: str) -> Response | None:
        if endorsements.can_retract(found, _now()):
            return None
        return _see_other(_link(token, locale))

    return await _confirmation_page(request, token, "/retract", "endorse_retract.html", not_now)


@router.post("/e/{token}/retract", response_class=HTMLResponse)
async def retract(request: Request, token: str) -> Response:
    async def change(
        session: AsyncSession, found: EndorsementRequest, _: str, now: datetime
    ) -> Response | None:
        try:
            await endorsements.retract(session, found, now=now)
        except RequestClosed:
            return _see_other(_link(token, _locale(request, found)))
        return None

    return await _confirmed_change(request, token, "/retract", change)


# Out of the API docs: one route for two methods gives OpenAPI a duplicate operation id.
@router.api_route(
    "/e/{rest:path}", methods=["GET", "POST"], response_class=HTMLResponse, include_in_schema=False
)
async def unknown_link(request: Request, rest: str) -> Response:
    """Anything else under /e/ is a link cut short or mistyped."""
    return _message_page(request, None, "unknown", status_code=404)


__all__ = ["EndorserPages", "close_pages", "install", "pages_of", "router", "static_files"]
