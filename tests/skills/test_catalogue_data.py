"""The packaged catalogue follows the guidebook's rules and the product's needs."""

from __future__ import annotations

import re

import pytest

from api.skills.catalogue import (
    GENERAL_SKILL_IDS,
    LOCALES,
    Catalogue,
    Category,
    Skill,
    default_catalogue,
)

GENERAL_IDS = (
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
MIN_SKILLS_PER_AREA = {
    "hotel": 3,
    "cleaning": 3,
    "kitchen": 3,
    "elderly_care": 3,
    "retail": 3,
    "warehouse": 3,
    "vehicle_repair": 3,
    "association": 1,
    "customer_service": 1,
    "it_support": 1,
    "childcare": 1,
}
# Swedish infinitives that do not end in -a.
SHORT_SWEDISH_INFINITIVES = {"gå", "ta", "se", "ge", "få", "stå", "bo", "dra", "nå", "be", "ha"}
NOT_ACTIONS = {
    "sv": {"är", "vara", "blir", "bli", "har"},
    "en": {"is", "be", "are", "has", "have", "to", "can", "the", "a", "an"},
}
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return default_catalogue()


def all_skills() -> tuple[Skill, ...]:
    return default_catalogue().skills


def lix(sentences: list[str]) -> float:
    """Swedish readability: words per sentence + percentage of words longer than six letters."""
    words = [word for sentence in sentences for word in WORD.findall(sentence)]
    long_words = [word for word in words if len(word.replace("-", "")) > 6]
    return len(words) / len(sentences) + 100 * len(long_words) / len(words)


def test_there_are_at_least_34_skills(catalogue: Catalogue) -> None:
    assert len(catalogue.skills) >= 34


def test_the_ten_general_skills_come_in_the_fixed_order(catalogue: Catalogue) -> None:
    assert GENERAL_SKILL_IDS == GENERAL_IDS
    assert tuple(skill.id for skill in catalogue.general_skills()) == GENERAL_IDS
    assert all(skill.general and skill.area == "general" for skill in catalogue.general_skills())


def test_only_the_ten_general_skills_are_general(catalogue: Catalogue) -> None:
    assert {skill.id for skill in catalogue.skills if skill.general} == set(GENERAL_IDS)


@pytest.mark.parametrize("skill_id", GENERAL_IDS)
def test_general_skills_have_two_to_five_outcomes(catalogue: Catalogue, skill_id: str) -> None:
    assert 2 <= len(catalogue.skill(skill_id).outcomes) <= 5


@pytest.mark.parametrize("skill", all_skills(), ids=lambda s: s.id)
def test_every_skill_has_two_to_ten_outcomes(skill: Skill) -> None:
    assert 2 <= len(skill.outcomes) <= 10


@pytest.mark.parametrize(("area_id", "minimum"), MIN_SKILLS_PER_AREA.items())
def test_every_job_area_has_enough_skills(catalogue: Catalogue, area_id: str, minimum: int) -> None:
    skills = catalogue.skills_in_area(area_id)
    assert len(skills) >= minimum
    assert not any(skill.general for skill in skills)


def test_kitchen_has_a_kitchen_hygiene_skill(catalogue: Catalogue) -> None:
    assert catalogue.skill("kitchen_hygiene").area == "kitchen"


def test_saman_finds_his_car_work_and_his_football_club(catalogue: Catalogue) -> None:
    car_words = " ".join(
        s.name_in("en").lower() for s in catalogue.skills_in_area("vehicle_repair")
    )
    for word in ("engine", "brake", "tyre", "oil"):
        assert word in car_words
    assert any("football" in s.synonyms["en"] for s in catalogue.skills_in_area("association"))


def test_skill_ids_are_unique(catalogue: Catalogue) -> None:
    ids = [skill.id for skill in catalogue.skills]
    assert len(ids) == len(set(ids))


def test_area_ids_are_unique_and_include_general(catalogue: Catalogue) -> None:
    ids = [area.id for area in catalogue.areas]
    assert len(ids) == len(set(ids))
    assert "general" in ids
    assert set(MIN_SKILLS_PER_AREA) <= set(ids)


def test_every_skill_belongs_to_an_existing_area(catalogue: Catalogue) -> None:
    area_ids = {area.id for area in catalogue.areas}
    assert {skill.area for skill in catalogue.skills} <= area_ids


def test_every_area_has_skills(catalogue: Catalogue) -> None:
    for area in catalogue.areas:
        assert catalogue.skills_in_area(area.id), area.id


@pytest.mark.parametrize("skill", all_skills(), ids=lambda s: s.id)
def test_every_skill_speaks_all_three_languages(skill: Skill) -> None:
    for locale in LOCALES:
        assert skill.name[locale].strip()
        assert 3 <= len(skill.synonyms[locale]) <= 8, (locale, skill.synonyms[locale])
        assert all(synonym.strip() for synonym in skill.synonyms[locale])
        for outcome in skill.outcomes:
            assert outcome.text[locale].strip(), (outcome.id, locale)


@pytest.mark.parametrize("skill", all_skills(), ids=lambda s: s.id)
def test_outcome_ids_are_unique_and_categories_valid(skill: Skill) -> None:
    ids = [outcome.id for outcome in skill.outcomes]
    assert len(ids) == len(set(ids))
    assert all(isinstance(outcome.category, Category) for outcome in skill.outcomes)


@pytest.mark.parametrize("skill", all_skills(), ids=lambda s: s.id)
def test_outcome_text_starts_with_an_action_verb(skill: Skill) -> None:
    for outcome in skill.outcomes:
        sv_verb = outcome.text["sv"].split()[0].rstrip(",")
        en_verb = outcome.text["en"].split()[0].rstrip(",")
        ar_verb = outcome.text["ar"].split()[0]
        assert sv_verb.islower() and sv_verb not in NOT_ACTIONS["sv"], outcome.id
        assert sv_verb.endswith(("a", "å")) or sv_verb in SHORT_SWEDISH_INFINITIVES, sv_verb
        assert not outcome.text["sv"].startswith("att "), outcome.id
        assert en_verb.isalpha() and en_verb.islower(), en_verb
        assert en_verb not in NOT_ACTIONS["en"], outcome.id
        # "يستطيع حامل الشهادة أن" is followed by a present-tense verb: يفعل.
        assert ar_verb.startswith("ي"), (outcome.id, ar_verb)


@pytest.mark.parametrize("skill", all_skills(), ids=lambda s: s.id)
def test_outcomes_are_short_sentences_without_the_opening(skill: Skill) -> None:
    for outcome in skill.outcomes:
        for locale in LOCALES:
            text = outcome.text[locale]
            assert len(text.split()) <= 13, (outcome.id, locale, text)
            assert not text.endswith("."), (outcome.id, locale)
        assert not outcome.text["en"].lower().startswith("the holder")
        assert not outcome.text["sv"].lower().startswith("innehavaren")
        assert "حامل الشهادة" not in outcome.text["ar"]


def test_outcomes_describe_behaviour_not_character(catalogue: Catalogue) -> None:
    traits = ("by nature", "personality", "av naturen", "personlighet", "بطبيعته")
    for skill in catalogue.skills:
        for outcome in skill.outcomes:
            for locale in LOCALES:
                assert not any(t in outcome.text[locale].lower() for t in traits), outcome.id


def test_swedish_outcomes_are_easy_to_read(catalogue: Catalogue) -> None:
    sentences = [outcome.text["sv"] for skill in catalogue.skills for outcome in skill.outcomes]
    assert lix(sentences) < 30


@pytest.mark.parametrize("skill", all_skills(), ids=lambda s: s.id)
def test_esco_uris_if_any_are_esco_skill_uris(skill: Skill) -> None:
    if skill.esco_uri is not None:
        assert re.fullmatch(r"http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}", skill.esco_uri)


def test_pictures_are_single_emoji_and_distinct(catalogue: Catalogue) -> None:
    skill_pictures = [skill.picture for skill in catalogue.skills]
    area_pictures = [area.picture for area in catalogue.areas]
    assert len(set(skill_pictures)) == len(skill_pictures)
    assert len(set(area_pictures)) == len(area_pictures)
    for picture in skill_pictures + area_pictures:
        base = picture.replace("\ufe0f", "")
        assert len(base) == 1 and not base.isascii(), picture


def test_area_roles_and_tasks_are_aligned_across_languages(catalogue: Catalogue) -> None:
    for area in catalogue.areas:
        for locale in LOCALES:
            assert area.name[locale].strip()
            assert 3 <= len(area.roles[locale]) <= 5, (area.id, locale)
            assert 4 <= len(area.tasks[locale]) <= 6, (area.id, locale)
            assert len(area.roles[locale]) == len(area.roles["en"]), (area.id, locale)
            assert len(area.tasks[locale]) == len(area.tasks["en"]), (area.id, locale)
            for task in area.tasks[locale]:
                assert 1 <= len(task.split()) <= 4, (area.id, task)


def test_english_tasks_are_in_the_past_tense(catalogue: Catalogue) -> None:
    irregular = {"made", "cut", "went", "came", "took", "drove", "read", "found", "reset", "put"}
    for area in catalogue.areas:
        for task in area.tasks["en"]:
            verb = task.split()[0]
            assert verb.endswith("ed") or verb in irregular, (area.id, task)
