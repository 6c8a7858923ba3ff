"""Slots, rules and grids as pure functions: no database."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from museion.availability.models import QuotaRule
from museion.availability.slots import grid, rule_capacity, slot_step, ticket_slots, wall_clock
from museion.catalogue.museums.service import DayHours
from museion.catalogue.tickets.models import Ticket
from tests.catalogue.factories import BERLIN

SPRING_FORWARD, FALL_BACK = date(2027, 3, 28), date(2027, 10, 31)


def ticket(**overrides: Any) -> Ticket:
    fields: dict[str, Any] = {
        "id": 1,
        "ticket_type": "time_slot",
        "first_entry": 600,
        "last_entry": 720,
        "entry_duration": 30,
        "valid_from": None,
        "valid_to": None,
    }
    return Ticket(**(fields | overrides))


def iso(slots: list[Any]) -> list[str]:
    return [s.start.astimezone(BERLIN).isoformat() for s in slots]


def hours(day: date, opens: str | None, closes: str | None) -> DayHours:
    if opens is None or closes is None:
        return DayHours(day, None, None, None)
    return DayHours(
        day,
        datetime.combine(day, time.fromisoformat(opens), tzinfo=BERLIN),
        datetime.combine(day, time.fromisoformat(closes), tzinfo=BERLIN),
        None,
    )


def test_a_skipped_local_time_has_no_slot_and_a_doubled_one_has_its_first() -> None:
    assert wall_clock(SPRING_FORWARD, 150, BERLIN) is None  # 02:30 does not exist
    doubled = wall_clock(FALL_BACK, 150, BERLIN)  # 02:30 exists twice: the summer-time one
    assert doubled is not None
    assert doubled.astimezone(BERLIN).isoformat() == "2027-10-31T02:30:00+02:00"


def test_time_slots_on_the_days_the_clocks_change() -> None:
    night = ticket(first_entry=60, last_entry=240, entry_duration=60)
    assert iso(ticket_slots(night, SPRING_FORWARD, BERLIN, [])) == [
        "2027-03-28T01:00:00+01:00",
        "2027-03-28T03:00:00+02:00",
        "2027-03-28T04:00:00+02:00",
    ]
    assert iso(ticket_slots(night, FALL_BACK, BERLIN, [])) == [
        "2027-10-31T01:00:00+02:00",
        "2027-10-31T02:00:00+02:00",
        "2027-10-31T03:00:00+01:00",
        "2027-10-31T04:00:00+01:00",
    ]


def test_slots_stay_inside_opening_hours_and_closed_days_have_none() -> None:
    day = date(2027, 5, 4)
    t = ticket(first_entry=540, last_entry=720)  # 09:00 to 12:00
    assert iso(ticket_slots(t, day, BERLIN, [hours(day, "10:00", "11:30")])) == [
        "2027-05-04T10:00:00+02:00",
        "2027-05-04T10:30:00+02:00",
        "2027-05-04T11:00:00+02:00",
    ]
    assert ticket_slots(t, day, BERLIN, [hours(day, None, None)]) == []
    # Two museums: both must be open.
    both = [hours(day, "10:00", "18:00"), hours(day, None, None)]
    assert ticket_slots(t, day, BERLIN, both) == []


def test_a_day_ticket_has_one_entry_sold_until_its_last_entry() -> None:
    day = date(2027, 5, 4)
    t = ticket(ticket_type="normal", entry_duration=None, first_entry=540, last_entry=1020)
    (slot,) = ticket_slots(t, day, BERLIN, [])
    assert slot.start.astimezone(BERLIN).isoformat() == "2027-05-04T09:00:00+02:00"
    assert slot.sale_ends.astimezone(BERLIN).isoformat() == "2027-05-04T17:00:00+02:00"
    # The museum opens late that day: entry at opening time.
    (late,) = ticket_slots(t, day, BERLIN, [hours(day, "13:00", "18:00")])
    assert late.start.astimezone(BERLIN).isoformat() == "2027-05-04T13:00:00+02:00"


def test_annual_tickets_and_days_outside_validity_have_no_slots() -> None:
    day = date(2027, 5, 4)
    assert ticket_slots(ticket(ticket_type="annual", entry_duration=None), day, BERLIN, []) == []
    assert ticket_slots(ticket(valid_to=date(2027, 5, 3)), day, BERLIN, []) == []
    assert ticket_slots(ticket(valid_from=date(2027, 5, 5)), day, BERLIN, []) == []


def test_the_most_specific_rule_wins() -> None:
    rules = [
        QuotaRule(id=1, capacity=10),
        QuotaRule(id=2, capacity=20, weekday=6),
        QuotaRule(id=3, capacity=30, valid_from=date(2027, 12, 20), valid_to=date(2027, 12, 31)),
        QuotaRule(
            id=4, capacity=40, weekday=6, valid_from=date(2027, 12, 20), valid_to=date(2027, 12, 31)
        ),
    ]
    assert rule_capacity(rules, date(2027, 12, 1)) == 10  # a Wednesday
    assert rule_capacity(rules, date(2027, 12, 4)) == 20  # a Saturday
    assert rule_capacity(rules, date(2027, 12, 22)) == 30  # Wednesday in the range
    assert rule_capacity(rules, date(2027, 12, 25)) == 40  # Saturday in the range
    assert rule_capacity([], date(2027, 12, 1)) == 0
    assert rule_capacity([*rules, QuotaRule(id=5, capacity=11)], date(2027, 12, 1)) == 11


def test_the_grid_steps_by_the_greatest_common_divisor() -> None:
    assert slot_step([ticket(entry_duration=30), ticket(entry_duration=20)]) == 10
    assert slot_step([ticket(ticket_type="normal", entry_duration=None)]) is None
    day = date(2027, 5, 4)
    starts = [wall_clock(day, m, BERLIN) for m in (600, 630, 620)]
    points = grid([s for s in starts if s], 10, day, BERLIN)
    assert [p.astimezone(BERLIN).strftime("%H:%M") for p in points] == [
        "10:00",
        "10:10",
        "10:20",
        "10:30",
    ]
