"""The endorser's form: from posted fields to an ``EndorserAnswer``, or plain-words errors.

Parsing never throws away what the person typed: ``EndorserForm.values`` holds every
field as posted, so a page with errors shows the form filled in again. Error texts
are untranslated messages; the page renders them in its language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final
from urllib.parse import parse_qsl

from api.endorsements.service import RELATIONSHIPS, VERDICTS, EndorserAnswer
from dialogs.texts import N_, Msg, nN_

# The whole posted form; a bigger body is refused before it is parsed.
MAX_BODY_BYTES: Final = 256 * 1024
MAX_FIELDS: Final = 200

MAX_NAME: Final = 120
MAX_ROLE: Final = 120
MAX_ORGANISATION: Final = 160
MAX_EMAIL: Final = 254
MAX_COMMENT: Final = 2000
MAX_OUTCOME_COMMENT: Final = 1000
EARLIEST_YEAR: Final = 1950

# local@domain.tld: no spaces, one @, a domain of letters, digits and hyphens with a dot.
_EMAIL_RE: Final = re.compile(
    r"^[^@\s<>()\[\],;:\"\\]{1,64}@"
    r"(?=.{1,253}$)(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$"
)
_MONTH_RE: Final = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")

RELATIONSHIP_MISSING: Final = N_("Choose how you know {name}.")
PERIOD_FORMAT: Final = N_("Write a year and a month, for example 2025-03.")
PERIOD_ORDER: Final = N_("The first month must come before the last month.")
VERDICT_MISSING: Final = N_("Choose one answer: yes, partly or no.")
NAME_MISSING: Final = N_("Write your name.")
ROLE_MISSING: Final = N_("Write what your job is, for example cook.")
ORGANISATION_MISSING: Final = N_("Write the name of your workplace.")
EMAIL_MISSING: Final = N_("Write your e-mail address.")
EMAIL_INVALID: Final = N_("Write a whole e-mail address, like name@example.com.")
TOO_LONG: Final = nN_(
    "This is too long. Write at most {n} character.",
    "This is too long. Write at most {n} characters.",
)
DECLARATION_MISSING: Final = N_("Tick the box to say that your answer is true.")


def verdict_field(outcome_id: int) -> str:
    return f"verdict-{outcome_id}"


def comment_field(outcome_id: int) -> str:
    return f"comment-{outcome_id}"


@dataclass(frozen=True, slots=True)
class FieldError:
    """What is wrong with one field; ``field`` is the id of the input to fix."""

    field: str
    message: Msg


@dataclass(slots=True)
class EndorserForm:
    """The posted fields (or the prefilled ones) and what is wrong with them."""

    values: dict[str, str] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def error(self, name: str) -> Msg | None:
        for found in self.errors:
            if found.field == name:
                return found.message
        return None


def decode_body(body: bytes) -> dict[str, str]:
    """An url-encoded form body as a dict; the first value wins for a repeated name."""
    text = body.decode("utf-8", errors="replace")
    values: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS):
        values.setdefault(key, value.replace("\x00", ""))
    return values


def prefilled(
    *,
    endorser_name: str,
    endorser_role: str,
    endorser_email: str | None,
    organisation: str,
    period_from: str | None,
    period_to: str | None,
) -> EndorserForm:
    """The form as it first opens: what the learner already told us, ready to correct."""
    return EndorserForm(
        values={
            "name": endorser_name,
            "role": endorser_role,
            "email": endorser_email or "",
            "organisation": organisation,
            "period_from": period_from or "",
            "period_to": period_to or "",
        }
    )


def parse(
    posted: Mapping[str, str], outcome_ids: Sequence[int], *, learner_name: str, today: date
) -> tuple[EndorserForm, EndorserAnswer | None]:
    """Check the posted form; the answer is None when anything needs fixing."""
    form = EndorserForm(values=dict(posted))
    errors = form.errors

    relationship = posted.get("relationship", "")
    if relationship not in RELATIONSHIPS:
        errors.append(FieldError("relationship", RELATIONSHIP_MISSING(name=learner_name)))

    period_from = _month(posted, "period_from", today, errors)
    period_to = _month(posted, "period_to", today, errors)
    if period_from and period_to and period_from > period_to:
        errors.append(FieldError("period_to", PERIOD_ORDER))

    verdicts: dict[int, tuple[str, str]] = {}
    for outcome_id in outcome_ids:
        verdict = posted.get(verdict_field(outcome_id), "")
        if verdict not in VERDICTS:
            errors.append(FieldError(verdict_field(outcome_id), VERDICT_MISSING))
        comment = _text(posted, comment_field(outcome_id), MAX_OUTCOME_COMMENT, errors)
        verdicts[outcome_id] = (verdict, comment)

    comment = _text(posted, "comment", MAX_COMMENT, errors)
    name = _text(posted, "name", MAX_NAME, errors, missing=NAME_MISSING)
    role = _text(posted, "role", MAX_ROLE, errors, missing=ROLE_MISSING)
    organisation = _text(
        posted, "organisation", MAX_ORGANISATION, errors, missing=ORGANISATION_MISSING
    )
    email = _text(posted, "email", MAX_EMAIL, errors, missing=EMAIL_MISSING)
    if email and not _EMAIL_RE.match(email) and not _has_error(errors, "email"):
        errors.append(FieldError("email", EMAIL_INVALID))
    declared = posted.get("declared", "") == "yes"
    if not declared:
        errors.append(FieldError("declared", DECLARATION_MISSING))

    if errors:
        return form, None
    return form, EndorserAnswer(
        relationship=relationship,
        verdicts=verdicts,
        name=name,
        role=role,
        organisation=organisation,
        email=email,
        declared=declared,
        period_from=period_from,
        period_to=period_to,
        comment=comment,
    )


def error_order(errors: Iterable[FieldError], field_order: Sequence[str]) -> list[FieldError]:
    """Errors in the order their fields stand on the page, for the summary at the top."""
    rank = {name: i for i, name in enumerate(field_order)}
    return sorted(errors, key=lambda e: rank.get(e.field, len(rank)))


def _has_error(errors: list[FieldError], name: str) -> bool:
    return any(e.field == name for e in errors)


def _text(
    posted: Mapping[str, str],
    name: str,
    limit: int,
    errors: list[FieldError],
    *,
    missing: Msg | None = None,
) -> str:
    value = posted.get(name, "").strip()
    if not value and missing is not None:
        errors.append(FieldError(name, missing))
    elif len(value) > limit:
        errors.append(FieldError(name, TOO_LONG(n=limit)))
    return value


def _month(
    posted: Mapping[str, str], name: str, today: date, errors: list[FieldError]
) -> str | None:
    """A "YYYY-MM" month, optional; the browser's month picker sends exactly that."""
    raw = posted.get(name, "").strip()
    if not raw:
        return None
    match = _MONTH_RE.match(raw)
    if match is None:
        errors.append(FieldError(name, PERIOD_FORMAT))
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and EARLIEST_YEAR <= year <= today.year + 1):
        errors.append(FieldError(name, PERIOD_FORMAT))
        return None
    return f"{year:04d}-{month:02d}"
