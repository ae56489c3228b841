"""A real PostgreSQL server for tests, with no service set up beforehand.

``start_postgres()`` either uses the server named by ``MERITKOMPIS_TEST_POSTGRES_URL`` or
starts a throw-away cluster in a temporary directory with Debian's binaries
(``/usr/lib/postgresql/*/bin``): loopback only, a free port, trust authentication, and
durability switched off for speed. As root, PostgreSQL refuses to run, so the cluster is
run as the ``postgres`` system user (created by Debian's package) through ``runuser``.

It returns ``None`` when there is no way to get a server; ``postgres_unavailable_reason()``
then says why. A server whose binaries exist but which fails to start raises
``PostgresStartError`` with the end of its log: that is a real fault, never a skip.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy.engine import URL, make_url

ENV_URL = "MERITKOMPIS_TEST_POSTGRES_URL"
SUPERUSER = "postgres"
DEFAULT_DATABASE = "meritkompis_test"
_SYSTEM_USER = "postgres"
_START_TIMEOUT_S = 60
_REQUIRED_TOOLS = ("initdb", "pg_ctl", "postgres", "createdb")
_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    # Every engine of the app pools up to 30 connections; leave room for several.
    "max_connections": "300",
    "shared_buffers": "64MB",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "timezone": "'UTC'",
}


class PostgresStartError(RuntimeError):
    """The binaries are there but the throw-away cluster did not start."""


def asyncpg_url(url: str) -> str:
    """The same URL with the ``postgresql+asyncpg`` driver, as SQLAlchemy wants it."""
    parsed = make_url(url)
    if not parsed.drivername.startswith(("postgresql", "postgres")):
        raise ValueError(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def check_database_name(name: str) -> str:
    """Database names are plain lower-case identifiers, so they need no quoting tricks."""
    if not _NAME_RE.match(name):
        raise ValueError(f"bad database name {name!r}: use [a-z_][a-z0-9_]*, at most 63 chars")
    return name


def unique_database_name(prefix: str = "t") -> str:
    """A fresh name such as ``t_3f2a9c1b7d``; the prefix is cleaned to an identifier."""
    clean = re.sub(r"[^a-z0-9_]+", "_", prefix.lower()).strip("_") or "t"
    if clean[0].isdigit():
        clean = f"t_{clean}"
    return check_database_name(f"{clean[:50]}_{uuid.uuid4().hex[:10]}")


def find_pg_bin_dir() -> Path | None:
    """The newest PostgreSQL ``bin`` directory that has ``initdb`` and ``pg_ctl``."""

    def version(path: str) -> tuple[int, ...]:
        part = Path(path).parent.name
        return tuple(int(p) for p in re.findall(r"\d+", part)) or (0,)

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for candidate in candidates:
        bin_dir = Path(candidate)
        if all(os.access(bin_dir / tool, os.X_OK) for tool in _REQUIRED_TOOLS):
            return bin_dir
    return None


def _is_root() -> bool:
    return os.geteuid() == 0


def postgres_unavailable_reason() -> str | None:
    """Why ``start_postgres()`` would return ``None``; ``None`` when it can try."""
    if os.environ.get(ENV_URL):
        return None
    if find_pg_bin_dir() is None:
        return (
            "PostgreSQL server binaries not found (no initdb/pg_ctl under "
            "/usr/lib/postgresql/*/bin or on PATH): install Debian's 'postgresql' package "
            f"(scripts/system-deps.sh does, as root) or set {ENV_URL}"
        )
    if _is_root():
        try:
            pwd.getpwnam(_SYSTEM_USER)
        except KeyError:
            return (
                f"running as root but there is no '{_SYSTEM_USER}' system user to run "
                "PostgreSQL as (Debian's 'postgresql' package creates it)"
            )
        if shutil.which("runuser") is None:
            return "running as root but 'runuser' (util-linux) is missing"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _temp_parent() -> str:
    """A temp parent that the ``postgres`` user can enter when we run as root."""
    parent = tempfile.gettempdir()
    if not _is_root():
        return parent
    path = Path(parent).resolve()
    for part in (path, *path.parents):
        if not os.stat(part).st_mode & 0o001:  # not searchable by others
            return "/tmp"
    return parent


@dataclass
class PostgresServer:
    """A PostgreSQL server for tests; ``url`` names its default database."""

    url: str
    external: bool = False
    base_dir: Path | None = None
    bin_dir: Path | None = None
    run_as: str | None = None
    startup_seconds: float = 0.0
    _stopped: bool = field(default=False, repr=False)

    @property
    def port(self) -> int:
        port = make_url(self.url).port
        return port if port is not None else 5432

    @property
    def data_dir(self) -> Path | None:
        return None if self.base_dir is None else self.base_dir / "data"

    @property
    def log_file(self) -> Path | None:
        return None if self.base_dir is None else self.base_dir / "postgres.log"

    def url_for(self, database: str) -> str:
        """The URL of another database on this server."""
        parsed: URL = make_url(self.url).set(database=check_database_name(database))
        return parsed.render_as_string(hide_password=False)

    def _connect_kwargs(self) -> dict[str, object]:
        parsed = make_url(self.url)
        kwargs: dict[str, object] = {
            "host": parsed.host or "127.0.0.1",
            "port": parsed.port or 5432,
            "user": parsed.username or SUPERUSER,
            "database": parsed.database or "postgres",
        }
        if parsed.password:
            kwargs["password"] = parsed.password
        return kwargs

    async def execute_admin(self, sql: str) -> None:
        """Run one statement outside a transaction on the server's default database."""
        conn = await asyncpg.connect(**self._connect_kwargs(), timeout=30)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def create_database(self, name: str | None = None) -> str:
        """A fresh, empty database (dropped first if it exists); returns its URL."""
        db = check_database_name(name) if name else unique_database_name()
        await self.drop_database(db)
        await self.execute_admin(f"CREATE DATABASE \"{db}\" TEMPLATE template0 ENCODING 'UTF8'")
        return self.url_for(db)

    async def drop_database(self, name: str) -> None:
        """Drop a database, closing its open connections first."""
        db = check_database_name(name)
        if db == make_url(self.url).database:
            raise ValueError(f"refusing to drop the server's default database {db!r}")
        await self.execute_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the throw-away cluster and remove its files; nothing for an external one."""
        if self._stopped:
            return
        self._stopped = True
        if self.external or self.base_dir is None or self.bin_dir is None:
            return
        data_dir = self.base_dir / "data"
        if (data_dir / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                _run(
                    [
                        str(self.bin_dir / "pg_ctl"),
                        "-D",
                        str(data_dir),
                        "-m",
                        "immediate",
                        "-w",
                        "-t",
                        "30",
                        "stop",
                    ],
                    run_as=self.run_as,
                    cwd=self.base_dir,
                    timeout=60,
                )
        shutil.rmtree(self.base_dir, ignore_errors=True)


def _run(
    argv: Sequence[str],
    *,
    run_as: str | None,
    cwd: Path,
    timeout: float,
) -> subprocess.CompletedProcess[str]:
    command = ["runuser", "-u", run_as, "--", *argv] if run_as else list(argv)
    return subprocess.run(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
        env={**os.environ, "LC_ALL": "C", "LANG": "C"},
    )


def _describe_failure(
    exc: subprocess.CalledProcessError | subprocess.TimeoutExpired, log_file: Path
) -> str:
    parts = [f"command {exc.cmd!r} failed"]
    if isinstance(exc, subprocess.CalledProcessError):
        parts[0] += f" with exit code {exc.returncode}"
    else:
        parts[0] += " by timing out"
    for label, text in (("stdout", exc.stdout), ("stderr", exc.stderr)):
        if text:
            text = text if isinstance(text, str) else text.decode(errors="replace")
            parts.append(f"{label}:\n{text.strip()[-2000:]}")
    if log_file.exists():
        parts.append(f"server log:\n{log_file.read_text(errors='replace')[-4000:]}")
    return "\n".join(parts)


def _start_cluster(bin_dir: Path) -> PostgresServer:
    started = time.monotonic()
    run_as = _SYSTEM_USER if _is_root() else None
    base_dir = Path(tempfile.mkdtemp(prefix="meritkompis-pg-", dir=_temp_parent()))
    server = PostgresServer(url="", base_dir=base_dir, bin_dir=bin_dir, run_as=run_as)
    data_dir = base_dir / "data"
    socket_dir = base_dir / "sock"
    log_file = base_dir / "postgres.log"
    try:
        socket_dir.mkdir()
        log_file.touch()
        if run_as:
            entry = pwd.getpwnam(run_as)
            for path in (base_dir, socket_dir, log_file):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(base_dir, 0o700)
        try:
            _run(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data_dir),
                    "-U",
                    SUPERUSER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
                run_as=run_as,
                cwd=base_dir,
                timeout=120,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PostgresStartError(_describe_failure(exc, log_file)) from exc

        settings = {**_SERVER_SETTINGS, "unix_socket_directories": f"'{socket_dir}'"}
        with open(data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# throw-away test cluster (tests/support/postgres.py)\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

        last_error = ""
        for _attempt in range(3):
            port = _free_port()
            try:
                _run(
                    [
                        str(bin_dir / "pg_ctl"),
                        "-D",
                        str(data_dir),
                        "-l",
                        str(log_file),
                        "-o",
                        f"-p {port}",
                        "-w",
                        "-t",
                        str(_START_TIMEOUT_S),
                        "start",
                    ],
                    run_as=run_as,
                    cwd=base_dir,
                    timeout=_START_TIMEOUT_S + 30,
                )
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                # Most likely someone took the port between our probe and the bind.
                last_error = _describe_failure(exc, log_file)
                continue
            break
        else:
            raise PostgresStartError(last_error)

        server.url = f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{port}/{DEFAULT_DATABASE}"
        try:
            _run(
                [
                    str(bin_dir / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    SUPERUSER,
                    DEFAULT_DATABASE,
                ],
                run_as=None,
                cwd=base_dir,
                timeout=60,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PostgresStartError(_describe_failure(exc, log_file)) from exc
    except BaseException:
        server.stop()
        raise
    server.startup_seconds = time.monotonic() - started
    return server


def start_postgres() -> PostgresServer | None:
    """A running PostgreSQL server, or ``None`` (see ``postgres_unavailable_reason()``).

    ``MERITKOMPIS_TEST_POSTGRES_URL``, when set, names a server that is already running
    (any ``postgresql://`` URL; its database must exist and its user may create
    databases). Otherwise a throw-away cluster is started; it is stopped by ``stop()``
    or, failing that, when the Python process exits.
    """
    external = os.environ.get(ENV_URL)
    if external:
        return PostgresServer(url=asyncpg_url(external), external=True)
    if postgres_unavailable_reason() is not None:
        return None
    bin_dir = find_pg_bin_dir()
    assert bin_dir is not None
    server = _start_cluster(bin_dir)
    atexit.register(server.stop)
    return server
