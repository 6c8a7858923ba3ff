"""Our responses carry every field of the go~mus reference examples, with compatible types.

The examples are read from `../shared/reference/gomus-api-doc/*.md` (the specification beside
the repository). Extra fields of ours are allowed: clients are told to ignore unknown fields.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from museion.demo.loader import DemoInstance
from tests.conftest import bearer, demo_today

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "gomus-api-doc"

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


def reference_example(name: str, index: int) -> Any:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"reference not found at {REFERENCE} (it lives in ../shared beside the repo)")
    block = re.findall(r"```json\n(.*?)```", path.read_text(encoding="utf-8"), re.S)[index]
    # The examples elide with "..." lines and "{ ... }"; drop those to get valid JSON.
    lines = [line for line in block.splitlines() if line.strip() not in ("...", "...,")]
    text = re.sub(r"\{\s*\.\.\.\s*\}", "{}", "\n".join(lines))
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


def shape_problems(reference: Any, ours: Any, path: str = "$") -> list[str]:
    if reference is None:
        return []
    if isinstance(reference, dict):
        if not isinstance(ours, dict):
            return [f"{path}: expected an object, got {ours!r}"]
        problems = [f"{path}.{key}: missing" for key in reference if key not in ours]
        for key, value in reference.items():
            if key in ours:
                problems += shape_problems(value, ours[key], f"{path}.{key}")
        return problems
    if isinstance(reference, list):
        if not isinstance(ours, list):
            return [f"{path}: expected a list, got {ours!r}"]
        if reference and ours:
            return shape_problems(reference[0], ours[0], f"{path}[0]")
        return []
    if ours is None:
        return []  # nullable in practice (e.g. a permanent exhibition, a picture-less museum)
    expected: tuple[type, ...] = (
        (bool,)
        if isinstance(reference, bool)
        else (int, float)
        if isinstance(reference, int | float)
        else (type(reference),)
    )
    if isinstance(ours, bool) and bool not in expected:
        return [f"{path}: expected {expected}, got a boolean"]
    return [] if isinstance(ours, expected) else [f"{path}: expected {expected}, got {ours!r}"]


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
