"""Pytest fixtures for a real PostgreSQL server and a headless Chromium.

Register them once for the whole suite, in ``tests/conftest.py``::

    pytest_plugins = ("tests.support.fixtures",)

Fixtures:

* ``postgres_server`` (session): a running ``PostgresServer``; ``.url`` is an
  ``postgresql+asyncpg://`` URL of its default database.
* ``postgres_url`` (function): the URL of a fresh, empty database, dropped after the test.
* ``browser`` (session): a Playwright ``Browser`` on Debian's Chromium.
* ``page`` (function): a new ``Page`` in a fresh context with a phone viewport (390x844)
  and the Swedish locale; closed after the test.

When PostgreSQL or Chromium is missing, a test that asks for them is skipped with the
reason on a developer's machine, and fails when ``CI`` is ``true``: CI never skips them.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from typing import NoReturn

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, Playwright, async_playwright

from tests.support.postgres import (
    PostgresServer,
    PostgresStartError,
    postgres_unavailable_reason,
    start_postgres,
    unique_database_name,
)

ENV_CHROMIUM = "MERITKOMPIS_TEST_CHROMIUM"
PHONE_VIEWPORT = {"width": 390, "height": 844}
DEFAULT_LOCALE = "sv-SE"
# How long the session fixtures took to start, for the curious (and the support tests).
STARTUP_SECONDS: dict[str, float] = {}
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def in_ci() -> bool:
    """True when the ``CI`` variable says so (``.ci/run`` runs with ``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Skip locally, fail in CI: a missing server must never pass CI silently."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    """Debian's Chromium: ``$MERITKOMPIS_TEST_CHROMIUM``, ``/usr/bin/chromium`` or PATH."""
    override = os.environ.get(ENV_CHROMIUM)
    if override:
        return override if os.access(override, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL server for the whole test session."""
    try:
        server = start_postgres()
    except PostgresStartError as exc:
        pytest.fail(f"PostgreSQL did not start:\n{exc}", pytrace=False)
    if server is None:
        unavailable(postgres_unavailable_reason() or "PostgreSQL is not available")
    STARTUP_SECONDS["postgres"] = server.startup_seconds
    try:
        yield server
    finally:
        server.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def postgres_url(
    postgres_server: PostgresServer, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """The ``postgresql+asyncpg://`` URL of a fresh, empty database for one test.

    Engines made on it must be disposed by the test (or its fixtures) before the end;
    the database is dropped with ``WITH (FORCE)`` anyway.
    """
    name = unique_database_name(request.node.name)
    url = await postgres_server.create_database(name)
    try:
        yield url
    finally:
        await postgres_server.drop_database(name)


# --------------------------------------------------------------------------- Chromium


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    executable = find_chromium()
    if executable is None:
        override = os.environ.get(ENV_CHROMIUM)
        if override:
            unavailable(f"{ENV_CHROMIUM}={override} is not an executable file")
        unavailable(
            "Chromium not found (/usr/bin/chromium, chromium or chromium-browser on PATH): "
            "install Debian's 'chromium' package (scripts/system-deps.sh does, as root)"
        )
    started = time.monotonic()
    try:
        playwright: Playwright = await async_playwright().start()
    except Exception as exc:
        pytest.fail(
            f"Playwright's driver did not start ({exc}); its error is in the captured stderr "
            "(on Debian, its bundled Node.js needs libatomic1: scripts/system-deps.sh)",
            pytrace=False,
        )
    try:
        try:
            # Playwright gives each launch a fresh, empty user-data-dir of its own.
            launched = await playwright.chromium.launch(
                executable_path=executable,
                headless=True,
                args=list(CHROMIUM_ARGS),
                chromium_sandbox=False,
                timeout=60_000,
            )
        except Exception as exc:
            pytest.fail(f"Chromium at {executable} did not start: {exc}", pytrace=False)
        STARTUP_SECONDS["chromium"] = time.monotonic() - started
        try:
            yield launched
        finally:
            await launched.close()
    finally:
        await playwright.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A new page in a fresh context: phone viewport 390x844, Swedish locale."""
    context = await browser.new_context(
        viewport={"width": PHONE_VIEWPORT["width"], "height": PHONE_VIEWPORT["height"]},
        locale=DEFAULT_LOCALE,
    )
    context.set_default_timeout(15_000)
    new_page = await context.new_page()
    try:
        yield new_page
    finally:
        await context.close()


__all__ = [
    "CHROMIUM_ARGS",
    "DEFAULT_LOCALE",
    "PHONE_VIEWPORT",
    "STARTUP_SECONDS",
    "browser",
    "find_chromium",
    "in_ci",
    "page",
    "postgres_server",
    "postgres_url",
    "unavailable",
]
