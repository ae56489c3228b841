"""A missing server skips on a developer's machine but fails in CI."""

from __future__ import annotations

import pytest

from tests.support.fixtures import find_chromium, in_ci, unavailable


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_ci_true_fails(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match="no server here"):
        unavailable("no server here")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_outside_ci_skips(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert not in_ci()
    with pytest.raises(pytest.skip.Exception, match="no server here"):
        unavailable("no server here")


def test_chromium_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MERITKOMPIS_TEST_CHROMIUM", "/nonexistent/chromium")
    assert find_chromium() is None


def test_no_postgres_binaries_gives_none_and_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support import postgres

    monkeypatch.delenv(postgres.ENV_URL, raising=False)
    monkeypatch.setattr(postgres, "find_pg_bin_dir", lambda: None)
    assert postgres.start_postgres() is None
    reason = postgres.postgres_unavailable_reason()
    assert reason is not None and "postgresql" in reason


def test_external_url_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support import postgres

    monkeypatch.setenv(postgres.ENV_URL, "postgresql://app:secret@db.test:6543/meritkompis")
    server = postgres.start_postgres()
    assert server is not None and server.external
    assert server.url == "postgresql+asyncpg://app:secret@db.test:6543/meritkompis"
    assert server.url_for("other") == "postgresql+asyncpg://app:secret@db.test:6543/other"
    server.stop()  # nothing to stop, and no error
