"""A read-only snapshot of what the learner has saved, handed to the dialogs.

The dialogs show and edit saved items but never load them: the driver takes this
snapshot from the system of record before each turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dialogs.outputs import Action


# An experience's own fields, as the dialog drafts them and the service stores them.
EXPERIENCE_FIELDS = (
    "kind",
    "area",
    "role",
    "place",
    "start_year",
    "start_month",
    "end_year",
    "end_month",
    "ongoing",
    "description",
)
# What a saved experience carries besides: its id, the tasks tapped, and the skills.
EXPERIENCE_KEYS = ("id", *EXPERIENCE_FIELDS, "tasks", "skills", "own_skills")


@dataclass(frozen=True, slots=True)
class SavedSkill:
    # A catalogue skill id, or None for a skill the learner wrote in their own words.
    skill_id: str | None
    own_words: str | None = None


@dataclass(frozen=True, slots=True)
class SavedExperience:
    id: int
    kind: str
    area: str
    role: str
    place: str
    start_year: int | None
    start_month: int | None
    end_year: int | None
    end_month: int | None
    ongoing: bool
    tasks: tuple[str, ...]
    description: str
    skills: tuple[SavedSkill, ...]

    def as_draft(self) -> dict[str, Any]:
        """The experience as the experience dialog edits it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "area": self.area,
            "role": self.role,
            "place": self.place,
            "start_year": self.start_year,
            "start_month": self.start_month,
            "end_year": self.end_year,
            "end_month": self.end_month,
            "ongoing": self.ongoing,
            "tasks": list(self.tasks),
            "description": self.description,
            "skills": [s.skill_id for s in self.skills if s.skill_id],
            "own_skills": [s.own_words for s in self.skills if s.own_words],
        }


@dataclass(frozen=True, slots=True)
class SavedRequest:
    """A request to confirm skills, as the learner's list shows it."""

    id: int
    experience_id: int
    endorser_name: str
    endorser_role: str
    # sent | opened | answered | declined | expired | cancelled
    state: str
    outcome_count: int
    confirmed: int = 0
    partly: int = 0
    expires_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.state in ("sent", "opened")


@dataclass(frozen=True, slots=True)
class SavedMerit:
    """A credential the learner holds, as /merits lists it."""

    id: str
    skill_id: str | None
    issued_on: date
    endorser_name: str
    withdrawn: bool = False
    # Whether a public link to it is live.
    shared: bool = False


@dataclass(frozen=True, slots=True)
class Portfolio:
    experiences: tuple[SavedExperience, ...] = ()
    # general skill id -> outcome id -> {"level": ..., "example": ...}
    self_checks: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    # Requests to confirm skills, newest first.
    requests: tuple[SavedRequest, ...] = ()
    # Credentials issued to the learner, newest first.
    merits: tuple[SavedMerit, ...] = ()

    def experience(self, experience_id: int) -> SavedExperience | None:
        return next((e for e in self.experiences if e.id == experience_id), None)

    def request(self, request_id: int) -> SavedRequest | None:
        return next((r for r in self.requests if r.id == request_id), None)

    def merit(self, credential_id: str) -> SavedMerit | None:
        return next((m for m in self.merits if m.id == credential_id), None)

    @property
    def skill_count(self) -> int:
        return sum(len(e.skills) for e in self.experiences)

    def after(self, action: Action) -> Portfolio:
        """This portfolio as it will be once ``action`` is carried out.

        Lets a dialog show the result of a change in the same turn that asks for it.
        """
        from dialogs.outputs import (
            CancelRequest,
            DeleteExperience,
            DeleteSelfCheck,
            SaveSelfCheck,
            ShareMerit,
            WithdrawMerit,
        )

        if isinstance(action, DeleteExperience):
            kept = tuple(e for e in self.experiences if e.id != action.experience_id)
            return replace(self, experiences=kept)
        if isinstance(action, SaveSelfCheck):
            return replace(self, self_checks={**self.self_checks, action.skill_id: action.answers})
        if isinstance(action, DeleteSelfCheck):
            checks = {k: v for k, v in self.self_checks.items() if k != action.skill_id}
            return replace(self, self_checks=checks)
        if isinstance(action, CancelRequest):
            requests = tuple(
                replace(r, state="cancelled") if r.id == action.request_id and r.is_open else r
                for r in self.requests
            )
            return replace(self, requests=requests)
        if isinstance(action, ShareMerit | WithdrawMerit):
            merits = tuple(_merit_after(m, action) for m in self.merits)
            return replace(self, merits=merits)
        return self


def _merit_after(merit: SavedMerit, action: Action) -> SavedMerit:
    from dialogs.outputs import ShareMerit

    if getattr(action, "credential_id", None) != merit.id:
        return merit
    if isinstance(action, ShareMerit):
        return replace(merit, shared=action.on)
    return replace(merit, withdrawn=True)


EMPTY_PORTFOLIO = Portfolio()
