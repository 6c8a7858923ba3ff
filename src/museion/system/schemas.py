"""go~mus version.md, authentication.md (whoami) and locale.md shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class VersionOut(BaseModel):
    system: str
    api: str
    release: str
    time: datetime
    zone: str
    currency: str
    per_page: int


class VersionEnvelope(BaseModel):
    version: VersionOut


class WhoamiOut(BaseModel):
    access: str
    # [] means every museum of the instance (the newer go~mus pages' reading).
    museums: list[int]


class LocalesOut(BaseModel):
    locales: list[str]
