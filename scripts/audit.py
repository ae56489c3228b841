"""Known vulnerabilities in the installed Python packages: pip-audit, and a fallback.

Run as ``.venv/bin/python scripts/audit.py`` (CI runs it after ``make test``).

pip-audit asks the package index about each installed version. Where the index
answers only the project-level JSON record (``<json api>/<name>/json``) and not the
record of one version, pip-audit reports the package as "could not be audited". For
those, this script reads the project-level record, whose ``vulnerabilities`` list is
about the project's latest release only (the index's JSON API documents it so). When
the installed version is that latest release, the list is about our version and the
package counts as audited; when it is not, the package is "not auditable here", and
the table says why.

The JSON API's address comes from pip's own configuration (``PIP_INDEX_URL``, or
``index-url`` in ``pip config list``), else from pip's default index.

Exit status: 1 when any installed version has a known vulnerability; 0 otherwise,
also when the index cannot be reached at all (then a clear warning is printed: a
down index must not turn CI red, but nobody should read that as "audited").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Final

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent

PIP_AUDIT: Final = "pip-audit"
LATEST_RELEASE: Final = "latest-release record"
NOT_AUDITABLE: Final = "not auditable here"
LOOKUPS_AT_ONCE: Final = 8
TIMEOUT_SECONDS: Final = 30


class Unreachable(Exception):
    """The index did not answer at all (network, DNS, timeout, a 5xx)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One installed package: how it was audited, and what was found."""

    package: str
    version: str
    how: str
    findings: tuple[str, ...] = ()
    why: str = ""


# --- where the index's JSON API is ---------------------------------------------------------
def configured_index(pip_config: str, environ: Mapping[str, str]) -> str | None:
    """The index pip installs from: ``PIP_INDEX_URL``, else ``index-url`` in its config.

    ``pip_config`` is the output of ``pip config list`` (lines such as
    ``global.index-url='https://…/simple'``); an ``install.`` setting wins over a
    ``global.`` one, as it does for ``pip install``.
    """
    if environ.get("PIP_INDEX_URL"):
        return environ["PIP_INDEX_URL"]
    found: dict[str, str] = {}
    for line in pip_config.splitlines():
        key, _, value = line.partition("=")
        section, _, name = key.strip().rpartition(".")
        if name == "index-url":
            found[section] = value.strip().strip("'\"")
    for section in (":env:", "install", "global"):
        if found.get(section):
            return found[section]
    return None


def json_api_base(index_url: str | None, default_simple: str, default_json: str) -> str | None:
    """The JSON API next to a "simple" index: ``…/simple`` becomes ``…/pypi``.

    ``None`` means pip's default index, whose addresses pip itself knows (passed in
    as ``default_simple`` and ``default_json``). An index that is not ``…/simple``
    (a local directory, a mirror of another shape) has no JSON API we know of.
    """
    if index_url is None or index_url.rstrip("/") == default_simple.rstrip("/"):
        return default_json.rstrip("/")
    if not index_url.startswith(("https://", "http://")):
        return None
    head, _, tail = index_url.rstrip("/").rpartition("/")
    return f"{head}/pypi" if tail == "simple" else None


def pip_default_index() -> tuple[str, str]:
    """pip's default index: its "simple" address and its JSON API's."""
    from pip._internal.models.index import PyPI

    return PyPI.simple_url, PyPI.pypi_url


# --- reading what pip-audit and the index said ----------------------------------------------
def read_pip_audit(report: Mapping[str, Any]) -> tuple[list[Row], dict[str, str]]:
    """pip-audit's ``--format json`` report: the packages it audited, and those it skipped.

    The skipped ones come back as name -> pip-audit's reason.
    """
    audited: list[Row] = []
    skipped: dict[str, str] = {}
    for dependency in report.get("dependencies", []):
        name = canonicalize_name(str(dependency["name"]))
        if "vulns" in dependency:
            audited.append(
                Row(
                    name,
                    str(dependency.get("version", "")),
                    PIP_AUDIT,
                    tuple(
                        _named(v.get("id", "?"), v.get("aliases", ())) for v in dependency["vulns"]
                    ),
                )
            )
        else:
            skipped[name] = str(dependency.get("skip_reason", "skipped by pip-audit"))
    return audited, skipped


def from_project_record(name: str, installed: str, record: Mapping[str, Any] | None) -> Row:
    """A package pip-audit could not audit, judged by the index's project-level record.

    ``record`` is ``None`` when the index does not know the project at all.
    """
    if record is None:
        return Row(name, installed, NOT_AUDITABLE, why="the index does not know this project")
    latest = str((record.get("info") or {}).get("version", ""))
    if not _same_version(installed, latest):
        return Row(
            name,
            installed,
            NOT_AUDITABLE,
            why=f"the index's record is about the latest release, {latest or '?'}",
        )
    return Row(name, installed, LATEST_RELEASE, findings_in(record.get("vulnerabilities") or []))


def findings_in(vulnerabilities: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The ids (with aliases) of the vulnerabilities still standing; not withdrawn ones."""
    return tuple(
        _named(v.get("id", "?"), v.get("aliases") or ())
        for v in vulnerabilities
        if not v.get("withdrawn")
    )


def _named(identifier: str, aliases: Iterable[str]) -> str:
    others = [alias for alias in aliases if alias != identifier]
    return f"{identifier} ({', '.join(others)})" if others else identifier


def _same_version(installed: str, latest: str) -> bool:
    try:
        return Version(installed) == Version(latest)
    except InvalidVersion:
        return installed == latest


def exit_status(rows: Iterable[Row]) -> int:
    return 1 if any(row.findings for row in rows) else 0


def table(rows: Iterable[Row]) -> str:
    """The rows as a plain-text table, one package per line."""
    header = ("package", "version", "audited how", "findings")
    lines = [
        (
            row.package,
            row.version,
            f"{row.how} ({row.why})" if row.why else row.how,
            ", ".join(row.findings) or "none",
        )
        for row in sorted(rows, key=lambda row: row.package)
    ]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(3)]

    def line(cells: Sequence[str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells[:3], widths, strict=True)]
        return "  ".join([*padded, cells[3]]).rstrip()

    rule = [*("-" * width for width in widths), "-" * len(header[3])]
    return "\n".join([line(header), line(rule), *map(line, lines)])


# --- asking ----------------------------------------------------------------------------------
def run_pip_audit() -> dict[str, Any] | None:
    """pip-audit on this environment; ``None`` when it produced no report."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--skip-editable",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit gave no report (exit {done.returncode}):", file=sys.stderr)
        print(done.stderr.strip()[-2000:], file=sys.stderr)
        return None
    return report if isinstance(report, dict) else None


def project_record(base: str, name: str) -> dict[str, Any] | None:
    """The index's project-level JSON record; ``None`` when the project is unknown (404)."""
    request = urllib.request.Request(f"{base}/{name}/json", headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            record = json.load(answer)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise Unreachable(f"HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise Unreachable(str(error)) from error
    return record if isinstance(record, dict) else None


def installed_versions() -> dict[str, str]:
    return {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
        if dist.metadata["Name"]
    }


def own_project() -> str:
    return canonicalize_name(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    )


def pip_config_list() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    )
    return done.stdout


def main() -> int:
    report = run_pip_audit()
    installed = installed_versions()
    ours = own_project()
    audited: list[Row] = []
    if report is None:
        skipped = {name: "pip-audit gave no report" for name in installed}
    else:
        audited, skipped = read_pip_audit(report)
    rows = list(audited)
    rows += [
        Row(name, installed.get(name, ""), NOT_AUDITABLE, why="this project itself")
        for name in skipped
        if name == ours
    ]
    skipped.pop(ours, None)
    simple, json_default = pip_default_index()
    base = json_api_base(configured_index(pip_config_list(), os.environ), simple, json_default)
    unreachable: list[str] = []
    if base is None:
        rows += [
            Row(
                name,
                installed.get(name, ""),
                NOT_AUDITABLE,
                why="the index has no JSON API we know",
            )
            for name in skipped
        ]
    else:

        def look_up(name: str) -> Row:
            version = installed.get(name, "")
            if not version:
                return Row(name, "", NOT_AUDITABLE, why=f"not installed here ({skipped[name]})")
            try:
                return from_project_record(name, version, project_record(base, name))
            except Unreachable as error:
                unreachable.append(name)
                return Row(name, version, NOT_AUDITABLE, why=f"the index did not answer: {error}")

        with ThreadPoolExecutor(LOOKUPS_AT_ONCE) as pool:
            rows += list(pool.map(look_up, sorted(skipped)))

    print(table(rows))
    counts = {
        how: sum(row.how == how for row in rows)
        for how in (PIP_AUDIT, LATEST_RELEASE, NOT_AUDITABLE)
    }
    print(
        f"\n{len(rows)} packages: {counts[PIP_AUDIT]} audited by pip-audit, "
        f"{counts[LATEST_RELEASE]} by the latest-release record, "
        f"{counts[NOT_AUDITABLE]} not auditable here."
    )
    found = [row for row in rows if row.findings]
    if found:
        print(f"FAILED: known vulnerabilities in {', '.join(r.package for r in found)}.")
        return 1
    if skipped and len(unreachable) == len(skipped) and not audited:
        print(
            "WARNING: the package index could not be reached; nothing was audited. "
            "Exiting 0 so that a down index does not fail CI.",
            file=sys.stderr,
        )
        return 0
    print("No known vulnerabilities in what could be audited.")
    return exit_status(rows)


if __name__ == "__main__":
    sys.exit(main())
