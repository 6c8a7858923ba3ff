"""The drawing surface of the documents: text that reads back, pages that flow."""

from __future__ import annotations

from museion.orders.pdf import Document, printable
from tests.orders.pdfs import pdf_pages


def test_german_typography_is_kept_and_other_letters_lose_only_their_accent() -> None:
    assert printable("Führung „Größe“ – 12 €") == "Führung „Größe“ – 12 €"
    assert printable("Dvořák in Łódź, 東京") == "Dvorák in ?ódz, ??"
    assert printable("Cafe\u0301") == "Café"  # decomposed input is composed first


def test_a_full_page_continues_on_the_next() -> None:
    document = Document("Lang")
    for number in range(60):
        document.line(f"Zeile {number}")
    for code in ("AAAA0000BBBB1111", "CCCC2222DDDD3333"):
        document.barcode(code)
    pages = pdf_pages(document.render())
    assert len(pages) == 2
    assert "Zeile 0" in pages[0]
    assert "Zeile 59" in pages[1]
    assert "CCCC2222DDDD3333" in pages[1]


def test_each_next_page_starts_a_page_and_an_empty_document_is_one_blank_page() -> None:
    document = Document("Tickets")
    for code in ("AAAA0000BBBB1111", "CCCC2222DDDD3333"):
        document.barcode(code)
        document.next_page()
    assert [page.strip() for page in pdf_pages(document.render())] == [
        "AAAA0000BBBB1111",
        "CCCC2222DDDD3333",
    ]
    assert [page.strip() for page in pdf_pages(Document("Leer").render())] == [""]


def test_the_same_document_gives_the_same_bytes() -> None:
    def draw() -> bytes:
        document = Document("Ticket")
        document.barcode("AAAA0000BBBB1111")
        return document.render()

    assert draw() == draw()
