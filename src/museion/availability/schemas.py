"""go~mus tickets.md and reservations.md shapes: capacities, calendars, reservations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from museion.web import ApiDateTime, Id, Integer

# Entry times as keys: ISO 8601 with offset in the instance zone ("2016-07-06T11:00:00+02:00").
# The calendar with depth=all writes them like go~mus does there: "2016-07-06 11:00:00 +0200".
CALENDAR_TIME = "%Y-%m-%d %H:%M:%S %z"
MAX_QUANTITY = 10_000
Quantity = Annotated[Integer, Field(ge=1, le=MAX_QUANTITY)]


class CapacityEnvelope(BaseModel):
    data: dict[str, int]


class QuotaCapacitiesOut(BaseModel):
    tickets: list[int]
    capacities: dict[str, int]
    total_capacities: dict[str, int]


class CapacitiesEnvelope(BaseModel):
    data: dict[str, QuotaCapacitiesOut]


class CalendarQuotaOut(BaseModel):
    id: int
    tickets: list[int]
    capacities: list[dict[str, int]]


class CalendarEntryOut(BaseModel):
    quota: CalendarQuotaOut


class TicketCalendarAnyEnvelope(BaseModel):
    data: dict[str, bool]


class TicketCalendarAllEnvelope(BaseModel):
    data: dict[str, list[CalendarEntryOut]]


class ReservationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ticket_id: Id
    quantity: Quantity
    start_at: ApiDateTime


class ReservationCreate(BaseModel):
    reservation: ReservationIn


class ReservationChange(BaseModel):
    quantity: Quantity


class ReservationUpdate(BaseModel):
    reservation: ReservationChange


class ReservationOut(BaseModel):
    token: str
    quantity: int
    ticket_id: int
    start_at: datetime
    valid_until: datetime


class ReservationEnvelope(BaseModel):
    reservation: ReservationOut
