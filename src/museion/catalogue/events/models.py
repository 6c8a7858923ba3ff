"""Events (the template), their dates (one bookable execution each), tags, prices, seat plans."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BindParameter,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museion.catalogue.models import Location, Picture
from museion.catalogue.museums.models import Museum
from museion.db import Base, Searchable, Translations, UTCDateTime


class EntryFee(StrEnum):
    """How the museum's admission relates to the event's price (go~mus `entry_fee`)."""

    AUTO = "auto"
    INCLUDED = "included"
    EXCLUDED = "excluded"
    NONE = "none"


class TagKind(StrEnum):
    AGE_GROUP = "age_group"
    AUDIENCE = "audience"
    CATCH_WORD = "catch_word"
    DISABLEMENT = "disablement"
    GRADE = "grade"
    PROPOSAL_CATEGORY = "proposal_category"


class DateStatus(StrEnum):
    BOOKED = "booked"  # confirmed, takes place
    CANCELLED = "cancelled"


class Language(Base):
    """A language an event or date is held in (Deutsch, Englisch, ...)."""

    __tablename__ = "language"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[dict[str, str | None]] = mapped_column(Translations)


class EventCategory(Base):
    __tablename__ = "event_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[dict[str, str | None]] = mapped_column(Translations)
    # Stable name for `by_categories[]`, robust against ids that differ between instances.
    filtername: Mapped[str] = mapped_column(String(100), default="", index=True)


class Tag(Base):
    """Age groups, audiences, catch words, disablements, grades and proposal categories."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[dict[str, str | None]] = mapped_column(Translations)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class EventTag(Base):
    __tablename__ = "event_tag"
    __table_args__ = (Index("ix_event_tag_tag_id_event_id", "tag_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)


class EventLanguage(Base):
    __tablename__ = "event_language"
    __table_args__ = (Index("ix_event_language_language_id_event_id", "language_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    language_id: Mapped[int] = mapped_column(
        ForeignKey("language.id", ondelete="CASCADE"), primary_key=True
    )


class Event(Searchable, Base):
    __tablename__ = "event"
    __search_fields__ = ("title", "sub_title", "description")
    __table_args__ = (
        CheckConstraint("entry_fee IN ('auto', 'included', 'excluded', 'none')", name="entry_fee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museum.id", ondelete="CASCADE"), index=True)
    exhibition_id: Mapped[int | None] = mapped_column(
        ForeignKey("exhibition.id", ondelete="SET NULL"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_category.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[dict[str, str | None]] = mapped_column(Translations)
    sub_title: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    description: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    content: Mapped[dict[str, dict[str, str | None]]] = mapped_column(Translations, default=dict)
    # [{"title": {"de": ...}, "url": "...", "content_type": "application/pdf"}]
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sales channels: who may book its dates (go~mus `bookable` depends on the caller).
    bookable_public: Mapped[bool] = mapped_column(Boolean, default=True)
    bookable_reseller: Mapped[bool] = mapped_column(Boolean, default=True)
    bookable_cashpoint: Mapped[bool] = mapped_column(Boolean, default=True)
    registerable: Mapped[bool] = mapped_column(Boolean, default=False)
    min_persons: Mapped[int] = mapped_column(Integer, default=1)
    max_persons: Mapped[int | None] = mapped_column(Integer)
    max_participants: Mapped[int | None] = mapped_column(Integer)
    duration: Mapped[int] = mapped_column(Integer, default=60)  # minutes
    entry_fee: Mapped[str] = mapped_column(String(10), default=EntryFee.AUTO.value)
    picture_id: Mapped[int | None] = mapped_column(ForeignKey("picture.id", ondelete="SET NULL"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, server_default=func.now(), onupdate=func.now()
    )

    museum: Mapped[Museum] = relationship(lazy="raise")
    category: Mapped[EventCategory | None] = relationship(lazy="raise")
    picture: Mapped[Picture | None] = relationship(lazy="raise")
    location: Mapped[Location | None] = relationship(lazy="raise")
    tags: Mapped[list[Tag]] = relationship(secondary="event_tag", lazy="raise", order_by=Tag.id)
    languages: Mapped[list[Language]] = relationship(
        secondary="event_language", lazy="raise", order_by=Language.id
    )
    scale_prices: Mapped[list[ScalePrice]] = relationship(
        lazy="raise", order_by="ScalePrice.position", cascade="all, delete-orphan"
    )
    dates: Mapped[list[EventDate]] = relationship(
        lazy="raise", back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def effective_location(self) -> Location | None:
        """A meeting point of its own, otherwise the museum's address."""
        return self.location or self.museum.location


class ScalePrice(Base):
    """One price of a scale ("regular", "reduced"), shared by every date of the event."""

    __tablename__ = "scale_price"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[dict[str, str | None]] = mapped_column(Translations)
    description: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    price_cents: Mapped[int] = mapped_column(Integer)
    vat_pct: Mapped[float] = mapped_column(Float, default=0.0)
    group: Mapped[bool] = mapped_column(Boolean, default=False)
    optional: Mapped[bool] = mapped_column(Boolean, default=False)
    seat_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("seat_category.id", ondelete="SET NULL")
    )

    seat_category: Mapped[SeatCategory | None] = relationship(lazy="raise")


class EventDate(Base):
    """One execution of an event: the thing that is booked."""

    __tablename__ = "event_date"
    __table_args__ = (
        # The calendar's hot path: dates in a time window, by status; with event_id the index
        # alone answers counts that join the event.
        Index("ix_event_date_status_start_at", "status", "start_at", "event_id"),
        # One event's dates, or a few events' (museum filters): status inside keeps it covering.
        Index("ix_event_date_event_id_status_start_at", "event_id", "status", "start_at"),
        CheckConstraint("status IN ('booked', 'cancelled')", name="status"),
        CheckConstraint("start_at < end_at", name="starts_before_end"),
        CheckConstraint("seats_min >= 0 AND seats_min <= seats_max", name="seat_range"),
        # Invariant 1 in the database itself: a date can never hold more than its seats.
        CheckConstraint("seats_booked >= 0 AND seats_booked <= seats_max", name="no_overbooking"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    title: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    language_id: Mapped[int | None] = mapped_column(ForeignKey("language.id", ondelete="SET NULL"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=DateStatus.BOOKED.value)
    seats_min: Mapped[int] = mapped_column(Integer, default=1)
    seats_max: Mapped[int] = mapped_column(Integer)
    max_per_registration: Mapped[int | None] = mapped_column(Integer)
    # Seats taken outside museion's orders (imported, sold offline). Seats of orders are the live
    # EventBooking rows of the date, counted on every read and claim (see EventBooking).
    seats_booked: Mapped[int] = mapped_column(Integer, default=0)
    # The default price; events with scale prices leave it empty.
    price_cents: Mapped[int | None] = mapped_column(Integer)
    price_group: Mapped[bool] = mapped_column(Boolean, default=False)
    price_optional: Mapped[bool] = mapped_column(Boolean, default=False)
    vat_pct: Mapped[float] = mapped_column(Float, default=0.0)
    discount: Mapped[int] = mapped_column(Integer, default=0)
    tax_included: Mapped[bool] = mapped_column(Boolean, default=True)
    seating_id: Mapped[int | None] = mapped_column(ForeignKey("seating.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship(lazy="raise", back_populates="dates")
    language: Mapped[Language | None] = relationship(lazy="raise")
    location: Mapped[Location | None] = relationship(lazy="raise")
    seating: Mapped[Seating | None] = relationship(lazy="raise")

    @property
    def duration(self) -> int:
        return int((self.end_at - self.start_at).total_seconds() // 60)

    # Seats of live bookings, filled in by the service that loaded the date (not a column).
    seats_ordered = 0

    @property
    def seats_taken(self) -> int:
        return self.seats_booked + self.seats_ordered

    @property
    def seats_available(self) -> int:
        return max(self.seats_max - self.seats_taken, 0)

    @property
    def effective_location(self) -> Location | None:
        """Where it takes place: its own venue, else the event's, else the museum's."""
        return self.location or self.event.effective_location


class Seating(Base):
    """A seat plan: categories, rows, seat types and seats with their place on the drawing."""

    __tablename__ = "seating"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")

    categories: Mapped[list[SeatCategory]] = relationship(
        lazy="raise", order_by="SeatCategory.id", cascade="all, delete-orphan"
    )
    rows: Mapped[list[SeatRow]] = relationship(
        lazy="raise", order_by="SeatRow.position", cascade="all, delete-orphan"
    )
    types: Mapped[list[SeatType]] = relationship(
        lazy="raise", order_by="SeatType.id", cascade="all, delete-orphan"
    )
    seats: Mapped[list[Seat]] = relationship(
        lazy="raise", order_by="Seat.id", cascade="all, delete-orphan"
    )


class SeatCategory(Base):
    __tablename__ = "seat_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    seating_id: Mapped[int] = mapped_column(
        ForeignKey("seating.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500), default="")
    color_code: Mapped[str] = mapped_column(String(9), default="#bdbdbd")


class SeatRow(Base):
    __tablename__ = "seat_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    seating_id: Mapped[int] = mapped_column(
        ForeignKey("seating.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer, default=0)


class SeatType(Base):
    """A special kind of seat, e.g. a wheelchair space."""

    __tablename__ = "seat_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    seating_id: Mapped[int] = mapped_column(
        ForeignKey("seating.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(100))


class Seat(Base):
    __tablename__ = "seat"

    id: Mapped[int] = mapped_column(primary_key=True)
    seating_id: Mapped[int] = mapped_column(
        ForeignKey("seating.id", ondelete="CASCADE"), index=True
    )
    row_id: Mapped[int] = mapped_column(ForeignKey("seat_row.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("seat_category.id", ondelete="CASCADE"))
    type_id: Mapped[int | None] = mapped_column(ForeignKey("seat_type.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(50))
    description: Mapped[str | None] = mapped_column(String(200))
    # Never for sale (a pillar, a technician's place).
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Position on the drawing, in seat widths from the top left.
    x: Mapped[float] = mapped_column(Float, default=0.0)
    y: Mapped[float] = mapped_column(Float, default=0.0)


class EventBooking(Base):
    """Seats of a date booked by an order's event item.

    Seats of a date are counted from these rows, not kept in a counter: `live_until` is None once
    the order is binding, the pending order's deadline (plus a grace) before that, and the
    cancellation time after a cancellation. A live booking is `live_until IS NULL OR live_until
    > now`, so an order that is never finalized gives its seats back by itself: no sweeper, and
    no counter that a crash or a forgotten release could leave wrong (DESIGN.md invariant 7).
    """

    __tablename__ = "event_booking"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_event_booking_date_id_live_until", "date_id", "live_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    date_id: Mapped[int] = mapped_column(ForeignKey("event_date.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    live_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @classmethod
    def live_at(cls, now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
        """Holds its seats at `now`: binding, or its pending order's deadline not yet passed.
        The one definition, for the catalogue's figures and availability's claims alike."""
        return or_(cls.live_until.is_(None), cls.live_until > now)


class BookedSeat(Base):
    """A seat of a seat plan taken by a booking; taken while its booking is live.

    A seat is sold at most once: claims of a date hold its row lock while they check that no
    live booking has the seat and insert theirs (see availability.selling.book_seats).
    """

    __tablename__ = "booked_seat"
    __table_args__ = (Index("ix_booked_seat_date_id_seat_id", "date_id", "seat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("event_booking.id", ondelete="CASCADE"), index=True
    )
    date_id: Mapped[int] = mapped_column(ForeignKey("event_date.id", ondelete="CASCADE"))
    seat_id: Mapped[int] = mapped_column(ForeignKey("seat.id", ondelete="CASCADE"))
