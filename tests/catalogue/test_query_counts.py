"""The calendar paths run a fixed, small number of queries whatever the page holds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from museion.db import Database
from tests.conftest import demo_today


@contextmanager
def counted(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v4/dates?start_at={start}&end_at={end}",
        "/api/v4/dates?start_at={start}&end_at={end}&by_museum_ids[]=1&by_categories[]=tour",
        "/api/v4/events",
        "/api/v4/events?with_bookings_in_future=true",
        "/api/v4/calendar?start_at={start}&end_at={end}&depth=all",
    ],
)
def test_query_count_does_not_grow_with_the_page(
    client: TestClient, database: Database, url: str
) -> None:
    today = demo_today()
    url = url.format(start=today, end=today + timedelta(days=60))
    counts = []
    for per_page in (2, 25):
        separator = "&" if "?" in url else "?"
        with counted(database) as statements:
            response = client.get(f"{url}{separator}per_page={per_page}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts
