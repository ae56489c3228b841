"""How much a persona taps and types to document their first skill (issue 6's figure).

Counted on the walkthrough's own script, from the menu's "add an experience" up to the
tap that chooses the first skill: from then on the skill is in the learner's saved draft
(every answer is stored at once), and the steps after it (more skills, check, save) are
the learner's choice. The one-time start (language, consent, pictures) is not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

GOAL_TAPS = 12
GOAL_TYPED = 40


@dataclass(frozen=True)
class Effort:
    taps: int
    typed: int

    def report(self, who: str) -> str:
        return (
            f"{who}, to the first documented skill: {self.taps} taps (goal <= {GOAL_TAPS}), "
            f"{self.typed} typed characters (goal <= {GOAL_TYPED})"
        )


def effort_to_first_skill(lines: Sequence[tuple[str, str]], first_skill: str) -> Effort:
    taps = typed = 0
    for said, _expected in lines:
        if said.startswith("tap: "):
            taps += 1
            if said == f"tap: {first_skill}":
                return Effort(taps, typed)
        else:
            typed += len(said)
    raise AssertionError(f"the script never chooses {first_skill!r}")
