"""Reading our PDFs back with an independent reader (pypdf), the way a visitor's viewer would."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page; a broken file fails here (strict reading)."""
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content), strict=True)
    return [page.extract_text() for page in reader.pages]
