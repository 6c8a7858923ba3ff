"""The curl examples of the seed page "Events" (reference/seeds/001_*), against the demo data.

The seed's ids (museum 20, audience 4, event 843, date 91234) are replaced by demo ids of the
same kind: the family workshop of the natural history museum.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from museion.demo.loader import DemoInstance


@pytest.fixture
def ids(demo: DemoInstance) -> dict[str, int]:
    assert demo.events is not None
    return {
        "museum": demo.museum_ids["naturkunde"],
        "audience": demo.events.tag_ids["audience-families"],
        "event": demo.events.event_ids["familienwerkstatt"],
    }


SEED_EXAMPLES = [
    "/api/v4/dates?start_at=2026-05-01&end_at=2026-05-31&locale=de",
    "/api/v4/events?by_museum_ids[]={museum}&by_audience_ids[]={audience}"
    "&with_bookings_in_future=true&locale=de",
    "/api/v4/events/categories?locale=de",
    "/api/v4/events/audiences?locale=de",
    "/api/v4/events/languages?locale=de",
    "/api/v4/events/{event}?locale=de",
    "/api/v4/events/{event}/calendar",
    "/api/v4/events/{event}/dates",
    "/api/v4/events/{event}/categories",
    "/api/v4/events/{event}/languages",
    "/api/v4/events/{event}/audiences",
    "/api/v4/events/{event}/age_groups",
]


@pytest.mark.parametrize("example", SEED_EXAMPLES)
def test_seed_example_answers(client: TestClient, ids: dict[str, int], example: str) -> None:
    response = client.get(example.format(**ids))
    assert response.status_code == 200, response.text


def test_seed_family_filter_finds_the_family_workshop(
    client: TestClient, ids: dict[str, int]
) -> None:
    url = SEED_EXAMPLES[1].format(**ids)
    events = client.get(url).json()["events"]
    assert ids["event"] in [e["id"] for e in events]
    assert all(e["museum_id"] == ids["museum"] for e in events)


def test_seed_detail_to_date_to_booking_path(client: TestClient, ids: dict[str, int]) -> None:
    event = client.get(f"/api/v4/events/{ids['event']}?locale=de").json()["event"]
    assert event["dates"], "the detail page embeds the upcoming dates"
    date_id = event["dates"][0]["id"]
    detail = client.get(f"/api/v4/events/{ids['event']}/dates/{date_id}").json()["date"]
    assert detail["prices"]
