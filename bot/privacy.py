"""Sending the learner everything stored about them (/mydata): a summary and a JSON file.

The file is the whole record (api/privacy/export.py); the summary says in a few
lines what is in it, in the learner's language, so nobody has to read JSON to know.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

import locales as catalogs
from api.i18n import render
from api.privacy.export import as_file, everything_about
from bot.effects import TurnEffects
from bot.rendering import Reply, ReplyFile
from dialogs.outputs import SendMyData
from dialogs.texts import N_, Joined, Msg, Text, Verbatim, nN_

FILE_MIME: Final = "application/json"
FILE_NOTE: Final = N_("The file has all of it, in a form a computer can read. Keep it safe.")


async def carry_out(
    session: AsyncSession,
    learner_id: int,
    action: SendMyData,
    effects: TurnEffects,
    *,
    now: datetime,
) -> None:
    data = await everything_about(session, learner_id, now=now)
    locale = action.locale
    effects.show(
        action,
        Reply(text=render(summary(data), locale), emoji="📦"),
        Reply(
            text=render(FILE_NOTE, locale),
            emoji="💾",
            file=ReplyFile(
                f"meritkompis-my-data-{now.date().isoformat()}.json", as_file(data), FILE_MIME
            ),
        ),
    )


def summary(data: dict[str, Any]) -> Text:
    """What the file holds, a line for each kind of thing, with the names that matter."""
    experiences = data["experiences"]
    requests = data["endorsement_requests"]
    locale = str(data["profile"].get("locale") or "")
    lines: list[Text] = [
        N_("This is what I have saved about you:"),
        N_("🌍 Language: {language}")(
            language=Verbatim(catalogs.own_name(locale) if locale else "-")
        ),
        nN_("💼 {n} experience", "💼 {n} experiences")(n=len(experiences)),
    ]
    lines += [Verbatim(f"• {e['role']}, {e['place']}") for e in experiences]
    lines.append(
        nN_("🧩 {n} skill", "🧩 {n} skills")(n=sum(len(e["skill_claims"]) for e in experiences))
    )
    topics = {answer["skill_id"] for answer in data["self_checks"]}
    lines.append(
        nN_("✅ {n} work skill topic checked", "✅ {n} work skill topics checked")(n=len(topics))
    )
    lines.append(nN_("📨 {n} request to confirm", "📨 {n} requests to confirm")(n=len(requests)))
    for request in requests:
        answer = request["answer"]
        if answer is None:
            continue
        confirmed = sum(1 for v in answer["verdicts"] if v["verdict"] == "yes")
        lines.append(_confirmed(answer["name"], confirmed))
    lines.append(nN_("🏅 {n} credential", "🏅 {n} credentials")(n=len(data["credentials"])))
    mentors = [link["mentor_name"] for link in data["mentors"]["links"]]
    lines.append(nN_("🧑‍🏫 {n} mentor", "🧑‍🏫 {n} mentors")(n=len(mentors)))
    lines += [Verbatim(f"• {name}") for name in mentors]
    return Joined(tuple(lines))


def _confirmed(name: str, count: int) -> Msg:
    return nN_("• {name} confirmed {n} thing", "• {name} confirmed {n} things")(name=name, n=count)
