"""Museums (houses) and their opening hours."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museion.catalogue.models import Location, Picture
from museion.db import Base, Searchable, Translations, UTCDateTime


class Museum(Searchable, Base):
    __tablename__ = "museum"
    __search_fields__ = ("title", "sub_title", "description")

    id: Mapped[int] = mapped_column(primary_key=True)
    # go~mus lists museums in the order the house configured for its shop, not alphabetically.
    shop_order: Mapped[int] = mapped_column(Integer, default=0, index=True)
    title: Mapped[dict[str, str | None]] = mapped_column(Translations)
    sub_title: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    description: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    # Custom attributes: {"cms_title": {"de": ..., "en": ...}, ...}
    content: Mapped[dict[str, dict[str, str | None]]] = mapped_column(Translations, default=dict)
    picture_id: Mapped[int | None] = mapped_column(ForeignKey("picture.id", ondelete="SET NULL"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, server_default=func.now(), onupdate=func.now()
    )

    picture: Mapped[Picture | None] = relationship(lazy="raise")
    location: Mapped[Location | None] = relationship(lazy="raise")
    opening_hours: Mapped[list[OpeningHour]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )
    opening_exceptions: Mapped[list[OpeningException]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class OpeningHour(Base):
    """Regular hours for one weekday (ISO: 1 = Monday); a weekday without a row is closed."""

    __tablename__ = "opening_hour"
    __table_args__ = (
        UniqueConstraint("museum_id", "weekday"),
        CheckConstraint("weekday BETWEEN 1 AND 7", name="weekday_iso"),
        CheckConstraint("opens < closes", name="opens_before_closes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museum.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)


class OpeningException(Base):
    """A day that differs from the weekday rule: closed (no times) or special hours."""

    __tablename__ = "opening_exception"
    __table_args__ = (
        CheckConstraint(
            "(opens IS NULL AND closes IS NULL) OR (opens IS NOT NULL AND closes IS NOT NULL "
            "AND opens < closes)",
            name="closed_or_hours",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museum.id", ondelete="CASCADE"), index=True)
    applies_on: Mapped[date] = mapped_column(Date)
    # Recurring exceptions (24 Dec) match the month and day of `applies_on` in every year.
    every_year: Mapped[bool] = mapped_column(Boolean, default=False)
    opens: Mapped[time | None] = mapped_column(Time)
    closes: Mapped[time | None] = mapped_column(Time)
    note: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
