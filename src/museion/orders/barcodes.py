"""Barcodes: one per admitted person, unguessable, printable in any symbology (the PDFs use
Code 128 and QR; Code 39 would do too)."""

from __future__ import annotations

import base64
import secrets
import string

# Code 39 encodes A-Z, 0-9 and a few symbols; letters and digits alone survive every scanner
# and every copy-paste. Codes are accepted in all of them (up to 32 characters).
ALPHABET = string.ascii_uppercase + string.digits
LENGTH = 16


def new_code() -> str:
    """80 random bits in base32 (A-Z and 2-7, within ALPHABET): 16 characters, and guessing a
    valid one is hopeless. One read of the system's randomness, not one per character."""
    return base64.b32encode(secrets.token_bytes(LENGTH * 5 // 8)).decode()


def looks_like_code(value: str) -> bool:
    return 0 < len(value) <= 32 and all(c in ALPHABET for c in value)
