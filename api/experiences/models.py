"""What a learner has documented: experiences, the skills claimed from them, and self-checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db.base import Base, utcnow
from api.db.types import JsonDocument


class Experience(Base):
    __tablename__ = "experiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    # job | internship | association | course | other
    kind: Mapped[str] = mapped_column(String(16))
    # A catalogue area id, or "other".
    area: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(120))
    start_year: Mapped[int | None] = mapped_column(Integer)
    start_month: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    end_month: Mapped[int | None] = mapped_column(Integer)
    ongoing: Mapped[bool] = mapped_column(Boolean, default=False)
    tasks: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    skill_claims: Mapped[list[SkillClaim]] = relationship(
        back_populates="experience",
        cascade="all, delete-orphan",
        order_by="SkillClaim.id",
        lazy="selectin",
    )


class SkillClaim(Base):
    """A skill the learner says they used in an experience: from the catalogue or own words."""

    __tablename__ = "skill_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experiences.id", ondelete="CASCADE"), index=True
    )
    skill_id: Mapped[str | None] = mapped_column(String(64))
    own_words: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    experience: Mapped[Experience] = relationship(back_populates="skill_claims")


class SelfCheckAnswer(Base):
    """The learner's own answer to one learning outcome of a general work skill."""

    __tablename__ = "self_check_answers"
    __table_args__ = (
        UniqueConstraint(
            "learner_id", "skill_id", "outcome_id", name="uq_self_check_answers_outcome"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    skill_id: Mapped[str] = mapped_column(String(64))
    outcome_id: Mapped[str] = mapped_column(String(64))
    # yes | help | not_yet, or None when only an example was given.
    level: Mapped[str | None] = mapped_column(String(16))
    example: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
