"""load_catalogue rejects malformed data with an error that names the bad entry."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.skills.catalogue import CatalogueError, Category, load_catalogue

TEXT = {"sv": "göra något", "en": "do something", "ar": "يفعل شيئا"}


def area(area_id: str) -> dict[str, Any]:
    return {
        "id": area_id,
        "picture": "🍳",
        "name": {"sv": "Kök", "en": "Kitchen", "ar": "المطبخ"},
        "roles": {"sv": ["Kock"], "en": ["Cook"], "ar": ["طباخ"]},
        "tasks": {"sv": ["diskade"], "en": ["washed dishes"], "ar": ["غسلت الصحون"]},
    }


def outcome(outcome_id: str, category: str = "skills") -> dict[str, Any]:
    return {"id": outcome_id, "category": category, "text": dict(TEXT)}


def skill(skill_id: str, area_id: str = "kitchen", outcomes: int = 2) -> dict[str, Any]:
    return {
        "id": skill_id,
        "area": area_id,
        "general": area_id == "general",
        "picture": "🧤",
        "name": {"sv": "Kökshygien", "en": "Kitchen hygiene", "ar": "نظافة المطبخ"},
        "synonyms": {"sv": ["matsäkerhet"], "en": ["food safety"], "ar": ["سلامة الغذاء"]},
        "outcomes": [outcome(f"o{i}") for i in range(outcomes)],
    }


def write(directory: Path, areas: list[dict[str, Any]], skills: list[dict[str, Any]]) -> Path:
    (directory / "areas.yaml").write_text(
        yaml.safe_dump({"areas": areas}, allow_unicode=True), encoding="utf-8"
    )
    (directory / "skills.yaml").write_text(
        yaml.safe_dump({"skills": skills}, allow_unicode=True), encoding="utf-8"
    )
    return directory


VALID_AREAS = [area("general"), area("kitchen")]
VALID_SKILLS = [skill("arrives_on_time", "general"), skill("kitchen_hygiene")]


def test_a_small_valid_catalogue_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue(write(tmp_path, VALID_AREAS, VALID_SKILLS))
    assert [s.id for s in catalogue.skills] == ["arrives_on_time", "kitchen_hygiene"]
    assert [s.id for s in catalogue.general_skills()] == ["arrives_on_time"]
    assert catalogue.skill("kitchen_hygiene").outcomes[0].category is Category.SKILLS
    assert catalogue.skill("kitchen_hygiene").esco_uri is None


def test_a_known_esco_uri_format_is_accepted(tmp_path: Path) -> None:
    skills = copy.deepcopy(VALID_SKILLS)
    skills[1]["esco_uri"] = "http://data.europa.eu/esco/skill/00000000-1111-2222-3333-444444444444"
    catalogue = load_catalogue(write(tmp_path, VALID_AREAS, skills))
    assert catalogue.skill("kitchen_hygiene").esco_uri == skills[1]["esco_uri"]


def expect_error(tmp_path: Path, areas: list[Any], skills: list[Any], *fragments: str) -> None:
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(write(tmp_path, areas, skills))
    assert isinstance(raised.value, ValueError)
    for fragment in fragments:
        assert fragment in str(raised.value)


def test_duplicate_skill_id_is_rejected(tmp_path: Path) -> None:
    expect_error(
        tmp_path,
        VALID_AREAS,
        [*VALID_SKILLS, skill("kitchen_hygiene")],
        "kitchen_hygiene",
        "duplicate",
    )


def test_duplicate_area_id_is_rejected(tmp_path: Path) -> None:
    expect_error(tmp_path, [*VALID_AREAS, area("kitchen")], VALID_SKILLS, "kitchen", "duplicate")


def test_missing_language_in_a_name_is_rejected(tmp_path: Path) -> None:
    skills = copy.deepcopy(VALID_SKILLS)
    del skills[1]["name"]["ar"]
    expect_error(tmp_path, VALID_AREAS, skills, "kitchen_hygiene", "name", "'ar'")


def test_missing_language_in_an_outcome_is_rejected(tmp_path: Path) -> None:
    skills = copy.deepcopy(VALID_SKILLS)
    skills[1]["outcomes"][1]["text"]["sv"] = "  "
    expect_error(tmp_path, VALID_AREAS, skills, "kitchen_hygiene", "o1", "text.sv")


def test_more_than_ten_outcomes_is_rejected(tmp_path: Path) -> None:
    expect_error(
        tmp_path,
        VALID_AREAS,
        [VALID_SKILLS[0], skill("kitchen_hygiene", outcomes=11)],
        "kitchen_hygiene",
        "found 11",
    )


def test_a_single_outcome_is_rejected(tmp_path: Path) -> None:
    expect_error(
        tmp_path,
        VALID_AREAS,
        [VALID_SKILLS[0], skill("kitchen_hygiene", outcomes=1)],
        "kitchen_hygiene",
        "found 1",
    )


def test_a_general_skill_with_six_outcomes_is_rejected(tmp_path: Path) -> None:
    expect_error(
        tmp_path,
        VALID_AREAS,
        [skill("arrives_on_time", "general", outcomes=6), VALID_SKILLS[1]],
        "arrives_on_time",
        "general skill",
        "2-5",
    )


def test_an_unknown_category_is_rejected(tmp_path: Path) -> None:
    skills = copy.deepcopy(VALID_SKILLS)
    skills[1]["outcomes"][0]["category"] = "attitude"
    expect_error(tmp_path, VALID_AREAS, skills, "kitchen_hygiene", "'attitude'")


def test_duplicate_outcome_id_is_rejected(tmp_path: Path) -> None:
    skills = copy.deepcopy(VALID_SKILLS)
    skills[1]["outcomes"][1]["id"] = "o0"
    expect_error(tmp_path, VALID_AREAS, skills, "kitchen_hygiene", "duplicate outcome id 'o0'")


def test_an_unknown_area_is_rejected(tmp_path: Path) -> None:
    expect_error(
        tmp_path,
        VALID_AREAS,
        [*VALID_SKILLS, skill("hotel_reception", "hotel")],
        "hotel_reception",
        "unknown area 'hotel'",
    )


def test_general_flag_must_match_the_general_area(tmp_path: Path) -> None:
    skills = copy.deepcopy(VALID_SKILLS)
    skills[1]["general"] = True
    expect_error(tmp_path, VALID_AREAS, skills, "kitchen_hygiene", "general")


def test_roles_not_aligned_across_languages_are_rejected(tmp_path: Path) -> None:
    areas = copy.deepcopy(VALID_AREAS)
    areas[1]["roles"]["ar"].append("مساعد مطبخ")
    expect_error(tmp_path, areas, VALID_SKILLS, "kitchen", "roles", "aligned")


def test_an_unknown_field_is_rejected(tmp_path: Path) -> None:
    skills = copy.deepcopy(VALID_SKILLS)
    skills[1]["synonym"] = {"sv": ["stavfel"]}
    expect_error(tmp_path, VALID_AREAS, skills, "kitchen_hygiene", "synonym")


def test_a_malformed_esco_uri_is_rejected(tmp_path: Path) -> None:
    skills = copy.deepcopy(VALID_SKILLS)
    skills[1]["esco_uri"] = "http://example.org/skill/1"
    expect_error(tmp_path, VALID_AREAS, skills, "kitchen_hygiene", "esco_uri")


def test_a_picture_must_be_an_emoji(tmp_path: Path) -> None:
    skills = copy.deepcopy(VALID_SKILLS)
    skills[1]["picture"] = "kitchen.png"
    expect_error(tmp_path, VALID_AREAS, skills, "kitchen_hygiene", "picture")


def test_a_bad_id_is_rejected(tmp_path: Path) -> None:
    expect_error(
        tmp_path, VALID_AREAS, [*VALID_SKILLS, skill("Kitchen Hygiene!")], "Kitchen Hygiene!"
    )


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    write(tmp_path, VALID_AREAS, VALID_SKILLS)
    (tmp_path / "broken.yaml").write_text("skills: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"broken\.yaml"):
        load_catalogue(tmp_path)


def test_a_directory_without_areas_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match=r"areas\.yaml"):
        load_catalogue(tmp_path)
