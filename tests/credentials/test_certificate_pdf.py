"""The printable certificate: real text in every language, whatever was drawn before it.

Fonts are read once per process and shared between certificates (api/credentials/
certificate.py), so these check what sharing could break: Arabic must stay real,
extractable text; a certificate must not depend on the ones drawn before it or at the
same moment in another thread; and the Arabic fonts are embedded only when needed.
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pypdf import PdfReader

from api.credentials import certificate, qrcode
from api.i18n import render

VERIFY = "https://meritkompis.example/verify?credential=urn:uuid:4f1c"
QR = qrcode.qr_png(VERIFY)


def credential(title: str, learner: str, outcomes: list[str]) -> dict[str, Any]:
    """The parts of a signed credential that the certificate shows."""
    return {
        "name": title,
        "validFrom": "2026-03-01T10:00:00Z",
        "issuer": {"name": "Meritkompis"},
        "credentialSubject": {
            "identifier": [{"identityType": "name", "identityHash": learner}],
            "achievement": {"criteria": {"narrative": "\n".join(f"- {o}" for o in outcomes)}},
        },
        "euMicroCredential": {"9_assessment": {"text": "A supervisor saw the work."}},
    }


SAMAN = credential("تنظيف غرف الفندق", "سامان أحمد", ["يرتب الأسرّة", "يبلغ عن مشاكل الغرفة"])
JACOB = credential("Städa hotellrum", "Jacob Lind", ["Bäddar sängar", "Förbereder gästrum"])
# A Swedish certificate for a learner who wrote his name in Arabic letters.
MIXED = credential("Städa hotellrum", "سامان أحمد", ["Bäddar sängar"])


def draw(document: dict[str, Any], locale: str) -> bytes:
    return certificate.certificate_pdf(document, locale=locale, verify_url=VERIFY, qr_png=QR)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def without_dates(pdf: bytes) -> bytes:
    """The document minus what fpdf2 stamps from the clock (creation date, file ID)."""
    return re.sub(rb"/CreationDate \([^)]*\)|/ID \[[^]]*\]", b"", pdf)


def embedded_fonts(pdf: bytes) -> int:
    return pdf.count(b"/FontFile2")


def test_an_arabic_certificate_carries_its_words_as_text() -> None:
    pdf = draw(SAMAN, "ar")
    assert pdf.startswith(b"%PDF-")
    found = words(text_of(pdf))
    heading = render(certificate.HEADING, "ar")
    for expected in (heading, "تنظيف غرف الفندق", "سامان أحمد", "يبلغ عن مشاكل الغرفة"):
        assert words(expected) <= found, expected
    assert VERIFY in text_of(pdf)


def test_a_swedish_certificate_with_an_arabic_name_keeps_both_scripts() -> None:
    found = words(text_of(draw(MIXED, "sv")))
    assert words("Städa hotellrum Bäddar sängar") <= found
    assert words("سامان أحمد") <= found


def test_arabic_fonts_are_embedded_only_when_a_letter_needs_them() -> None:
    assert embedded_fonts(draw(JACOB, "sv")) == 2  # regular and bold
    assert embedded_fonts(draw(MIXED, "sv")) == 4  # and their Arabic fallbacks
    assert embedded_fonts(draw(SAMAN, "ar")) == 4


def test_a_certificate_is_the_same_whatever_was_drawn_before_or_beside_it() -> None:
    asked = [(SAMAN, "ar"), (JACOB, "sv"), (MIXED, "sv"), (JACOB, "en")] * 3
    alone = [without_dates(draw(document, locale)) for document, locale in asked]
    assert alone[:4] == alone[4:8] == alone[8:]
    # Drawn at once in worker threads, as chat turns do (bot/merits.py).
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda job: without_dates(draw(*job)), asked))
    assert together == alone
