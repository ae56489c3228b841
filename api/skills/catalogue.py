"""The skill catalogue: job areas, skills and their learning outcomes.

The data lives in YAML files next to this module (``data/``): ``areas.yaml`` holds the job
areas and every other ``*.yaml`` file holds a ``skills:`` list. Everything is written in
Swedish (``sv``), English (``en``) and Arabic (``ar``).

An outcome's text is the part of the sentence after the opening "The holder can" /
"Innehavaren kan" / "يستطيع حامل الشهادة أن": an active, observable verb, the content and the
context. ``load_catalogue`` checks the data and raises ``CatalogueError`` (a ``ValueError``)
that names the file and the entry at fault.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Final

import yaml

Locale = str  # "sv" | "en" | "ar"

LOCALES: Final[tuple[Locale, ...]] = ("sv", "en", "ar")
FALLBACK_LOCALE: Final[Locale] = "en"
MAX_OUTCOMES: Final = 10
MIN_OUTCOMES: Final = 2
MAX_GENERAL_OUTCOMES: Final = 5
GENERAL_AREA_ID: Final = "general"

#: The ten general work skills, in the order they are shown to a learner.
GENERAL_SKILL_IDS: Final[tuple[str, ...]] = (
    "arrives_on_time",
    "works_carefully",
    "follows_instructions",
    "cooperates_in_team",
    "meets_customers",
    "keeps_hygiene",
    "works_safely",
    "asks_for_help",
    "takes_responsibility",
    "handles_changes",
)

DATA_DIR: Final = Path(__file__).resolve().parent / "data"
AREAS_FILE: Final = "areas.yaml"

_ID_RE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_ESCO_SKILL_RE: Final = re.compile(
    r"^http://data\.europa\.eu/esco/skill/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
_MAX_PICTURE_CODEPOINTS: Final = 8


class CatalogueError(ValueError):
    """The catalogue data is malformed; the message names the file and the entry."""


class Category(StrEnum):
    """The three kinds of learning outcome in the guidebook."""

    KNOWLEDGE = "knowledge"
    SKILLS = "skills"
    RESPONSIBILITY_AUTONOMY = "responsibility_autonomy"


def _in_locale(texts: Mapping[str, str], locale: str) -> str:
    text = texts.get(locale)
    if text:
        return text
    return texts[FALLBACK_LOCALE]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One learning outcome; ``text`` completes the sentence "The holder can ..."."""

    id: str
    category: Category
    text: Mapping[str, str] = field(hash=False)

    def in_locale(self, locale: str) -> str:
        """The outcome text in ``locale``, or in English when that locale is missing."""
        return _in_locale(self.text, locale)


@dataclass(frozen=True, slots=True)
class Skill:
    """A skill a learner can claim, with the outcomes that describe it."""

    id: str
    area: str
    picture: str
    name: Mapping[str, str] = field(hash=False)
    synonyms: Mapping[str, tuple[str, ...]] = field(hash=False)
    outcomes: tuple[Outcome, ...]
    esco_uri: str | None
    general: bool

    def name_in(self, locale: str) -> str:
        """The skill's name in ``locale``, or in English when that locale is missing."""
        return _in_locale(self.name, locale)

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome with this id; ``KeyError`` when the skill has none."""
        for outcome in self.outcomes:
            if outcome.id == outcome_id:
                return outcome
        raise KeyError(f"skill {self.id!r} has no outcome {outcome_id!r}")

    def labels(self) -> Iterator[str]:
        """Every name and synonym in every language (what a learner might type)."""
        for locale in LOCALES:
            name = self.name.get(locale)
            if name:
                yield name
            yield from self.synonyms.get(locale, ())


@dataclass(frozen=True, slots=True)
class Area:
    """A job area; ``roles`` and ``tasks`` are index-aligned across languages."""

    id: str
    picture: str
    name: Mapping[str, str] = field(hash=False)
    roles: Mapping[str, tuple[str, ...]] = field(hash=False)
    tasks: Mapping[str, tuple[str, ...]] = field(hash=False)

    def name_in(self, locale: str) -> str:
        """The area's name in ``locale``, or in English when that locale is missing."""
        return _in_locale(self.name, locale)


class Catalogue:
    """All areas and skills, looked up by id."""

    __slots__ = ("_areas_by_id", "_skills_by_id", "areas", "skills")

    skills: tuple[Skill, ...]
    areas: tuple[Area, ...]

    def __init__(self, skills: tuple[Skill, ...], areas: tuple[Area, ...]) -> None:
        self.skills = skills
        self.areas = areas
        self._skills_by_id: dict[str, Skill] = {skill.id: skill for skill in skills}
        self._areas_by_id: dict[str, Area] = {area.id: area for area in areas}

    def __len__(self) -> int:
        return len(self.skills)

    def __repr__(self) -> str:
        return f"<Catalogue {len(self.skills)} skills in {len(self.areas)} areas>"

    def skill(self, skill_id: str) -> Skill:
        """The skill with this id; ``KeyError`` when there is none."""
        try:
            return self._skills_by_id[skill_id]
        except KeyError:
            raise KeyError(f"unknown skill {skill_id!r}") from None

    def get(self, skill_id: str) -> Skill | None:
        """The skill with this id, or ``None``."""
        return self._skills_by_id.get(skill_id)

    def area(self, area_id: str) -> Area:
        """The area with this id; ``KeyError`` when there is none."""
        try:
            return self._areas_by_id[area_id]
        except KeyError:
            raise KeyError(f"unknown area {area_id!r}") from None

    def general_skills(self) -> tuple[Skill, ...]:
        """The general work skills: the ten known ones in their fixed order, then any others."""
        known = tuple(
            self._skills_by_id[sid] for sid in GENERAL_SKILL_IDS if sid in self._skills_by_id
        )
        others = tuple(s for s in self.skills if s.general and s.id not in GENERAL_SKILL_IDS)
        return known + others

    def skills_in_area(self, area_id: str) -> tuple[Skill, ...]:
        """The skills of one area, in catalogue order (empty for an unknown area)."""
        return tuple(skill for skill in self.skills if skill.area == area_id)


# --------------------------------------------------------------------------------------
# Loading and validation


class _Reader:
    """Reads untyped YAML values, raising ``CatalogueError`` that says where it happened."""

    def __init__(self, where: str) -> None:
        self.where = where

    def at(self, what: str) -> _Reader:
        return _Reader(f"{self.where}: {what}")

    def fail(self, problem: str) -> CatalogueError:
        return CatalogueError(f"{self.where}: {problem}")

    def mapping(self, value: object, allowed: frozenset[str] | None = None) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.fail(f"expected a mapping, got {type(value).__name__}")
        result: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise self.fail(f"key {key!r} is not a string")
            result[key] = item
        if allowed is not None:
            unknown = sorted(set(result) - allowed)
            if unknown:
                raise self.fail(f"unknown field(s) {', '.join(unknown)}")
        return result

    def required(self, data: Mapping[str, object], key: str) -> object:
        if key not in data or data[key] is None:
            raise self.fail(f"missing {key!r}")
        return data[key]

    def text(self, value: object, what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{what} must be a non-empty string")
        return value.strip()

    def identifier(self, value: object, what: str = "id") -> str:
        text = self.text(value, what)
        if not _ID_RE.match(text):
            raise self.fail(f"{what} {text!r} must be lower-case letters, digits and '_'")
        return text

    def picture(self, value: object) -> str:
        text = self.text(value, "picture")
        if len(text) > _MAX_PICTURE_CODEPOINTS or any(ch.isascii() for ch in text):
            raise self.fail(f"picture {text!r} must be a single emoji")
        return text

    def localised_text(self, value: object, what: str) -> Mapping[str, str]:
        data = self.at(what).mapping(value, frozenset(LOCALES))
        texts: dict[str, str] = {}
        for locale in LOCALES:
            if locale not in data:
                raise self.fail(f"{what} is missing the {locale!r} text")
            texts[locale] = self.text(data[locale], f"{what}.{locale}")
        return MappingProxyType(texts)

    def localised_list(
        self, value: object, what: str, *, allow_empty: bool = False
    ) -> Mapping[str, tuple[str, ...]]:
        data = self.at(what).mapping(value, frozenset(LOCALES))
        lists: dict[str, tuple[str, ...]] = {}
        for locale in LOCALES:
            items = data.get(locale)
            if items is None:
                raise self.fail(f"{what} is missing the {locale!r} list")
            if not isinstance(items, list):
                raise self.fail(f"{what}.{locale} must be a list")
            if not items and not allow_empty:
                raise self.fail(f"{what}.{locale} is empty")
            lists[locale] = tuple(
                self.text(item, f"{what}.{locale}[{i}]") for i, item in enumerate(items)
            )
        return MappingProxyType(lists)


_AREA_FIELDS: Final = frozenset({"id", "picture", "name", "roles", "tasks"})
_SKILL_FIELDS: Final = frozenset(
    {"id", "area", "general", "picture", "name", "synonyms", "esco_uri", "outcomes"}
)
_OUTCOME_FIELDS: Final = frozenset({"id", "category", "text"})


def _parse_area(raw: object, reader: _Reader) -> Area:
    area_id = reader.identifier(reader.required(reader.mapping(raw), "id"))
    here = reader.at(f"area {area_id!r}")
    data = here.mapping(raw, _AREA_FIELDS)
    roles = here.localised_list(here.required(data, "roles"), "roles")
    tasks = here.localised_list(here.required(data, "tasks"), "tasks")
    for what, lists in (("roles", roles), ("tasks", tasks)):
        lengths = {locale: len(items) for locale, items in lists.items()}
        if len(set(lengths.values())) != 1:
            raise here.fail(f"{what} lists are not aligned across languages: {lengths}")
    return Area(
        id=area_id,
        picture=here.picture(here.required(data, "picture")),
        name=here.localised_text(here.required(data, "name"), "name"),
        roles=roles,
        tasks=tasks,
    )


def _parse_outcome(raw: object, reader: _Reader) -> Outcome:
    outcome_id = reader.identifier(reader.required(reader.mapping(raw), "id"), "outcome id")
    here = reader.at(f"outcome {outcome_id!r}")
    data = here.mapping(raw, _OUTCOME_FIELDS)
    raw_category = here.required(data, "category")
    try:
        category = Category(str(raw_category))
    except ValueError:
        valid = ", ".join(c.value for c in Category)
        raise here.fail(f"category {raw_category!r} is not one of {valid}") from None
    return Outcome(
        id=outcome_id,
        category=category,
        text=here.localised_text(here.required(data, "text"), "text"),
    )


def _parse_skill(raw: object, reader: _Reader) -> Skill:
    skill_id = reader.identifier(reader.required(reader.mapping(raw), "id"), "skill id")
    here = reader.at(f"skill {skill_id!r}")
    data = here.mapping(raw, _SKILL_FIELDS)

    general = data.get("general", False)
    if not isinstance(general, bool):
        raise here.fail("general must be true or false")

    esco_uri: str | None = None
    if data.get("esco_uri") is not None:
        esco_uri = here.text(data["esco_uri"], "esco_uri")
        if not _ESCO_SKILL_RE.match(esco_uri):
            raise here.fail(f"esco_uri {esco_uri!r} is not an ESCO skill URI")

    raw_outcomes = here.required(data, "outcomes")
    if not isinstance(raw_outcomes, list):
        raise here.fail("outcomes must be a list")
    outcomes = tuple(_parse_outcome(item, here) for item in raw_outcomes)
    low, high = (MIN_OUTCOMES, MAX_GENERAL_OUTCOMES) if general else (MIN_OUTCOMES, MAX_OUTCOMES)
    if not low <= len(outcomes) <= high:
        kind = "a general skill" if general else "a skill"
        raise here.fail(f"{kind} needs {low}-{high} outcomes, found {len(outcomes)}")
    seen: set[str] = set()
    for outcome in outcomes:
        if outcome.id in seen:
            raise here.fail(f"duplicate outcome id {outcome.id!r}")
        seen.add(outcome.id)

    return Skill(
        id=skill_id,
        area=here.identifier(here.required(data, "area"), "area"),
        picture=here.picture(here.required(data, "picture")),
        name=here.localised_text(here.required(data, "name"), "name"),
        synonyms=here.localised_list(here.required(data, "synonyms"), "synonyms", allow_empty=True),
        outcomes=outcomes,
        esco_uri=esco_uri,
        general=general,
    )


def _read_yaml(path: Path) -> dict[str, object]:
    reader = _Reader(path.name)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise reader.fail(f"not valid YAML: {exc}") from exc
    return reader.mapping(raw)


def _list_of(data: Mapping[str, object], key: str, reader: _Reader) -> list[object]:
    value = reader.required(data, key)
    if not isinstance(value, list):
        raise reader.fail(f"{key!r} must be a list")
    return value


def load_catalogue(data_dir: Path | None = None) -> Catalogue:
    """Read and check the catalogue in ``data_dir`` (default: the packaged data).

    Raises ``CatalogueError`` (a ``ValueError``) naming the bad entry when ids repeat, a
    language is missing, an outcome count or category is wrong, a skill's area is unknown,
    or the roles/tasks lists are not aligned across languages.
    """
    directory = DATA_DIR if data_dir is None else data_dir
    areas_path = directory / AREAS_FILE
    if not areas_path.is_file():
        raise CatalogueError(f"{directory}: no {AREAS_FILE}")

    areas_reader = _Reader(AREAS_FILE)
    areas_data = areas_reader.mapping(_read_yaml(areas_path), frozenset({"areas"}))
    areas: list[Area] = []
    for index, raw in enumerate(_list_of(areas_data, "areas", areas_reader)):
        area = _parse_area(raw, areas_reader.at(f"areas[{index}]"))
        if any(existing.id == area.id for existing in areas):
            raise areas_reader.fail(f"duplicate area id {area.id!r}")
        areas.append(area)
    area_ids = {area.id for area in areas}

    skills: list[Skill] = []
    where_defined: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == AREAS_FILE:
            continue
        reader = _Reader(path.name)
        data = reader.mapping(_read_yaml(path), frozenset({"skills"}))
        for index, raw in enumerate(_list_of(data, "skills", reader)):
            skill = _parse_skill(raw, reader.at(f"skills[{index}]"))
            here = reader.at(f"skill {skill.id!r}")
            if skill.id in where_defined:
                raise here.fail(f"duplicate skill id, also in {where_defined[skill.id]}")
            if skill.area not in area_ids:
                raise here.fail(f"unknown area {skill.area!r}")
            if skill.general != (skill.area == GENERAL_AREA_ID):
                raise here.fail(
                    f"general skills belong to area {GENERAL_AREA_ID!r} and only they do"
                )
            where_defined[skill.id] = path.name
            skills.append(skill)

    if not skills:
        raise CatalogueError(f"{directory}: no skills found")
    return Catalogue(skills=tuple(skills), areas=tuple(areas))


@functools.cache
def default_catalogue() -> Catalogue:
    """The packaged catalogue, loaded and checked once per process."""
    return load_catalogue()
