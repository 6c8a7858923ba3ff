"""bench/generate.py at tiny sizes: the generated orders are readable through the API, and no
date or quota slot holds more than its capacity."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, or_, select

from museion.access import Access, Principal
from museion.app import create_app
from museion.availability.counting import picture
from museion.catalogue.events.models import EventBooking, EventDate
from museion.catalogue.tickets.queries import TicketFilter
from museion.catalogue.tickets.service import bookable_tickets
from museion.config import Settings
from museion.db import Database, session_scope
from museion.orders.models import Barcode, Order, OrderItem
from tests.conftest import ZONE

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import generate

CASHPOINT = {"Authorization": "Bearer demo-cashpoint"}  # a demo token with all_orders
ORDERS = 400


def test_generated_orders_are_readable_and_within_capacity(
    empty_database_url: str, tmp_path: Path
) -> None:
    options = ["--museums", "6", "--events", "20", "--dates", "300", "--orders", str(ORDERS)]
    options += ["--days-before", "40", "--days", "80"]
    assert generate.main(["--url", empty_database_url, *options]) == 0
    database = Database(empty_database_url)
    try:
        with session_scope(database) as session:
            assert session.scalar(select(func.count()).select_from(Order)) == ORDERS
            assert_dates_within_capacity(session)
            assert_quotas_within_capacity(session)
            kinds = set(session.scalars(select(OrderItem.type)))
            assert kinds == {"Ticket", "Event"}
            orders = session.execute(select(Order.id, Order.token, Order.status)).all()
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=empty_database_url,
            media_dir=tmp_path / "media",
            time_zone=ZONE,
            cache_seconds=0,
            rate_limit_enabled=False,
        )
        cancelled = next(o for o in orders if o.status == "cancelled")
        with TestClient(create_app(settings, database)) as client:
            for order in (orders[0], orders[-1], cancelled):
                answer = client.get(f"/api/v4/orders/{order.id}", headers=CASHPOINT)
                assert answer.status_code == 200, answer.text
                shown = answer.json()["order"]
                assert shown["status"] == order.status
                assert shown["token"] == order.token
                with session_scope(database) as session:
                    items = session.scalars(
                        select(OrderItem).where(OrderItem.order_id == order.id)
                    ).all()
                    barcodes = session.scalars(
                        select(Barcode).join(OrderItem).where(OrderItem.order_id == order.id)
                    ).all()
                assert len(shown["items"]) == len(items)
                assert len(barcodes) == sum(item.quantity for item in items)
                assert all(
                    (b.invalidated_at is None) == (order.status != "cancelled") for b in barcodes
                )
    finally:
        database.dispose()


def assert_dates_within_capacity(session) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    live = or_(EventBooking.live_until.is_(None), EventBooking.live_until > now)
    booked = (
        select(EventBooking.date_id, func.sum(EventBooking.quantity).label("seats"))
        .where(live)
        .group_by(EventBooking.date_id)
        .subquery()
    )
    over = session.scalar(
        select(func.count())
        .select_from(EventDate)
        .join(booked, booked.c.date_id == EventDate.id)
        .where(EventDate.seats_booked + booked.c.seats > EventDate.seats_max)
    )
    assert over == 0
    assert session.scalar(select(func.count()).select_from(booked)) > 0


def assert_quotas_within_capacity(session) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(ZONE)
    today = datetime.now(zone).date()
    days = [today + timedelta(days=d - 40) for d in range(80)]
    found = bookable_tickets(session, Principal(Access.USER), TicketFilter())
    seen = picture(session, found, days, zone, datetime.now(UTC))
    assert seen.used, "no sold units counted"
    for (quota_id, start), used in seen.used.items():
        assert used <= seen.total(quota_id, start), (quota_id, start)
