"""What stays of an erased learner's open requests: only the hashes of their links.

An endorser may open a link after the learner has deleted everything. The request is
gone with the rest, yet the link should say "withdrawn", not "we cannot find this
link". A hash of a random token says nothing about anyone; it is kept until the link
would have expired anyway.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, utcnow


class WithdrawnLink(Base):
    __tablename__ = "withdrawn_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The language the endorser's page was written in.
    locale: Mapped[str] = mapped_column(String(8))
    withdrawn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When the link would have stopped working; the row goes then.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
