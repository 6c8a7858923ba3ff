"""Barcodes: one per admitted person, unguessable, printable in any symbology (the PDFs use
Code 128 and QR; Code 39 would do too)."""

from __future__ import annotations

import secrets
import string

# Code 39 encodes A-Z, 0-9 and a few symbols; letters and digits alone survive every scanner
# and every copy-paste. 16 of them are 82 random bits: guessing a valid one is hopeless.
ALPHABET = string.ascii_uppercase + string.digits
LENGTH = 16


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def looks_like_code(value: str) -> bool:
    return 0 < len(value) <= 32 and all(c in ALPHABET for c in value)
