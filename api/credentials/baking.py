"""Open Badges 3.0 baking: the credential carried inside its badge picture.

A PNG badge holds the signed credential, as compact JSON, in one ``iTXt`` chunk with
the keyword ``openbadgecredential`` (uncompressed, no language tag), placed before the
image's end. Anyone who gets the picture gets the credential and can verify it. The
chunk is written by hand: the picture's own bytes stay as they were drawn.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator, Mapping
from typing import Any, Final

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
KEYWORD: Final = b"openbadgecredential"


class NotABadge(ValueError):
    """The bytes are not a PNG, or it carries no credential."""


def compact_json(credential: Mapping[str, Any]) -> str:
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _chunks(png: bytes) -> Iterator[tuple[int, bytes, bytes]]:
    """(offset, type, data) of each chunk, checking lengths and CRCs as it goes."""
    if not png.startswith(PNG_SIGNATURE):
        raise NotABadge("not a PNG picture")
    offset = len(PNG_SIGNATURE)
    while offset + 12 <= len(png):
        (length,) = struct.unpack_from(">I", png, offset)
        kind = png[offset + 4 : offset + 8]
        end = offset + 12 + length
        if end > len(png):
            raise NotABadge("the PNG is cut short")
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack_from(">I", png, offset + 8 + length)
        if zlib.crc32(kind + data) & 0xFFFFFFFF != crc:
            raise NotABadge("a PNG chunk is damaged")
        yield offset, kind, data
        if kind == b"IEND":
            return
        offset = end
    raise NotABadge("the PNG has no end")


def _is_credential_chunk(kind: bytes, data: bytes) -> bool:
    return kind == b"iTXt" and data.split(b"\0", 1)[0] == KEYWORD


def bake(png: bytes, credential: Mapping[str, Any]) -> bytes:
    """The picture with the credential baked in (replacing one baked in before)."""
    text = compact_json(credential).encode("utf-8")
    # keyword, NUL, compression flag and method (none), empty language tag and
    # translated keyword, each ended by NUL, then the text.
    chunk = _chunk(b"iTXt", KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + text)
    parts = [PNG_SIGNATURE]
    for offset, kind, data in _chunks(png):
        if _is_credential_chunk(kind, data):
            continue
        if kind == b"IEND":
            parts.append(chunk)
        parts.append(png[offset : offset + 12 + len(data)])
    return b"".join(parts)


def unbake(png: bytes) -> dict[str, Any]:
    """The credential baked into the picture."""
    for _, kind, data in _chunks(png):
        if not _is_credential_chunk(kind, data):
            continue
        flags = data[len(KEYWORD) + 1 : len(KEYWORD) + 3]
        if flags[:1] != b"\0":
            raise NotABadge("the credential in the picture is compressed")
        # After the two flag bytes: language tag NUL, translated keyword NUL, text.
        _language, _, rest = data[len(KEYWORD) + 3 :].partition(b"\0")
        _translated, _, text = rest.partition(b"\0")
        try:
            credential = json.loads(text.decode("utf-8"))
        except (ValueError, RecursionError) as error:
            raise NotABadge(f"the credential in the picture is not JSON: {error}") from None
        if not isinstance(credential, dict):
            raise NotABadge("the picture holds no credential object")
        return credential
    raise NotABadge("the picture has no credential baked in")
