"""Invoice and credit note numbers under real concurrency: a real server (two worker processes),
committed data. Concurrent finalizes take consecutive invoice numbers, concurrent cancellations
of one order's items each issue their own credit note, numbered without gaps."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import select

from museion.db import Database, session_scope
from museion.orders.models import Invoice
from tests.catalogue.factories import make_date, make_event, make_museum
from tests.server import prepare_database, running_server

SECRET = "invoice-reseller"
ORDERS = 8
ITEMS = 6


def _at_once(calls: list[Callable[[httpx.Client], httpx.Response]], base_url: str) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    limits = httpx.Limits(max_connections=len(calls), max_keepalive_connections=len(calls))
    headers = {"Authorization": f"Bearer {SECRET}"}
    with httpx.Client(base_url=base_url, timeout=120, limits=limits, headers=headers) as client:

        def run(call: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
            barrier.wait()
            return call(client)

        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            return list(pool.map(run, calls))


def _issued(database_url: str) -> list[tuple[str, int, int, str]]:
    database = Database(database_url)
    try:
        with session_scope(database, write=False) as session:
            rows = session.execute(
                select(Invoice.kind, Invoice.order_id, Invoice.position, Invoice.number)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        database.dispose()


def _date(session: Any) -> int:
    start = datetime.now(UTC) + timedelta(days=3)
    event = make_event(session, make_museum(session))
    event_date = make_date(session, event, start, seats_max=ORDERS * ITEMS)
    return int(event_date.id)


def test_concurrent_finalizes_and_cancellations_number_without_gaps(
    empty_database_url: str, tmp_path: Path
) -> None:
    date_id = prepare_database(empty_database_url, tmp_path, _date, reseller_secret=SECRET)
    with running_server(empty_database_url, tmp_path, workers=2) as base_url:
        headers = {"Authorization": f"Bearer {SECRET}"}
        body = {"order": {"items": [{"date_id": date_id, "quantity": 1}] * ITEMS}}
        tokens = []
        for _ in range(ORDERS):
            created = httpx.post(f"{base_url}/api/v4/orders", json=body, headers=headers)
            assert created.status_code == 201, created.text
            tokens.append(created.json()["order"]["token"])

        def finalize(token: str) -> Callable[[httpx.Client], httpx.Response]:
            return lambda client: client.post(f"/api/v4/orders/{token}/finalize")

        finalized = _at_once([finalize(token) for token in tokens], base_url)
        assert [r.status_code for r in finalized] == [200] * ORDERS
        order = finalized[0].json()["order"]

        def cancel(item_id: int) -> Callable[[httpx.Client], httpx.Response]:
            url = f"/api/v4/orders/{order['id']}/cancellations"
            return lambda client: client.post(url, json={"order_item_ids": [item_id]})

        cancelled = _at_once([cancel(item["id"]) for item in order["items"]], base_url)
        assert [r.status_code for r in cancelled] == [200] * ITEMS, [r.text for r in cancelled]
        shown = httpx.get(f"{base_url}/api/v4/orders/{order['id']}", headers=headers).json()
        assert shown["order"]["status"] == "cancelled"
        assert len(shown["order"]["documents"]["credit_notes"]) == ITEMS
    issued = _issued(empty_database_url)
    invoices = sorted(number for kind, _, _, number in issued if kind == "invoice")
    year = invoices[0][:4]
    assert invoices == [f"{year}-{n:06d}" for n in range(1, ORDERS + 1)]
    credit_notes = sorted(
        (position, number) for kind, _, position, number in issued if kind != "invoice"
    )
    assert [p for p, _ in credit_notes] == list(range(1, ITEMS + 1))
    assert sorted(n for _, n in credit_notes) == [f"ST-{year}-{n:06d}" for n in range(1, ITEMS + 1)]
