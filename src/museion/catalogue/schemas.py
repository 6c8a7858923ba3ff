"""Wire shapes shared by catalogue resources: picture and location blocks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from museion.catalogue.pictures import FORMATS
from museion.web import Render, Text

if TYPE_CHECKING:
    from museion.catalogue.models import Location, Picture


class PictureOut(BaseModel):
    """Always present, every URL a string that serves an image: a record without a picture
    shows the instance's fallback picture, with null texts as go~mus shows its grey stand-in
    (`hintergrund_grau.jpg` in museums.md)."""

    title: Text = None
    description: Text = None
    copyright_info: Text = None
    original: str
    teaser: str
    preview: str
    article: str
    detail: str
    teaser_3x2: str
    preview_3x2: str
    article_3x2: str
    detail_3x2: str

    @classmethod
    def build(cls, picture: Picture | None, render: Render) -> PictureOut:
        if picture is None:
            return cls(**picture_urls(render.fallback_picture, render.media_url))
        return cls(
            title=render.text(picture.title),
            description=render.text(picture.description),
            copyright_info=render.text(picture.copyright_info),
            **picture_urls(picture.filename, render.media_url),
        )

    @classmethod
    def of(
        cls,
        filename: str | None,
        title: dict[str, str | None] | None,
        description: dict[str, str | None] | None,
        copyright_info: dict[str, str | None] | None,
        render: Render,
    ) -> PictureOut:
        """build() from the picture's columns (`filename` None: no picture), for lists read
        without the ORM; built without validating again what our database gave."""
        fields: dict[str, Any]
        if filename is None:
            fields = picture_urls(render.fallback_picture, render.media_url)
        else:
            fields = {
                "title": render.text(title),
                "description": render.text(description),
                "copyright_info": render.text(copyright_info),
                **picture_urls(filename, render.media_url),
            }
        return cls.model_construct(**fields)


def picture_urls(filename: str, media_url: str) -> dict[str, str]:
    """One URL per format; an image hosted elsewhere (an http(s) URL) stands for every format."""
    if filename.startswith(("http://", "https://")):
        return dict.fromkeys(FORMATS, filename)
    return {fmt: f"{media_url}/{fmt}/{filename}" for fmt in FORMATS}


class LocationOut(BaseModel):
    name: str | None
    city: str | None
    country: Text
    street: str | None
    zip: str | None
    latitude: float | None
    longitude: float | None

    @classmethod
    def build(cls, location: Location | None, render: Render) -> LocationOut | None:
        if location is None:
            return None
        return cls.model_construct(
            name=location.name,
            city=location.city,
            country=render.text(location.country.name) if location.country else None,
            street=location.street,
            zip=location.zip,
            latitude=location.latitude,
            longitude=location.longitude,
        )

    @classmethod
    def of(
        cls,
        name: str | None,
        city: str | None,
        country_id: int | None,
        country_name: dict[str, str | None] | None,
        street: str | None,
        zip: str | None,
        latitude: float | None,
        longitude: float | None,
        render: Render,
    ) -> LocationOut:
        """build() from the location's columns and its country's (`country_id` None: none)."""
        return cls.model_construct(
            name=name,
            city=city,
            country=None if country_id is None else render.text(country_name),
            street=street,
            zip=zip,
            latitude=latitude,
            longitude=longitude,
        )
