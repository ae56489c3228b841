"""Who the security tests are about: Jacob and Saman, their endorsers and their mentors.

Every word is distinctive, so finding it in an answer means that answer showed it.
"""

from __future__ import annotations

from typing import Final

from tests.security.world import Words

JACOB: Final = Words(
    first_name="Jacob",
    role="Room attendant",
    place="Hotel Norrsken",
    task="Makes up the suites",
    own_skill="Folding towels the hotel's way",
    example="Never late for a shift",
    endorser_name="Maria Berg",
    endorser_role="Head of housekeeping",
    organisation="Norrsken Hospitality AB",
    comment="Careful with every room.",
    outcome_comment="Checks every corner twice.",
    endorser_email="maria@hotel.example",
    mentor_name="Anna Coach",
    other_endorser="Erik Lund",
    other_email="erik@hotel.example",
)

SAMAN: Final = Words(
    first_name="Saman",
    role="Car mechanic",
    place="Garage Östra",
    task="Changes brake discs",
    own_skill="Tuning old diesel engines",
    example="Opens the garage at seven",
    endorser_name="Omid Karimi",
    endorser_role="Workshop owner",
    organisation="Bilverkstad Östra",
    comment="Knows every engine.",
    outcome_comment="Fast and safe with brakes.",
    endorser_email="omid@garage.example",
    mentor_name="Lena Mentorsson",
    other_endorser="Peter Ek",
    other_email="peter@garage.example",
)


def fields(words: Words) -> dict[str, str]:
    return {name: str(value) for name, value in vars(words).items()}
