"""The Open Badges 3.0 ``OpenBadgeCredential`` of one confirmed skill, as a plain dict.

Built from what the service knows, in the language of the endorsement request, and
signed afterwards by ``proof.sign``. The EU's eleven mandatory elements of a
micro-credential (Council Recommendation of 16 June 2022, Annex I) are carried twice:
in the Open Badges fields a wallet shows (``issuer``, ``validFrom``, ``achievement``,
``evidence``...), and together, numbered as in the Annex, under ``euMicroCredential``:
a JSON literal (``@type: @json``) defined by an embedded context, so it is signed as it
stands and needs no context document from anywhere. How each element is filled:

 1. learner: the name the learner gave in the request (``IdentityObject``, type
    ``name``, not hashed) and a stable pseudonymous subject id (``urn:uuid:``);
 2. title: "<skill>" as a micro-credential, in the request's language;
 3. country/region: from settings (``organisation_country``/``_region``);
 4. awarding body: the deploying organisation (``organisation_name``), the issuer;
 5. date of issuing: ``validFrom`` (= ``awardedDate``);
 6. learning outcomes: only those the endorser confirmed with "yes", each a full
    sentence "The holder can ...", with its category;
 7. notional workload: hours; nobody records them, so they are estimated from the
    experience's period and an assumed monthly load per kind of experience, and the
    credential says it is an estimate (or "not known" without a start date);
 8. level: no SeQF/EQF level is assigned to catalogue skills, so "not applicable";
 9. type of assessment: co-assessment by the named endorser in their relationship
    (supervisor, colleague...), with how their identity was checked (trust level);
10. form of participation: from the experience's kind (work-based, internship,
    volunteering, course);
11. quality assurance: the awarding body's own process, stated plainly (catalogue
    outcomes, a named third party, self-endorsement checks; no external accreditation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Final

from babel import Locale

from api.credentials.jsonld import OB_V3, VC_V2
from api.credentials.proof import timestamp
from api.i18n import render
from dialogs.texts import N_, Msg

EU_TERMS: Final = "urn:meritkompis:terms:"
EMBEDDED_CONTEXT: Final = {
    "euMicroCredential": {"@id": EU_TERMS + "euMicroCredential", "@type": "@json"},
}
CONTEXT: Final = [VC_V2, OB_V3, EMBEDDED_CONTEXT]

# Assumed hours a month, by kind of experience, when only the period is known: a
# half-time job or internship, a few evenings a month in an association.
HOURS_PER_MONTH: Final = {
    "job": 80,
    "internship": 80,
    "association": 16,
    "course": 40,
    "other": 40,
}

PARTICIPATION: Final[dict[str, tuple[str, Msg]]] = {
    "job": ("work_based", N_("Work-based: learned on the job, in employment")),
    "internship": ("work_based_internship", N_("Work-based: learned in an internship")),
    "association": ("volunteering", N_("Volunteering: learned in an association")),
    "course": ("course_on_site", N_("A course, on site")),
    "other": ("other", N_("Other: learned in everyday work or activities")),
}

ASSESSMENT: Final[dict[str, tuple[str, Msg]]] = {
    "supervisor": ("co_assessment_supervisor", N_("Co-assessment by a supervisor")),
    "colleague": ("co_assessment_colleague", N_("Co-assessment by a colleague")),
    "teacher": ("co_assessment_teacher", N_("Co-assessment by a teacher or instructor")),
    "association_leader": (
        "co_assessment_association_leader",
        N_("Co-assessment by a leader in the association"),
    ),
    "other": ("co_assessment_other", N_("Co-assessment by a person who saw the work")),
}

TRUST: Final[dict[str, Msg]] = {
    "self_declared": N_("The assessor stated their name, role and organisation themselves."),
    "email_verified": N_(
        "The assessor stated their name, role and organisation, and proved their work "
        "e-mail address with a one-time code."
    ),
}

CATEGORY: Final[dict[str, Msg]] = {
    "knowledge": N_("Knowledge"),
    "skills": N_("Skills"),
    "responsibility_autonomy": N_("Responsibility and autonomy"),
}

OPENING: Final = N_("The holder can")
TITLE: Final = N_("{skill}: micro-credential")
DESCRIPTION: Final = N_(
    "Learning outcomes in {skill} that {assessor} confirmed from seeing the holder at work."
)
WORKLOAD_ESTIMATED: Final = N_(
    "About {hours} hours, estimated from the period {period} and an assumed {per_month} "
    "hours a month; the hours themselves were not recorded."
)
WORKLOAD_UNKNOWN: Final = N_("Not known: the period of the experience was not given.")
LEVEL_NONE: Final = N_("Not applicable: no SeQF or EQF level is assigned.")
ASSESSOR: Final = N_(
    "{name}, {role} at {organisation}, confirmed each learning outcome from what they saw."
)
QUALITY: Final = N_(
    "The awarding body's own quality assurance: learning outcomes from a fixed catalogue, "
    "written to the guidebook's rules; each confirmed by a named person who saw the work; "
    "answers checked for signs of self-endorsement. Not externally accredited."
)
EVIDENCE_NAME: Final = N_("Confirmation from {name}")


@dataclass(frozen=True, slots=True)
class IssuerInfo:
    did: str
    name: str
    url: str
    country_code: str
    region: str = ""


@dataclass(frozen=True, slots=True)
class OutcomeText:
    category: str  # knowledge | skills | responsibility_autonomy
    text: str  # continues "The holder can ..."


@dataclass(frozen=True, slots=True)
class Period:
    start: date | None  # first day of the start month
    end: date | None  # first day of the end month; None while ongoing
    ongoing: bool


@dataclass(frozen=True, slots=True)
class AssessorInfo:
    relationship: str
    name: str
    role: str
    organisation: str
    trust_level: str
    confirmed_at: datetime


@dataclass(frozen=True, slots=True)
class Award:
    """Everything a credential says about one confirmed skill of one learner."""

    credential_url: str
    locale: str
    learner_name: str
    subject_id: str
    skill_id: str
    skill_name: str
    esco_uri: str | None
    outcomes: tuple[OutcomeText, ...]
    experience_kind: str
    period: Period
    assessor: AssessorInfo
    issued_at: datetime
    status: dict[str, Any]
    valid_until: datetime | None = None


def _t(msg: Msg, locale: str, **params: Any) -> str:
    return render(msg(**params) if params else msg, locale)


def months_in(period: Period, until: date) -> int | None:
    """Whole months from the start month to the end month (or ``until``), counting both."""
    if period.start is None:
        return None
    end = period.end or until
    months = (end.year - period.start.year) * 12 + end.month - period.start.month + 1
    return max(months, 1)


def _period_text(period: Period, until: date) -> str:
    assert period.start is not None
    end = period.end or until
    return f"{period.start:%Y-%m} – {end:%Y-%m}"


def workload(award: Award) -> dict[str, Any]:
    until = award.issued_at.date()
    months = months_in(award.period, until)
    per_month = HOURS_PER_MONTH.get(award.experience_kind, HOURS_PER_MONTH["other"])
    if months is None:
        return {"hours": None, "estimated": False, "text": _t(WORKLOAD_UNKNOWN, award.locale)}
    hours = months * per_month
    period = _period_text(award.period, until)
    return {
        "hours": hours,
        "estimated": True,
        "basis": {"period": period, "months": months, "assumedHoursPerMonth": per_month},
        "text": _t(
            WORKLOAD_ESTIMATED, award.locale, hours=hours, period=period, per_month=per_month
        ),
    }


@cache  # parsing the locale's data takes longer than the rest of a credential's text
def country_name(code: str, locale: str) -> str:
    return str(Locale.parse(locale).territories.get(code.upper(), code.upper()))


def build(award: Award, issuer: IssuerInfo) -> dict[str, Any]:
    """The unsigned credential."""
    locale = award.locale
    issued = timestamp(award.issued_at)
    opening = _t(OPENING, locale)
    sentences = [f"{opening} {outcome.text}" for outcome in award.outcomes]
    title = _t(TITLE, locale, skill=award.skill_name)
    assessment_code, assessment_label = ASSESSMENT.get(
        award.assessor.relationship, ASSESSMENT["other"]
    )
    participation_code, participation_label = PARTICIPATION.get(
        award.experience_kind, PARTICIPATION["other"]
    )
    assessor = award.assessor
    assessor_text = _t(
        ASSESSOR, locale, name=assessor.name, role=assessor.role, organisation=assessor.organisation
    )
    trust_text = _t(TRUST.get(assessor.trust_level, TRUST["self_declared"]), locale)
    address: dict[str, Any] = {
        "type": ["Address"],
        "addressCountry": country_name(issuer.country_code, locale),
        "addressCountryCode": issuer.country_code.upper(),
    }
    if issuer.region:
        address["addressRegion"] = issuer.region
    profile = {
        "id": issuer.did,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
        "address": address,
    }
    achievement: dict[str, Any] = {
        "id": f"{award.credential_url}#achievement",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": title,
        "description": _t(DESCRIPTION, locale, skill=award.skill_name, assessor=assessor.name),
        "criteria": {"narrative": "\n".join(f"- {sentence}" for sentence in sentences)},
        "humanCode": award.skill_id,
        "inLanguage": locale,
        "tag": [award.skill_name],
    }
    if award.esco_uri:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": award.skill_name,
                "targetUrl": award.esco_uri,
                "targetFramework": "ESCO",
                # Open Badges lists a few target types; any other must start "ext:".
                "targetType": "ext:ESCOSkill",
            }
        ]
    elements = {
        "1_learner": {
            "name": award.learner_name,
            "subjectId": award.subject_id,
            "text": award.learner_name,
        },
        "2_title": title,
        "3_country": {
            "countryCode": issuer.country_code.upper(),
            "country": address["addressCountry"],
            "region": issuer.region or None,
        },
        "4_awardingBody": {"name": issuer.name, "id": issuer.did, "url": issuer.url},
        "5_dateOfIssuing": issued,
        "6_learningOutcomes": [
            {
                "category": outcome.category,
                "categoryText": _t(CATEGORY[outcome.category], locale),
                "text": sentence,
            }
            for outcome, sentence in zip(award.outcomes, sentences, strict=True)
        ],
        "7_notionalWorkload": workload(award),
        "8_level": {"eqf": None, "seqf": None, "text": _t(LEVEL_NONE, locale)},
        "9_assessment": {
            "type": assessment_code,
            "text": _t(assessment_label, locale),
            "assessor": {
                "name": assessor.name,
                "role": assessor.role,
                "organisation": assessor.organisation,
                "relationship": assessor.relationship,
            },
            "identityCheck": assessor.trust_level,
            "identityCheckText": trust_text,
            "date": timestamp(assessor.confirmed_at),
        },
        "10_formOfParticipation": {
            "type": participation_code,
            "text": _t(participation_label, locale),
        },
        "11_qualityAssurance": {"type": "internal", "text": _t(QUALITY, locale)},
    }
    credential: dict[str, Any] = {
        "@context": CONTEXT,
        "id": award.credential_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": profile,
        "validFrom": issued,
        "awardedDate": issued,
        "credentialSubject": {
            "id": award.subject_id,
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": award.learner_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": achievement,
        },
        "evidence": [
            {
                "id": f"{award.credential_url}#evidence",
                "type": ["Evidence"],
                "name": _t(EVIDENCE_NAME, locale, name=assessor.name),
                "genre": _t(assessment_label, locale),
                "narrative": assessor_text,
                "description": trust_text,
            }
        ],
        "credentialStatus": award.status,
        "euMicroCredential": elements,
    }
    if award.valid_until is not None:
        credential["validUntil"] = timestamp(award.valid_until)
    return credential
