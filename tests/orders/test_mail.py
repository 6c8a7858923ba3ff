"""Confirmation mails: one per finalized order, through the outbox, surviving a mail server
outage. A real server process and a real (tiny) SMTP server."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import select

from museion.config import Settings
from museion.db import Database
from museion.migrations import upgrade
from museion.orders.mail import deliver_due
from museion.orders.models import Mail, Order
from museion.tokens.service import create_token
from tests.catalogue.factories import make_date, make_event, make_museum
from tests.orders.smtp import smtp_server
from tests.server import free_port, run_museion, running_server

SECRET = "mail-reseller"


def _wait_for(condition: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def _mails(database_url: str) -> list[Mail]:
    database = Database(database_url)
    try:
        with database.session(write=False) as session:
            return list(session.scalars(select(Mail)))
    finally:
        database.dispose()


def test_a_finalized_order_sends_exactly_one_confirmation(
    empty_database_url: str, tmp_path: Path
) -> None:
    run_museion("db", "upgrade", database_url=empty_database_url, workdir=tmp_path)
    database = Database(empty_database_url)
    with database.session() as session:
        create_token(session, access="reseller", name="reseller", secret=SECRET)
        event_date = make_date(session, make_event(session, make_museum(session)))
        date_id = event_date.id
    database.dispose()
    body = {
        "order": {
            "items": [{"date_id": date_id, "quantity": 2}],
            "customer": {"email": "visitor@example.com"},
        }
    }
    headers = {"Authorization": f"Bearer {SECRET}"}
    with smtp_server() as smtp:
        env = {"MUSEION_SMTP_HOST": "127.0.0.1", "MUSEION_SMTP_PORT": str(smtp.port)}
        with running_server(empty_database_url, tmp_path, env=env) as base_url:
            created = httpx.post(f"{base_url}/api/v4/orders", json=body, headers=headers)
            assert created.status_code == 201, created.text
            url = f"{base_url}/api/v4/orders/{created.json()['order']['token']}/finalize"
            first = httpx.post(url, headers=headers).json()["order"]
            _wait_for(lambda: len(smtp.received) == 1)
            assert httpx.post(url, headers=headers).json()["order"] == first
            # The second finalize queued nothing: once it answered, its background run is over.
            _wait_for(lambda: all(m.sent_at is not None for m in _mails(empty_database_url)))
        [message] = smtp.received
        assert message["To"] == "visitor@example.com"
        text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
        for barcode in first["items"][0]["attributes"]["barcodes"]:
            assert barcode["barcode"] in text
    [stored] = _mails(empty_database_url)
    assert stored.attempts == 1


def test_a_mail_server_outage_delays_the_mail_and_loses_nothing(
    empty_database_url: str, tmp_path: Path
) -> None:
    database = Database(empty_database_url)
    try:
        upgrade(database)
        now = datetime.now(UTC)
        with database.session() as session:
            order = Order(token="t", source="api", total_price_cents=0, created_at=now)
            session.add(order)
            session.flush()
            session.add(
                Mail(
                    order_id=order.id,
                    kind="order_confirmation",
                    recipient="visitor@example.com",
                    subject="Your order",
                    body="Thank you",
                    created_at=now,
                    next_attempt_at=now,
                    attempts=0,
                )
            )
        down = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=empty_database_url,
            smtp_host="127.0.0.1",
            smtp_port=free_port(),  # nobody listens there
        )
        assert deliver_due(database, down, now) == 0
        [failed] = _mails(empty_database_url)
        assert failed.sent_at is None
        assert failed.attempts == 1
        assert failed.last_error
        assert deliver_due(database, down, now + timedelta(minutes=1)) == 0  # not due yet
        assert _mails(empty_database_url)[0].attempts == 1
        with smtp_server() as smtp:
            up = down.model_copy(update={"smtp_port": smtp.port})
            assert deliver_due(database, up, now + timedelta(minutes=6)) == 1
            assert len(smtp.received) == 1
            assert deliver_due(database, up, now + timedelta(minutes=20)) == 0  # sent once
        [sent] = _mails(empty_database_url)
        assert sent.sent_at is not None
        assert sent.attempts == 2
    finally:
        database.dispose()
