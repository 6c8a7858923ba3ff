"""Building blocks every catalogue resource shares: locations and pictures."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museion.catalogue.lookups.models import Country
from museion.db import Base, Translations


class Location(Base):
    """A postal address with coordinates: a museum's, or a venue of an exhibition or event."""

    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str | None] = mapped_column(String(200))
    zip: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    country_id: Mapped[int | None] = mapped_column(ForeignKey("country.id"))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    country: Mapped[Country | None] = relationship(lazy="raise")


class Picture(Base):
    """An image with its credits; format URLs (teaser, detail, ...) derive from `filename`."""

    __tablename__ = "picture"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A file under the media folder, or an absolute http(s) URL of an image hosted elsewhere.
    filename: Mapped[str] = mapped_column(String(500))
    title: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    description: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    copyright_info: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
