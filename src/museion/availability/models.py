"""Quotas (capacity per entry time, by rules), the slot rows claims lock, and reservations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museion.catalogue.tickets.models import Ticket
from museion.db import Base, UTCDateTime


class Quota(Base):
    """A pool of admissions per entry time, shared by every ticket assigned to it."""

    __tablename__ = "quota"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())

    rules: Mapped[list[QuotaRule]] = relationship(
        lazy="raise", order_by="QuotaRule.id", cascade="all, delete-orphan", passive_deletes=True
    )


class QuotaRule(Base):
    """Capacity per entry time of a quota on some days.

    The most specific rule of a day wins: a date range with a weekday, then a date range, then a
    weekday (ISO, 1 = Monday), then the default (neither). Days the museum is closed have no
    slots at all, whatever the rules say.
    """

    __tablename__ = "quota_rule"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 1 AND 7", name="weekday_iso"),
        CheckConstraint(
            "(valid_from IS NULL AND valid_to IS NULL) OR (valid_from IS NOT NULL "
            "AND valid_to IS NOT NULL AND valid_from <= valid_to)",
            name="date_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quota_id: Mapped[int] = mapped_column(ForeignKey("quota.id", ondelete="CASCADE"), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    def applies_on(self, day: date) -> bool:
        if self.weekday is not None and self.weekday != day.isoweekday():
            return False
        if self.valid_from is not None and self.valid_to is not None:
            return self.valid_from <= day <= self.valid_to
        return True

    @property
    def specificity(self) -> int:
        return 2 * (self.valid_from is not None) + (self.weekday is not None)


class QuotaSlot(Base):
    """One entry time of one quota: the row every claim on it locks (STYLE.md section 6).

    Created on the first claim; it holds no counts, so it can never drift from the truth
    (live reservations and sold order items are recounted under its lock).
    """

    __tablename__ = "quota_slot"

    quota_id: Mapped[int] = mapped_column(
        ForeignKey("quota.id", ondelete="CASCADE"), primary_key=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)


class Reservation(Base):
    """A hold on `quantity` units of a ticket at `start_at`; counts while `valid_until` is ahead."""

    __tablename__ = "reservation"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        # The counting path: live holds of some tickets at some entry times.
        Index(
            "ix_reservation_ticket_id_start_at_valid_until", "ticket_id", "start_at", "valid_until"
        ),
        # A holder's live holds (the hold caps), and the expired holds to tidy away.
        Index("ix_reservation_holder_valid_until", "holder", "valid_until"),
        Index("ix_reservation_valid_until", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set from the service's clock (not the database's), so the 60-minute limit is testable.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who holds it (HoldHolder.key): the token, or a digest of the anonymous client's address.
    holder: Mapped[str] = mapped_column(String(64), default="", server_default="")

    ticket: Mapped[Ticket] = relationship(lazy="raise")


class TicketSale(Base):
    """Units of a ticket sold at an entry time (an order's ticket item): they use the ticket's
    quotas like a hold does, for as long as the sale is live.

    `live_until`: None once the order is binding (finalized); a pending order's deadline (plus
    a grace, see orders.service) before that; the cancellation time after a cancellation. So
    sold units are always `live_until IS NULL OR live_until > now`, and an order that was never
    finalized gives its units back by itself, without a sweeper (like an expired hold).
    """

    __tablename__ = "ticket_sale"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        # The counting path: sold units of some tickets at some entry times.
        Index("ix_ticket_sale_ticket_id_start_at", "ticket_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    live_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Combined tickets: the sale of each sub ticket at its own entry time points to the sale of
    # the combined ticket; its units use the sub ticket's quotas (go~mus sub_ticket_times).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_sale.id", ondelete="CASCADE"), index=True
    )


class HoldHolder(Base):
    """One row per client that holds tickets: the lock its new holds queue on, so the hold caps
    (units per client, share of a slot) are counted by one request of that client at a time."""

    __tablename__ = "hold_holder"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
