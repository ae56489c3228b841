"""The outbox: news for a learner, kept until it has reached their chat.

Written in the same transaction as the change it tells about (an endorser's answer,
say), so a crash can neither lose the news nor tell it without the change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, utcnow
from api.db.types import JsonDocument


class Notice(Base):
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    # What happened, e.g. "endorsement_answered"; the payload says the rest.
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # None until delivered; the delivery loop picks these up, oldest first.
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
