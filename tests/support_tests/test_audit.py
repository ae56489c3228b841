"""scripts/audit.py decides from what pip-audit and the index said; no network here.

The reports below have the shapes pip-audit's ``--format json`` and the index's
project-level JSON record have (trimmed to the fields that matter).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["audit"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


audit = _load()

DEFAULT_SIMPLE = "https://index.example/simple"
DEFAULT_JSON = "https://index.example/pypi"

PIP_AUDIT_REPORT: dict[str, Any] = {
    "dependencies": [
        {
            "name": "Jinja2",
            "version": "3.1.2",
            "vulns": [
                {
                    "id": "GHSA-h5c8-rqwp-cp95",
                    "fix_versions": ["3.1.3"],
                    "aliases": ["CVE-2024-22195"],
                    "description": "The xmlattr filter accepts keys containing spaces.",
                }
            ],
        },
        {"name": "idna", "version": "3.10", "vulns": []},
        {
            "name": "aiolimiter",
            "skip_reason": (
                "Dependency not found on PyPI and could not be audited: aiolimiter (1.2.1)"
            ),
        },
    ],
    "fixes": [],
}


def project_record(latest: str, *vulnerabilities: dict[str, Any]) -> dict[str, Any]:
    return {
        "info": {"name": "aiolimiter", "version": latest},
        "releases": {},
        "urls": [],
        "vulnerabilities": list(vulnerabilities),
    }


STANDING = {
    "aliases": ["CVE-2099-0001"],
    "details": "A long description.",
    "summary": "A shorter summary.",
    "fixed_in": ["1.2.2"],
    "id": "PYSEC-2099-1",
    "link": "https://advisories.example/PYSEC-2099-1",
    "source": "osv",
    "withdrawn": None,
}
WITHDRAWN = {**STANDING, "id": "PYSEC-2099-2", "withdrawn": "2099-06-28T16:39:06Z"}


def test_what_pip_audit_audited_and_what_it_could_not() -> None:
    audited, skipped = audit.read_pip_audit(PIP_AUDIT_REPORT)
    assert audited == [
        audit.Row("jinja2", "3.1.2", audit.PIP_AUDIT, ("GHSA-h5c8-rqwp-cp95 (CVE-2024-22195)",)),
        audit.Row("idna", "3.10", audit.PIP_AUDIT),
    ]
    assert list(skipped) == ["aiolimiter"]
    assert audit.exit_status(audited) == 1


def test_the_latest_release_record_speaks_for_our_version_only_when_it_is_the_latest() -> None:
    record = project_record("1.2.1", STANDING, WITHDRAWN)
    assert audit.from_project_record("aiolimiter", "1.2.1", record) == audit.Row(
        "aiolimiter", "1.2.1", audit.LATEST_RELEASE, ("PYSEC-2099-1 (CVE-2099-0001)",)
    )
    # A newer release exists: its list says nothing about ours.
    older = audit.from_project_record("aiolimiter", "1.2.0", record)
    assert older.how == audit.NOT_AUDITABLE and older.findings == ()
    assert "1.2.1" in older.why
    # Versions are compared as versions, not as strings.
    assert (
        audit.from_project_record("x", "2.0", project_record("2.0.0")).how == audit.LATEST_RELEASE
    )
    unknown = audit.from_project_record("ours", "0.1.0", None)
    assert unknown.how == audit.NOT_AUDITABLE and "does not know" in unknown.why


def test_a_withdrawn_vulnerability_is_no_finding() -> None:
    assert audit.findings_in([WITHDRAWN]) == ()
    row = audit.from_project_record("aiolimiter", "1.2.1", project_record("1.2.1", WITHDRAWN))
    assert audit.exit_status([row]) == 0


def test_the_index_is_the_one_pip_installs_from() -> None:
    config = (
        "global.cert='/etc/ssl/certs/ca-certificates.crt'\n"
        "global.index-url='https://mirror.example/simple'\n"
        "install.index-url='https://install.example/simple/'\n"
    )
    assert audit.configured_index(config, {}) == "https://install.example/simple/"
    assert audit.configured_index(config, {"PIP_INDEX_URL": "https://env.example/simple"}) == (
        "https://env.example/simple"
    )
    only_extras = "global.extra-index-url='file:///opt/wheels/simple'\n"
    assert audit.configured_index(only_extras, {}) is None


@pytest.mark.parametrize(
    ("index", "json_api"),
    [
        (None, DEFAULT_JSON),
        (f"{DEFAULT_SIMPLE}/", DEFAULT_JSON),
        ("https://mirror.example/simple/", "https://mirror.example/pypi"),
        ("https://mirror.example/root/+simple/", None),
        ("file:///opt/pypi/simple", None),
    ],
)
def test_the_json_api_sits_next_to_a_simple_index(index: str | None, json_api: str | None) -> None:
    assert audit.json_api_base(index, DEFAULT_SIMPLE, DEFAULT_JSON) == json_api


def test_the_table_says_how_each_package_was_audited() -> None:
    printed = audit.table(
        [
            audit.Row("jinja2", "3.1.2", audit.PIP_AUDIT, ("GHSA-h5c8-rqwp-cp95",)),
            audit.Row("aiolimiter", "1.2.0", audit.NOT_AUDITABLE, why="latest is 1.2.1"),
        ]
    ).splitlines()
    assert printed[0].split() == ["package", "version", "audited", "how", "findings"]
    assert printed[2].split()[:2] == ["aiolimiter", "1.2.0"]
    assert printed[2].endswith("not auditable here (latest is 1.2.1)  none")
    assert printed[3].split() == ["jinja2", "3.1.2", "pip-audit", "GHSA-h5c8-rqwp-cp95"]


class Offline:
    """The script's contact with the outside, replaced by recorded answers."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, records: dict[str, Any]) -> None:
        self.records = records
        monkeypatch.setattr(audit, "run_pip_audit", lambda: PIP_AUDIT_REPORT)
        monkeypatch.setattr(
            audit,
            "installed_versions",
            lambda: {"jinja2": "3.1.2", "idna": "3.10", "aiolimiter": "1.2.1"},
        )
        monkeypatch.setattr(audit, "pip_config_list", lambda: "")
        monkeypatch.setattr(audit, "pip_default_index", lambda: (DEFAULT_SIMPLE, DEFAULT_JSON))
        monkeypatch.setattr(audit, "project_record", self.project_record)
        self.asked: list[str] = []

    def project_record(self, base: str, name: str) -> dict[str, Any] | None:
        self.asked.append(f"{base}/{name}/json")
        answer = self.records.get(name)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_a_vulnerability_in_the_latest_release_record_fails_the_audit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = {"dependencies": [PIP_AUDIT_REPORT["dependencies"][2]]}
    offline = Offline(monkeypatch, {"aiolimiter": project_record("1.2.1", STANDING)})
    monkeypatch.setattr(audit, "run_pip_audit", lambda: report)
    assert audit.main() == 1
    assert offline.asked == [f"{DEFAULT_JSON}/aiolimiter/json"]
    printed = capsys.readouterr().out
    assert "latest-release record" in printed and "PYSEC-2099-1" in printed
    assert "FAILED: known vulnerabilities in aiolimiter." in printed


def test_an_index_that_cannot_be_reached_warns_and_does_not_fail(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    everything_skipped = {
        "dependencies": [
            {"name": name, "skip_reason": "could not be audited"}
            for name in ("jinja2", "idna", "aiolimiter")
        ]
    }
    Offline(monkeypatch, dict.fromkeys(["jinja2", "idna", "aiolimiter"], audit.Unreachable("down")))
    monkeypatch.setattr(audit, "run_pip_audit", lambda: everything_skipped)
    assert audit.main() == 0
    printed = capsys.readouterr()
    assert "WARNING: the package index could not be reached; nothing was audited." in printed.err
    assert printed.out.count("the index did not answer: down") == 3
