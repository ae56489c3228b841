"""Fill empty translations in the catalogs from JSON files under locales/pending/.

Several people can add messages at once without editing the same .po file: each
writes its translations to its own ``locales/pending/<name>.json``, and this script
(run after ``make messages``) copies them into every catalog where the message is
still untranslated. A translation already in a catalog is never overwritten.

Each JSON file is a list of objects::

    {"context": "button" | null, "id": "Ask someone", "plural": null,
     "sv": "Fråga någon", "ar": "اسأل شخصًا"}

with lists instead of strings for plural messages (2 forms for sv, 6 for ar).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "locales"


def main() -> int:
    pending: list[dict[str, object]] = []
    for path in sorted((ROOT / "pending").glob("*.json")):
        pending += json.loads(path.read_text(encoding="utf-8"))
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/messages.po")):
        locale = po_path.parts[-3]
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        filled = 0
        for entry in pending:
            translation = entry.get(locale)
            if not translation:
                continue
            message = catalog.get(str(entry["id"]), context=entry.get("context"))  # type: ignore[arg-type]
            if message is None:
                continue
            current = message.string
            empty = not any(current) if isinstance(current, tuple | list) else not current
            if not empty:
                continue
            message.string = tuple(translation) if isinstance(translation, list) else translation
            filled += 1
        with po_path.open("wb") as handle:
            write_po(handle, catalog, ignore_obsolete=True, width=100)
        print(f"{locale}: filled {filled}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
