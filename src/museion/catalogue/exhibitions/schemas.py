"""go~mus exhibitions.md shapes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel

from museion.catalogue.schemas import LocationOut, PictureOut
from museion.web import Meta, Render, Text

if TYPE_CHECKING:
    from museion.catalogue.exhibitions.models import Exhibition
    from museion.catalogue.models import Location


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
    def build(cls, exhibition: Exhibition, render: Render) -> ExhibitionOut:
        return cls(
            id=exhibition.id,
            museum_id=exhibition.museum_id,
            foreign_id=exhibition.foreign_id,
            title=render.text(exhibition.title),
            sub_title=render.text(exhibition.sub_title),
            slider_description=render.text(exhibition.slider_description),
            featured=exhibition.featured,
            picture=PictureOut.build(exhibition.picture, render),
            time_frames=[
                TimeFrameOut(start_at=render.time(f.start_at), end_at=render.time(f.end_at))
                for f in exhibition.time_frames
            ],
        )


class ExhibitionDetailOut(ExhibitionOut):
    description: Text
    content: dict[str, Text]
    location: LocationOut | None

    @classmethod
    def build_detail(
        cls, exhibition: Exhibition, location: Location | None, render: Render
    ) -> ExhibitionDetailOut:
        return cls(
            **ExhibitionOut.build(exhibition, render).model_dump(),
            description=render.text(exhibition.description),
            content=render.content(exhibition.content),
            location=LocationOut.build(location, render),
        )


class ExhibitionsEnvelope(BaseModel):
    exhibitions: list[ExhibitionOut]
    meta: Meta


class ExhibitionEnvelope(BaseModel):
    exhibition: ExhibitionDetailOut
