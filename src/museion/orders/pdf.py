"""The drawing surface of the order documents, on ReportLab: A4 pages filled top-down, text in
the standard Helvetica, and barcodes as Code 128 bars with a QR code beside them. Text is drawn
as text, so a reader can search and copy it (the code under the bars, the title)."""

from __future__ import annotations

import io
import unicodedata

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

MARGIN = 56  # points
TOP = A4[1] - MARGIN
WIDTH = A4[0] - 2 * MARGIN
FONTS = {False: "Helvetica", True: "Helvetica-Bold"}
BAR_WIDTH = 1.2  # points per Code 128 module: 0.42 mm, easy for gate scanners and phone cameras


def printable(text: str) -> str:
    """The standard fonts show Windows-1252: umlauts, ß, €, dashes and typographic quotes.
    Other letters lose their accent (Dvořák: Dvorak) instead of turning into black boxes."""
    shown = []
    for char in unicodedata.normalize("NFC", text):
        if not char.encode("cp1252", errors="ignore"):
            base = unicodedata.normalize("NFKD", char).encode("cp1252", errors="ignore")
            char = base.decode("cp1252") or "?"
        shown.append(char)
    return "".join(shown)


class Document:
    """A PDF written top-down: each call draws below the previous one, and a page that is
    full continues on the next."""

    def __init__(self, title: str) -> None:
        self._out = io.BytesIO()
        # invariant: no creation time and no random file id, so an order's PDF is always the same.
        self._canvas = Canvas(self._out, pagesize=A4, pageCompression=1, invariant=True)
        self._canvas.setTitle(printable(title))
        self._pages = 0
        self._drawn = False
        self.cursor = TOP

    def _make_room(self, height: float) -> None:
        if self.cursor - height < MARGIN:
            self.next_page()

    def next_page(self) -> None:
        """Finish the page; the next call draws at the top of a new one."""
        if self._drawn:
            self._canvas.showPage()
            self._pages += 1
        self._drawn = False
        self.cursor = TOP

    def gap(self, points: float = 12) -> None:
        self.cursor -= points

    def line(self, text: str, *, size: float = 11, bold: bool = False) -> None:
        """Text at the left margin, wrapped at the right one."""
        font = FONTS[bold]
        for part in simpleSplit(printable(text), font, size, WIDTH) or [""]:
            self._make_room(size * 1.5)
            self.cursor -= size * 1.5
            self._canvas.setFont(font, size)
            self._canvas.drawString(MARGIN, self.cursor, part)
            self._drawn = True

    def barcode(self, code: str, *, height: float = 60) -> None:
        """The code as Code 128 bars with the code in plain text below, and as a QR code at
        the right margin: gate scanners read the bars, phones the QR code."""
        size = height + 30
        self._make_room(size)
        top = self.cursor
        # No quiet zones of its own: the page margin is the left one, the gap to the QR code
        # the right one, so the bars line up with the text.
        bars = Code128(code, barWidth=BAR_WIDTH, barHeight=height, quiet=False)
        bars.drawOn(self._canvas, MARGIN, top - height)
        self._canvas.setFont(FONTS[False], 12)
        self._canvas.drawString(MARGIN, top - height - 18, code)
        qr = Drawing(size, size)
        qr.add(QrCodeWidget(code, barLevel="M", barWidth=size, barHeight=size))
        renderPDF.draw(qr, self._canvas, A4[0] - MARGIN - size, top - size)
        self.cursor = top - size
        self._drawn = True

    def render(self) -> bytes:
        """The finished file; a document with nothing drawn is one blank page."""
        if self._drawn or self._pages == 0:
            self._canvas.showPage()
        self._canvas.save()
        return self._out.getvalue()
