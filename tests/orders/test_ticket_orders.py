"""Orders of time-slot tickets: create, prices, totals, holds, finalize, expiry, cancel."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.tickets.models import Ticket
from tests.availability.factories import make_hold, make_quota, make_ticket
from tests.conftest import bearer
from tests.orders.conftest import Clock
from tests.orders.factories import make_token, order_body, ticket_item

SLOT = "2027-01-01T10:30:00+01:00"
URL = "/api/v4/orders"
RESELLER = bearer("demo-reseller")


def free_at(client: TestClient, ticket: Ticket, slot: str = SLOT) -> int:
    data = client.get(f"/api/v4/tickets/{ticket.id}/capacity?date={slot[:10]}").json()["data"]
    return int(data.get(slot, 0))


def order(
    client: TestClient, *items: dict[str, Any], headers: dict[str, str] = RESELLER, **kw: Any
):  # type: ignore[no-untyped-def]
    return client.post(URL, json=order_body(*items, **kw), headers=headers)


@pytest.fixture
def ticket(session: Session) -> Ticket:
    return make_ticket(session, quotas=[make_quota(session, 10)], price_cents=1200, max_persons=8)


def test_an_order_takes_capacity_and_prices_on_the_server(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    response = order(client, ticket_item(ticket.id, 3, SLOT), total=3600)
    assert response.status_code == 201, response.text
    body = response.json()["order"]
    assert body["total_price_cents"] == 3600
    assert body["status"] == "pending"
    assert body["is_valid"] is False
    assert body["source"] == "reseller"
    assert body["expires_at"] == "2027-01-01T08:30:00+01:00"
    assert len(body["token"]) >= 20
    [item] = body["items"]
    assert item["type"] == "Ticket"
    assert item["price_cents"] == 3600
    attributes = item["attributes"]
    assert attributes["ticket_id"] == ticket.id
    assert attributes["quantity"] == 3
    assert attributes["start_time"] == SLOT
    assert attributes["ticket_type"] == "time_slot"
    assert attributes["barcodes"] == []
    assert free_at(client, ticket) == 7


def test_discounts_apply_to_the_item_total(
    client: TestClient, session: Session, clock: Clock
) -> None:
    cheap = make_ticket(session, quotas=[make_quota(session, 10)], price_cents=999, discount=10)
    response = order(client, ticket_item(cheap.id, 3, SLOT))
    assert response.status_code == 201, response.text
    assert response.json()["order"]["total_price_cents"] == 2697  # 2997 - 299.7 rounded


def test_a_wrong_total_is_refused_showing_the_servers_total(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    response = order(client, ticket_item(ticket.id, 2, SLOT), total=2000)
    assert response.status_code == 422
    assert "2400" in response.json()["error"]
    assert free_at(client, ticket) == 10


def test_finalize_mints_one_barcode_per_person_once(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    created = order(client, ticket_item(ticket.id, 3, SLOT)).json()["order"]
    first = client.post(f"{URL}/{created['token']}/finalize", headers=RESELLER)
    assert first.status_code == 200, first.text
    finalized = first.json()["order"]
    assert finalized["status"] == "finalized"
    assert finalized["is_valid"] is True
    codes = [b["barcode"] for b in finalized["items"][0]["attributes"]["barcodes"]]
    assert len(codes) == 3 == len(set(codes))
    assert all(len(c) >= 12 and c.isalnum() and c.upper() == c for c in codes)
    again = client.post(f"{URL}/{created['id']}/finalize", headers=RESELLER)
    assert again.status_code == 200
    assert [
        b["barcode"] for b in again.json()["order"]["items"][0]["attributes"]["barcodes"]
    ] == codes
    clock.advance(hours=2)  # binding now: the deadline no longer matters
    assert free_at(client, ticket) == 7


def test_a_pending_order_gives_its_capacity_back_after_its_deadline(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    created = order(client, ticket_item(ticket.id, 8, SLOT)).json()["order"]
    assert order(client, ticket_item(ticket.id, 3, SLOT)).status_code == 422
    clock.advance(minutes=30)  # the deadline: it cannot be finalized any more ...
    refused = client.post(f"{URL}/{created['id']}/finalize", headers=RESELLER)
    assert refused.status_code == 422
    assert "expired" in refused.json()["error"]
    assert free_at(client, ticket) == 2  # ... but it counts for a minute's grace
    clock.advance(minutes=1)
    assert free_at(client, ticket) == 10  # no sweeper had to run
    assert (
        client.get(f"{URL}/{created['id']}", headers=RESELLER).json()["order"]["status"]
        == "expired"
    )
    assert order(client, ticket_item(ticket.id, 8, SLOT)).status_code == 201


def test_reservations_named_in_an_item_are_used_up(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    hold = client.post(
        "/api/v4/tickets/reservations",
        json={"reservation": {"ticket_id": ticket.id, "quantity": 6, "start_at": SLOT}},
    ).json()["reservation"]
    assert order(client, ticket_item(ticket.id, 5, SLOT)).status_code == 422  # 6 of 10 held
    # The hold's 6 units plus 2 more that were free.
    response = order(client, ticket_item(ticket.id, 8, SLOT, reservations=[hold["token"]]))
    assert response.status_code == 201, response.text
    assert client.delete(f"/api/v4/tickets/reservations/{hold['token']}").status_code == 404
    assert free_at(client, ticket) == 2


def test_expired_or_foreign_reservations_are_refused(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    other = make_ticket(session, quotas=[make_quota(session, 10)])
    foreign = make_hold(session, other, clock.now.replace(hour=10, minute=30), 1, now=clock.now)
    response = order(client, ticket_item(ticket.id, 1, SLOT, reservations=[foreign.token]))
    assert response.status_code == 422
    assert "another ticket" in response.json()["error"]
    expired = make_hold(
        session, ticket, clock.now.replace(hour=10, minute=30), 1, now=clock.now, minutes=-1
    )
    response = order(client, ticket_item(ticket.id, 1, SLOT, reservations=[expired.token]))
    assert response.status_code == 422
    assert "not valid" in response.json()["error"]
    response = order(client, ticket_item(ticket.id, 1, SLOT, reservations=["nope"]))
    assert response.status_code == 422


def test_all_items_or_none(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    small = make_ticket(session, quotas=[make_quota(session, 2)])
    response = order(client, ticket_item(ticket.id, 5, SLOT), ticket_item(small.id, 3, SLOT))
    assert response.status_code == 422
    assert response.json()["error"].startswith("items[1]: sold out")
    assert free_at(client, ticket) == 10  # the first item left nothing behind


def test_bad_items_are_refused_naming_the_item(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    cases = [
        (ticket_item(999_999, 1, SLOT), "items[0]: ticket 999999 not found"),
        (ticket_item(ticket.id, 9, SLOT), "items[0]: quantity must be at most 8"),
        (ticket_item(ticket.id, 1, "2027-01-01T10:10:00+01:00"), "items[0]: start_at"),
        (ticket_item(ticket.id, 1, "2027-01-01T17:00:00+01:00"), "items[0]: start_at"),
    ]
    for item, message in cases:
        response = order(client, item)
        assert response.status_code == 422, item
        assert response.json()["error"].startswith(message), response.json()
    clock.advance(hours=3)  # 10:30 has started
    response = order(client, ticket_item(ticket.id, 1, SLOT))
    assert response.status_code == 422
    assert "in the past" in response.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"items": []},
        {"items": None},
        {"order": {"items": []}},
        {"items": [{"type": "Tour", "attributes": {"id": 1}}]},
        {"items": [{"type": "Ticket", "attributes": {"id": 1, "quantity": 0, "time": SLOT}}]},
        {"items": [{"type": "Ticket", "attributes": {"id": 1, "quantity": 1}}]},
        {"items": [{"type": "Ticket"}]},
        {"items": "nope"},
        {"order": {"items": [{"quantity": 1}]}},
        {"order": {"items": [{"ticket_id": 1, "quantity": 1}]}},
        {
            "items": [{"type": "Ticket", "attributes": {"id": 1, "quantity": 1, "time": SLOT}}],
            "total": -1,
        },
    ],
)
def test_malformed_orders_are_refused(
    client: TestClient, body: dict[str, Any], clock: Clock
) -> None:
    response = client.post(URL, json=body, headers=RESELLER)
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["error"], str)


def test_malformed_json_is_a_422(client: TestClient, clock: Clock) -> None:
    response = client.post(
        URL, content=b'{"items": [', headers=RESELLER | {"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "request body is not valid JSON"


def test_attendees_are_required_when_the_ticket_says_so(
    client: TestClient, session: Session, clock: Clock
) -> None:
    named = make_ticket(session, quotas=[make_quota(session, 10)], attendees="required")
    response = order(client, ticket_item(named.id, 2, SLOT))
    assert response.status_code == 422
    assert "attendee" in response.json()["error"]
    people = [{"name": "Peter", "surname": "Pan"}, {"name": "Capt'n", "surname": "Hook"}]
    assert order(client, ticket_item(named.id, 2, SLOT, attendees=people[:1])).status_code == 422
    assert order(client, ticket_item(named.id, 2, SLOT, attendees=people)).status_code == 201


def test_who_may_order(client: TestClient, session: Session, ticket: Ticket, clock: Clock) -> None:
    item = ticket_item(ticket.id, 1, SLOT)
    assert order(client, item, headers={}).status_code == 401
    assert order(client, item, headers=bearer("nonsense")).status_code == 401
    entry = make_token(session, "entry")
    assert order(client, item, headers=bearer(entry)).status_code == 403
    cashpoint = order(client, item, headers=bearer("demo-cashpoint")).json()["order"]
    assert cashpoint["source"] == "cashpoint"
    assert order(client, item, headers=bearer("demo-user")).json()["order"]["source"] == "api"


def test_the_newer_payload_form_orders_tickets_too(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    body = {
        "order": {
            "items": [{"ticket_id": ticket.id, "quantity": 2, "time": SLOT}],
            "customer": {"email": "a@example.com"},
        }
    }
    response = client.post(URL, json=body, headers=RESELLER)
    assert response.status_code == 201, response.text
    assert response.json()["order"]["total_price_cents"] == 2400


def test_a_body_over_one_megabyte_is_refused(client: TestClient, clock: Clock) -> None:
    huge = {"comment": "x" * (1024 * 1024), "items": []}
    response = client.post(URL, json=huge, headers=RESELLER)
    assert response.status_code == 413
    assert response.json() == {"error": "request body too large"}


def test_a_streamed_body_over_one_megabyte_is_refused(client: TestClient, clock: Clock) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * 100_000

    headers = RESELLER | {"Content-Type": "application/json"}
    response = client.post(URL, content=chunks(), headers=headers)
    assert response.status_code == 413


def test_combined_tickets_take_every_quota_at_its_own_time(
    client: TestClient, session: Session, clock: Clock
) -> None:
    main = make_ticket(session, quotas=[make_quota(session, 10)], price_cents=1900)
    first = make_ticket(session, quotas=[make_quota(session, 3)], parent_id=main.id, price_cents=0)
    second = make_ticket(
        session, quotas=[make_quota(session, 10)], parent_id=main.id, price_cents=0
    )
    session.expire(main)
    times = {str(first.id): SLOT, str(second.id): "2027-01-01T12:00:00+01:00"}
    item = ticket_item(main.id, 2, SLOT, sub_ticket_times=times)
    response = order(client, item, total=3800)
    assert response.status_code == 201, response.text
    attributes = response.json()["order"]["items"][0]["attributes"]
    assert attributes["sub_ticket_times"] == times
    assert free_at(client, first) == 1
    assert free_at(client, second, "2027-01-01T12:00:00+01:00") == 8
    refused = order(client, ticket_item(main.id, 2, SLOT, sub_ticket_times=times))
    assert refused.status_code == 422  # the first sub ticket has 1 left
    assert refused.json()["error"].startswith("items[0]: sold out")
    assert order(client, ticket_item(main.id, 1, SLOT)).status_code == 422  # times missing
    assert order(client, ticket_item(first.id, 1, SLOT)).status_code == 422  # sub tickets alone
    created = response.json()["order"]
    client.post(f"{URL}/{created['id']}/cancellations", headers=RESELLER)
    assert free_at(client, first) == 3  # the sub ticket sales ended with their combined sale
    assert free_at(client, second, "2027-01-01T12:00:00+01:00") == 10
