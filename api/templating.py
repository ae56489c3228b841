"""Jinja2 templates for every server-rendered page, with gettext from the request's locale."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from api.i18n import translations

_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [_ROOT / "bot" / "webchat" / "templates", _ROOT / "api" / "templates"]

environment = Environment(
    loader=ChoiceLoader([FileSystemLoader(str(d)) for d in TEMPLATE_DIRS]),
    autoescape=select_autoescape(default=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
# Pages pass the request locale's gettext in their context; the i18n extension uses it.
environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
templates = Jinja2Templates(env=environment)


def pages_in(folder: Path, locale: str) -> Environment:
    """Templates for the public pages (endorser, portfolio, verify) in ``folder``, their
    gettext bound to ``locale``. Each page module keeps one per language (and may add
    its own filters), so the gettext never has to travel in a page's context."""
    environment = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        translations(locale), newstyle=True
    )
    return environment
