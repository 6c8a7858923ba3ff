"""Our responses carry every field of the go~mus reference examples, with compatible types.

The examples' key structures are read from `data/json_examples.json` (extracted from the
reference by extract_reference.py). Extra fields of ours are allowed: clients are told to
ignore unknown fields.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from museion.demo.loader import DemoInstance
from tests.conftest import bearer, demo_today
from tests.contract.examples import reference_example, shape_problems

# (reference file, index of its JSON example, request to compare it with)
CASES = [
    ("museums.md", 0, "/api/v4/museums", None),
    ("museums.md", 1, "/api/v4/museums/{kunsthalle}", None),
    ("museums.md", 3, "/api/v4/museums/{kunsthalle}/opening_hours?date=2026-06-02", None),
    ("exhibitions.md", 0, "/api/v4/exhibitions", None),
    ("exhibitions.md", 1, "/api/v4/exhibitions/{licht}", None),
    ("other_data.md", 0, "/api/v4/countries", None),
    ("other_data.md", 1, "/api/v4/states", None),
    ("other_data.md", 2, "/api/v4/dispatch_modes", None),
    ("version.md", 0, "/api/v4/version", None),
    ("authentication.md", 0, "/api/v4/whoami", "demo-reseller-kunsthalle"),
    ("locale.md", 0, "/api/v4/locales", None),
    ("events.md", 0, "/api/v4/events/categories", None),
    ("events.md", 1, "/api/v4/events/languages", None),
    ("events.md", 2, "/api/v4/events/age_groups", None),
    ("events.md", 3, "/api/v4/events/audiences", None),
    ("events.md", 4, "/api/v4/events/catch_words", None),
    ("events.md", 5, "/api/v4/events/proposal_categories", "demo-reseller"),
    ("events.md", 6, "/api/v4/events/grades", "demo-reseller"),
    ("events.md", 7, "/api/v4/events", None),
    ("events.md", 8, "/api/v4/events/{tour}/dates?start_at={today}&end_at={in_30_days}", None),
    ("events.md", 9, "/api/v4/events/{concert}/dates/{concert_date}", None),
    ("events.md", 10, "/api/v4/dates/languages?start_at={today}&end_at={in_30_days}", None),
]


@pytest.mark.parametrize(("name", "index", "url", "token"), CASES)
def test_response_has_the_reference_shape(
    client: TestClient,
    demo: DemoInstance,
    name: str,
    index: int,
    url: str,
    token: str | None,
) -> None:
    licht = client.get("/api/v4/exhibitions?q=Licht der").json()["exhibitions"][0]["id"]
    assert demo.events is not None
    today = demo_today()
    concert = demo.events.event_ids["werkraum-konzerte"]
    concert_dates = client.get(
        f"/api/v4/dates?by_event_ids[]={concert}&start_at={today}"
        f"&end_at={today + timedelta(days=365)}"
    ).json()["dates"]
    url = url.format(
        kunsthalle=demo.museum_ids["kunsthalle"],
        licht=licht,
        tour=demo.events.event_ids["sammlungsfuehrung"],
        concert=concert,
        concert_date=concert_dates[0]["id"],
        today=today,
        in_30_days=today + timedelta(days=30),
    )
    response = client.get(url, headers=bearer(token) if token else {})
    assert response.status_code == 200, response.text
    assert shape_problems(reference_example(name, index), response.json()) == []
