"""Translations: gettext catalogs from ``locales/``, read with Babel.

Every call names its locale; nothing here remembers "the current language", so one
learner's language cannot leak into the next update handled by the same process.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date, get_month_names
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

import locales as catalogs
from dialogs.texts import Joined, Listed, Localized, Msg, Text, Verbatim, YearMonth

LOCALES_DIR = catalogs.LOCALES_DIR
# Every language with a catalog in locales/.
SUPPORTED_LOCALES = catalogs.AVAILABLE
DEFAULT_LOCALE = "sv"
DOMAIN = "messages"

# First-strong isolate and pop directional isolate: a name or number written left to
# right stays whole inside an Arabic sentence.
FSI = "\u2068"
PDI = "\u2069"


@cache
def translations(locale: str) -> NullTranslations:
    catalog = Translations.load(str(LOCALES_DIR), [locale], DOMAIN)
    if (
        locale != "en"
        and isinstance(catalog, NullTranslations)
        and not isinstance(catalog, Translations)
    ):
        # A missing compiled catalog is a build problem, not something to hide.
        raise RuntimeError(
            f"no compiled catalog for {locale!r} in {LOCALES_DIR}; run `make catalogs`"
        )
    return catalog


def resolve_locale(*candidates: str | None) -> str:
    """The first supported locale among the candidates (stored choice, Telegram's, default)."""
    for candidate in candidates:
        if not candidate:
            continue
        code = candidate.replace("_", "-").split("-")[0].lower()
        if code in SUPPORTED_LOCALES:
            return code
    return DEFAULT_LOCALE


def is_rtl(locale: str) -> bool:
    return Locale.parse(locale).character_order == "right-to-left"


def isolate(value: str, locale: str) -> str:
    return f"{FSI}{value}{PDI}" if is_rtl(locale) else value


def render(text: Text, locale: str) -> str:
    """A text value in the given language, with every param filled in."""
    if isinstance(text, Msg):
        return _render_msg(text, locale)
    if isinstance(text, Localized):
        return text.texts.get(locale) or text.texts.get("en") or next(iter(text.texts.values()), "")
    if isinstance(text, Verbatim):
        return text.text
    if isinstance(text, YearMonth):
        return _render_year_month(text, locale)
    if isinstance(text, Joined):
        return "\n".join(render(part, locale) for part in text.parts)
    if isinstance(text, Listed):
        return format_list([isolate(item, locale) for item in text.items], locale=locale)
    raise TypeError(f"not a text: {text!r}")


def _render_msg(msg: Msg, locale: str) -> str:
    catalog = translations(locale)
    n = msg.params.get("n")
    if msg.plural is not None:
        count = int(n) if isinstance(n, int) else 0
        if msg.context:
            template = str(catalog.npgettext(msg.context, msg.msgid, msg.plural, count))
        else:
            template = catalog.ngettext(msg.msgid, msg.plural, count)
    elif msg.context:
        template = str(catalog.pgettext(msg.context, msg.msgid))
    else:
        template = catalog.gettext(msg.msgid)
    if not msg.params:
        return template
    values = {key: _render_param(value, locale) for key, value in msg.params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        # A broken translation must not cost the learner the message: use the source.
        return msg.msgid.format(**values)


def _render_param(value: Any, locale: str) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return isolate(format_decimal(value, locale=locale), locale)
    if isinstance(value, str):
        return isolate(value, locale)
    if isinstance(value, Verbatim):
        return isolate(value.text, locale)
    if isinstance(value, Msg | Localized | YearMonth | Joined | Listed):
        return render(value, locale)
    return isolate(str(value), locale)


def _render_year_month(value: YearMonth, locale: str) -> str:
    from datetime import date

    if value.year <= 0 and value.month:
        return str(get_month_names("wide", context="stand-alone", locale=locale)[value.month])
    if value.month:
        text = format_date(date(value.year, value.month, 1), "LLLL y", locale=locale)
    else:
        text = format_decimal(value.year, locale=locale, group_separator=False)
    return isolate(text, locale)
