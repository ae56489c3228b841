"""Run the independent JS verifier (tests/credentials/js/verify.mjs) on credentials.

Needs Node and ``npm ci`` in tests/credentials/js. ``available()`` says why not when
it cannot run; the tests skip locally then, and fail in CI (CI=true).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from api.credentials.jsonld import CONTEXT_FILES, CONTEXTS_DIR

JS_DIR = Path(__file__).resolve().parent / "js"
INSTALL = "npm ci --prefix tests/credentials/js"


def available() -> str | None:
    """None when the verifier can run, else what is missing."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (JS_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        return f"the JS verifier is not installed: run `{INSTALL}`"
    return None


def js_verify(
    credentials: list[dict[str, Any]],
    *,
    did_documents: dict[str, Any] | None = None,
    status_lists: dict[str, Any] | None = None,
    rounds: int = 1,
    now: str | None = None,
) -> dict[str, Any]:
    payload = {
        "credentials": credentials,
        "contexts": {url: str(CONTEXTS_DIR / name) for url, (name, _) in CONTEXT_FILES.items()},
        "didDocuments": did_documents or {},
        "statusLists": status_lists or {},
        "rounds": rounds,
        "now": now,
    }
    completed = subprocess.run(
        ["node", str(JS_DIR / "verify.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the JS verifier failed: {completed.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result
