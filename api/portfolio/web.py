"""The public portfolio page: ``GET /p/{token}``.

Anyone with the link sees what the learner documented, in Swedish, English or Arabic
(``?lang=``; else the visitor's browser language; else the learner's). A stopped,
unknown or mistyped link shows the same plain "not shared" page, so a link tells
nobody whether it ever worked. Plain HTML and one style sheet: no JavaScript, a
strict Content-Security-Policy, no referrer, never indexed, never cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from babel.dates import format_date
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment

from api.i18n import SUPPORTED_LOCALES, is_rtl, render
from api.page_language import browser_language, page_locale
from api.portfolio import service
from api.portfolio.service import PublicPortfolio, ShownExperience
from api.skills.catalogue import Catalogue, default_catalogue
from api.templating import pages_in
from bot.rendering import Card
from bot.webchat.routes import card_url
from dialogs import pictures
from dialogs.experience import KIND_LABELS, period_text
from dialogs.outputs import Picture
from dialogs.texts import N_

HERE: Final = Path(__file__).resolve().parent
STATIC_PATH: Final = "/portfolio/static"
LANGUAGE_NAMES: Final = {"sv": "Svenska", "en": "English", "ar": "العربية"}
PAGE_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    # Turning sharing off must close the page at once, also for a copy on the way.
    "Cache-Control": "no-store",
}

# The marks beside each outcome, and the pictures of the page's parts.
CONFIRMED = Picture("✅", N_("Confirmed"))
SELF_ASSESSED = Picture("🙋", N_("Self-assessed"))
LEVELS: Final = {
    "yes": Picture("👍", N_("Can do this")),
    "help": Picture("🤝", N_("Can do this with some help")),
    "not_yet": Picture("🌱", N_("Not yet")),
}
CREDENTIAL = Picture("🏅", N_("A medal"))
WORK_SKILLS = Picture("🌟", N_("A star"))
OWN_WORDS = Picture("✍️", N_("A hand writing"))
AT_A_GLANCE = N_("At a glance")
SUMMARY_ROWS: Final = (
    ("💼", N_("Experiences")),
    ("🧩", N_("Skills")),
    ("✅", N_("Confirmed")),
    ("🏅", N_("Credentials")),
)

router = APIRouter(tags=["portfolio"], include_in_schema=False)
static_files = StaticFiles(directory=HERE / "static")


def install(app: FastAPI) -> None:
    """Add the public page and its style sheet to the application."""
    app.include_router(router)
    app.mount(STATIC_PATH, static_files, name="portfolio-static")


@cache
def _environment(locale: str) -> Environment:
    return pages_in(HERE / "templates", locale)


def _catalogue(request: Request) -> Catalogue:
    found: Catalogue | None = getattr(request.app.state, "catalogue", None)
    return found or default_catalogue()


def _locale(request: Request, learner_locale: str | None) -> str:
    """Anyone may read the page: the visitor's browser before the learner's language."""
    return page_locale(request, browser_language(request), learner_locale)


@router.get("/p/{token}", response_class=HTMLResponse)
async def portfolio_page(token: str, request: Request) -> HTMLResponse:
    async with request.app.state.sessions() as session:
        learner = await service.shared_learner(session, token)
        if learner is None:
            locale = _locale(request, None)
            return _html(request, locale, "not_shared.html", {}, status_code=404)
        locale = _locale(request, learner.locale)
        portfolio = await service.public_portfolio(session, learner, _catalogue(request), locale)
    return _html(request, locale, "portfolio.html", _page_data(portfolio))


def _html(
    request: Request, locale: str, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    page = _environment(locale).get_template(template)
    path = quote(request.url.path)
    html = page.render(
        locale=locale,
        dir="rtl" if is_rtl(locale) else "ltr",
        static=STATIC_PATH,
        languages=[
            (code, LANGUAGE_NAMES.get(code, code), f"{path}?lang={code}", code == locale)
            for code in SUPPORTED_LOCALES
        ],
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)


# --------------------------------------------------------------------------- the page's words


@dataclass(frozen=True, slots=True)
class Pic:
    """A picture as the template shows it: the emoji and its words for screen readers."""

    emoji: str
    alt: str


@dataclass(frozen=True, slots=True)
class ExperienceView:
    picture: Pic
    kind: str
    role: str
    place: str
    period: str
    skills: tuple[Any, ...]


def _page_data(portfolio: PublicPortfolio) -> dict[str, Any]:
    locale = portfolio.locale

    def pic(picture: Picture) -> Pic:
        return Pic(picture.emoji, render(picture.alt, locale))

    counts = (
        len(portfolio.experiences),
        portfolio.skill_count,
        portfolio.confirmed_count,
        len(portfolio.credentials),
    )
    rows = tuple(
        (emoji, render(label, locale), count)
        for (emoji, label), count in zip(SUMMARY_ROWS, counts, strict=True)
    )
    summary_alt = ", ".join(f"{label}: {count}" for _, label, count in rows)
    return {
        "portfolio": portfolio,
        "name": portfolio.first_name,
        "summary_card": card_url(Card("📋", render(AT_A_GLANCE, locale), is_rtl(locale), rows)),
        "summary_alt": summary_alt,
        "experiences": [_experience_view(e, locale, pic) for e in portfolio.experiences],
        "marks": {"confirmed": pic(CONFIRMED), "self": pic(SELF_ASSESSED)},
        "levels": {level: pic(picture) for level, picture in LEVELS.items()},
        "pictures": {
            "credential": pic(CREDENTIAL),
            "work_skills": pic(WORK_SKILLS),
            "own_words": pic(OWN_WORDS),
        },
        "issued": {
            c.id: format_date(c.issued.date(), "long", locale=locale) for c in portfolio.credentials
        },
    }


def _experience_view(experience: ShownExperience, locale: str, pic: Any) -> ExperienceView:
    draft = {
        "start_year": experience.start[0] if experience.start else None,
        "start_month": experience.start[1] if experience.start else None,
        "end_year": experience.end[0] if experience.end else None,
        "end_month": experience.end[1] if experience.end else None,
        "ongoing": experience.ongoing,
    }
    kind = KIND_LABELS.get(experience.kind, KIND_LABELS["other"])
    picture = pictures.KINDS.get(experience.kind, pictures.KINDS["other"])
    return ExperienceView(
        picture=pic(picture),
        kind=render(kind, locale),
        role=experience.role,
        place=experience.place,
        period=render(period_text(draft), locale),
        skills=experience.skills,
    )
