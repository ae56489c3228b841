"""The matching benchmark's inputs are reproducible (timings themselves are not asserted)."""

from __future__ import annotations

import random

from api.skills.catalogue import LOCALES, default_catalogue
from bench.bench_matching import (
    SYNTHETIC_LABELS,
    add_typos,
    percentile,
    real_queries,
    suggest_texts,
    synthetic_labels,
)


def test_synthetic_catalogue_is_deterministic_and_full_size() -> None:
    first = synthetic_labels(random.Random(42), SYNTHETIC_LABELS)
    again = synthetic_labels(random.Random(42), SYNTHETIC_LABELS)
    assert first == again
    assert len(first) == 20_000
    assert any("\u0600" <= label[0] <= "\u06ff" for _, label in first)


def test_real_queries_cover_every_language() -> None:
    queries = real_queries(default_catalogue(), random.Random(42), 300)
    assert len(queries) == 300
    scripts = {"ar" if "\u0600" <= q[:1] <= "\u06ff" else "latin" for _, q in queries if q}
    assert scripts == {"ar", "latin"}
    assert len(LOCALES) == 3


def test_typos_change_some_queries_but_keep_them_close() -> None:
    rng = random.Random(1)
    typed = [add_typos("kitchen hygiene", rng) for _ in range(50)]
    assert any(t != "kitchen hygiene" for t in typed)
    assert all(abs(len(t) - len("kitchen hygiene")) <= 10 for t in typed)


def test_suggest_texts_are_paragraph_sized() -> None:
    texts = suggest_texts(default_catalogue(), random.Random(42), 300)
    assert all(120 <= len(text) <= 300 for text in texts)
    assert 180 <= sum(map(len, texts)) / len(texts) <= 220


def test_percentile_uses_nearest_rank() -> None:
    samples = [1_000_000 * i for i in range(1, 101)]
    assert percentile(samples, 0.50) == 50.0
    assert percentile(samples, 0.99) == 99.0
