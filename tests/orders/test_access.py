"""Who may act on which orders (README: who sees which orders), seat plans and holds by museum,
and what entry gate tokens may not do. Acting outside one's reach is a 404, as if the record did
not exist; a token of the wrong kind or without the permission an endpoint needs is a 403."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.events.models import EventDate, Seating
from museion.catalogue.museums.models import Museum
from museion.catalogue.tickets.models import Ticket
from museion.demo.loader import DemoInstance
from museion.errors import Unprocessable
from museion.tokens.models import ApiTokenPermission
from museion.tokens.service import create_token, list_tokens
from tests.availability.factories import make_quota, make_ticket
from tests.catalogue.factories import BERLIN, make_date, make_event
from tests.conftest import bearer
from tests.orders.conftest import Clock
from tests.orders.factories import event_item, make_token, order_body, ticket_item

URL = "/api/v4/orders"
HOLDS = "/api/v4/tickets/reservations"
SLOT = "2027-01-01T10:30:00+01:00"
RESELLER = bearer("demo-reseller")
USER = bearer("demo-user")
Headers = dict[str, str]


def order(client: TestClient, *items: dict[str, Any], headers: Headers) -> dict[str, Any]:
    response = client.post(URL, json=order_body(*items), headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json()["order"])


def finalize(client: TestClient, created: dict[str, Any], headers: Headers) -> dict[str, Any]:
    response = client.post(f"{URL}/{created['id']}/finalize", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["order"])


def read(client: TestClient, created: dict[str, Any], headers: Headers) -> dict[str, Any]:
    response = client.get(f"{URL}/{created['id']}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["order"])


def listed(client: TestClient, headers: Headers, **params: str) -> list[int]:
    response = client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [o["id"] for o in response.json()["orders"]]


def barcode(finalized: dict[str, Any]) -> str:
    return str(finalized["items"][0]["attributes"]["barcodes"][0]["barcode"])


def assert_out_of_reach(client: TestClient, finalized: dict[str, Any], headers: Headers) -> None:
    """Every order endpoint answers 404, as for an order that does not exist, and the list
    leaves the order out."""
    code = barcode(finalized)
    for path, error in (
        (finalized["id"], "order not found"),
        (finalized["token"], "order not found"),
        (f"barcode/{code}", "barcode not found"),
    ):
        response = client.get(f"{URL}/{path}", headers=headers)
        assert response.status_code == 404, (path, response.text)
        assert response.json() == {"error": error}
    assert client.post(f"{URL}/{finalized['id']}/finalize", headers=headers).status_code == 404
    whole = client.post(f"{URL}/{finalized['id']}/cancellations", headers=headers)
    assert whole.status_code == 404
    some = client.post(
        f"{URL}/{finalized['token']}/cancellations",
        json={"order_item_ids": [finalized["items"][0]["id"]]},
        headers=headers,
    )
    assert some.status_code == 404
    assert finalized["id"] not in listed(client, headers)


@pytest.fixture
def museums(session: Session, demo: DemoInstance) -> tuple[Museum, Museum]:
    """The Kunsthalle (museum 1) and the Haus der Naturkunde (another museum)."""
    return (
        session.get_one(Museum, demo.museum_ids["kunsthalle"]),
        session.get_one(Museum, demo.museum_ids["naturkunde"]),
    )


def date_of(session: Session, museum: Museum, **overrides: Any) -> EventDate:
    start = datetime(2027, 1, 10, 18, 0, tzinfo=BERLIN)
    return make_date(session, make_event(session, museum), start, **overrides)


# --- The reported case: a museum-1 cash point and a reseller's order of another museum ---------


def test_a_museum_limited_cash_point_cannot_cancel_a_resellers_order_of_another_museum(
    client: TestClient, session: Session, museums: tuple[Museum, Museum], clock: Clock
) -> None:
    kunsthalle, naturkunde = museums
    elsewhere = date_of(session, naturkunde, seats_max=5)
    finalized = finalize(
        client, order(client, event_item(elsewhere.id, 2), headers=RESELLER), RESELLER
    )
    for permissions in ([], ["all_orders"]):
        till = bearer(make_token(session, "cashpoint", [kunsthalle.id], permissions))
        assert_out_of_reach(client, finalized, till)
    after = read(client, finalized, RESELLER)
    assert after["status"] == "finalized"
    assert [item["cancelled"] for item in after["items"]] == [False]
    assert [b["valid"] for b in after["items"][0]["attributes"]["barcodes"]] == [True, True]
    url = f"/api/v4/events/{elsewhere.event_id}/dates/{elsewhere.id}"
    assert client.get(url).json()["date"]["seats"]["available"] == 3


def test_a_ticket_of_two_museums_is_out_of_reach_of_either_museum_alone(
    client: TestClient, session: Session, museums: tuple[Museum, Museum], clock: Clock
) -> None:
    """A ticket valid in two houses records only its first museum on the item: the scope
    looks at every museum of the ticket."""
    kunsthalle, naturkunde = museums
    both = make_ticket(session, museums=[kunsthalle, naturkunde], quotas=[make_quota(session, 10)])
    finalized = finalize(
        client,
        order(client, ticket_item(both.id, 1, "2027-01-02T10:30:00+01:00"), headers=RESELLER),
        RESELLER,
    )
    for museum in museums:
        till = bearer(make_token(session, "cashpoint", [museum.id], ["all_orders"]))
        assert_out_of_reach(client, finalized, till)
    both_houses = bearer(
        make_token(session, "cashpoint", [kunsthalle.id, naturkunde.id], ["all_orders"])
    )
    assert read(client, finalized, both_houses)["id"] == finalized["id"]
    # Selling it is refused as well: the seller could not read its own order afterwards.
    limited = bearer("demo-reseller-kunsthalle")
    response = client.post(
        URL, json=order_body(ticket_item(both.id, 1, "2027-01-02T10:30:00+01:00")), headers=limited
    )
    assert response.status_code == 422
    assert response.json()["error"] == (
        f"items[0]: ticket {both.id} is also valid outside this token's museums"
    )


def test_a_combined_ticket_with_a_sub_ticket_of_another_museum_is_out_of_reach(
    client: TestClient, session: Session, museums: tuple[Museum, Museum], clock: Clock
) -> None:
    kunsthalle = museums[0]
    main = make_ticket(session, museums=[kunsthalle], quotas=[make_quota(session, 10)])
    here, there = (
        make_ticket(session, museums=[m], quotas=[make_quota(session, 10)], parent_id=main.id)
        for m in museums
    )
    session.expire(main)
    slot = "2027-01-02T10:30:00+01:00"
    times = {str(here.id): slot, str(there.id): "2027-01-02T12:00:00+01:00"}
    item = ticket_item(main.id, 1, slot, sub_ticket_times=times)
    finalized = finalize(client, order(client, item, headers=RESELLER), RESELLER)
    till = bearer(make_token(session, "cashpoint", [kunsthalle.id], ["all_orders"]))
    assert_out_of_reach(client, finalized, till)
    refused = client.post(URL, json=order_body(item), headers=bearer("demo-reseller-kunsthalle"))
    assert refused.status_code == 422


def test_an_order_with_one_item_outside_the_tokens_museums_is_out_of_reach_everywhere(
    client: TestClient, session: Session, museums: tuple[Museum, Museum], clock: Clock
) -> None:
    kunsthalle, naturkunde = museums
    inside, outside = date_of(session, kunsthalle), date_of(session, naturkunde)
    mixed = order(client, event_item(inside.id, 1), event_item(outside.id, 1), headers=USER)
    mine = order(client, event_item(inside.id, 1), headers=USER)
    limited_user = bearer(make_token(session, "user", [kunsthalle.id]))
    limited_till = bearer(make_token(session, "cashpoint", [kunsthalle.id], ["all_orders"]))
    for limited in (limited_user, limited_till):
        # Pending: finalizing it is out of reach too, and it stays pending.
        assert client.post(f"{URL}/{mixed['id']}/finalize", headers=limited).status_code == 404
    assert read(client, mixed, USER)["status"] == "pending"
    finalized = finalize(client, mixed, USER)
    for limited in (limited_user, limited_till):
        assert_out_of_reach(client, finalized, limited)
        assert listed(client, limited) == [mine["id"]]
        assert read(client, mine, limited)["id"] == mine["id"]
    assert read(client, finalized, USER)["status"] == "finalized"
    # Documents: the order token guards them; a museum-limited bearer still gets a 404.
    booking = finalized["items"][0]["attributes"]["id"]
    for path in (f"events/{booking}.pdf", "invoice.pdf"):
        url = f"{URL}/{finalized['id']}/{path}"
        params = {"token": finalized["token"]}
        assert client.get(url, params=params).status_code == 200, path
        assert client.get(url, params=params, headers=USER).status_code == 200, path
        assert client.get(url, params=params, headers=limited_user).status_code == 404, path
        assert client.get(url, params=params, headers=limited_till).status_code == 404, path


# --- Cash points: their own orders, or every order with global order access ---------------------


def test_a_cash_point_sees_only_its_own_orders_unless_it_has_global_order_access(
    client: TestClient, session: Session, clock: Clock
) -> None:
    ticket = make_ticket(session, quotas=[make_quota(session, 20)])
    own_till = bearer(make_token(session, "cashpoint"))
    global_till = bearer(make_token(session, "cashpoint", permissions=["all_orders"]))
    theirs = finalize(
        client, order(client, ticket_item(ticket.id, 1, SLOT), headers=RESELLER), RESELLER
    )
    pending = order(client, ticket_item(ticket.id, 1, SLOT), headers=RESELLER)
    own = finalize(
        client, order(client, ticket_item(ticket.id, 1, SLOT), headers=own_till), own_till
    )

    assert_out_of_reach(client, theirs, own_till)
    assert client.post(f"{URL}/{pending['id']}/finalize", headers=own_till).status_code == 404
    assert listed(client, own_till) == [own["id"]]
    assert read(client, own, own_till)["id"] == own["id"]

    assert read(client, theirs, global_till)["id"] == theirs["id"]
    assert client.get(f"{URL}/barcode/{barcode(theirs)}", headers=global_till).status_code == 200
    assert finalize(client, pending, global_till)["status"] == "finalized"
    cancelled = client.post(f"{URL}/{theirs['id']}/cancellations", headers=global_till)
    assert cancelled.status_code == 200
    assert cancelled.json()["order"]["status"] == "cancelled"
    assert listed(client, global_till) == [theirs["id"], pending["id"], own["id"]]
    assert listed(client, global_till, only_my_orders="true") == []
    # The reseller's own view is unchanged: its own orders, never the cash point's.
    assert listed(client, RESELLER) == [theirs["id"], pending["id"]]


# --- User tokens: the order endpoints need the `orders` permission -------------------------------


def test_user_tokens_need_the_orders_permission(
    client: TestClient, session: Session, clock: Clock
) -> None:
    ticket = make_ticket(session, quotas=[make_quota(session, 20)])
    finalized = finalize(
        client, order(client, ticket_item(ticket.id, 1, SLOT), headers=RESELLER), RESELLER
    )
    without = bearer(make_token(session, "user", permissions=[]))
    with_orders = bearer(make_token(session, "user", permissions=["orders"]))
    body = order_body(ticket_item(ticket.id, 1, SLOT))
    requests = [
        ("GET", URL, None),
        ("POST", URL, body),
        ("GET", f"{URL}/{finalized['id']}", None),
        ("GET", f"{URL}/{finalized['token']}", None),
        ("GET", f"{URL}/barcode/{barcode(finalized)}", None),
        ("POST", f"{URL}/{finalized['id']}/finalize", None),
        ("POST", f"{URL}/{finalized['id']}/cancellations", None),
    ]
    for method, url, json in requests:
        refused = client.request(method, url, json=json, headers=without)
        assert refused.status_code == 403, (method, url)
        assert refused.json() == {
            "error": "this endpoint needs a user token with the orders permission"
        }
    assert read(client, finalized, without | with_orders)["id"] == finalized["id"]
    for method, url, json in requests:
        allowed = client.request(method, url, json=json, headers=with_orders)
        assert allowed.status_code in (200, 201), (method, url, allowed.text)
    assert read(client, finalized, RESELLER)["status"] == "cancelled"
    # Other endpoints stay open to user tokens without it.
    assert client.get("/api/v4/whoami", headers=without).json()["access"] == "user"
    assert client.get("/api/v4/tickets", headers=without).status_code == 200


# --- Seat plans and holds of other museums ------------------------------------------------------


def test_museum_limited_tokens_get_only_their_museums_seat_plans(
    client: TestClient, session: Session, museums: tuple[Museum, Museum], clock: Clock
) -> None:
    kunsthalle, naturkunde = museums
    seating = Seating(title="Saal")
    elsewhere_plan = Seating(title="Anderer Saal")
    session.add_all([seating, elsewhere_plan])
    session.flush()
    inside = date_of(session, kunsthalle, seating_id=seating.id)
    outside = date_of(session, naturkunde, seating_id=elsewhere_plan.id)
    for token in ("demo-reseller-kunsthalle", make_token(session, "user", [kunsthalle.id])):
        limited = bearer(token)
        mine = client.get(f"/api/v4/events/{inside.event_id}/dates/{inside.id}", headers=limited)
        assert mine.status_code == 200
        plans = [s["visual_url"] for s in mine.json()["date"]["seatings"]]
        assert [url.rsplit("/", 1)[1] for url in plans] == [f"{seating.id}.svg"]
        assert client.get(f"/api/v4/seatings/{seating.id}.svg", headers=limited).status_code == 200
        theirs = f"/api/v4/events/{outside.event_id}/dates/{outside.id}"
        assert client.get(theirs, headers=limited).status_code == 404
        svg = client.get(f"/api/v4/seatings/{elsewhere_plan.id}.svg", headers=limited)
        assert svg.status_code == 404
        assert svg.json() == {"error": f"seating {elsewhere_plan.id} not found"}
    for headers in ({}, USER):
        assert (
            client.get(f"/api/v4/seatings/{elsewhere_plan.id}.svg", headers=headers).status_code
            == 200
        )


def hold(client: TestClient, ticket: Ticket, headers: Headers | None = None) -> str:
    body = {
        "reservation": {
            "ticket_id": ticket.id,
            "quantity": 2,
            "start_at": "2027-01-02T10:30:00+01:00",
        }
    }
    response = client.post(HOLDS, json=body, headers=headers or {})
    assert response.status_code == 201, response.text
    return str(response.json()["reservation"]["token"])


def test_museum_limited_tokens_cannot_change_or_release_other_museums_holds(
    client: TestClient, session: Session, museums: tuple[Museum, Museum], clock: Clock
) -> None:
    kunsthalle, naturkunde = museums
    theirs = make_ticket(session, museums=[naturkunde], quotas=[make_quota(session, 10)])
    mine = make_ticket(session, museums=[kunsthalle], quotas=[make_quota(session, 10)])
    limited = bearer("demo-reseller-kunsthalle")
    token = hold(client, theirs)
    change = {"reservation": {"quantity": 3}}
    updated = client.put(f"{HOLDS}/{token}", json=change, headers=limited)
    assert updated.status_code == 404
    assert updated.json() == {"error": "reservation not found"}
    assert client.delete(f"{HOLDS}/{token}", headers=limited).status_code == 404
    # The hold is untouched: its owner (here the public) still changes and releases it.
    assert client.put(f"{HOLDS}/{token}", json=change).json()["reservation"]["quantity"] == 3
    assert client.delete(f"{HOLDS}/{token}").status_code == 204
    own = hold(client, mine, limited)
    assert client.put(f"{HOLDS}/{own}", json=change, headers=limited).status_code == 200
    assert client.delete(f"{HOLDS}/{own}", headers=limited).status_code == 204


# --- Entry gate tokens: the entry API and public reads only --------------------------------------


def test_entry_tokens_may_not_hold_or_order_but_read_what_the_public_reads(
    client: TestClient, session: Session, demo: DemoInstance, clock: Clock
) -> None:
    ticket = make_ticket(session, quotas=[make_quota(session, 10)])
    entry = bearer("demo-entry")
    token = hold(client, ticket)
    body = {"reservation": {"ticket_id": ticket.id, "quantity": 1, "start_at": SLOT}}
    refused = [
        client.post(HOLDS, json=body, headers=entry),
        client.put(f"{HOLDS}/{token}", json={"reservation": {"quantity": 3}}, headers=entry),
        client.delete(f"{HOLDS}/{token}", headers=entry),
        client.post(URL, json=order_body(ticket_item(ticket.id, 1, SLOT)), headers=entry),
        client.get(URL, headers=entry),
    ]
    for response in refused:
        assert response.status_code == 403, response.request.url
        assert "error" in response.json()
    assert client.delete(f"{HOLDS}/{token}").status_code == 204  # the hold was left alone
    for path in (
        "/api/v4/museums",
        "/api/v4/tickets",
        f"/api/v4/tickets/{ticket.id}/capacity?date=2027-01-01",
        "/api/v4/dates",
        "/api/v4/events",
        "/api/v4/whoami",
    ):
        assert client.get(path, headers=entry).status_code == 200, path


# --- Token permissions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("access", "permission"),
    [
        ("reseller", "orders"),
        ("entry", "orders"),
        ("user", "all_orders"),
        ("cashpoint", "orders"),
        ("user", "content"),  # not (yet) a permission
    ],
)
def test_a_token_gets_only_permissions_of_its_access_level(
    session: Session, access: str, permission: str
) -> None:
    with pytest.raises(Unprocessable) as refused:
        create_token(session, access=access, permissions=[permission])
    assert refused.value.message.startswith(
        f"permission '{permission}' cannot be given to {access} tokens"
    )


def test_permissions_are_stored_and_unknown_ones_grant_nothing(
    client: TestClient, session: Session
) -> None:
    issued = create_token(session, access="user", permissions=["orders", "orders"])
    stored = {t.id: t for t in list_tokens(session)}[issued.id]
    assert [p.permission for p in stored.permissions] == ["orders"]
    # A permission written by a newer version: this one neither fails nor grants anything.
    later = create_token(session, access="user")
    session.add(ApiTokenPermission(token_id=later.id, permission="customers"))
    session.flush()
    assert client.get("/api/v4/whoami", headers=bearer(later.secret)).status_code == 200
    assert client.get(URL, headers=bearer(later.secret)).status_code == 403
    assert client.get(URL, headers=bearer(issued.secret)).status_code == 200
