"""The seed page "Events" (reference/seeds/001_*) beyond status codes, against the demo data.

Every curl example of the seeds runs in test_curl_examples.py, with the seed's ids (museum 20,
audience 4, event 843) replaced by demo ids of the same kind: the natural history museum and
its family workshop. Here: the seed's endpoint table, and what the seed says the answers mean.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from museion.demo.loader import DemoInstance
from tests.contract.examples import curl_example, curl_examples, endpoint_table_rows
from tests.contract.test_curl_examples import SEED_EVENTS, Demo, build_request

FAMILY_FILTER = (
    f"{SEED_EVENTS} GET /api/v4/events?by_museum_ids[]=20&by_audience_ids[]=4"
    "&with_bookings_in_future=true&locale=de"
)
EVENT_DETAIL = f"{SEED_EVENTS} GET /api/v4/events/843?locale=de"


def test_both_seeds_curl_examples_are_extracted() -> None:
    sources = [e["source"] for e in curl_examples() if e["source"].startswith("seeds/")]
    assert len(sources) == 12
    assert sources.count(SEED_EVENTS) == 9


@pytest.fixture
def family_workshop(demo: DemoInstance) -> int:
    assert demo.events is not None
    return demo.events.event_ids["familienwerkstatt"]


@pytest.mark.parametrize(
    "row", [pytest.param(r, id=f"{r['method']} {r['path']}") for r in endpoint_table_rows()]
)
def test_seed_endpoint_table_row_answers(
    client: TestClient, family_workshop: int, row: dict[str, Any]
) -> None:
    path = row["path"].replace(":event_id", str(family_workshop))
    if path.endswith("/dates/:id"):
        event = client.get(f"/api/v4/events/{family_workshop}").json()["event"]
        path = path.replace(":id", str(event["dates"][0]["id"]))
    path = path.replace(":id", str(family_workshop))
    response = client.request(row["method"], path)
    assert response.status_code == 200, response.text


def test_seed_family_filter_finds_the_family_workshop(
    client: TestClient, demo: DemoInstance, family_workshop: int
) -> None:
    url, kwargs = build_request(Demo(client, demo), curl_example(FAMILY_FILTER))
    events = client.get(url, **kwargs).json()["events"]
    assert family_workshop in [e["id"] for e in events]
    assert all(e["museum_id"] == demo.museum_ids["naturkunde"] for e in events)


def test_seed_detail_to_date_to_booking_path(
    client: TestClient, demo: DemoInstance, family_workshop: int
) -> None:
    url, kwargs = build_request(Demo(client, demo), curl_example(EVENT_DETAIL))
    event = client.get(url, **kwargs).json()["event"]
    assert event["id"] == family_workshop
    assert event["dates"], "the detail page embeds the upcoming dates"
    date_id = event["dates"][0]["id"]
    detail = client.get(f"/api/v4/events/{family_workshop}/dates/{date_id}").json()["date"]
    assert detail["prices"]
