"""Who the endorsement tests and benchmarks are about: Jacob and his hotel internship."""

from __future__ import annotations

from typing import Any, Final

# As the chat saves it: one catalogue skill and one in his own words.
JACOBS_INTERNSHIP: Final[dict[str, Any]] = {
    "kind": "internship",
    "area": "hotel",
    "role": "Rumsstädare",
    "place": "Hotell Norra",
    "start_year": 2026,
    "start_month": 3,
    "ongoing": True,
    "skills": ["hotel_room_cleaning"],
    "own_skills": ["Folding towels the hotel's way"],
}
