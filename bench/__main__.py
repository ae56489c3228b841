"""Run every benchmark in order and print the figures with their goals: ``python -m bench``.

Each section runs in a process of its own (the same as ``python -m bench.<module>``),
so that one benchmark's memory, threads or CPU pinning cannot change another's figures.
``python -m bench engine memory`` runs only the named sections (``load``, minutes long,
runs only when named). The figures never fail the command: a slow or busy machine
reports MISS. A section that crashes or overruns its time limit does (exit status 1).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    module: str
    time_limit: float  # seconds
    # Sections that take many minutes run only when named: ``python -m bench load``.
    default: bool = True


SECTIONS = (
    Section("engine", "1. Pure dialog engine", "bench.bench_engine", 300),
    Section("end_to_end", "2. End to end: the bot in Telegram", "bench.bench_end_to_end", 900),
    Section("matching", "3. Skill matching", "bench.bench_matching", 600),
    Section("memory", "4. Memory after 10,000 learners", "bench.bench_memory", 600),
    Section("endorsement_page", "5. The endorser's page", "bench.bench_endorsement_page", 300),
    Section("credentials", "5. Credentials issued and verified", "bench.bench_credentials", 600),
    Section("digests", "6. Mentor digests", "bench.bench_digests", 900),
    Section("load", "7. Load: learners, endorsers and verifiers", "bench.bench_load", 1500, False),
)


def run_section(section: Section) -> tuple[list[str], str | None]:
    """Stream the section's output; return its PASS/MISS lines and what went wrong, if anything."""
    verdicts: list[str] = []
    process = subprocess.Popen(
        [sys.executable, "-m", section.module], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        process.kill()

    # Stops the section even when it hangs without printing anything.
    watchdog = threading.Timer(section.time_limit, stop)
    watchdog.start()
    try:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.rstrip().endswith(("PASS", "MISS")) or " PASS " in line or " MISS " in line:
                verdicts.append(line.rstrip())
        status = process.wait()
    finally:
        watchdog.cancel()
    if timed_out.is_set():
        return verdicts, f"stopped after its time limit of {section.time_limit:.0f} s"
    if status != 0:
        return verdicts, f"exited with status {status}"
    return verdicts, None


def main(argv: list[str]) -> int:
    wanted = set(argv)
    unknown = wanted - {s.key for s in SECTIONS}
    if unknown:
        print(f"unknown sections {sorted(unknown)}; choose from {[s.key for s in SECTIONS]}")
        return 2
    summary: list[str] = []
    problems: list[str] = []
    for section in SECTIONS:
        chosen = section.key in wanted if wanted else section.default
        if not chosen:
            continue
        print(f"\n=== {section.title} ({section.module}) ===", flush=True)
        started = time.perf_counter()
        verdicts, problem = run_section(section)
        print(f"--- {time.perf_counter() - started:.0f} s", flush=True)
        summary.extend(verdicts)
        if problem:
            problems.append(f"{section.title}: {problem}")
            summary.append(f"{section.title}: FAILED ({problem})")
    print("\n=== Summary ===")
    for line in summary:
        print(line.strip())
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
