"""Importing this module registers every flow's steps and commands with the engine."""

from dialogs import (  # noqa: F401 - imported for their registrations
    endorsements,
    experience,
    general_skills,
    home,
    mentors,
    merits,
    onboarding,
    privacy,
    progress,
    review,
    settings,
    sharing,
)
