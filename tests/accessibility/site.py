"""What the accessibility tests look at: the service with Jacob's shared portfolio, and axe.

One service per test module (``live`` in conftest.py) on a SQLite file: the pages are
the same on any database, and starting one is most of a browser test's time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from playwright.async_api import Page

from tests.accessibility.bounded import evaluate, set_viewport

AXE: Final = (
    Path(__file__).resolve().parents[1] / "support" / "node_modules" / "axe-core" / "axe.min.js"
)
# WCAG 2.2 AA as axe-core tags it (2.2's new AA rules are tagged wcag22aa).
WCAG_AA: Final = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE: Final = {"width": 390, "height": 844}
DESKTOP: Final = {"width": 1280, "height": 800}
VIEWPORTS: Final = {"phone": PHONE, "desktop": DESKTOP}
LANGUAGES: Final = ("sv", "en", "ar")


@dataclass(frozen=True)
class LiveSite:
    url: str
    # Jacob's live portfolio link, and one of his credentials.
    portfolio_token: str
    credential_id: str
    credential: dict[str, Any]

    def portfolio(self, lang: str) -> str:
        return f"{self.url}/p/{self.portfolio_token}?lang={lang}"


async def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now."""
    if not await evaluate(page, "typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the pages' policies rightly block inline script.
        await evaluate(page, axe_source)
    result = await evaluate(
        page,
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})"
        ".then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({"
        "id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.html.slice(0, 200))}))}))",
        WCAG_AA,
    )
    assert result["passes"] > 5  # axe did look at the page
    return list(result["violations"])


class Findings:
    """Violations per state and viewport, reported all at once at the end of a test."""

    def __init__(self, axe_source: str) -> None:
        self.axe_source = axe_source
        self.found: dict[str, list[dict[str, Any]]] = {}
        self.checked: list[str] = []

    async def check(self, page: Page, state: str) -> None:
        """The state at a phone's and at a desktop's size."""
        for name, size in VIEWPORTS.items():
            await set_viewport(page, size)
            violations = await axe_violations(page, self.axe_source)
            self.checked.append(f"{state} @ {name}")
            if violations:
                self.found[f"{state} @ {name}"] = violations
        await set_viewport(page, PHONE)

    def report(self) -> str:
        return json.dumps(self.found, indent=1, ensure_ascii=False)
