"""The issuer's Ed25519 signing keys, encrypted at rest under a key-encryption key.

The key-encryption key (KEK) is 32 random bytes from ``MERITKOMPIS_CREDENTIAL_KEK``
(base64url), or from the file ``MERITKOMPIS_CREDENTIAL_KEK_FILE``, or else from
``<data_dir>/credential-kek.key``, made on first use with mode 0600. Each private key
is stored as AES-256-GCM ciphertext with its public key as associated data, so a
ciphertext cannot be moved to another key's row.

Rotation makes a new signing key and retires the old one; a retired key never signs
again but stays a verification method of the issuer, so what it signed still verifies.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.credentials.models import IssuerKey
from api.credentials.multibase import ed25519_from_multikey, ed25519_multikey
from api.settings import Settings

KEK_BYTES: Final = 32
NONCE_BYTES: Final = 12
KEK_FILE_NAME: Final = "credential-kek.key"


class KeyEncryptionError(RuntimeError):
    """The key-encryption key is missing, malformed, or not the one the keys were made with."""


def _decode_kek(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raise KeyEncryptionError(f"the key-encryption key in {where} is not base64url") from None
    if len(raw) != KEK_BYTES:
        raise KeyEncryptionError(f"the key-encryption key in {where} must be {KEK_BYTES} bytes")
    return raw


def load_kek(settings: Settings) -> bytes:
    """The key-encryption key from the environment or a file, made on first run if absent."""
    if settings.credential_kek:
        return _decode_kek(settings.credential_kek, "MERITKOMPIS_CREDENTIAL_KEK")
    path = settings.credential_kek_file or settings.data_dir / KEK_FILE_NAME
    if path.exists():
        return _decode_kek(path.read_text(encoding="ascii"), str(path))
    if settings.credential_kek_file is not None:
        raise KeyEncryptionError(f"the key-encryption key file {path} does not exist")
    return _create_kek_file(path)


def _create_kek_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = secrets.token_bytes(KEK_BYTES)
    text = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _decode_kek(path.read_text(encoding="ascii"), str(path))
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
    return raw


@dataclass(frozen=True, slots=True)
class SigningKey:
    public_key_multibase: str
    private_key: Ed25519PrivateKey


@dataclass(frozen=True, slots=True)
class Keyring:
    """Every key of the issuer (public halves), and the one that signs now."""

    public_keys: dict[str, bytes]  # publicKeyMultibase -> raw public key
    active: SigningKey


def _encrypt(kek: bytes, private_key: Ed25519PrivateKey, multibase: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(kek).encrypt(nonce, private_key.private_bytes_raw(), multibase.encode())
    return nonce + sealed


def _decrypt(kek: bytes, row: IssuerKey) -> Ed25519PrivateKey:
    nonce, sealed = row.private_key_encrypted[:NONCE_BYTES], row.private_key_encrypted[NONCE_BYTES:]
    try:
        raw = AESGCM(kek).decrypt(nonce, sealed, row.public_key_multibase.encode())
    except Exception:
        raise KeyEncryptionError(
            "cannot decrypt the signing key: the key-encryption key is not the one it was made with"
        ) from None
    return Ed25519PrivateKey.from_private_bytes(raw)


async def _new_key(session: AsyncSession, kek: bytes, now: datetime) -> IssuerKey:
    private_key = Ed25519PrivateKey.generate()
    multibase = ed25519_multikey(private_key.public_key().public_bytes_raw())
    row = IssuerKey(
        public_key_multibase=multibase,
        private_key_encrypted=_encrypt(kek, private_key, multibase),
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def all_keys(session: AsyncSession) -> list[IssuerKey]:
    rows = await session.execute(select(IssuerKey).order_by(IssuerKey.id))
    return list(rows.scalars())


async def keyring(session: AsyncSession, kek: bytes, now: datetime) -> Keyring:
    """The issuer's keys; makes the first signing key when there is none."""
    rows = await all_keys(session)
    active = [row for row in rows if row.retired_at is None]
    if not active:
        row = await _new_key(session, kek, now)
        rows.append(row)
        active = [row]
    # Two processes may each have made a first key at once: the newest signs.
    signing = active[-1]
    return Keyring(
        public_keys={row.public_key_multibase: ed25519_public(row) for row in rows},
        active=SigningKey(signing.public_key_multibase, _decrypt(kek, signing)),
    )


async def rotate(session: AsyncSession, kek: bytes, now: datetime) -> IssuerKey:
    """Retire every signing key and make a new one; old keys keep verifying."""
    for row in await all_keys(session):
        if row.retired_at is None:
            row.retired_at = now
    return await _new_key(session, kek, now)


def ed25519_public(row: IssuerKey) -> bytes:
    return ed25519_from_multikey(row.public_key_multibase)
