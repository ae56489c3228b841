"""The templated message that asks a person to confirm, in that person's language.

The learner forwards it (Telegram share, copy, e-mail or SMS links in the web chat),
or the service e-mails it. It says who asks, what is asked, that it takes about two
minutes, and carries the personal link. A reminder says the same more briefly, with a
fresh link. ``short`` fits where space is tight: Telegram's copy button (256
characters), an SMS, a share link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from api.endorsements.models import EndorsementRequest
from api.experiences.models import Experience
from api.i18n import isolate, render
from api.skills.catalogue import Catalogue
from dialogs.texts import N_, Msg

SHORT_LIMIT = 256


@dataclass(frozen=True, slots=True)
class InvitationFacts:
    learner_name: str
    endorser_name: str
    # The experience as the learner named it: "Room attendant", "Hotel North".
    role: str
    place: str
    locale: str
    # What is asked, already in the endorser's language.
    statements: tuple[str, ...]
    link: str
    expires_on: date


@dataclass(frozen=True, slots=True)
class Invitation:
    subject: str
    body: str
    short: str


def link_for(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/e/{token}"


def statements_of(request: EndorsementRequest, catalogue: Catalogue) -> tuple[str, ...]:
    """Each asked outcome in the request's language; own words as the learner wrote them."""
    texts: list[str] = []
    for asked in request.outcomes:
        if asked.own_words:
            texts.append(asked.own_words)
            continue
        skill = catalogue.get(asked.skill_id or "")
        try:
            outcome = skill.outcome(asked.outcome_id or "") if skill else None
        except KeyError:
            outcome = None
        if outcome is not None:
            texts.append(outcome.in_locale(request.locale))
    return tuple(texts)


async def facts_of(
    session: AsyncSession, request: EndorsementRequest, link: str, catalogue: Catalogue
) -> InvitationFacts:
    experience = await session.get(Experience, request.experience_id)
    return InvitationFacts(
        learner_name=request.learner_name,
        endorser_name=request.endorser_name,
        role=experience.role if experience else "",
        place=experience.place if experience else "",
        locale=request.locale,
        statements=statements_of(request, catalogue),
        link=link,
        expires_on=request.expires_at.date(),
    )


def write_invitation(facts: InvitationFacts, *, reminder: bool = False) -> Invitation:
    locale = facts.locale

    def say(msg: Msg, **params: object) -> str:
        return render(msg(**params) if params else msg, locale)

    learner, endorser, place = facts.learner_name, facts.endorser_name, facts.place or "-"
    subject = (
        say(N_("Reminder from {learner}: can you confirm what I learned?"), learner=learner)
        if reminder
        else say(N_("{learner} asks: can you confirm what I learned?"), learner=learner)
    )
    greeting = say(N_("Hello {name}!"), name=endorser)
    if reminder:
        opening = say(
            N_(
                "This is {learner} again. I asked you to confirm what I learned at {place}. "
                "Perhaps you have not had time yet. Here is a new link."
            ),
            learner=learner,
            place=place,
        )
    elif facts.role:
        opening = say(
            N_("This is {learner}. I was {role} at {place}. Can you confirm what I learned there?"),
            learner=learner,
            role=facts.role,
            place=place,
        )
    else:
        opening = say(
            N_("This is {learner}. Can you confirm what I learned at {place}?"),
            learner=learner,
            place=place,
        )
    lines = [greeting, "", opening, ""]
    if facts.statements:
        lines.append(say(N_("I ask about these things:")))
        lines += [f"• {isolate(text, locale)}" for text in facts.statements]
        lines.append("")
    lines += [
        say(N_("It takes about two minutes. You do not need an account.")),
        say(N_("Open your personal link:")),
        # On a line of its own, without isolation marks, so every app sees the whole link.
        facts.link,
        say(
            N_("The link works until {date}."),
            date=format_date(facts.expires_on, "long", locale=locale),
        ),
        "",
        say(N_("Thank you!")),
        learner,
    ]
    return Invitation(
        subject=subject, body="\n".join(lines), short=_short(facts, reminder=reminder)
    )


def _short(facts: InvitationFacts, *, reminder: bool) -> str:
    locale = facts.locale
    message = (
        N_("Hello {name}! A reminder from {learner}: can you confirm what I learned at {place}?")
        if reminder
        else N_("Hello {name}! This is {learner}. Can you confirm what I learned at {place}?")
    )
    text = render(
        message(name=facts.endorser_name, learner=facts.learner_name, place=facts.place or "-"),
        locale,
    )
    two_minutes = render(N_("It takes about two minutes:"), locale)
    for candidate in (f"{text} {two_minutes}", two_minutes, ""):
        short = f"{candidate}\n{facts.link}".strip()
        if len(short) <= SHORT_LIMIT:
            return short
    return facts.link[:SHORT_LIMIT]


def share_text(invitation: Invitation, link: str) -> str:
    """The short message without its link, for share links that take the link apart."""
    return invitation.short.replace(link, "").strip()
