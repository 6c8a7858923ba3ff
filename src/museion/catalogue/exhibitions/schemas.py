"""go~mus exhibitions.md shapes.

Built with model_construct from rows our own database gave (exhibitions.queries), and written
with the envelope's serializer: validating them again cost more than reading them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel

from museion.catalogue.schemas import LocationOut, PictureOut
from museion.web import Meta, Render, Text

Translated = dict[str, str | None] | None


class ListedExhibition(Protocol):
    """The columns an exhibition list shows (exhibitions.queries._LIST_COLUMNS)."""

    @property
    def id(self) -> int: ...
    @property
    def museum_id(self) -> int: ...
    @property
    def foreign_id(self) -> str | None: ...
    @property
    def title(self) -> Translated: ...
    @property
    def sub_title(self) -> Translated: ...
    @property
    def slider_description(self) -> Translated: ...
    @property
    def featured(self) -> bool: ...
    @property
    def picture_filename(self) -> str | None: ...
    @property
    def picture_title(self) -> Translated: ...
    @property
    def picture_description(self) -> Translated: ...
    @property
    def picture_copyright_info(self) -> Translated: ...


class ShownExhibition(ListedExhibition, Protocol):
    """One exhibition's columns: the list's, its long texts and where it is shown."""

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


class TimeFrameOut(BaseModel):
    start_at: datetime
    end_at: datetime


class ExhibitionOut(BaseModel):
    id: int
    museum_id: int
    foreign_id: str | None
    title: Text
    sub_title: Text
    slider_description: Text
    featured: bool
    picture: PictureOut
    # No time frames: a permanent exhibition.
    time_frames: list[TimeFrameOut]

    @classmethod
    def build(
        cls,
        exhibition: ListedExhibition,
        frames: list[tuple[datetime, datetime]],
        render: Render,
    ) -> ExhibitionOut:
        return cls.model_construct(**cls.fields_of(exhibition, frames, render))

    @staticmethod
    def fields_of(
        exhibition: ListedExhibition,
        frames: list[tuple[datetime, datetime]],
        render: Render,
    ) -> dict[str, Any]:
        return {
            "id": exhibition.id,
            "museum_id": exhibition.museum_id,
            "foreign_id": exhibition.foreign_id,
            "title": render.text(exhibition.title),
            "sub_title": render.text(exhibition.sub_title),
            "slider_description": render.text(exhibition.slider_description),
            "featured": exhibition.featured,
            "picture": PictureOut.of(
                exhibition.picture_filename,
                exhibition.picture_title,
                exhibition.picture_description,
                exhibition.picture_copyright_info,
                render,
            ),
            "time_frames": [
                TimeFrameOut.model_construct(start_at=render.time(start), end_at=render.time(end))
                for start, end in frames
            ],
        }


class ExhibitionDetailOut(ExhibitionOut):
    description: Text
    content: dict[str, Text]
    location: LocationOut | None

    @classmethod
    def build_detail(
        cls,
        exhibition: ShownExhibition,
        frames: list[tuple[datetime, datetime]],
        render: Render,
    ) -> ExhibitionDetailOut:
        return cls.model_construct(
            **ExhibitionOut.fields_of(exhibition, frames, render),
            description=render.text(exhibition.description),
            content=render.content(exhibition.content),
            location=_location(exhibition, render),
        )


def _location(exhibition: ShownExhibition, render: Render) -> LocationOut | None:
    if exhibition.location_id is None:
        return None
    return LocationOut.of(
        exhibition.location_name,
        exhibition.location_city,
        exhibition.location_country_id,
        exhibition.location_country_name,
        exhibition.location_street,
        exhibition.location_zip,
        exhibition.location_latitude,
        exhibition.location_longitude,
        render,
    )


class ExhibitionsEnvelope(BaseModel):
    exhibitions: list[ExhibitionOut]
    meta: Meta


class ExhibitionEnvelope(BaseModel):
    exhibition: ExhibitionDetailOut


def exhibition_fragment(
    exhibition: ListedExhibition, frames: list[tuple[datetime, datetime]], render: Render
) -> bytes:
    """One exhibition's JSON in a list, as ExhibitionsEnvelope writes it: kept per exhibition,
    render and content generation (routes.list_exhibitions)."""
    return _EXHIBITION_OUT.to_json(ExhibitionOut.build(exhibition, frames, render))


def exhibitions_json(exhibitions: list[bytes], meta: Meta) -> bytes:
    """ExhibitionsEnvelope's JSON around exhibitions written by exhibition_fragment."""
    return b'{"exhibitions":[%b],"meta":%b}' % (b",".join(exhibitions), _META.to_json(meta))


def exhibition_json(envelope: ExhibitionEnvelope) -> bytes:
    """The envelope as FastAPI writes it for the response model (the same serializer)."""
    return ExhibitionEnvelope.__pydantic_serializer__.to_json(envelope)


_EXHIBITION_OUT = ExhibitionOut.__pydantic_serializer__
_META = Meta.__pydantic_serializer__
