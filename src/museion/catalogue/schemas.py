"""Wire shapes shared by catalogue resources: picture and location blocks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from museion.web import Render, Text

if TYPE_CHECKING:
    from museion.catalogue.models import Location, Picture

PICTURE_FORMATS = ("original", "teaser", "preview", "article", "detail")


class PictureOut(BaseModel):
    """Always present: a record without a picture gets null URLs, so strict clients keep working."""

    title: Text = None
    description: Text = None
    copyright_info: Text = None
    original: str | None = None
    teaser: str | None = None
    preview: str | None = None
    article: str | None = None
    detail: str | None = None
    teaser_3x2: str | None = None
    preview_3x2: str | None = None
    article_3x2: str | None = None
    detail_3x2: str | None = None

    @classmethod
    def build(cls, picture: Picture | None, render: Render) -> PictureOut:
        if picture is None:
            return cls()
        return cls(
            title=render.text(picture.title),
            description=render.text(picture.description),
            copyright_info=render.text(picture.copyright_info),
            **picture_urls(picture.filename, render.media_url),
        )


def picture_urls(filename: str, media_url: str) -> dict[str, str]:
    if filename.startswith(("http://", "https://")):
        return {fmt: filename for fmt in PictureOut.model_fields if fmt not in _TEXT_FIELDS}
    urls = {fmt: f"{media_url}/{fmt}/{filename}" for fmt in PICTURE_FORMATS}
    urls |= {f"{fmt}_3x2": f"{media_url}/{fmt}_3x2/{filename}" for fmt in PICTURE_FORMATS[1:]}
    return urls


_TEXT_FIELDS = {"title", "description", "copyright_info"}


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
