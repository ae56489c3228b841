"""One line per figure, the same in every benchmark: name, value, goal and PASS/MISS.

The benchmarks never fail on time: a slow or busy machine reports a MISS rather than
breaking a build. ``python -m bench`` collects these lines into its summary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def verdict(name: str, value: str, goal: str, passed: bool) -> str:
    return f"{name:<52} {value:<34} goal {goal:<12} {'PASS' if passed else 'MISS'}"


def percentile(samples: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile (``percent`` in 0-100) of unordered samples."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
