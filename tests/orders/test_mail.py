"""Confirmation mails: one per finalized order, through the outbox, surviving a mail server
outage. A real server process and a real (tiny) SMTP server."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from museion.config import Settings
from museion.db import Database, session_scope
from museion.migrations import upgrade
from museion.orders import mail
from museion.orders.mail import attachments, deliver_due
from museion.orders.models import Mail, Order, ShownOrder
from museion.orders.queries import OrderScope, get_order
from museion.tokens.service import create_token
from tests.availability.factories import make_quota, make_ticket
from tests.catalogue.factories import make_date, make_event, make_museum
from tests.conftest import ZONE, bearer
from tests.orders.conftest import Clock
from tests.orders.factories import event_item, order_body, ticket_item
from tests.orders.pdfs import pdf_pages
from tests.orders.smtp import smtp_server
from tests.server import free_port, prepare_database, run_museion, running_server

SECRET = "mail-reseller"
SLOT = "2027-01-01T10:30:00+01:00"
RESELLER = bearer("demo-reseller")
BERLIN = ZoneInfo(ZONE)


def _wait_for(condition: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def _mails(database_url: str) -> list[Mail]:
    database = Database(database_url)
    try:
        with session_scope(database, write=False) as session:
            return list(session.scalars(select(Mail).order_by(Mail.id)))
    finally:
        database.dispose()


def _queue_mail(database: Database, token: str, now: datetime) -> int:
    """An order (with no items) and its confirmation in the outbox; returns the order id."""
    with session_scope(database) as session:
        order = Order(token=token, source="api", total_price_cents=0, created_at=now)
        session.add(order)
        session.flush()
        session.add(
            Mail(
                order_id=order.id,
                kind="order_confirmation",
                recipient=f"{token}@example.com",
                created_at=now,
                next_attempt_at=now,
                attempts=0,
            )
        )
        return order.id


def _settings(database_url: str, smtp_port: int) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
    )


def test_a_finalized_order_sends_exactly_one_confirmation(
    empty_database_url: str, tmp_path: Path
) -> None:
    run_museion("db", "upgrade", database_url=empty_database_url, workdir=tmp_path)
    database = Database(empty_database_url)
    with session_scope(database) as session:
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
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        text = body.get_content()
        booking = first["items"][0]["attributes"]
        codes = [barcode["barcode"] for barcode in booking["barcodes"]]
        assert all(code in text for code in codes)
        [attachment] = message.iter_attachments()
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == f"booking-{first['id']}-{booking['id']}.pdf"
        [page] = pdf_pages(attachment.get_content())
        assert all(code in page for code in codes)
    [stored] = _mails(empty_database_url)
    assert stored.attempts == 1


def test_a_mail_server_outage_delays_the_mail_and_loses_nothing(
    empty_database_url: str, tmp_path: Path
) -> None:
    database = Database(empty_database_url)
    try:
        upgrade(database)
        now = datetime.now(UTC)
        _queue_mail(database, "t", now)
        down = _settings(empty_database_url, smtp_port=free_port())  # nobody listens there
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


def test_a_mail_that_cannot_be_put_together_fails_alone_and_is_retried(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(empty_database_url)
    try:
        upgrade(database)
        now = datetime.now(UTC)
        broken = _queue_mail(database, "broken", now)
        _queue_mail(database, "fine", now)

        def attachments_of(order: ShownOrder, zone: ZoneInfo) -> list[mail.Attachment]:
            if order.id == broken:
                raise RuntimeError("no documents today")
            return []

        monkeypatch.setattr(mail, "attachments", attachments_of)
        with smtp_server() as smtp:
            assert deliver_due(database, _settings(empty_database_url, smtp.port), now) == 1
            assert [m["To"] for m in smtp.received] == ["fine@example.com"]
        failed, sent = _mails(empty_database_url)
        assert (failed.sent_at, failed.last_error) == (None, "RuntimeError: no documents today")
        assert failed.next_attempt_at > now
        assert sent.sent_at is not None
    finally:
        database.dispose()


def _load(session: Session, token: str) -> ShownOrder:
    order = get_order(session, OrderScope(), token=token)
    assert order is not None
    return order


def _finalized(client: TestClient, session: Session, *items: dict[str, Any]) -> ShownOrder:
    created = client.post("/api/v4/orders", json=order_body(*items), headers=RESELLER)
    assert created.status_code == 201, created.text
    token = created.json()["order"]["token"]
    assert client.post(f"/api/v4/orders/{token}/finalize", headers=RESELLER).status_code == 200
    return _load(session, token)


def test_tickets_and_booking_confirmations_are_attached_while_they_are_valid(
    client: TestClient, session: Session, clock: Clock
) -> None:
    ticket = make_ticket(session, quotas=[make_quota(session, 10)], title={"de": "Führung"})
    event = make_event(session, make_museum(session))
    event_date = make_date(session, event, datetime(2027, 1, 1, 14, tzinfo=BERLIN))
    order = _finalized(
        client,
        session,
        ticket_item(ticket.id, 2, SLOT),
        event_item(event_date.id, 1),
        ticket_item(ticket.id, 1, SLOT),
    )
    tickets, booking, single = order.items
    attached = attachments(order, BERLIN)
    assert [file.filename for file in attached] == [
        f"tickets-{order.id}-{tickets.ticket_sale_id}.pdf",
        f"booking-{order.id}-{booking.event_booking_id}.pdf",
        f"tickets-{order.id}-{single.ticket_sale_id}.pdf",
    ]
    pages = pdf_pages(attached[0].content)
    for barcode, page in zip(tickets.barcodes, pages, strict=True):
        assert barcode.code in page
        assert "Führung" in page

    cancel = f"/api/v4/orders/{order.id}/cancellations"
    client.post(cancel, json={"order_item_ids": [single.id]}, headers=RESELLER)
    assert len(attachments(_load(session, order.token), BERLIN)) == 2
    client.post(cancel, headers=RESELLER)
    assert attachments(_load(session, order.token), BERLIN) == []


def test_documents_beyond_the_size_limit_stay_off_the_mail(
    client: TestClient, session: Session, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = make_ticket(session, quotas=[make_quota(session, 10)])
    items = [ticket_item(ticket.id, 1, SLOT), ticket_item(ticket.id, 1, SLOT)]
    order = _finalized(client, session, *items)
    [first, _] = attachments(order, BERLIN)
    monkeypatch.setattr(mail, "ATTACHMENTS_MAX_BYTES", len(first.content) + 100)
    assert attachments(order, BERLIN) == [first]


def _two_dates(session: Session) -> tuple[int, int]:
    museum = make_museum(session)
    kept = make_date(session, make_event(session, museum, title={"de": "Bleibt"}))
    dropped = make_date(session, make_event(session, museum, title={"de": "Entfällt"}))
    return kept.id, dropped.id


def _order_of_two(base_url: str, kept: int, dropped: int) -> dict[str, Any]:
    """A finalized order of two bookings with a customer address."""
    body = {
        "order": {
            "items": [{"date_id": kept, "quantity": 1}, {"date_id": dropped, "quantity": 1}],
            "customer": {"email": "visitor@example.com"},
        }
    }
    created = httpx.post(f"{base_url}/api/v4/orders", json=body, headers=bearer(SECRET))
    assert created.status_code == 201, created.text
    url = f"{base_url}/api/v4/orders/{created.json()['order']['token']}/finalize"
    finalized = httpx.post(url, headers=bearer(SECRET))
    assert finalized.status_code == 200, finalized.text
    return dict(finalized.json()["order"])


def _text(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def test_a_mail_sent_after_a_cancellation_shows_the_order_as_it_then_is(
    empty_database_url: str, tmp_path: Path
) -> None:
    kept, dropped = prepare_database(
        empty_database_url, tmp_path, _two_dates, reseller_secret=SECRET
    )
    # No mail server yet: the confirmation waits in the outbox while an item is cancelled.
    with running_server(empty_database_url, tmp_path) as base_url:
        order = _order_of_two(base_url, kept, dropped)
        keep, drop = order["items"]
        cancel = f"{base_url}/api/v4/orders/{order['id']}/cancellations"
        response = httpx.post(cancel, json={"order_item_ids": [drop["id"]]}, headers=bearer(SECRET))
        assert response.status_code == 200, response.text
    database = Database(empty_database_url)
    try:
        with smtp_server() as smtp:
            assert deliver_due(database, _settings(empty_database_url, smtp.port)) == 2
        confirmation, cancellation = smtp.received
    finally:
        database.dispose()
    codes = {
        item["id"]: [b["barcode"] for b in item["attributes"]["barcodes"]] for item in (keep, drop)
    }
    text = _text(confirmation)
    assert "Bleibt" in text
    assert "Entfällt" not in text
    assert all(code in text for code in codes[keep["id"]])
    assert not any(code in text for code in codes[drop["id"]])
    assert [a.get_filename() for a in confirmation.iter_attachments()] == [
        f"booking-{order['id']}-{keep['attributes']['id']}.pdf"
    ]
    assert cancellation["To"] == "visitor@example.com"
    assert "Stornierung" in cancellation["Subject"]
    text = _text(cancellation)
    cancelled, still_valid = text.split("Weiterhin gültig / Still valid:")
    assert "Entfällt" in cancelled
    assert "Bleibt" in still_valid
    assert not any(code in text for code in codes[drop["id"]])  # they admit no one any more
    [credit_note] = cancellation.iter_attachments()
    assert credit_note.get_filename() == f"credit-note-{order['id']}-1.pdf"
    [page] = pdf_pages(credit_note.get_content())
    assert "Stornorechnung / Credit note" in page
    assert "Entfällt" in page


def test_a_cancellation_mail_goes_out_after_the_cancellation(
    empty_database_url: str, tmp_path: Path
) -> None:
    kept, dropped = prepare_database(
        empty_database_url, tmp_path, _two_dates, reseller_secret=SECRET
    )
    with smtp_server() as smtp:
        env = {"MUSEION_SMTP_HOST": "127.0.0.1", "MUSEION_SMTP_PORT": str(smtp.port)}
        with running_server(empty_database_url, tmp_path, env=env) as base_url:
            order = _order_of_two(base_url, kept, dropped)
            _wait_for(lambda: len(smtp.received) == 1)
            cancel = f"{base_url}/api/v4/orders/{order['id']}/cancellations"
            assert httpx.post(cancel, headers=bearer(SECRET)).status_code == 200
            _wait_for(lambda: len(smtp.received) == 2)
        confirmation, cancellation = smtp.received
    assert "Stornierung" not in confirmation["Subject"]
    assert "Stornierung" in cancellation["Subject"]
    text = _text(cancellation)
    assert "Bleibt" in text
    assert "Entfällt" in text
    assert "Die Bestellung ist storniert. / The order is cancelled." in text
    assert len(list(cancellation.iter_attachments())) == 1  # the credit note of both bookings
