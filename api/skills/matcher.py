"""Fuzzy skill matching across Swedish, English and Arabic at once.

Every skill's names and synonyms in every language become *labels*. Two questions are
answered:

``search(query)``
    A short typed query ("kitchen hygine", "kökshygien", "نظافة المطبخ"). A cheap prefilter
    picks candidate labels: those with a word close to a query word (``ratio``, over words of
    a possible length only), starting with it or containing it, plus, for catalogues of up
    to 5,000 labels, those whose whole text is close to the whole query. Only candidates are
    scored with rapidfuzz's ``WRatio``. The best label per skill wins; a query typed without
    å/ä/ö also meets the labels with those letters read as a/a/o.

``suggest(text)``
    A longer free text ("jag bytte bromsar och olja på bilar"). The text is cut into words,
    each word is lightly stemmed and matched (exactly, fuzzily, or as part of a compound)
    against the stemmed words of the labels; a label is found when all its content words
    turn up close together in the text.

Both normalise the two sides the same way (see :mod:`api.skills.text`) and never raise on
odd input: empty, emoji-only or very long text gives ``[]`` or a short harmless list.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz, process

from api.skills.catalogue import LOCALES, Catalogue, default_catalogue
from api.skills.text import STOPWORDS, STOPWORDS_BY_LOCALE, normalise, stem, word_forms

#: ``search`` drops labels whose WRatio is below this.
SEARCH_CUTOFF: Final = 70.0
#: ``suggest`` drops labels whose mean word score is below this.
SUGGEST_CUTOFF: Final = 80.0

_MAX_QUERY_CHARS: Final = 120  # a search query longer than this is not a query
_MAX_TEXT_CHARS: Final = 5000  # suggest reads at most this much normalised text
_LABEL_PREFILTER: Final = 55.0  # whole-label ratio that makes a label a candidate
_WORD_PREFILTER: Final = 75.0  # word ratio that makes a label word a candidate
_MAX_PREFIX_WORDS: Final = 64
_MAX_SUBSTRING_WORDS: Final = 64
_MAX_CANDIDATES: Final = 200  # labels rescored with WRatio, best prefilter scores first
_FULL_SCAN_LABELS: Final = 5000  # up to this many labels, search also compares whole labels
_MIN_CONTAINED: Final = 4  # shortest label word found inside a compound word
_MAX_WORD_CHARS: Final = 40  # longer "words" (pasted links, key mashing) are skipped
_CONTAINED_SCORE: Final = 90.0
_TERM_CUTOFF: Final = 80.0  # fuzzy score for one word of a free text
_MIN_FUZZY_STEM: Final = 3  # shorter stems must match exactly
_WINDOW_SLACK: Final = 3  # extra words allowed between the words of one label
_MAX_OCCURRENCES: Final = 8  # per label word, the best places it was found in a text
_FOLD_SWEDISH: Final = str.maketrans("åäö", "aao")
_FOLD_PENALTY: Final = 1.0


@dataclass(frozen=True, slots=True)
class Match:
    """A skill found for a query; ``matched_label`` is the name or synonym that matched."""

    skill_id: str
    score: float
    matched_label: str


@dataclass(frozen=True, slots=True)
class _Label:
    skill_id: str
    text: str
    norm: str
    terms: tuple[int, ...]  # ids of the stemmed content words ``suggest`` must find


class SkillMatcher:
    """Finds skills for typed queries and free texts; build once, query many times."""

    __slots__ = (
        "_area_of",
        "_contained",
        "_folded",
        "_labels",
        "_longest_contained",
        "_norms",
        "_term_ids",
        "_term_labels",
        "_terms",
        "_terms_by_size",
        "_word_ends",
        "_word_labels",
        "_word_starts",
        "_word_text",
        "_words",
        "_words_by_size",
    )

    def __init__(self, catalogue: Catalogue) -> None:
        self._build(
            (
                (skill.id, label, locale)
                for skill in catalogue.skills
                for locale in LOCALES
                for label in (skill.name.get(locale, ""), *skill.synonyms.get(locale, ()))
            ),
            {skill.id: skill.area for skill in catalogue.skills if not skill.general},
        )

    @classmethod
    def from_labels(cls, labels: Iterable[tuple[str, str]]) -> SkillMatcher:
        """A matcher over arbitrary ``(skill_id, label)`` pairs (tests, benchmarks).

        The labels' language is unknown, so every language's function words are ignored.
        """
        matcher = cls.__new__(cls)
        matcher._build(((skill_id, label, None) for skill_id, label in labels), {})
        return matcher

    def __len__(self) -> int:
        """The number of distinct labels indexed."""
        return len(self._labels)

    # ----------------------------------------------------------------------------------
    # Index

    def _build(self, pairs: Iterable[tuple[str, str, str | None]], area_of: dict[str, str]) -> None:
        labels: list[_Label] = []
        seen: set[tuple[str, str]] = set()
        term_ids: dict[str, int] = {}
        terms: list[str] = []
        term_labels: list[list[int]] = []
        contained: defaultdict[str, set[int]] = defaultdict(set)
        word_labels: defaultdict[str, set[int]] = defaultdict(set)

        for skill_id, text, locale in pairs:
            norm = normalise(text)
            if not norm or (skill_id, norm) in seen:
                continue
            seen.add((skill_id, norm))
            index = len(labels)
            words = norm.split()
            stopwords = STOPWORDS_BY_LOCALE.get(locale, STOPWORDS) if locale else STOPWORDS
            content = [w for w in words if w not in stopwords] or words
            label_terms: list[int] = []
            for word in content:
                stemmed = stem(word)
                term = term_ids.get(stemmed)
                if term is None:
                    term = term_ids[stemmed] = len(terms)
                    terms.append(stemmed)
                    term_labels.append([])
                if term not in label_terms:
                    label_terms.append(term)
                    term_labels[term].append(index)
                for key in (word, stemmed):
                    if len(key) >= _MIN_CONTAINED:
                        contained[key].add(term)
            for word in words:
                word_labels[word].add(index)
            labels.append(_Label(skill_id, text.strip(), norm, tuple(label_terms)))

        self._labels: tuple[_Label, ...] = tuple(labels)
        self._area_of: dict[str, str] = area_of
        self._norms: list[str] = [label.norm for label in labels]
        # The same labels with å/ä/ö read as a/a/o, for queries typed without those letters.
        self._folded: list[str | None] = [
            folded if (folded := norm.translate(_FOLD_SWEDISH)) != norm else None
            for norm in self._norms
        ]
        self._terms: list[str] = terms
        self._term_ids: dict[str, int] = term_ids
        self._term_labels: tuple[tuple[int, ...], ...] = tuple(tuple(x) for x in term_labels)
        self._contained: dict[str, tuple[int, ...]] = {
            key: tuple(sorted(ids)) for key, ids in contained.items()
        }
        self._longest_contained: int = max(map(len, self._contained), default=0)
        self._words: list[str] = sorted(word_labels)
        self._word_labels: tuple[tuple[int, ...], ...] = tuple(
            tuple(sorted(word_labels[word])) for word in self._words
        )
        # All label words in one string, for fast substring search ("hygien" in "kökshygien").
        self._word_text: str = "\n".join(self._words)
        starts: list[int] = []
        position = 0
        for word in self._words:
            starts.append(position)
            position += len(word) + 1
        self._word_starts: list[int] = starts
        self._word_ends: list[int] = [s + len(w) for s, w in zip(starts, self._words, strict=True)]
        self._words_by_size: _BySize = _by_size(self._words)
        self._terms_by_size: _BySize = _by_size(self._terms)

    # ----------------------------------------------------------------------------------
    # search

    def search(self, query: str, limit: int = 8) -> list[Match]:
        """Skills whose names or synonyms are close to a short typed ``query``, best first.

        One result per skill (its best label), scores 0-100, at least ``SEARCH_CUTOFF``.
        """
        if limit <= 0 or not query:
            return []
        q = normalise(query[: _MAX_QUERY_CHARS * 4])[:_MAX_QUERY_CHARS].strip()
        if len(q) < 2:
            return []

        candidates = self._candidates(q)
        if not candidates:
            return []
        indexes = list(candidates)
        scores: dict[int, float] = {
            indexes[k]: score
            for _, score, k in process.extract(
                q,
                [self._norms[i] for i in indexes],
                scorer=fuzz.WRatio,
                processor=None,
                score_cutoff=SEARCH_CUTOFF,
                limit=None,
            )
        }
        folded_hits: set[int] = set()
        if q.translate(_FOLD_SWEDISH) == q:
            # "kokshygien" typed on a keyboard without ö: nearly as good as "kökshygien".
            for index in indexes:
                folded = self._folded[index]
                if folded is None:
                    continue
                score = fuzz.WRatio(q, folded, processor=None, score_cutoff=SEARCH_CUTOFF)
                if score - _FOLD_PENALTY > scores.get(index, 0.0):
                    scores[index] = score - _FOLD_PENALTY
                    folded_hits.add(index)

        ranked: list[tuple[float, float, int]] = []
        for index, score in scores.items():
            if score < SEARCH_CUTOFF:
                continue
            if index in folded_hits:
                other = self._folded[index] or self._norms[index]
                closeness = fuzz.ratio(q, other, processor=None) - _FOLD_PENALTY
            else:
                closeness = fuzz.ratio(q, self._norms[index], processor=None)
            ranked.append((score, closeness, index))
        ranked.sort(key=lambda item: (-item[0], -item[1], item[2]))

        results: list[Match] = []
        taken: set[str] = set()
        for score, _, index in ranked:
            label = self._labels[index]
            if label.skill_id in taken:
                continue
            taken.add(label.skill_id)
            results.append(Match(label.skill_id, round(score, 1), label.text))
            if len(results) >= limit:
                break
        return results

    def _candidates(self, q: str) -> dict[int, float]:
        """Labels worth scoring for ``q``, with a rough prefilter score each.

        Label words close to a query word always count. Comparing the whole query with every
        whole label (which catches a missing or extra space) is done for catalogues of up to
        ``_FULL_SCAN_LABELS`` labels, and for bigger ones only when the words found nothing.
        """
        candidates: dict[int, float] = {}
        for word_index, score in self._words_like(q).items():
            for index in self._word_labels[word_index]:
                if candidates.get(index, -1.0) < score:
                    candidates[index] = score
        if len(self._norms) <= _FULL_SCAN_LABELS or not candidates:
            for _, score, index in process.extract(
                q,
                self._norms,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=_LABEL_PREFILTER,
                limit=None,
            ):
                if candidates.get(index, -1.0) < score:
                    candidates[index] = score
        if len(candidates) > _MAX_CANDIDATES:
            kept = heapq.nlargest(_MAX_CANDIDATES, candidates.items(), key=lambda kv: kv[1])
            candidates = dict(kept)
        return candidates

    def _words_like(self, q: str) -> dict[int, float]:
        """Label words near a query word: fuzzy, starting with it, or containing it."""
        found: dict[int, float] = {}

        def note(word_index: int, score: float) -> None:
            if found.get(word_index, -1.0) < score:
                found[word_index] = score

        for token in set(q.split()):
            if not 2 <= len(token) <= _MAX_WORD_CHARS or token in STOPWORDS:
                continue
            if len(token) >= 3:
                for word_index, score in _close_words(token, self._words_by_size, _WORD_PREFILTER):
                    note(word_index, score)
            # Words that start with the token (someone still typing: "kitch", "بطار").
            start = bisect.bisect_left(self._words, token)
            for word_index in range(start, min(start + _MAX_PREFIX_WORDS, len(self._words))):
                word = self._words[word_index]
                if not word.startswith(token):
                    break
                note(word_index, 100.0 * len(token) / len(word))
            # Words that contain the token (compounds: "hygien" in "kökshygien").
            if len(token) >= _MIN_CONTAINED:
                for word_index in self._words_containing(token):
                    note(word_index, 100.0 * len(token) / len(self._words[word_index]))
        return found

    def _words_containing(self, token: str) -> Iterable[int]:
        text = self._word_text
        position = text.find(token)
        hits = 0
        while position != -1 and hits < _MAX_SUBSTRING_WORDS:
            word_index = bisect.bisect_right(self._word_starts, position) - 1
            yield word_index
            hits += 1
            # Jump past this word so one word is reported once.
            position = text.find(token, self._word_ends[word_index] + 1)

    # ----------------------------------------------------------------------------------
    # suggest

    def suggest(self, text: str, limit: int = 6) -> list[Match]:
        """Skills whose names or synonyms appear, possibly inflected or misspelt, in ``text``.

        Meant for a sentence or a few a learner wrote about their work. Skills are ranked by
        how well their best label matched (the mean of its words' scores, at least
        ``SUGGEST_CUTOFF``) plus a small bonus for a longer label, for several labels found
        and for other skills of the same area found too; ``score`` is that sum capped at 100.
        """
        if limit <= 0 or not text:
            return []
        words = normalise(text[: _MAX_TEXT_CHARS * 4])[:_MAX_TEXT_CHARS].split()
        occurrences: defaultdict[int, list[tuple[float, int]]] = defaultdict(list)
        cache: dict[str, dict[int, float]] = {}
        for position, word in enumerate(words):
            if not 2 <= len(word) <= _MAX_WORD_CHARS:
                continue
            if word in STOPWORDS and word not in self._term_ids:
                continue
            terms = cache.get(word)
            if terms is None:
                terms = cache[word] = self._terms_like(word)
            for term, score in terms.items():
                occurrences[term].append((score, position))
        if not occurrences:
            return []
        best_places: dict[int, list[tuple[float, int]]] = {
            term: heapq.nlargest(_MAX_OCCURRENCES, places, key=lambda p: (p[0], -p[1]))
            for term, places in occurrences.items()
        }

        found: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
        candidate_labels = {i for term in best_places for i in self._term_labels[term]}
        for index in candidate_labels:
            label = self._labels[index]
            label_score = _label_score(label.terms, best_places)
            if label_score is not None and label_score >= SUGGEST_CUTOFF:
                found[label.skill_id].append((label_score, len(label.terms), label.text))
        if not found:
            return []

        areas_found: defaultdict[str, int] = defaultdict(int)
        for skill_id in found:
            area = self._area_of.get(skill_id)
            if area is not None:
                areas_found[area] += 1
        ranked: list[tuple[float, float, str, str]] = []
        for skill_id, hits in found.items():
            hits.sort(key=lambda h: (-h[0], -h[1], h[2]))
            score, n_terms, label_text = hits[0]
            # A longer label is more specific; several labels, or several skills of the
            # same area, make the finding more likely to be what the learner meant.
            area = self._area_of.get(skill_id)
            neighbours = areas_found[area] - 1 if area is not None else 0
            bonus = min(n_terms - 1, 2) + 0.5 * min(len(hits) - 1, 2) + min(neighbours, 2)
            ranked.append((score, bonus, skill_id, label_text))
        ranked.sort(key=lambda r: (-(r[0] + r[1]), -r[0], r[2]))
        return [
            Match(skill_id, round(min(100.0, score + bonus), 1), label_text)
            for score, bonus, skill_id, label_text in ranked[:limit]
        ]

    def _terms_like(self, word: str) -> dict[int, float]:
        """Label words (stemmed) that one word of a free text stands for, with scores."""
        forms = word_forms(word)
        result: dict[int, float] = {}
        for form in forms:
            exact = self._term_ids.get(form)
            if exact is not None:
                result[exact] = 100.0
            elif len(form) >= _MIN_FUZZY_STEM:
                for term, score in _close_words(form, self._terms_by_size, _TERM_CUTOFF):
                    if result.get(term, -1.0) < score:
                        result[term] = score
        # Compounds: "bromsbyte" holds "broms", "vinterdäck" holds "däck".
        for form in {word, *forms}:
            for size in range(_MIN_CONTAINED, min(len(form), self._longest_contained + 1)):
                for key in (form[:size], form[-size:]):
                    for term in self._contained.get(key, ()):
                        if result.get(term, -1.0) < _CONTAINED_SCORE:
                            result[term] = _CONTAINED_SCORE
        return result


# Words grouped by length: length -> (words, their positions in the full list).
_BySize = dict[int, tuple[list[str], list[int]]]


def _by_size(words: Sequence[str]) -> _BySize:
    groups: _BySize = {}
    for index, word in enumerate(words):
        texts, indexes = groups.setdefault(len(word), ([], []))
        texts.append(word)
        indexes.append(index)
    return groups


def _close_words(word: str, groups: _BySize, cutoff: float) -> Iterable[tuple[int, float]]:
    """``(index, ratio)`` of the grouped words whose ``fuzz.ratio`` with ``word`` >= cutoff.

    Only lengths that can reach the cutoff are compared: ratio <= 200*min/(a+b).
    """
    factor = cutoff / (200.0 - cutoff)
    for size in range(math.ceil(len(word) * factor), math.floor(len(word) / factor) + 1):
        group = groups.get(size)
        if group is None:
            continue
        texts, indexes = group
        for _, score, k in process.extract(
            word, texts, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=None
        ):
            yield indexes[k], score


def _label_score(terms: Sequence[int], places: dict[int, list[tuple[float, int]]]) -> float | None:
    """Mean score of a label's words when all of them occur close together, else None."""
    if any(term not in places for term in terms):
        return None
    if len(terms) == 1:
        return places[terms[0]][0][0]
    window = len(terms) + _WINDOW_SLACK
    anchor_term = min(terms, key=lambda t: len(places[t]))
    best: float | None = None
    for anchor_score, anchor_pos in places[anchor_term]:
        used = {anchor_pos}
        total = anchor_score
        low = high = anchor_pos
        complete = True
        for term in terms:
            if term == anchor_term:
                continue
            pick: tuple[float, int] | None = None
            for score, pos in places[term]:
                if pos in used or abs(pos - anchor_pos) > window:
                    continue
                if pick is None or score > pick[0]:
                    pick = (score, pos)
            if pick is None:
                complete = False
                break
            used.add(pick[1])
            total += pick[0]
            low, high = min(low, pick[1]), max(high, pick[1])
        if complete and high - low <= window:
            mean = total / len(terms)
            if best is None or mean > best:
                best = mean
    return best


@functools.cache
def default_matcher() -> SkillMatcher:
    """A matcher over the packaged catalogue, built once per process."""
    return SkillMatcher(default_catalogue())
