"""Stalled and trickling request bodies never hold up other clients' writes (a real server with
two workers): a write request queues for a write place only once its whole body is here."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy.orm import Session

from tests.catalogue.factories import make_date, make_event, make_museum
from tests.server import prepare_database, running_server

SECRET = "slow-body-reseller"
STALLED = 16  # eight per worker: more than the write places of a PostgreSQL process
ORDERS = 20


def _prepare(database_url: str, workdir: Path) -> int:
    def build(session: Session) -> int:
        event = make_event(session, make_museum(session))
        start = datetime.now(UTC) + timedelta(days=3)
        return make_date(session, event, start, seats_max=100).id

    return prepare_database(database_url, workdir, build, reseller_secret=SECRET)


def _stalled_post(base_url: str, path: str) -> socket.socket:
    """Headers that promise a body, then a few bytes of it, then nothing."""
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {SECRET}\r\nContent-Length: 500\r\n\r\n{{".encode()
    )
    return sock


def _answer(sock: socket.socket, timeout: float) -> bytes:
    """What the server sent until it closed the connection or `timeout` passed (headers and
    body may come in separate packets)."""
    deadline = time.monotonic() + timeout
    received = b""
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            chunk = sock.recv(4096)
        except TimeoutError:
            break
        if not chunk:
            break
        received += chunk
    return received


def test_stalled_bodies_do_not_stop_other_clients_orders(
    empty_database_url: str, tmp_path: Path
) -> None:
    date_id = _prepare(empty_database_url, tmp_path)
    body: dict[str, Any] = {
        "items": [{"type": "Event", "attributes": {"id": date_id, "quantity": 1}}]
    }
    env = {"MUSEION_BODY_TIMEOUT_SECONDS": "20"}
    with (
        running_server(empty_database_url, tmp_path, workers=2, env=env) as base_url,
        ExitStack() as stack,
    ):
        stalled = []
        for n in range(STALLED):
            path = "/api/v4/orders" if n % 2 else "/api/v4/tickets/reservations"
            stalled.append(stack.enter_context(_stalled_post(base_url, path)))
        time.sleep(0.5)  # the stalled requests have reached both workers
        headers = {"Authorization": f"Bearer {SECRET}"}
        started = time.monotonic()
        with httpx.Client(base_url=base_url, timeout=30, headers=headers) as client:

            def order(_: int) -> int:
                placed = client.post("/api/v4/orders", json=body)
                if placed.status_code != 201:
                    return placed.status_code
                token = placed.json()["order"]["token"]
                return client.post(f"/api/v4/orders/{token}/finalize").status_code

            with ThreadPoolExecutor(max_workers=ORDERS) as pool:
                statuses = list(pool.map(order, range(ORDERS)))
        elapsed = time.monotonic() - started
        assert statuses == [200] * ORDERS, statuses
        assert elapsed < 10, f"orders took {elapsed:.1f} s behind stalled bodies"
        # The stalled requests are still waiting for their bodies, not answered.
        assert all(_answer(sock, 0.05) == b"" for sock in stalled)


def test_a_body_that_never_completes_gets_408(empty_database_url: str, tmp_path: Path) -> None:
    _prepare(empty_database_url, tmp_path)
    env = {"MUSEION_BODY_TIMEOUT_SECONDS": "1"}
    with running_server(empty_database_url, tmp_path, workers=1, env=env) as base_url:
        with _stalled_post(base_url, "/api/v4/orders") as sock:
            answer = _answer(sock, 10)
        assert answer.startswith(b"HTTP/1.1 408"), answer
        assert b'"error":"the request body did not arrive within 1 seconds"' in answer
