"""What a verification means, in plain language, for the /verify page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from api.credentials.service import Verification
from api.i18n import render
from dialogs.texts import N_, Msg

PROBLEMS: Final[Mapping[str, Msg]] = {
    "changed": N_(
        "Someone has changed this credential after it was signed. Ask the holder for the "
        "original file."
    ),
    "unknown_key": N_(
        "The credential was signed with a key we do not know. It may not come from the "
        "issuer it names."
    ),
    "revoked": N_("The credential has been withdrawn. It is no longer valid."),
    "expired": N_("The credential has expired. It is no longer valid."),
    "not_yet_valid": N_("The credential is not valid yet."),
    "malformed": N_("This is not a credential we can read. Check that you have the whole file."),
    "unknown_context": N_("The credential uses a format we cannot check."),
    "unsupported_proof": N_("The credential uses a format we cannot check."),
    "no_proof": N_("The credential has no signature, so nobody can check it."),
}

PASSED: Final[Mapping[str, Msg]] = {
    "signature": N_("The signature is correct: nothing has changed since it was issued."),
    "dates": N_("The credential is valid today."),
    "status": N_("The issuer has not withdrawn it."),
}

GENUINE: Final = N_("This credential is genuine.")
NOT_GENUINE: Final = N_("This credential could not be confirmed.")
STATUS_UNCHECKED: Final = N_("We could not check whether the issuer has withdrawn it.")
NOT_OURS: Final = N_("It was not issued by this service. The issuer is: {issuer}")


@dataclass(frozen=True, slots=True)
class Explanation:
    verified: bool
    headline: str
    reasons: tuple[str, ...]
    passed: tuple[str, ...]
    notes: tuple[str, ...]


def explain(result: Verification, locale: str) -> Explanation:
    reasons = tuple(
        dict.fromkeys(
            render(PROBLEMS.get(p.code, PROBLEMS["malformed"]), locale) for p in result.problems
        )
    )
    passed = tuple(
        render(msg, locale) for check, msg in PASSED.items() if result.checks.get(check) == "ok"
    )
    notes: list[str] = []
    if result.checks.get("status") == "unchecked":
        notes.append(render(STATUS_UNCHECKED, locale))
    if result.issuer and not result.issuer_is_us:
        notes.append(render(NOT_OURS(issuer=result.issuer), locale))
    return Explanation(
        verified=result.verified,
        headline=render(GENUINE if result.verified else NOT_GENUINE, locale),
        reasons=reasons,
        passed=passed,
        notes=tuple(notes),
    )


def summary(document: Any) -> dict[str, Any]:
    """Who issued it to whom, and what it says, for display; empty parts when unknown."""
    if not isinstance(document, Mapping):
        return {}
    issuer = document.get("issuer")
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    learner = ""
    if isinstance(subject, Mapping):
        for identifier in subject.get("identifier") or ():
            if isinstance(identifier, Mapping) and identifier.get("identityType") == "name":
                learner = str(identifier.get("identityHash", ""))
    criteria = achievement.get("criteria") if isinstance(achievement, Mapping) else None
    narrative = criteria.get("narrative", "") if isinstance(criteria, Mapping) else ""
    return {
        "title": str(document.get("name", "")),
        "issuer": str(issuer.get("name", "")) if isinstance(issuer, Mapping) else str(issuer or ""),
        "learner": learner,
        "outcomes": [
            line.removeprefix("- ") for line in str(narrative).splitlines() if line.strip()
        ],
        "issued": str(document.get("validFrom", ""))[:10],
    }
