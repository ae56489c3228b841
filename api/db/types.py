"""Column types shared by the domain packages."""

from __future__ import annotations

import base64
import secrets
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import JSON, Dialect, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

# JSONB on PostgreSQL (indexable, compact); plain JSON text elsewhere.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


# --------------------------------------------------------------------------------------
# Encrypted text: people's contact details, unreadable in a copy of the database.

SEALED_PREFIX: Final = "aesgcm1:"
_NONCE_BYTES: Final = 12
_CONTACTS_INFO: Final = b"meritkompis contact details v1"
_contact_key: bytes | None = None


class ContactKeyError(RuntimeError):
    """A sealed value does not open with this key: the key is not the one it was sealed with."""


def contact_key_from_kek(kek: bytes) -> bytes:
    """The key for contact details, derived from the credential key-encryption key.

    One secret to keep (the KEK, see api/credentials/keys.py), two keys in use: a key
    for one purpose never opens what the other sealed.
    """
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CONTACTS_INFO).derive(kek)


def use_contact_key(key: bytes | None) -> None:
    """Set the key the encrypted columns use in this process (the app does it at start-up)."""
    global _contact_key
    _contact_key = key


def contact_key() -> bytes:
    """The key in use; made from the default settings' KEK when nobody has set one."""
    if _contact_key is None:
        # Imported here: the credential models import this module.
        from api.credentials.keys import load_kek
        from api.settings import Settings

        use_contact_key(contact_key_from_kek(load_kek(Settings())))
    assert _contact_key is not None
    return _contact_key


def seal(plain: str, purpose: str, key: bytes | None = None) -> str:
    """AES-256-GCM with a fresh nonce; the purpose (the column) is associated data, so a
    value copied into another column does not open there."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(key or contact_key()).encrypt(nonce, plain.encode(), purpose.encode())
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(stored: str, purpose: str, key: bytes | None = None) -> str:
    if not stored.startswith(SEALED_PREFIX):
        # Written before the column was encrypted; migration 0007 seals every such row.
        return stored
    raw = base64.urlsafe_b64decode(stored[len(SEALED_PREFIX) :])
    try:
        plain = AESGCM(key or contact_key()).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], purpose.encode()
        )
    except InvalidTag:
        raise ContactKeyError(
            f"cannot open {purpose}: the key-encryption key is not the one it was sealed with"
        ) from None
    return plain.decode()


class EncryptedString(TypeDecorator[str]):
    """A string stored sealed (see ``seal``); Python code reads and writes plain text.

    ``purpose`` names the column. Nothing can be searched or compared in the database:
    these columns are only ever read with their row.
    """

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        # An emptied value stays empty: it says nothing, and a sweep can find it in SQL.
        return value if not value else seal(value, self.purpose)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else unseal(value, self.purpose)

    @property
    def python_type(self) -> type[str]:
        return str
