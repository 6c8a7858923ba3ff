"""start_at/end_at windows as go~mus clients send them: up to 366 days on every endpoint.

The older docs name 31 days; go~mus answers longer windows today, public clients ask the ticket
calendar for 46 days, and the seed page's per-event overview spans eight months.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from museion.demo.loader import DemoInstance
from tests.conftest import demo_today

WINDOW_ENDPOINTS = [
    "/api/v4/dates",
    "/api/v4/calendar",
    "/api/v4/tickets/calendar",
    "/api/v4/events/{event}/dates",
    "/api/v4/events/{event}/calendar",
]


@pytest.fixture
def event_id(demo: DemoInstance) -> int:
    assert demo.events is not None
    return demo.events.event_ids["familienwerkstatt"]


def window(first: date, days: int) -> str:
    return f"start_at={first}&end_at={first + timedelta(days=days - 1)}"


@pytest.mark.parametrize("endpoint", WINDOW_ENDPOINTS)
def test_a_year_and_a_day_is_answered(client: TestClient, event_id: int, endpoint: str) -> None:
    url = endpoint.format(event=event_id)
    response = client.get(f"{url}?{window(demo_today(), 366)}&per_page=1")
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("endpoint", WINDOW_ENDPOINTS)
@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (window(date(2027, 1, 1), 367), "366 days"),
        ("start_at=2027-03-02&end_at=2027-03-01", "start_at"),
        ("start_at=2026-02-30", "start_at"),
        ("start_at=2027-01-01&end_at=2027-13-01", "end_at"),
        ("start_at=0", "start_at"),
        ("start_at=1700000000", "start_at"),
        ("start_at=1800-01-01&end_at=1800-01-02", "start_at"),
    ],
    ids=["367-days", "reversed", "30-february", "month-13", "zero", "unix-time", "too-early"],
)
def test_bad_windows_are_refused_with_a_reason(
    client: TestClient, event_id: int, endpoint: str, query: str, reason: str
) -> None:
    response = client.get(f"{endpoint.format(event=event_id)}?{query}")
    assert response.status_code == 422, response.text
    body = response.json()
    assert reason in body["error"] + " ".join(map(str, body.get("errors", [])))


def test_the_seed_pages_eight_month_per_event_overview(client: TestClient, event_id: int) -> None:
    # seeds/001: "/events/843/dates?start_at=2026-05-01&end_at=2026-12-31: use this when you
    # build a per-event date overview" (245 days).
    response = client.get(f"/api/v4/events/{event_id}/dates?start_at=2026-05-01&end_at=2026-12-31")
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"dates", "meta"}
    today = demo_today()
    ahead = client.get(f"/api/v4/events/{event_id}/dates?{window(today, 245)}").json()
    assert ahead["meta"]["total_count"] > 5


def test_a_46_day_ticket_calendar(client: TestClient) -> None:
    first = demo_today()
    response = client.get(f"/api/v4/tickets/calendar?{window(first, 46)}")
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert len(data) == 46
    assert min(data) == str(first)
    assert max(data) == str(first + timedelta(days=45))
