"""The catalogue's Python API: lookups, fallbacks and caching."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from api.skills.catalogue import (
    Catalogue,
    Category,
    Outcome,
    default_catalogue,
    load_catalogue,
)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return default_catalogue()


def test_default_catalogue_is_loaded_once() -> None:
    assert default_catalogue() is default_catalogue()


def test_loading_again_gives_an_equal_but_new_catalogue(catalogue: Catalogue) -> None:
    fresh = load_catalogue()
    assert fresh is not catalogue
    assert [s.id for s in fresh.skills] == [s.id for s in catalogue.skills]


def test_skill_lookup_by_id(catalogue: Catalogue) -> None:
    skill = catalogue.skill("kitchen_hygiene")
    assert skill.id == "kitchen_hygiene"
    assert skill.name_in("sv") == "Kökshygien"
    assert skill.name_in("en") == "Kitchen hygiene"
    assert skill.name_in("ar") == "نظافة المطبخ"
    assert catalogue.get("kitchen_hygiene") is skill


def test_unknown_skill_raises_key_error_but_get_returns_none(catalogue: Catalogue) -> None:
    with pytest.raises(KeyError, match="no_such_skill"):
        catalogue.skill("no_such_skill")
    assert catalogue.get("no_such_skill") is None


def test_area_lookup(catalogue: Catalogue) -> None:
    area = catalogue.area("vehicle_repair")
    assert area.name_in("sv") == "Bilverkstad"
    assert "Bilmekaniker" in area.roles["sv"]
    with pytest.raises(KeyError):
        catalogue.area("no_such_area")


def test_skills_in_area_keeps_catalogue_order(catalogue: Catalogue) -> None:
    ids = [s.id for s in catalogue.skills_in_area("vehicle_repair")]
    assert "vehicle_brakes" in ids
    assert ids == [s.id for s in catalogue.skills if s.area == "vehicle_repair"]
    assert catalogue.skills_in_area("no_such_area") == ()


def test_outcome_lookup_and_text(catalogue: Catalogue) -> None:
    outcome = catalogue.skill("arrives_on_time").outcome("on_time_every_shift")
    assert outcome.category is Category.SKILLS
    assert outcome.in_locale("en") == "arrive at the workplace on time for every shift"
    assert outcome.in_locale("sv") == "komma till arbetsplatsen i tid till varje arbetspass"
    assert outcome.in_locale("ar") == "يصل إلى مكان العمل في الوقت المحدد لكل نوبة"
    with pytest.raises(KeyError):
        catalogue.skill("arrives_on_time").outcome("no_such_outcome")


def test_missing_locale_falls_back_to_english() -> None:
    outcome = Outcome("x", Category.KNOWLEDGE, MappingProxyType({"en": "explain x"}))
    assert outcome.in_locale("sv") == "explain x"
    assert outcome.in_locale("fi") == "explain x"
    skill = default_catalogue().skill("works_safely")
    assert skill.name_in("de") == skill.name["en"]


def test_category_values_are_the_guidebook_three() -> None:
    assert {c.value for c in Category} == {"knowledge", "skills", "responsibility_autonomy"}
    assert Category("responsibility_autonomy") is Category.RESPONSIBILITY_AUTONOMY


def test_data_is_read_only(catalogue: Catalogue) -> None:
    skill = catalogue.skill("vehicle_brakes")
    with pytest.raises(dataclasses.FrozenInstanceError):
        skill.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        skill.name["sv"] = "Annat"  # type: ignore[index]
    assert isinstance(skill.synonyms["sv"], tuple)
    assert hash(skill) == hash(catalogue.skill("vehicle_brakes"))


def test_labels_cover_names_and_synonyms_in_every_language(catalogue: Catalogue) -> None:
    labels = set(catalogue.skill("kitchen_hygiene").labels())
    assert {"Kökshygien", "Kitchen hygiene", "نظافة المطبخ", "matsäkerhet"} <= labels
