"""PDF documents written directly (no dependency): text in Helvetica and Code 39 barcodes
drawn as bars. Content streams are left uncompressed, so the text is plain in the file."""

from __future__ import annotations

from dataclasses import dataclass, field

A4 = (595, 842)  # points
MARGIN = 56

# Code 39: per character 5 bars and 4 spaces, bar first; 3 of the 9 are wide.
CODE39 = {
    "0": "nnnwwnwnn", "1": "wnnwnnnnw", "2": "nnwwnnnnw", "3": "wnwwnnnnn", "4": "nnnwwnnnw",
    "5": "wnnwwnnnn", "6": "nnwwwnnnn", "7": "nnnwnnwnw", "8": "wnnwnnwnn", "9": "nnwwnnwnn",
    "A": "wnnnnwnnw", "B": "nnwnnwnnw", "C": "wnwnnwnnn", "D": "nnnnwwnnw", "E": "wnnnwwnnn",
    "F": "nnwnwwnnn", "G": "nnnnnwwnw", "H": "wnnnnwwnn", "I": "nnwnnwwnn", "J": "nnnnwwwnn",
    "K": "wnnnnnnww", "L": "nnwnnnnww", "M": "wnwnnnnwn", "N": "nnnnwnnww", "O": "wnnnwnnwn",
    "P": "nnwnwnnwn", "Q": "nnnnnnwww", "R": "wnnnnnwwn", "S": "nnwnnnwwn", "T": "nnnnwnwwn",
    "U": "wwnnnnnnw", "V": "nwwnnnnnw", "W": "wwwnnnnnn", "X": "nwnnwnnnw", "Y": "wwnnwnnnn",
    "Z": "nwwnwnnnn", "*": "nwnnwnwnn",
}  # fmt: skip
NARROW = 1.2  # points per narrow element: 0.42 mm, well above Code 39's minimum
WIDE = 3 * NARROW
QUIET = 10 * NARROW  # blank margin a scanner needs on either side


def code39_bars(code: str) -> list[tuple[float, float]]:
    """(x offset, width) of every bar of `*code*`; characters are separated by a narrow gap."""
    bars: list[tuple[float, float]] = []
    x = QUIET
    for char in f"*{code}*":
        for position, element in enumerate(CODE39[char]):
            width = WIDE if element == "w" else NARROW
            if position % 2 == 0:
                bars.append((x, width))
            x += width
        x += NARROW
    return bars


def _escape(text: str) -> str:
    safe = text.encode("latin-1", errors="replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@dataclass
class Page:
    """One A4 page; `line` writes top-down from the upper margin."""

    operations: list[str] = field(default_factory=list)
    cursor: float = A4[1] - MARGIN

    def text(self, x: float, y: float, text: str, *, size: float = 11, bold: bool = False) -> None:
        font = "F2" if bold else "F1"
        self.operations.append(f"BT /{font} {size} Tf {x:.2f} {y:.2f} Td ({_escape(text)}) Tj ET")

    def line(self, text: str, *, size: float = 11, bold: bool = False) -> None:
        self.cursor -= size * 1.5
        self.text(MARGIN, self.cursor, text, size=size, bold=bold)

    def gap(self, points: float = 12) -> None:
        self.cursor -= points

    def barcode(self, code: str, *, height: float = 60) -> None:
        """The code as Code 39 bars with the code in plain text below."""
        self.cursor -= height + 8
        bottom = self.cursor
        for x, width in code39_bars(code):
            self.operations.append(f"{MARGIN + x:.2f} {bottom:.2f} {width:.2f} {height:.2f} re f")
        self.cursor -= 4
        self.line(code, size=12)


def render(pages: list[Page]) -> bytes:
    """A PDF 1.4 file: catalog, page tree, two standard fonts, then each page and its content."""
    fonts = 3
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the page numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for page in pages or [Page()]:
        content = "\n".join(page.operations).encode("latin-1")
        page_number = len(objects) + 1
        kids.append(f"{page_number} 0 R")
        objects.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4[0]} {A4[1]}] "
                f"/Resources << /Font << /F1 {fonts} 0 R /F2 {fonts + 1} 0 R >> >> "
                f"/Contents {page_number + 1} 0 R >>"
            ).encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
