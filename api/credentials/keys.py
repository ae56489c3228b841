"""The issuer's Ed25519 signing keys, encrypted at rest under a key-encryption key.

The key-encryption key (KEK) is 32 random bytes from ``MERITKOMPIS_CREDENTIAL_KEK``
(base64url), or from the file ``MERITKOMPIS_CREDENTIAL_KEK_FILE``, or else from
``<data_dir>/credential-kek.key``, made on first use with mode 0600. Each private key
is stored as AES-256-GCM ciphertext with its public key as associated data, so a
ciphertext cannot be moved to another key's row.

Rotation makes a new signing key and retires the old one; a retired key never signs
again but stays a verification method of the issuer, so what it signed still verifies.

Issuing and verifying are hot paths, so each database (engine) keeps its keys in
memory: the decrypted signing key for ``KEYRING_TTL`` seconds (a rotation in this
process drops it at once; one by ``meritkompis signing-key rotate`` is picked up within
that time), and the public keys until a credential names one we have not seen.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from api.credentials.models import IssuerKey
from api.credentials.multibase import ed25519_from_multikey, ed25519_multikey
from api.settings import Settings

KEK_BYTES: Final = 32
NONCE_BYTES: Final = 12
KEK_FILE_NAME: Final = "credential-kek.key"
# How long a process signs with the key it loaded before it looks for a rotation.
KEYRING_TTL: Final = 60.0


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
    ring, _ = await _load(session, kek, now)
    return ring


async def _load(session: AsyncSession, kek: bytes, now: datetime) -> tuple[Keyring, bool]:
    """The keyring, and whether it is stored (False: its first key is not committed yet)."""
    rows = await all_keys(session)
    active = [row for row in rows if row.retired_at is None]
    stored = bool(active)
    if not active:
        row = await _new_key(session, kek, now)
        rows.append(row)
        active = [row]
    # Two processes may each have made a first key at once: the newest signs.
    signing = active[-1]
    ring = Keyring(
        public_keys={row.public_key_multibase: ed25519_public(row) for row in rows},
        active=SigningKey(signing.public_key_multibase, _decrypt(kek, signing)),
    )
    return ring, stored


@dataclass(slots=True)
class _Held:
    """What one database's keys look like from this process."""

    public_keys: dict[str, bytes]
    signing: tuple[bytes, Keyring, float] | None = None  # (kek, ring, loaded at: monotonic)


_HELD: weakref.WeakKeyDictionary[Engine, _Held] = weakref.WeakKeyDictionary()


def engine_of(session: AsyncSession) -> Engine:
    """The database a session works on: what per-database memory is kept under."""
    bind = session.sync_session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


async def signing_keyring(session: AsyncSession, kek: bytes, now: datetime) -> Keyring:
    """``keyring`` kept in memory: no query and no decryption on most calls."""
    engine = engine_of(session)
    held = _HELD.get(engine)
    if held is not None and held.signing is not None:
        held_kek, ring, loaded = held.signing
        if held_kek == kek and time.monotonic() - loaded < KEYRING_TTL:
            return ring
    ring, stored = await _load(session, kek, now)
    # A first key made in this transaction may yet be rolled back: not kept until stored.
    if stored:
        _HELD[engine] = _Held(dict(ring.public_keys), (kek, ring, time.monotonic()))
    return ring


async def public_keys(session: AsyncSession, wanted: Iterable[str] = ()) -> dict[str, bytes]:
    """Every public key of the issuer (multibase -> raw), from memory unless one of
    ``wanted`` is missing there: then from the database (another process may have made it)."""
    engine = engine_of(session)
    held = _HELD.get(engine)
    if held is not None and all(key in held.public_keys for key in wanted):
        return held.public_keys
    loaded = {row.public_key_multibase: ed25519_public(row) for row in await all_keys(session)}
    if held is None:
        _HELD[engine] = _Held(loaded)
    else:
        held.public_keys = loaded
    return loaded


def forget(session: AsyncSession) -> None:
    """Drop what this process holds of the keys of the session's database."""
    _HELD.pop(engine_of(session), None)


async def rotate(session: AsyncSession, kek: bytes, now: datetime) -> IssuerKey:
    """Retire every signing key and make a new one; old keys keep verifying."""
    for row in await all_keys(session):
        if row.retired_at is None:
            row.retired_at = now
    row = await _new_key(session, kek, now)
    forget(session)

    # Another task may reload the old keys before this commits, or this transaction
    # load the new key and then roll back: forget again when it ends, either way.
    def ended(_session: Session) -> None:
        forget(session)

    for moment in ("after_commit", "after_rollback"):
        event.listen(session.sync_session, moment, ended, once=True)
    return row


def ed25519_public(row: IssuerKey) -> bytes:
    return ed25519_from_multikey(row.public_key_multibase)
