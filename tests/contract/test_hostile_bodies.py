"""Hostile request bodies get a clear 4xx that names what was wrong, and change nothing.

Each case was a 500 once (issue 12): NUL characters that PostgreSQL text cannot hold, lone
surrogates that cannot be encoded, datetimes that overflow when converted, ids past the
database's integer range, booleans taken for numbers.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from museion.catalogue.tickets.models import Ticket
from museion.orders.models import Order
from tests.availability.factories import make_quota, make_ticket
from tests.conftest import bearer
from tests.orders.factories import ticket_item

SLOT = "2027-01-01T10:30:00+01:00"
RESELLER = bearer("demo-reseller")


@pytest.fixture
def ticket(session: Session) -> Ticket:
    return make_ticket(session, quotas=[make_quota(session, 10)], price_cents=1200, max_persons=8)


def orders_stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Order)) or 0)


def post_raw(client: TestClient, url: str, text: str | bytes, token: str | None = "demo-reseller"):  # type: ignore[no-untyped-def]
    headers = {"Content-Type": "application/json", **(bearer(token) if token else {})}
    content = text.encode() if isinstance(text, str) else text
    return client.post(url, content=content, headers=headers)


def assert_refused(response: Any, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["error"], str)
    said = body["error"] + " " + " ".join(body.get("errors", []))
    for word in words:
        assert word in said, said


@pytest.mark.parametrize("field", ["comment", "reference"])
def test_nul_in_free_text_is_refused(
    client: TestClient, session: Session, ticket: Ticket, field: str
) -> None:
    before = orders_stored(session)
    body = {"items": [ticket_item(ticket.id, 1, SLOT)], field: "a\x00b"}
    assert_refused(client.post("/api/v4/orders", json=body, headers=RESELLER), 422, field, "NUL")
    assert orders_stored(session) == before


def test_nul_in_a_reservation_token_is_refused(client: TestClient, ticket: Ticket) -> None:
    item = ticket_item(ticket.id, 1, SLOT, reservations=["abc\x00def"])
    response = client.post("/api/v4/orders", json={"items": [item]}, headers=RESELLER)
    assert_refused(response, 422, "reservations")


@pytest.mark.parametrize(
    "email",
    ["me\x00@example.com", "me\\ud800@example.com", "a@example.com, b@example.com", "nobody"],
    ids=["nul", "lone-surrogate", "comma-list", "no-at"],
)
def test_a_customer_email_is_one_valid_address(
    client: TestClient, session: Session, ticket: Ticket, email: str
) -> None:
    before = orders_stored(session)
    item = json.dumps(ticket_item(ticket.id, 1, SLOT))
    raw_email = email.replace("\x00", "\\u0000")
    text = f'{{"items": [{item}], "customer": {{"email": "{raw_email}"}}}}'
    assert_refused(post_raw(client, "/api/v4/orders", text), 422, "customer.email")
    assert orders_stored(session) == before


def test_lone_surrogates_anywhere_in_free_text_are_refused(
    client: TestClient, ticket: Ticket
) -> None:
    item = json.dumps(ticket_item(ticket.id, 1, SLOT))
    for text in (
        f'{{"items": [{item}], "comment": "x\\udc00y"}}',
        f'{{"items": [{item}], "customer": {{"first_name": "\\ud83d"}}}}',
    ):
        assert_refused(post_raw(client, "/api/v4/orders", text), 422, "surrogate")


@pytest.mark.parametrize(
    "moment",
    ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2300-01-01T10:00:00+01:00"],
)
@pytest.mark.parametrize("token", ["demo-reseller", None], ids=["reseller", "public"])
def test_datetimes_out_of_range_are_refused(
    client: TestClient, ticket: Ticket, moment: str, token: str | None
) -> None:
    order = {"items": [ticket_item(ticket.id, 1, moment)]}
    hold = {"reservation": {"ticket_id": ticket.id, "quantity": 1, "start_at": moment}}
    if token:
        assert_refused(post_raw(client, "/api/v4/orders", json.dumps(order), token), 422, "time")
    reservation = post_raw(client, "/api/v4/tickets/reservations", json.dumps(hold), token)
    assert_refused(reservation, 422, "start_at")


@pytest.mark.parametrize("field", ["quantity", "id"])
def test_booleans_are_not_numbers(client: TestClient, ticket: Ticket, field: str) -> None:
    item = ticket_item(ticket.id, 1, SLOT)
    item["attributes"][field] = True
    response = client.post("/api/v4/orders", json={"items": [item]}, headers=RESELLER)
    assert_refused(response, 422, field)


def test_a_boolean_total_is_not_a_number(client: TestClient, ticket: Ticket) -> None:
    body = {"items": [ticket_item(ticket.id, 1, SLOT)], "total": True}
    assert_refused(client.post("/api/v4/orders", json=body, headers=RESELLER), 422, "total")
    hold = {"reservation": {"ticket_id": ticket.id, "quantity": True, "start_at": SLOT}}
    assert_refused(client.post("/api/v4/tickets/reservations", json=hold), 422, "quantity")


def test_an_order_in_both_payload_forms_is_refused(
    client: TestClient, session: Session, ticket: Ticket
) -> None:
    before = orders_stored(session)
    body = {
        "items": [ticket_item(ticket.id, 1, SLOT)],
        "order": {"items": [{"ticket_id": ticket.id, "quantity": 1, "time": SLOT}]},
    }
    response = client.post("/api/v4/orders", json=body, headers=RESELLER)
    assert_refused(response, 422, "order")
    assert orders_stored(session) == before


@pytest.mark.parametrize("order_id", ["2147483648", "9223372036854775808", "99999999999999999999"])
def test_order_ids_past_the_integer_range_are_not_found(client: TestClient, order_id: str) -> None:
    for method, url in (
        ("GET", f"/api/v4/orders/{order_id}"),
        ("POST", f"/api/v4/orders/{order_id}/finalize"),
        ("POST", f"/api/v4/orders/{order_id}/cancellations"),
        ("GET", f"/api/v4/orders/{order_id}/invoice.pdf?token=x"),
    ):
        response = client.request(method, url, headers=RESELLER)
        assert_refused(response, 404)


def test_a_body_that_is_not_utf8_is_422(client: TestClient) -> None:
    response = post_raw(client, "/api/v4/orders", b'{"comment": "\xff\xfe"}')
    assert_refused(response, 422)


def test_a_body_nested_too_deep_is_422(client: TestClient) -> None:
    deep = '{"customer": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"
    assert_refused(post_raw(client, "/api/v4/orders", deep), 422)
    assert_refused(post_raw(client, "/api/v4/tickets/reservations", "[" * 100_000, None), 422)


def test_malformed_json_is_422(client: TestClient) -> None:
    assert_refused(post_raw(client, "/api/v4/orders", '{"items": [}'), 422, "JSON")
