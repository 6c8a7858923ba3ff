"""go~mus museums.md shapes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel

from museion.catalogue.schemas import LocationOut, PictureOut
from museion.web import Meta, Render, Text

if TYPE_CHECKING:
    from museion.catalogue.museums.models import Museum


class MuseumOut(BaseModel):
    id: int
    title: Text
    sub_title: Text
    picture: PictureOut

    @classmethod
    def build(cls, museum: Museum, render: Render) -> MuseumOut:
        return cls(
            id=museum.id,
            title=render.text(museum.title),
            sub_title=render.text(museum.sub_title),
            picture=PictureOut.build(museum.picture, render),
        )


class MuseumDetailOut(MuseumOut):
    description: Text
    content: dict[str, Text]
    location: LocationOut | None

    @classmethod
    def build(cls, museum: Museum, render: Render) -> MuseumDetailOut:
        return cls(
            **MuseumOut.build(museum, render).model_dump(),
            description=render.text(museum.description),
            content=render.content(museum.content),
            location=LocationOut.build(museum.location, render),
        )


class MuseumsEnvelope(BaseModel):
    museums: list[MuseumOut]
    meta: Meta


class MuseumEnvelope(BaseModel):
    museum: MuseumDetailOut


class DayHours(Protocol):
    """What an answer shows of a day's opening hours (museums.service.DayHours); a protocol,
    so that schemas need not import the service."""

    @property
    def begin(self) -> datetime | None: ...
    @property
    def end(self) -> datetime | None: ...
    @property
    def closed(self) -> bool: ...
    @property
    def note(self) -> dict[str, str | None] | None: ...


class OpeningHoursOut(BaseModel):
    """go~mus gives begin/end; on a closed day both are null and `closed` says why they are."""

    begin: datetime | None
    end: datetime | None
    closed: bool
    note: Text = None

    @classmethod
    def build(cls, hours: DayHours, render: Render) -> OpeningHoursOut:
        return cls(
            begin=hours.begin,
            end=hours.end,
            closed=hours.closed,
            note=render.text(hours.note) if hours.note else None,
        )


class OpeningHoursEnvelope(BaseModel):
    opening_hours: OpeningHoursOut
