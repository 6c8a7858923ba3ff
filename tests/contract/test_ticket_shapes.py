"""Ticket, capacity, calendar and reservation responses have the reference's shapes.

Capacity maps are keyed by quota ids and entry times; those keys are data, not field names,
so both sides are compared with such keys folded into one.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from museion.demo.loader import DemoInstance
from tests.conftest import demo_today
from tests.contract.examples import fold, reference_example, shape_problems


def open_day() -> date:
    """A day ahead on which every demo museum is open (a Wednesday, not 24/31 December)."""
    today = demo_today()
    day = today + timedelta(days=(2 - today.weekday()) % 7 or 7)
    return day + timedelta(days=7) if (day.month, day.day) in ((12, 24), (12, 31)) else day


CASES = [
    (0, "/api/v4/tickets"),
    (1, "/api/v4/tickets/{regular}"),
    (2, "/api/v4/tickets/{regular}/capacity?date={day}"),
    (3, "/api/v4/tickets/calendar?start_at={day}"),
    (4, "/api/v4/tickets/calendar?depth=all&start_at={day}&end_at={day}"),
    (5, "/api/v4/tickets/capacities?ticket_ids[]={regular}&ticket_ids[]={day_ticket}&date={day}"),
    (6, "/api/v4/tickets/capacities?ticket_ids[]={regular}&date={day}"),
    (7, "/api/v4/tickets/content?ticket_ids[]={regular}&ticket_ids[]={day_ticket}"),
]


@pytest.mark.parametrize(("index", "url"), CASES)
def test_ticket_responses_have_the_reference_shape(
    client: TestClient, demo: DemoInstance, index: int, url: str
) -> None:
    assert demo.tickets is not None
    url = url.format(
        regular=demo.tickets.ticket_ids["kunsthalle-regular"],
        day_ticket=demo.tickets.ticket_ids["naturkunde-day"],
        day=open_day(),
    )
    response = client.get(url)
    assert response.status_code == 200, response.text
    ours = response.json()
    reference = reference_example("tickets.md", index)
    assert shape_problems(fold(reference), fold(ours)) == []


def test_reservation_response_has_the_reference_shape(
    client: TestClient, demo: DemoInstance
) -> None:
    assert demo.tickets is not None
    ticket_id = demo.tickets.ticket_ids["kunsthalle-regular"]
    slot = next(
        iter(client.get(f"/api/v4/tickets/{ticket_id}/capacity?date={open_day()}").json()["data"])
    )
    body = {"reservation": {"ticket_id": ticket_id, "quantity": 2, "start_at": slot}}
    assert shape_problems(reference_example("reservations.md", 0), body) == []
    response = client.post("/api/v4/tickets/reservations", json=body)
    assert response.status_code == 201, response.text
    assert shape_problems(reference_example("reservations.md", 1), response.json()) == []
    token = response.json()["reservation"]["token"]
    update = {"reservation": {"quantity": 3}}
    assert shape_problems(reference_example("reservations.md", 2), update) == []
    changed = client.put(f"/api/v4/tickets/reservations/{token}", json=update)
    assert changed.status_code == 200, changed.text
    assert changed.json()["reservation"]["quantity"] == 3
