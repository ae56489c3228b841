"""The real service as a separate process (``meritkompis serve``), to be killed and restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import httpx

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


class ServiceProcess:
    """``python -m api.cli serve`` on a loopback port, with its own data directory."""

    def __init__(
        self, data_dir: Path, database_url: str, settings: Mapping[str, str] | None = None
    ) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        # More MERITKOMPIS_ settings, e.g. a Telegram token and a fake Bot API's URL.
        self.settings = dict(settings or {})
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "service.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = {
            key: value for key, value in os.environ.items() if not key.startswith("MERITKOMPIS_")
        }
        env |= {
            "MERITKOMPIS_DATA_DIR": str(self.data_dir),
            "MERITKOMPIS_DATABASE_URL": self.database_url,
            "MERITKOMPIS_HOST": "127.0.0.1",
            "MERITKOMPIS_PORT": str(self.port),
        } | {f"MERITKOMPIS_{name.upper()}": value for name, value in self.settings.items()}
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def start(self) -> None:
        self.process = self._spawn()
        async with httpx.AsyncClient(base_url=self.url) as client:
            for _ in range(600):
                if self.process.poll() is not None:
                    raise RuntimeError(f"the service exited:\n{self.log.read_text()[-3000:]}")
                try:
                    if (await client.get("/health")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError(f"the service did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, no goodbye."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
