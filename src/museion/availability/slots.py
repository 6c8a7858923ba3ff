"""Capacity maths without a database: entry times of a ticket on a day, quota rules, the grid.

Entry times are wall-clock minutes of the local day (instance zone), so the days the clocks
change keep their slots at the right local times:

* spring forward: a local time that does not exist (02:00-02:59 in Berlin) has no slot;
* fall back: a local time that exists twice (02:00-02:59) has one slot, at its first
  occurrence (still summer time, fold=0). One slot per wall-clock time is what visitors and
  signs at the door understand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from museion.availability.models import QuotaRule
from museion.catalogue.museums.service import DayHours
from museion.catalogue.tickets.models import Ticket, TicketType


@dataclass(frozen=True, slots=True)
class Slot:
    """One entry time. `start` is UTC; sales for it close at `sale_ends` (UTC)."""

    start: datetime
    sale_ends: datetime

    def past(self, now: datetime) -> bool:
        return self.sale_ends <= now


def wall_clock(day: date, minute: int, zone: ZoneInfo) -> datetime | None:
    """`minute` after local midnight of `day`, in UTC; None when that local time does not exist."""
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    local = naive.replace(tzinfo=zone)  # fold=0: an ambiguous time means its first occurrence
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != naive:
        return None  # skipped by the clock change
    return moment


def local_minute(moment: datetime, zone: ZoneInfo) -> int:
    local = moment.astimezone(zone)
    return local.hour * 60 + local.minute


def open_window(hours: Sequence[DayHours]) -> tuple[datetime | None, datetime | None] | None:
    """When all of a ticket's museums are open that day: (opens, closes); None if one is closed.
    A ticket of no museum is not limited by opening hours: (None, None)."""
    opens: datetime | None = None
    closes: datetime | None = None
    for day in hours:
        if day.begin is None or day.end is None:
            return None
        opens = day.begin if opens is None else max(opens, day.begin)
        closes = day.end if closes is None else min(closes, day.end)
    if opens is not None and closes is not None and opens >= closes:
        return None
    return opens, closes


def ticket_slots(
    ticket: Ticket, day: date, zone: ZoneInfo, hours: Sequence[DayHours]
) -> list[Slot]:
    """The entry times of a ticket on a local day.

    Time-slot tickets: first_entry + n * entry_duration up to last_entry, inside opening hours.
    Day tickets: one, at first entry (or at opening time, if the museum opens later that day);
    sold until the last entry. Annual tickets, closed days and days outside the ticket's
    validity: none.
    """
    window = open_window(hours)
    if ticket.type is TicketType.ANNUAL or window is None or not ticket.valid_on(day):
        return []
    opens, closes = window
    entry = (ticket.ticket_type, ticket.first_entry, ticket.last_entry, ticket.entry_duration)
    return list(_entry_times(*entry, day, zone, opens, closes))


# A calendar asks for the entry times of every ticket on every day of a month, and most of them
# repeat (same entry window, same opening hours): worked out once, they cost a lookup. A pure
# function of its arguments (no capacity in it), so keeping the answers needs no invalidation.
@lru_cache(maxsize=65_536)
def _entry_times(
    ticket_type: str,
    first_entry: int,
    last_entry: int,
    entry_duration: int | None,
    day: date,
    zone: ZoneInfo,
    opens: datetime | None,
    closes: datetime | None,
) -> tuple[Slot, ...]:
    last = wall_clock(day, last_entry, zone)
    if ticket_type == TicketType.NORMAL.value:
        start = wall_clock(day, first_entry, zone)
        if start is None or last is None:
            return ()
        if opens is not None and start < opens:
            start = opens
        if start > last or (closes is not None and start >= closes):
            return ()
        return (Slot(start, min(last, closes) if closes is not None else last),)
    slots = []
    for minute in range(first_entry, last_entry + 1, entry_duration or 0):
        start = wall_clock(day, minute, zone)
        if start is None or (opens is not None and start < opens):
            continue
        if closes is not None and start >= closes:
            continue
        slots.append(Slot(start, start))
    return tuple(slots)


def rule_capacity(rules: Iterable[QuotaRule], day: date) -> int:
    """Capacity per entry time on `day`: the most specific applying rule, the newest on a tie.
    No rule at all: nothing is offered."""
    applying = [rule for rule in rules if rule.applies_on(day)]
    if not applying:
        return 0
    return max(applying, key=lambda rule: (rule.specificity, rule.id)).capacity


def slot_step(tickets: Iterable[Ticket]) -> int | None:
    """go~mus: several tickets' capacities share the greatest common divisor of their durations."""
    durations = [t.entry_duration for t in tickets if t.entry_duration]
    return math.gcd(*durations) if durations else None


def grid(starts: Iterable[datetime], step: int | None, day: date, zone: ZoneInfo) -> list[datetime]:
    """Entry times from the first to the last of `starts`, every `step` minutes (wall clock),
    plus `starts` themselves (a day ticket's entry may lie off the step)."""
    points = set(starts)
    if points and step:
        first = min(local_minute(p, zone) for p in points)
        last = max(local_minute(p, zone) for p in points)
        for minute in range(first, last + 1, step):
            moment = wall_clock(day, minute, zone)
            if moment is not None:
                points.add(moment)
    return sorted(points)
