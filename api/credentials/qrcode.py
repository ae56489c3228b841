"""A QR code that opens the verify page for one credential, as a PNG."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno


def verify_url(base_url: str, credential_id: str) -> str:
    """The page that checks our stored copy at once. The id alone keeps the code small."""
    return f"{base_url}/verify?" + urlencode({"credential": credential_id})


def qr_png(url: str, *, scale: int = 8) -> bytes:
    # Error correction "M" survives a crease or a smudge on a printed certificate; the
    # quiet zone of four modules is what phone cameras need to find the code.
    code = segno.make_qr(url, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
