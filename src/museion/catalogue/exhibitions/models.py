"""Exhibitions and the time frames they run in (none: a permanent exhibition)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museion.catalogue.models import Location, Picture
from museion.catalogue.museums.models import Museum
from museion.db import Base, Searchable, Translations, UTCDateTime


class Exhibition(Searchable, Base):
    __tablename__ = "exhibition"
    __search_fields__ = ("title", "sub_title", "slider_description", "description", "foreign_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museum.id", ondelete="CASCADE"), index=True)
    foreign_id: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[dict[str, str | None]] = mapped_column(Translations)
    sub_title: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    slider_description: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    description: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    content: Mapped[dict[str, dict[str, str | None]]] = mapped_column(Translations, default=dict)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    picture_id: Mapped[int | None] = mapped_column(ForeignKey("picture.id", ondelete="SET NULL"))
    # An exhibition shown away from its museum has its own location; otherwise the museum's applies.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, server_default=func.now(), onupdate=func.now()
    )

    museum: Mapped[Museum] = relationship(lazy="raise")
    picture: Mapped[Picture | None] = relationship(lazy="raise")
    location: Mapped[Location | None] = relationship(lazy="raise")
    time_frames: Mapped[list[ExhibitionTimeFrame]] = relationship(
        lazy="raise",
        order_by="ExhibitionTimeFrame.start_at",
        cascade="all, delete-orphan",
    )


class ExhibitionTimeFrame(Base):
    __tablename__ = "exhibition_time_frame"
    __table_args__ = (CheckConstraint("start_at < end_at", name="starts_before_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(
        ForeignKey("exhibition.id", ondelete="CASCADE"), index=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
