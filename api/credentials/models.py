"""Issued credentials, the issuer's signing keys, and organisation API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, utcnow
from api.db.types import JsonDocument


class IssuerKey(Base):
    """One Ed25519 key pair of the issuer; the private half only encrypted (AES-GCM).

    A rotated key stops signing (``retired_at``) but stays in the DID document, so
    every credential it signed still verifies.
    """

    __tablename__ = "credential_issuer_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Multikey ``publicKeyMultibase`` (z6Mk...); also the verification method's fragment.
    public_key_multibase: Mapped[str] = mapped_column(String(64), unique=True)
    # nonce (12 bytes) + AES-GCM ciphertext of the raw 32-byte private key.
    private_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Credential(Base):
    """One signed credential, kept as issued; revocation is a bit in a status list."""

    __tablename__ = "credentials"
    __table_args__ = (
        # One credential per endorsement and skill: issuing twice finds the first.
        UniqueConstraint("endorsement_id", "skill_id", name="uq_credentials_endorsement_skill"),
        UniqueConstraint("status_list", "status_index", name="uq_credentials_status_slot"),
    )

    # A random UUID; the credential's id is ``{base_url}/credentials/{id}``.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("learners.id", ondelete="SET NULL"), index=True
    )
    endorsement_id: Mapped[int | None] = mapped_column(
        ForeignKey("endorsements.id", ondelete="SET NULL")
    )
    skill_id: Mapped[str | None] = mapped_column(String(64))
    # Which API key issued it, when an organisation did through the API.
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("credential_api_keys.id", ondelete="SET NULL")
    )
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    status_list: Mapped[int] = mapped_column(Integer)
    status_index: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # learner_withdrew | endorser_retracted | issuer
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class ApiKey(Base):
    """An organisation's key to the issuing API. Only the SHA-256 of the key is kept."""

    __tablename__ = "credential_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Space-separated scopes: "issue", "revoke".
    scopes: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
