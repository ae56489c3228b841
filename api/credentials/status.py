"""Revocation through a W3C Bitstring Status List.

Each credential gets a random slot in a list of 131,072 bits (16 KiB, the size the
specification asks for, so a slot says little about when or to whom it was issued).
Revoking sets the slot's bit. The list is published as a signed
``BitstringStatusListCredential`` at a stable URL: ``{base_url}/credentials/status/{n}``.
"""

from __future__ import annotations

import base64
import gzip
import secrets
from collections.abc import Iterable
from typing import Any, Final

from api.credentials.jsonld import VC_V2

LIST_BITS: Final = 131_072
PURPOSE: Final = "revocation"


def list_url(base_url: str, number: int) -> str:
    return f"{base_url}/credentials/status/{number}"


def random_index() -> int:
    return secrets.randbelow(LIST_BITS)


def encode(revoked: Iterable[int], size: int = LIST_BITS) -> str:
    """Multibase base64url (no padding) of the GZIP of the bits; index 0 is the first bit."""
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("the encoded list is not multibase base64url")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"status index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def entry(base_url: str, number: int, index: int) -> dict[str, Any]:
    """The ``credentialStatus`` of a credential in slot ``index`` of list ``number``."""
    url = list_url(base_url, number)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def list_credential(
    base_url: str, number: int, issuer: str, valid_from: str, revoked: Iterable[int]
) -> dict[str, Any]:
    """The unsigned status list credential of list ``number``."""
    url = list_url(base_url, number)
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked),
        },
    }
