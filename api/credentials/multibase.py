"""Multibase base58-btc and the multicodec prefix of Ed25519 public keys (Multikey)."""

from __future__ import annotations

from typing import Final

_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX: Final = {char: index for index, char in enumerate(_ALPHABET)}
# The multicodec code of an Ed25519 public key (0xed) as an unsigned varint.
ED25519_PUB_PREFIX: Final = b"\xed\x01"


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        try:
            number = number * 58 + _INDEX[char]
        except KeyError:
            raise ValueError(f"{char!r} is not a base58 character") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_z(data: bytes) -> str:
    """Multibase base58-btc: ``z`` followed by the base58 text."""
    return "z" + b58encode(data)


def decode_z(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("not a base58-btc multibase value (it must start with 'z')")
    return b58decode(text[1:])


def ed25519_multikey(raw_public_key: bytes) -> str:
    """The ``publicKeyMultibase`` of a 32-byte Ed25519 public key (``z6Mk...``)."""
    return encode_z(ED25519_PUB_PREFIX + raw_public_key)


def ed25519_from_multikey(value: str) -> bytes:
    data = decode_z(value)
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return data[2:]
