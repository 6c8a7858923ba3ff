"""What is free: per ticket, quota and entry time, counted in batches for listings and calendars.

Free units of a quota at an entry time = configured capacity (rules) - sold - live holds.
A ticket's figure is the smallest over its quotas; a combined ticket also needs each of its
sub tickets to have room at some entry time of that day (sub ticket times are chosen apart).
Listings compute this in batches and are advisory; only `claiming.claim()` decides (STYLE.md 6).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from museion.access import Principal
from museion.availability import queries
from museion.availability.models import QuotaRule
from museion.availability.queries import SlotKey
from museion.availability.slots import Slot, grid, rule_capacity, slot_step, ticket_slots
from museion.catalogue.events.service import end_of_month, window
from museion.catalogue.museums import service as museums
from museion.catalogue.museums.service import DayHours
from museion.catalogue.tickets import service as tickets
from museion.catalogue.tickets.models import Ticket, TicketType
from museion.catalogue.tickets.queries import TicketFilter

# --- The batch picture: slots, quotas, capacities, use --------------------------------------------


@dataclass
class Picture:
    """Slots of some tickets on some days and the state of their quotas, from a few queries.

    A ticket's entry times on a day are worked out when first asked for: a calendar that finds
    a free entry time in a day's first ticket need not look at the others that day."""

    zone: ZoneInfo
    now: datetime
    days: frozenset[date]
    hours: dict[int, dict[date, DayHours]]
    quota_ids: dict[int, list[int]]
    rules: dict[int, list[QuotaRule]]
    used: dict[SlotKey, int]
    _capacity: dict[tuple[int, date], int] = field(default_factory=dict)
    _slots: dict[tuple[int, date], list[Slot]] = field(default_factory=dict)

    def total(self, quota_id: int, start: datetime) -> int:
        """Configured capacity of a quota at an entry time, ignoring sales."""
        day = start.astimezone(self.zone).date()
        key = (quota_id, day)
        if key not in self._capacity:
            self._capacity[key] = rule_capacity(self.rules.get(quota_id, []), day)
        return self._capacity[key]

    def free(self, quota_id: int, start: datetime) -> int:
        return max(self.total(quota_id, start) - self.used.get((quota_id, start), 0), 0)

    def ticket_free_at(self, ticket: Ticket, start: datetime) -> int:
        """A ticket needs room in every one of its quotas; no quota means no capacity."""
        quota_ids = self.quota_ids.get(ticket.id, [])
        return min((self.free(q, start) for q in quota_ids), default=0)

    def available(self, ticket: Ticket, slot: Slot, day: date) -> int:
        if slot.past(self.now):
            return 0
        free = self.ticket_free_at(ticket, slot.start)
        for sub in ticket.sub_tickets:
            sub_slots = [s for s in self.ticket_slots(sub, day) if not s.past(self.now)]
            free = min(free, max((self.ticket_free_at(sub, s.start) for s in sub_slots), default=0))
        return free

    def ticket_slots(self, ticket: Ticket, day: date) -> list[Slot]:
        """The entry times of a ticket (or one of its sub tickets) on one of the days; none on
        other days."""
        key = (ticket.id, day)
        found = self._slots.get(key)
        if found is None:
            if day not in self.days:
                return []
            hours = [self.hours[m.id][day] for m in ticket.museums]
            found = self._slots[key] = ticket_slots(ticket, day, self.zone, hours)
        return found


def _with_sub_tickets(found: Sequence[Ticket]) -> list[Ticket]:
    every = {t.id: t for t in found}
    for ticket in found:
        every.update({sub.id: sub for sub in ticket.sub_tickets})
    return list(every.values())


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight of `first` to local midnight after `last`, as UTC instants."""
    start = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


def picture(
    session: Session,
    found: Sequence[Ticket],
    days: Sequence[date],
    zone: ZoneInfo,
    now: datetime,
    own_tokens: Sequence[str] = (),
    *,
    counted: bool = True,
) -> Picture:
    """Everything needed to answer "how many are free" for these tickets on these days.

    Holds named in `own_tokens` are left out of the count: the caller sees what it can buy.
    `counted=False` leaves out sales and holds (two aggregates): enough for slots and
    configured capacities, which is all a claim needs to be planned (it counts under lock).
    """
    every = _with_sub_tickets(found)
    museum_ids = {m.id for t in every for m in t.museums}
    hours = museums.opening_days(session, museum_ids, days, zone)
    quota_ids, rules = queries.quotas_and_rules(session, [t.id for t in every])
    all_quotas = sorted({q for ids in quota_ids.values() for q in ids})
    start, end = day_bounds(min(days), max(days), zone)
    used = (
        queries.used_quantities(
            session, all_quotas, start, end, now, except_tokens=list(own_tokens)
        )
        if counted
        else {}
    )
    return Picture(zone, now, frozenset(days), hours, quota_ids, rules, used)


# --- Capacity endpoints ---------------------------------------------------------------------------


def ticket_capacity(
    session: Session,
    principal: Principal,
    ticket_id: int,
    day: date,
    zone: ZoneInfo,
    now: datetime,
    own_tokens: Sequence[str] = (),
) -> dict[datetime, int]:
    """go~mus /tickets/:id/capacity: free units per entry time of a day; zeros left out."""
    ticket = tickets.get_ticket(session, principal, ticket_id)
    seen = picture(session, [ticket], [day], zone, now, own_tokens)
    free = {
        slot.start: seen.available(ticket, slot, day) for slot in seen.ticket_slots(ticket, day)
    }
    return {start: n for start, n in free.items() if n > 0}


@dataclass(frozen=True)
class QuotaCapacities:
    ticket_ids: list[int]
    capacities: dict[datetime, int]
    total_capacities: dict[datetime, int]


def quota_capacities(
    session: Session,
    principal: Principal,
    ticket_ids: Collection[int],
    day: date,
    zone: ZoneInfo,
    now: datetime,
    own_tokens: Sequence[str] = (),
) -> dict[int, QuotaCapacities]:
    """go~mus /tickets/capacities: per quota of the (bookable) tickets, free and configured
    units on the grid of the gcd of the entry durations. Configured is 0 where no ticket of the
    quota has an entry time; a closed day has no entry times at all."""
    found = tickets.tickets_to_count(
        session, principal, TicketFilter(ticket_ids=list(ticket_ids), types=list(TicketType))
    )
    seen = picture(session, found, [day], zone, now, own_tokens)
    step = slot_step(found)
    by_quota: dict[int, list[Ticket]] = {}
    for ticket in found:
        for quota_id in seen.quota_ids.get(ticket.id, []):
            by_quota.setdefault(quota_id, []).append(ticket)
    result = {}
    for quota_id, members in sorted(by_quota.items()):
        slots = [s for t in members for s in seen.ticket_slots(t, day)]
        offered = {s.start for s in slots}
        sellable = {s.start for s in slots if not s.past(now)}
        capacities, totals = {}, {}
        for start in grid(offered, step, day, zone):
            totals[start] = seen.total(quota_id, start) if start in offered else 0
            capacities[start] = seen.free(quota_id, start) if start in sellable else 0
        result[quota_id] = QuotaCapacities(sorted(t.id for t in members), capacities, totals)
    return result


def calendar_days(
    start_at: date | None, end_at: date | None, today: date, zone: ZoneInfo
) -> list[date]:
    """go~mus ticket calendar: today to the end of the month by default, at most 366 days."""
    first = start_at or today
    return window(first, end_at or end_of_month(first), zone).days


def _calendar_tickets(
    session: Session, principal: Principal, f: TicketFilter, bookable: bool | None
) -> list[Ticket]:
    # A calendar answers "can I buy something that day": only tickets the caller may buy count.
    if bookable is False:
        return []
    return tickets.tickets_to_count(session, principal, f)


def calendar_any(
    session: Session,
    principal: Principal,
    f: TicketFilter,
    days: list[date],
    zone: ZoneInfo,
    now: datetime,
    *,
    bookable: bool | None = None,
    own_tokens: Sequence[str] = (),
) -> dict[date, bool]:
    """One boolean per day: is any matching ticket available at any entry time?"""
    found = _calendar_tickets(session, principal, f, bookable)
    result = dict.fromkeys(days, False)
    if not found:
        return result
    seen = picture(session, found, days, zone, now, own_tokens)
    for day in days:
        result[day] = any(
            seen.available(t, slot, day) > 0 for t in found for slot in seen.ticket_slots(t, day)
        )
    return result


@dataclass(frozen=True)
class CalendarQuota:
    quota_id: int
    ticket_ids: list[int]
    capacities: dict[datetime, int]


def calendar_all(
    session: Session,
    principal: Principal,
    f: TicketFilter,
    days: list[date],
    zone: ZoneInfo,
    now: datetime,
    *,
    bookable: bool | None = None,
    own_tokens: Sequence[str] = (),
) -> dict[date, list[CalendarQuota]]:
    """Per day, every quota of the matching tickets with its free units per entry time."""
    found = _calendar_tickets(session, principal, f, bookable)
    result: dict[date, list[CalendarQuota]] = {day: [] for day in days}
    if not found:
        return result
    seen = picture(session, found, days, zone, now, own_tokens)
    quota_members: dict[int, list[Ticket]] = {}
    for ticket in found:
        for quota_id in seen.quota_ids.get(ticket.id, []):
            quota_members.setdefault(quota_id, []).append(ticket)
    for day in days:
        for quota_id, members in sorted(quota_members.items()):
            free: dict[datetime, int] = {}
            for ticket in members:
                for slot in seen.ticket_slots(ticket, day):
                    if not slot.past(now) and (n := seen.free(quota_id, slot.start)) > 0:
                        free[slot.start] = n
            if free:
                ids = sorted(t.id for t in members)
                result[day].append(CalendarQuota(quota_id, ids, dict(sorted(free.items()))))
    return result
