"""One address firing 300 holds at once cannot make a slot sold out for everyone else: a real
server with two workers, committed data, the default hold caps."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy.orm import Session

from tests.availability.factories import make_quota, make_ticket
from tests.catalogue.factories import BERLIN, local
from tests.server import prepare_database, running_server

SECRET = "hoarding-reseller"
HOLDS = 300
CAPACITY = 40  # a fifth of it: 8 units per client


def _prepare(database_url: str, workdir: Path) -> int:
    def build(session: Session) -> int:
        quota = make_quota(session, CAPACITY)
        return make_ticket(session, quotas=[quota], max_persons=100).id

    return prepare_database(database_url, workdir, build, reseller_secret=SECRET)


def _fire_holds(base_url: str, body: dict[str, Any]) -> list[int]:
    barrier = threading.Barrier(50)
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    with httpx.Client(base_url=base_url, timeout=120, limits=limits) as client:

        def send(n: int) -> int:
            if n < 50:
                barrier.wait()
            return client.post("/api/v4/tickets/reservations", json=body).status_code

        with ThreadPoolExecutor(max_workers=50) as pool:
            return list(pool.map(send, range(HOLDS)))


def test_three_hundred_anonymous_holds_leave_the_slot_sellable(
    empty_database_url: str, tmp_path: Path
) -> None:
    ticket_id = _prepare(empty_database_url, tmp_path)
    start = local(datetime.now(BERLIN).date() + timedelta(days=1), "10:00")
    hold = {"reservation": {"ticket_id": ticket_id, "quantity": 1, "start_at": start.isoformat()}}
    with running_server(empty_database_url, tmp_path, workers=2) as base_url:
        statuses = _fire_holds(base_url, hold)
        assert statuses.count(201) == CAPACITY // 5, sorted(set(statuses))
        assert set(statuses) <= {201, 422, 429}
        capacity = httpx.get(
            f"{base_url}/api/v4/tickets/{ticket_id}/capacity",
            params={"date": start.date().isoformat()},
        ).json()["data"]
        assert capacity[start.isoformat()] == CAPACITY - CAPACITY // 5
        # The rest of the slot is still for sale, e.g. to a reseller's customers.
        item = {"id": ticket_id, "quantity": CAPACITY - CAPACITY // 5, "time": start.isoformat()}
        order = httpx.post(
            f"{base_url}/api/v4/orders",
            json={"items": [{"type": "Ticket", "attributes": item}]},
            headers={"Authorization": f"Bearer {SECRET}"},
            timeout=30,
        )
        assert order.status_code == 201, order.text
