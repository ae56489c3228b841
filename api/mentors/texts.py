"""A digest in words: the mentor's language, numbers and dates the locale's way.

Only what the learner agreed a mentor may see: counts and dates, never who confirmed
or what anyone wrote. Each learner's part fits in a picture's caption (Telegram allows
1024 characters), so it travels with that learner's progress card.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.lists import format_list

from api.i18n import is_rtl, isolate, render
from api.mentors.digest import LearnerProgress, next_step
from api.mentors.service import DEFAULT_TIMEZONE
from dialogs.texts import N_, Joined, Msg, Text, Verbatim, nN_

NEXT_STEPS: dict[str, Msg] = {
    "remind": nN_(
        "{n} request has waited {days} days. Suggest a reminder.",
        "{n} requests have waited up to {days} days. Suggest a reminder.",
    ),
    "ask_again": nN_(
        "{n} request ended without an answer. Suggest asking someone else.",
        "{n} requests ended without an answer. Suggest asking someone else.",
    ),
    "idle": N_("Nothing has happened for {days} days. A short call may help."),
    "first_experience": N_("No experience is saved yet. Help to add a first one."),
    "congratulate": nN_(
        "{n} person answered a request. Say well done!",
        "{n} people answered requests. Say well done!",
    ),
    "ask_someone": N_(
        "Skills are saved, but nobody was asked to confirm them. Suggest asking a boss."
    ),
    "self_check": N_("Suggest the check of work skills. It takes about five minutes."),
    "keep_going": N_("Good work so far. Keep cheering on."),
}


def _listed(parts: Sequence[Text], locale: str) -> Verbatim:
    return Verbatim(format_list([render(part, locale) for part in parts], locale=locale))


def learner_part(progress: LearnerProgress, locale: str) -> str:
    """One learner's part of a digest (also what a mentor's /progress shows)."""
    p = progress
    lines: list[Text] = [N_("👤 {name}")(name=Verbatim(p.name))]
    new: list[Text] = []
    if p.new_experiences:
        new.append(nN_("{n} experience", "{n} experiences")(n=p.new_experiences))
    if p.new_skills:
        new.append(nN_("{n} skill", "{n} skills")(n=p.new_skills))
    if p.new_checks:
        new.append(nN_("{n} self-check", "{n} self-checks")(n=p.new_checks))
    lines.append(
        N_("🆕 New since last time: {what}.")(what=_listed(new, locale))
        if new
        else N_("🆕 Nothing new since last time.")
    )
    lines.append(
        N_(
            "📨 Asked to confirm: {sent} sent, {answered} answered, "
            "{waiting} waiting, {expired} ended."
        )(
            sent=p.requests_sent,
            answered=p.requests_answered,
            waiting=p.requests_waiting,
            expired=p.requests_expired,
        )
    )
    if p.credentials_new:
        lines.append(
            nN_(
                "🏅 {n} new credential. {total} in all.", "🏅 {n} new credentials. {total} in all."
            )(n=p.credentials_new, total=p.credentials)
        )
    else:
        lines.append(
            nN_("🏅 {n} credential in all.", "🏅 {n} credentials in all.")(n=p.credentials)
        )
    if p.days_idle is None:
        lines.append(N_("⏱️ Not active in the chat yet."))
    elif p.days_idle == 0:
        lines.append(N_("⏱️ Active today."))
    else:
        lines.append(
            nN_("⏱️ Last active {n} day ago.", "⏱️ Last active {n} days ago.")(n=p.days_idle)
        )
    key, numbers = next_step(p)
    lines.append(N_("👉 {step}")(step=NEXT_STEPS[key](**numbers)))
    return render(Joined(tuple(lines)), locale)


def card_title(progress: LearnerProgress, locale: str) -> str:
    """The card's title. The learner's name is in the caption beside it, not on the card:
    learners whose figures are alike then share one drawing (a card takes ~50 ms)."""
    return render(N_("Progress"), locale)


def own_card_title(locale: str) -> str:
    return render(N_("My progress"), locale)


def _day(moment: datetime, locale: str) -> str:
    local = moment.astimezone(ZoneInfo(DEFAULT_TIMEZONE))
    return isolate(format_date(local.date(), "long", locale=locale), locale)


def heading(count: int, moment: datetime, locale: str) -> str:
    return render(
        Joined(
            (
                N_("🗓️ Your digest, {date}.")(date=Verbatim(_day(moment, locale))),
                nN_(
                    "About {n} learner who said yes to you as a mentor.",
                    "About {n} learners who said yes to you as a mentor.",
                )(n=count),
                N_("Change how often in /mentors."),
            )
        ),
        locale,
    )


def email_subject(moment: datetime, locale: str) -> str:
    return render(N_("Your digest, {date}")(date=Verbatim(_day(moment, locale))), locale)


def email_bodies(
    head: str, parts: Sequence[tuple[str, bytes | None]], locale: str
) -> tuple[str, str]:
    """(text, HTML) for the e-mail; the HTML shows each learner's card above their part."""
    text = "\n\n".join([head, *(part for part, _ in parts)])
    direction = "rtl" if is_rtl(locale) else "ltr"
    blocks = [f"<p>{_lines(head)}</p>"]
    for part, png in parts:
        if png is not None:
            alt = html.escape(part.splitlines()[0] if part else "")
            data = base64.b64encode(png).decode()
            blocks.append(
                f'<p><img src="data:image/png;base64,{data}" alt="{alt}" width="400"'
                ' style="max-width: 100%; height: auto"></p>'
            )
        blocks.append(f"<p>{_lines(part)}</p>")
    body = "\n".join(blocks)
    page = (
        f'<!doctype html><html lang="{locale}" dir="{direction}"><head><meta charset="utf-8">'
        # A phone shows the card at its own width, and a long name breaks, not the page.
        f'</head><body style="font-family: sans-serif; font-size: 16px; line-height: 1.5;'
        f' overflow-wrap: anywhere">'
        f"{body}</body></html>"
    )
    return text, page


def _lines(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text.splitlines())
