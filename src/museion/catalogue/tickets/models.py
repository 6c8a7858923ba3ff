"""Admission tickets: day, time-slot and annual tickets, combined tickets with sub tickets."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museion.catalogue.exhibitions.models import Exhibition
from museion.catalogue.museums.models import Museum
from museion.db import Base, Searchable, Translations, UTCDateTime


class TicketType(StrEnum):
    NORMAL = "normal"  # a day ticket: one entry time per day, the first entry
    TIME_SLOT = "time_slot"  # entry within a slot of `entry_duration` minutes
    ANNUAL = "annual"  # an annual pass; no slots, no capacity


class Attendees(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    NONE = "none"


class TicketMuseum(Base):
    __tablename__ = "ticket_museum"
    __table_args__ = (Index("ix_ticket_museum_museum_id_ticket_id", "museum_id", "ticket_id"),)

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True
    )
    museum_id: Mapped[int] = mapped_column(
        ForeignKey("museum.id", ondelete="CASCADE"), primary_key=True
    )


class TicketExhibition(Base):
    __tablename__ = "ticket_exhibition"
    __table_args__ = (
        Index("ix_ticket_exhibition_exhibition_id_ticket_id", "exhibition_id", "ticket_id"),
    )

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True
    )
    exhibition_id: Mapped[int] = mapped_column(
        ForeignKey("exhibition.id", ondelete="CASCADE"), primary_key=True
    )


class TicketQuota(Base):
    """A ticket draws on this quota: selling one unit uses one unit of the quota at that time.

    Part of the ticket (go~mus shows its `quota_ids`), so the catalogue reads it; the quota, its
    capacity rules and everything that counts them live in availability.
    """

    __tablename__ = "ticket_quota"
    __table_args__ = (Index("ix_ticket_quota_quota_id_ticket_id", "quota_id", "ticket_id"),)

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True
    )
    quota_id: Mapped[int] = mapped_column(
        ForeignKey("quota.id", ondelete="CASCADE"), primary_key=True
    )


class Ticket(Searchable, Base):
    __tablename__ = "ticket"
    __search_fields__ = ("title", "sub_title", "description")
    __table_args__ = (
        CheckConstraint("ticket_type IN ('normal', 'time_slot', 'annual')", name="ticket_type"),
        CheckConstraint("attendees IN ('required', 'optional', 'none')", name="attendees"),
        CheckConstraint(
            "first_entry >= 0 AND first_entry <= last_entry AND last_entry < 1440",
            name="entry_window",
        ),
        # go~mus: time-slot tickets have a slot length, day tickets have none.
        CheckConstraint(
            "(ticket_type = 'time_slot' AND entry_duration > 0) "
            "OR (ticket_type <> 'time_slot' AND entry_duration IS NULL)",
            name="entry_duration",
        ),
        CheckConstraint("min_persons >= 0 AND min_persons <= max_persons", name="persons"),
        CheckConstraint("discount BETWEEN 0 AND 100", name="discount_pct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set on the sub tickets of a combined ticket (go~mus `is_sub_ticket`, `sub_ticket_ids`).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), index=True
    )
    ticket_type: Mapped[str] = mapped_column(String(10), default=TicketType.TIME_SLOT.value)
    title: Mapped[dict[str, str | None]] = mapped_column(Translations)
    sub_title: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    description: Mapped[dict[str, str | None]] = mapped_column(Translations, default=dict)
    after_sale_information: Mapped[dict[str, str | None]] = mapped_column(
        Translations, default=dict
    )
    # Custom attributes: {"shop_title": {"de": ..., "en": ...}, ...}
    content: Mapped[dict[str, dict[str, str | None]]] = mapped_column(Translations, default=dict)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    discount: Mapped[int] = mapped_column(Integer, default=0)
    vat_pct: Mapped[float] = mapped_column(Float, default=0.0)
    tax_included: Mapped[bool] = mapped_column(Boolean, default=True)
    # Minutes after local midnight; slots are first_entry + n * entry_duration up to last_entry.
    first_entry: Mapped[int] = mapped_column(Integer, default=600)
    last_entry: Mapped[int] = mapped_column(Integer, default=1020)
    entry_duration: Mapped[int | None] = mapped_column(Integer)
    min_persons: Mapped[int] = mapped_column(Integer, default=1)
    max_persons: Mapped[int] = mapped_column(Integer, default=100)
    personalizeable: Mapped[bool] = mapped_column(Boolean, default=False)
    attendees: Mapped[str] = mapped_column(String(10), default=Attendees.NONE.value)
    identification: Mapped[bool] = mapped_column(Boolean, default=False)
    # A flex ticket: sold without a fixed date, usable any day of its validity.
    free_timing: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sold on (entry) days from valid_from to valid_to; open ends when null.
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # Sales channels: who may buy it (go~mus `bookable` depends on the caller).
    bookable_public: Mapped[bool] = mapped_column(Boolean, default=True)
    bookable_reseller: Mapped[bool] = mapped_column(Boolean, default=True)
    bookable_cashpoint: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, server_default=func.now(), onupdate=func.now()
    )

    museums: Mapped[list[Museum]] = relationship(
        secondary="ticket_museum", lazy="raise", order_by=Museum.id
    )
    exhibitions: Mapped[list[Exhibition]] = relationship(
        secondary="ticket_exhibition", lazy="raise", order_by=Exhibition.id
    )
    sub_tickets: Mapped[list[Ticket]] = relationship(
        lazy="raise", order_by="Ticket.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_sub_ticket(self) -> bool:
        return self.parent_id is not None

    @property
    def type(self) -> TicketType:
        return TicketType(self.ticket_type)

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )
