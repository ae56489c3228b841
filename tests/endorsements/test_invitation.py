"""The templated message: who asks, what, how long it takes, and the link kept whole."""

from __future__ import annotations

from datetime import date

from api.endorsements.invitation import SHORT_LIMIT, InvitationFacts, write_invitation

LINK = "https://meritkompis.example/e/" + "A" * 32


def facts(**changes: object) -> InvitationFacts:
    fields: dict[str, object] = {
        "learner_name": "Saman",
        "endorser_name": "Anders Holm",
        "role": "Bilmekaniker",
        "place": "Verkstad Syd",
        "locale": "ar",
        "statements": ("يجهز غرف النزلاء", "Own words"),
        "link": LINK,
        "expires_on": date(2026, 12, 21),
    }
    fields.update(changes)
    return InvitationFacts(**fields)  # type: ignore[arg-type]


def test_the_link_stands_alone_on_its_line_even_in_arabic() -> None:
    invitation = write_invitation(facts())
    assert LINK in invitation.body.splitlines()
    assert "• \u2068Own words\u2069" in invitation.body
    assert "\u2068Saman\u2069" in invitation.subject


def test_the_short_message_fits_a_copy_button_whatever_the_names() -> None:
    for name in ("Anders", "A" * 120):
        short = write_invitation(facts(endorser_name=name, locale="sv")).short
        assert len(short) <= SHORT_LIMIT and short.endswith(LINK)
    assert write_invitation(facts(locale="sv")).short.startswith("Hej Anders Holm! Det är Saman.")


def test_a_reminder_says_it_is_one() -> None:
    reminder = write_invitation(facts(locale="en"), reminder=True)
    assert reminder.subject == "Reminder from Saman: can you confirm what I learned?"
    assert "This is Saman again." in reminder.body
    assert "The link works until December 21, 2026." in reminder.body
