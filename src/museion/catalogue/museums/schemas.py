"""go~mus museums.md shapes.

Museums are built with model_construct from rows our own database gave (museums.queries), and
written with their serializer: validating them again cost more than reading them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel

from museion.catalogue.schemas import LocationOut, PictureOut
from museion.web import Meta, Render, Text

Translated = dict[str, str | None] | None


class ListedMuseum(Protocol):
    """The columns a museum list shows (museums.queries._LIST_COLUMNS)."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> Translated: ...
    @property
    def sub_title(self) -> Translated: ...
    @property
    def picture_filename(self) -> str | None: ...
    @property
    def picture_title(self) -> Translated: ...
    @property
    def picture_description(self) -> Translated: ...
    @property
    def picture_copyright_info(self) -> Translated: ...


class ShownMuseum(ListedMuseum, Protocol):
    """One museum's columns: the list's, its long texts and its location."""

    @property
    def description(self) -> Translated: ...
    @property
    def content(self) -> dict[str, dict[str, str | None]] | None: ...
    @property
    def location_id(self) -> int | None: ...
    @property
    def location_name(self) -> str | None: ...
    @property
    def location_city(self) -> str | None: ...
    @property
    def location_country_id(self) -> int | None: ...
    @property
    def location_country_name(self) -> Translated: ...
    @property
    def location_street(self) -> str | None: ...
    @property
    def location_zip(self) -> str | None: ...
    @property
    def location_latitude(self) -> float | None: ...
    @property
    def location_longitude(self) -> float | None: ...


class MuseumOut(BaseModel):
    id: int
    title: Text
    sub_title: Text
    picture: PictureOut

    @classmethod
    def build(cls, museum: ListedMuseum, render: Render) -> MuseumOut:
        return cls.model_construct(**cls.fields_of(museum, render))

    @staticmethod
    def fields_of(museum: ListedMuseum, render: Render) -> dict[str, Any]:
        return {
            "id": museum.id,
            "title": render.text(museum.title),
            "sub_title": render.text(museum.sub_title),
            "picture": PictureOut.of(
                museum.picture_filename,
                museum.picture_title,
                museum.picture_description,
                museum.picture_copyright_info,
                render,
            ),
        }


class MuseumDetailOut(MuseumOut):
    description: Text
    content: dict[str, Text]
    location: LocationOut | None

    @classmethod
    def build(cls, museum: ShownMuseum, render: Render) -> MuseumDetailOut:  # type: ignore[override]
        return cls.model_construct(
            **MuseumOut.fields_of(museum, render),
            description=render.text(museum.description),
            content=render.content(museum.content),
            location=_location(museum, render),
        )


def _location(museum: ShownMuseum, render: Render) -> LocationOut | None:
    if museum.location_id is None:
        return None
    return LocationOut.of(
        museum.location_name,
        museum.location_city,
        museum.location_country_id,
        museum.location_country_name,
        museum.location_street,
        museum.location_zip,
        museum.location_latitude,
        museum.location_longitude,
        render,
    )


class MuseumsEnvelope(BaseModel):
    museums: list[MuseumOut]
    meta: Meta


class MuseumEnvelope(BaseModel):
    museum: MuseumDetailOut


def museum_fragment(museum: ListedMuseum, render: Render) -> bytes:
    """One museum's JSON in a list, as MuseumsEnvelope writes it: kept per museum, render and
    content generation (routes.list_museums)."""
    return _MUSEUM_OUT.to_json(MuseumOut.build(museum, render))


def museums_json(museums: list[bytes], meta: Meta) -> bytes:
    """MuseumsEnvelope's JSON around museums written by museum_fragment."""
    return b'{"museums":[%b],"meta":%b}' % (b",".join(museums), _META.to_json(meta))


def museum_json(envelope: MuseumEnvelope) -> bytes:
    """The envelope as FastAPI writes it for the response model (the same serializer)."""
    return MuseumEnvelope.__pydantic_serializer__.to_json(envelope)


_MUSEUM_OUT = MuseumOut.__pydantic_serializer__
_META = Meta.__pydantic_serializer__


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
