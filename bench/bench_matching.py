"""Benchmark of the skill matcher: latency of ``search`` and ``suggest``.

Run with ``python -m bench.bench_matching`` (or ``python bench/bench_matching.py``).
Prints one line per figure with its goal and PASS/MISS; it never fails on time, so a slow
machine reports a MISS rather than breaking a build.

* ``search`` over the real catalogue: queries are the catalogue's own labels in every
  language, with typos put in (a letter dropped, added, swapped or replaced) and some cut
  short as if still being typed.
* ``search`` over a synthetic catalogue of 20,000 labels generated with ``random.Random(42)``.
* ``suggest`` over the real catalogue on free texts of about 200 characters.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.skills.catalogue import LOCALES, Catalogue, load_catalogue  # noqa: E402
from api.skills.matcher import SkillMatcher  # noqa: E402

SEED = 42
REAL_QUERIES = 3000
SYNTHETIC_LABELS = 20_000
SYNTHETIC_QUERIES = 2000
SUGGEST_TEXTS = 600
WARMUP = 50

GOAL_SEARCH_REAL_P99_MS = 2.0
GOAL_SEARCH_SYNTHETIC_P99_MS = 10.0
GOAL_SUGGEST_P99_MS = 5.0

_LATIN = "abcdefghijklmnopqrstuvwxyzåäö"
_ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def percentile(samples_ns: Sequence[int], fraction: float) -> float:
    """The nearest-rank percentile of ``samples_ns``, in milliseconds."""
    ordered = sorted(samples_ns)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank] / 1e6


def add_typos(text: str, rng: random.Random) -> str:
    """``text`` with 0-2 random typos, sometimes cut short as if still being typed."""
    chars = list(text)
    alphabet = _ARABIC if any("\u0600" <= c <= "\u06ff" for c in text) else _LATIN
    for _ in range(rng.choice((0, 1, 1, 2))):
        if len(chars) < 4:
            break
        i = rng.randrange(1, len(chars) - 1)
        kind = rng.choice(("drop", "add", "swap", "replace"))
        if kind == "drop":
            del chars[i]
        elif kind == "add":
            chars.insert(i, rng.choice(alphabet))
        elif kind == "swap":
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = rng.choice(alphabet)
    typed = "".join(chars)
    if len(typed) > 8 and rng.random() < 0.15:
        typed = typed[: rng.randint(5, len(typed) - 1)]
    return typed


def real_queries(catalogue: Catalogue, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``(skill_id, query)`` pairs: labels in every language, equally many per language."""
    by_locale: dict[str, list[tuple[str, str]]] = {locale: [] for locale in LOCALES}
    for skill in catalogue.skills:
        for locale in LOCALES:
            labels = [skill.name[locale], *skill.synonyms[locale]]
            by_locale[locale].extend((skill.id, label) for label in labels)
    queries: list[tuple[str, str]] = []
    for i in range(count):
        skill_id, label = rng.choice(by_locale[LOCALES[i % len(LOCALES)]])
        queries.append((skill_id, add_typos(label, rng)))
    return queries


def synthetic_labels(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``count`` labels of 1-4 made-up words (Latin and Arabic script), 10 per skill."""
    onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "st", "br", "kl"]
    vowels = ["a", "e", "i", "o", "u", "ä", "ö", "å", "y"]
    codas = ["", "n", "r", "s", "k", "ll", "rt", "ng", "st", "d"]
    latin_words = sorted(
        {
            "".join(
                rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                for _ in range(rng.randint(1, 4))
            )
            for _ in range(6000)
        }
    )
    arabic_words = sorted(
        {
            "".join(rng.choice(_ARABIC) for _ in range(rng.randint(3, 7)))
            for _ in range(2500)
        }
    )
    labels: list[tuple[str, str]] = []
    for i in range(count):
        words = arabic_words if rng.random() < 0.3 else latin_words
        size = rng.choice((1, 2, 2, 3, 3, 4))
        label = " ".join(rng.choice(words) for _ in range(size))
        labels.append((f"synthetic_{i // 10:05d}", label))
    return labels


SUGGEST_TEMPLATES = {
    "sv": [
        "Jag jobbade på {place} i {years} år. Där {a} och {b}, och ibland {c}. "
        "Chefen sa att jag alltid kom i tid och var noggrann.",
        "På praktiken {a}, {b} och {c}. Jag frågade om hjälp när jag inte visste hur man gör.",
    ],
    "en": [
        "I worked at {place} for {years} years. I {a} and {b}, and sometimes I {c}. "
        "My boss said I always arrived on time.",
        "During my internship I {a}, {b} and {c}. I asked for help when I was unsure.",
    ],
    "ar": [
        "عملت في {place} لمدة {years} سنوات. {a} و{b} وأحيانا {c}. "
        "قال المدير إنني كنت أحضر في الوقت دائما.",
        "خلال التدريب {a} و{b} و{c}. وكنت أطلب المساعدة عندما لا أعرف.",
    ],
}
SUGGEST_PLACES = {
    "sv": ["ett hotell", "en restaurang", "en bilverkstad", "ett lager", "en butik", "ett äldreboende"],
    "en": ["a hotel", "a restaurant", "a garage", "a warehouse", "a shop", "a care home"],
    "ar": ["فندق", "مطعم", "ورشة سيارات", "مستودع", "متجر", "دار رعاية المسنين"],
}


def suggest_texts(catalogue: Catalogue, rng: random.Random, count: int) -> list[str]:
    """Free texts of roughly 200 characters built from the areas' example tasks."""
    tasks = {locale: [t for a in catalogue.areas for t in a.tasks[locale]] for locale in LOCALES}
    texts: list[str] = []
    for i in range(count):
        locale = LOCALES[i % len(LOCALES)]
        a, b, c = rng.sample(tasks[locale], 3)
        text = rng.choice(SUGGEST_TEMPLATES[locale]).format(
            place=rng.choice(SUGGEST_PLACES[locale]), years=rng.randint(2, 9), a=a, b=b, c=c
        )
        texts.append(add_typos(text, rng) if rng.random() < 0.5 else text)
    return texts


def time_calls(function: Callable[[str], object], inputs: Sequence[str]) -> list[int]:
    """Nanoseconds per call of ``function`` on each input, after a short warm-up."""
    for text in inputs[:WARMUP]:
        function(text)
    samples: list[int] = []
    for text in inputs:
        start = time.perf_counter_ns()
        function(text)
        samples.append(time.perf_counter_ns() - start)
    return samples


def report(name: str, samples: Sequence[int], goal_p99_ms: float) -> None:
    p50 = percentile(samples, 0.50)
    p99 = percentile(samples, 0.99)
    verdict = "PASS" if p99 <= goal_p99_ms else "MISS"
    print(
        f"{name:<44} n={len(samples):>5}  p50={p50:7.3f} ms  p99={p99:7.3f} ms  "
        f"goal p99<={goal_p99_ms:g} ms  {verdict}"
    )


def main() -> None:
    rng = random.Random(SEED)
    catalogue = load_catalogue()

    started = time.perf_counter_ns()
    matcher = SkillMatcher(catalogue)
    build_ms = (time.perf_counter_ns() - started) / 1e6
    print(
        f"real catalogue: {len(catalogue.skills)} skills, {len(matcher)} distinct labels "
        f"(names and synonyms in {', '.join(LOCALES)}); index built in {build_ms:.1f} ms"
    )

    queries = real_queries(catalogue, rng, REAL_QUERIES)
    samples = time_calls(matcher.search, [q for _, q in queries])
    report("search, real catalogue, typo'd labels", samples, GOAL_SEARCH_REAL_P99_MS)
    top1 = top3 = 0
    for skill_id, query in queries:
        found = [m.skill_id for m in matcher.search(query, limit=3)]
        top1 += bool(found) and found[0] == skill_id
        top3 += skill_id in found
    print(
        f"{'  right skill first / in top 3':<44} {100 * top1 / len(queries):.1f}% / "
        f"{100 * top3 / len(queries):.1f}%  (informational)"
    )

    labels = synthetic_labels(rng, SYNTHETIC_LABELS)
    started = time.perf_counter_ns()
    synthetic = SkillMatcher.from_labels(labels)
    build_ms = (time.perf_counter_ns() - started) / 1e6
    print(f"synthetic catalogue: {len(synthetic)} labels; index built in {build_ms:.1f} ms")
    synthetic_queries = [add_typos(rng.choice(labels)[1], rng) for _ in range(SYNTHETIC_QUERIES)]
    samples = time_calls(synthetic.search, synthetic_queries)
    report("search, synthetic 20,000 labels", samples, GOAL_SEARCH_SYNTHETIC_P99_MS)

    texts = suggest_texts(catalogue, rng, SUGGEST_TEXTS)
    mean_chars = statistics.mean(len(t) for t in texts)
    samples = time_calls(matcher.suggest, texts)
    report(f"suggest, real catalogue, ~{mean_chars:.0f}-char texts", samples, GOAL_SUGGEST_P99_MS)


if __name__ == "__main__":
    main()
