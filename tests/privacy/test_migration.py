"""Migration 0007 seals the contact details already stored, and opening them again undoes it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection

from api.db.engine import create_engine
from api.db.migrate import alembic_config
from api.db.types import SEALED_PREFIX

ROWS = (
    "INSERT INTO learners (id, locale, more_pictures, consented_at, created_at, updated_at) "
    "VALUES (1, 'sv', false, '2026-01-01', '2026-01-01', '2026-01-01')",
    "INSERT INTO experiences (id, learner_id, kind, area, role, place, ongoing, tasks, "
    "description, created_at, updated_at) VALUES (1, 1, 'job', 'hotel', 'Rumsstädare', "
    "'Hotell Norra', true, '[]', '', '2026-01-01', '2026-01-01')",
    "INSERT INTO endorsement_requests (id, learner_id, experience_id, learner_name, "
    "endorser_name, endorser_role, endorser_email, endorser_phone, locale, status, created_at, "
    "expires_at, reminders) VALUES (1, 1, 1, 'Jacob', 'Maria Berg', '', 'maria@hotel.example', "
    "'+46701234567', 'sv', 'answered', '2026-01-01', '2026-02-01', 0)",
    "INSERT INTO endorsements (id, request_id, relationship_kind, comment, name, role, "
    "organisation, email, declared, trust_level, signals, submitted_at, email_code_attempts) "
    "VALUES (1, 1, 'supervisor', '', 'Maria Berg', 'Chef', 'Hotell Norra', "
    "'maria.private@example.org', true, 'self_declared', '{}', '2026-01-02', 0)",
)
CONTACTS = (
    "SELECT r.endorser_email, r.endorser_phone, e.email "
    "FROM endorsement_requests r JOIN endorsements e ON e.request_id = r.id"
)
PLAIN = ("maria@hotel.example", "+46701234567", "maria.private@example.org")


def _migrate(connection: Connection, revision: str, *, down: bool = False) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, revision)


async def test_stored_contacts_are_sealed_by_the_upgrade_and_opened_by_the_downgrade(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate, "0006")
            for row in ROWS:
                await connection.execute(text(row))
        async with engine.begin() as connection:
            await connection.run_sync(_migrate, "0007")
            sealed = (await connection.execute(text(CONTACTS))).one()
        assert all(value.startswith(SEALED_PREFIX) for value in sealed), sealed

        async with engine.begin() as connection:
            await connection.run_sync(_migrate, "0006", down=True)
            opened = (await connection.execute(text(CONTACTS))).one()
        assert tuple(opened) == PLAIN
    finally:
        await engine.dispose()
