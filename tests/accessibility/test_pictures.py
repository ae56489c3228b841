"""Every step of every flow, and every skill and job area in the catalogue, has a picture
with words for people who cannot see it, in Swedish, English and Arabic, and a drawn card.

A step's picture is a ``Picture`` or a function of the turn (a skill's own picture on the
self-check's question); a function is asked on a neutral turn and, for the self-check,
on every general skill.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.i18n import is_rtl, render, translations
from api.pictures import emoji as emoji_images
from api.pictures import fonts
from api.pictures.cards import render_card
from api.skills.catalogue import LOCALES, default_catalogue
from dialogs import flows  # noqa: F401 - registers every flow's steps
from dialogs.engine import STEPS, Context, Step, Turn, new_state
from dialogs.events import Event
from dialogs.outputs import Picture
from dialogs.texts import Localized, Msg
from tests.support.fixtures import unavailable

CATALOGUE = default_catalogue()


def turns_at(step: Step) -> Iterator[Turn]:
    """Turns on this step: a fresh one, and one on each general skill's self-check."""
    context = Context(catalogue=CATALOGUE, matcher=None)  # type: ignore[arg-type]
    states: list[dict[str, Any]] = [{}]
    states += [
        {"check": {"queue": [s.id], "skill": s.id, "index": 0, "answers": {}}}
        for s in CATALOGUE.general_skills()
    ]
    for changes in states:
        state = new_state("sv")
        state.update(at=step.id, **changes)
        state["profile"]["consented"] = True
        yield Turn(state, context, Event.resume())


def pictures_of(step: Step) -> list[Picture]:
    if isinstance(step.picture, Picture):
        return [step.picture]
    found = []
    for turn in turns_at(step):
        try:
            found.append(step.picture(turn))
        except (KeyError, IndexError, TypeError, AttributeError):
            continue  # this turn is not one the step is asked on
    return found


def missing_words(alt: object) -> list[str]:
    """The languages in which the picture has no words."""
    missing = []
    for locale in LOCALES:
        if isinstance(alt, Msg):
            catalog = translations(locale)
            words = catalog.gettext(alt.msgid) if locale != "en" else alt.msgid
            if not words.strip() or (locale != "en" and words == alt.msgid):
                missing.append(locale)
        elif isinstance(alt, Localized):
            if not (alt.texts.get(locale) or "").strip():
                missing.append(locale)
        else:
            missing.append(locale)
    return missing


def every_picture() -> Iterator[tuple[str, Picture]]:
    for step in STEPS.values():
        found = pictures_of(step)
        assert found, f"step {step.id} shows no picture"
        for picture in found:
            yield f"step {step.id}", picture
    for skill in CATALOGUE.skills:
        yield f"skill {skill.id}", Picture(skill.picture, Localized(skill.name))
    for area in CATALOGUE.areas:
        yield f"area {area.id}", Picture(area.picture, Localized(area.name))


def test_every_step_skill_and_area_has_a_picture_with_words_in_every_language() -> None:
    seen = list(every_picture())
    assert len({where for where, _ in seen}) >= len(STEPS) + len(CATALOGUE.skills)
    wordless = {
        where: missing
        for where, picture in seen
        if (missing := missing_words(picture.alt)) or not picture.emoji
    }
    assert wordless == {}


def test_every_picture_can_be_drawn_as_a_card_in_every_language() -> None:
    if fonts.emoji_font() is None:
        unavailable("Noto Color Emoji is not installed (scripts/system-deps.sh installs it)")
    undrawn = []
    for where, picture in every_picture():
        if emoji_images.glyph(picture.emoji) is None:
            undrawn.append(f"{where}: the emoji font has no {picture.emoji!r}")
            continue
        for locale in LOCALES:
            png = render_card(
                picture.emoji, render(picture.alt, locale), rtl=is_rtl(locale), size=128
            )
            if not png.startswith(b"\x89PNG"):
                undrawn.append(f"{where} in {locale}")
    assert undrawn == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_general_skills_self_check_shows_each_skills_own_picture(locale: str) -> None:
    shown = {p.emoji for p in pictures_of(STEPS["check.question"])}
    assert shown == {s.picture for s in CATALOGUE.general_skills()}
    assert all(render(Localized(s.name), locale) for s in CATALOGUE.general_skills())
