"""Service settings, read from environment variables prefixed ``MERITKOMPIS_``.

Every setting has a default that runs the service on one machine with no outside
services: a SQLite file under ``./data`` and the local web chat at ``/chat``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MERITKOMPIS_", env_file=".env", extra="ignore")

    data_dir: Path = DEFAULT_DATA_DIR
    # Empty means "a SQLite file in data_dir"; see database_url_resolved.
    database_url: str = ""
    public_url: str = ""
    telegram_bot_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org"
    # The bot's @username for invite links; empty: asked from Telegram (getMe) at start.
    telegram_bot_username: str = ""
    # Telegram allows about 30 messages a second in all; more gets 429 answers.
    telegram_messages_per_second: float = 25
    # How often due digests and reminders are looked for.
    digest_tick_seconds: float = 60
    default_locale: str = "sv"
    host: str = "127.0.0.1"
    port: int = 8000
    # How many picture cards stay rendered in memory.
    picture_cache_size: int = 512
    organisation_name: str = "Meritkompis"
    # How long an endorser's link works, and how many page requests a client may make.
    endorsement_days: int = 30
    endorsement_rate_per_minute: int = 30
    # Endorsers' e-mail addresses and phone numbers are emptied this long after their
    # request closes (answered, declined, cancelled or expired), by a sweep that runs
    # this often (api/endorsements/retention.py).
    endorser_contact_retention_days: float = 30
    retention_sweep_minutes: float = 60
    # Outgoing e-mail. Empty host: the service sends no e-mail and the learner forwards
    # requests themselves.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "Meritkompis <noreply@meritkompis.invalid>"
    # Credentials: the awarding body's country (ISO 3166-1 alpha-2) and region, its web
    # page, and the key-encryption key for the signing keys: base64url of 32 bytes, in
    # the environment or in a file. With neither, a key file is made in data_dir.
    organisation_country: str = "SE"
    organisation_region: str = ""
    organisation_url: str = ""
    credential_kek: str = ""
    credential_kek_file: Path | None = None
    # The credential API and its public pages (api/credentials/limits.py): requests a
    # minute per client address and per API key (0: no limit), and the largest body.
    api_rate_per_minute: int = 240
    api_key_rate_per_minute: int = 600
    api_max_body: int = 256 * 1024

    @cached_property
    def database_url_resolved(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'meritkompis.sqlite3').resolve()}"

    @property
    def base_url(self) -> str:
        """Where people reach this service: for links in requests and e-mails."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)
