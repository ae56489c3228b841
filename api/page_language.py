"""Which language a web page speaks: the same rule for every page, in one place.

``?lang=`` always wins: every page links to itself in each language that way. After
it, each page names its own order of fallbacks, because whose language matters
differs from page to page:

- the endorser's page follows the learner's language, the one the request's message
  was written in; the browser's only when no request is known (``api/endorsements/web.py``);
- the portfolio page is read by anyone, so the visitor's browser comes before the
  learner's language (``api/portfolio/web.py``);
- the web chat goes by the browser until the learner chooses (``bot/webchat/routes.py``);
- the verify page is read by whoever checks a credential: their browser's language
  (``api/credentials/web.py``).

Anything we do not speak falls through to the next; at the end is the default.
"""

from __future__ import annotations

from starlette.requests import Request

from api.i18n import resolve_locale


def page_locale(request: Request, *fallbacks: str | None) -> str:
    """``?lang=``, else the first of ``fallbacks`` we speak, else the default language."""
    return resolve_locale(request.query_params.get("lang"), *fallbacks)


def browser_language(request: Request) -> str | None:
    """The browser's first choice in ``Accept-Language`` as it wrote it (``sv-SE``), if any."""
    header = request.headers.get("accept-language", "")
    first = header.split(",")[0].split(";")[0].strip()
    return first or None
