"""Column types shared by the domain packages."""

from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import JSONB

# JSONB on PostgreSQL (indexable, compact); plain JSON text elsewhere.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")
