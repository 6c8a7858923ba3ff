"""POST/PUT/DELETE /tickets/reservations: holds, their expiry, refresh limits, refusals."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.museums.models import OpeningHour
from museion.catalogue.tickets.models import Ticket
from tests.availability.conftest import Clock
from tests.availability.factories import make_hold, make_quota, make_ticket
from tests.catalogue.factories import local, make_museum
from tests.conftest import bearer

TUESDAY = date(2027, 5, 4)
SLOT = "2027-05-04T10:30:00+02:00"
URL = "/api/v4/tickets/reservations"


def reserve(client: TestClient, ticket: Ticket, quantity: int = 1, start_at: str = SLOT, **kw: Any):  # type: ignore[no-untyped-def]
    body = {"reservation": {"ticket_id": ticket.id, "quantity": quantity, "start_at": start_at}}
    return client.post(URL, json=body, **kw)


def free_at(client: TestClient, ticket: Ticket, slot: str = SLOT) -> int:
    data = client.get(f"/api/v4/tickets/{ticket.id}/capacity?date={slot[:10]}").json()["data"]
    return int(data.get(slot, 0))


@pytest.fixture
def ticket(session: Session) -> Ticket:
    return make_ticket(session, quotas=[make_quota(session, 10)], min_persons=1, max_persons=8)


def test_a_reservation_holds_units_for_five_minutes(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    response = reserve(client, ticket, 4)
    assert response.status_code == 201, response.text
    reservation = response.json()["reservation"]
    assert set(reservation) == {"token", "quantity", "ticket_id", "start_at", "valid_until"}
    assert reservation["ticket_id"] == ticket.id
    assert reservation["quantity"] == 4
    assert reservation["start_at"] == SLOT
    assert reservation["valid_until"] == "2027-01-01T08:05:00+01:00"
    assert len(reservation["token"]) >= 20
    assert free_at(client, ticket) == 6


def test_an_expired_hold_frees_its_units_without_any_sweeper(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    token = reserve(client, ticket, 8).json()["reservation"]["token"]
    assert reserve(client, ticket, 3).status_code == 422  # 8 of 10 held
    clock.advance(minutes=5)  # valid_until reached: the hold counts for nothing now
    assert free_at(client, ticket) == 10
    assert reserve(client, ticket, 8).status_code == 201
    expired = client.put(f"{URL}/{token}", json={"reservation": {"quantity": 2}})
    assert expired.status_code == 422
    assert expired.json() == {"error": "reservation not valid anymore"}


def test_an_update_refreshes_but_never_beyond_sixty_minutes(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    token = reserve(client, ticket, 2).json()["reservation"]["token"]
    for _ in range(14):  # refreshed every 4 minutes: alive for 56 minutes
        clock.advance(minutes=4)
        response = client.put(f"{URL}/{token}", json={"reservation": {"quantity": 2}})
        assert response.status_code == 200, response.text
    assert response.json()["reservation"]["valid_until"] == "2027-01-01T09:00:00+01:00"
    clock.advance(minutes=3)  # 59 minutes: refreshable, but only up to the 60th
    response = client.put(f"{URL}/{token}", json={"reservation": {"quantity": 3}})
    assert response.json()["reservation"]["valid_until"] == "2027-01-01T09:00:00+01:00"
    assert response.json()["reservation"]["quantity"] == 3
    clock.advance(minutes=1)
    response = client.put(f"{URL}/{token}", json={"reservation": {"quantity": 3}})
    assert response.status_code == 422
    assert free_at(client, ticket) == 10


def test_growing_a_hold_needs_capacity(client: TestClient, ticket: Ticket, clock: Clock) -> None:
    token = reserve(client, ticket, 4).json()["reservation"]["token"]
    reserve(client, ticket, 3)
    assert client.put(f"{URL}/{token}", json={"reservation": {"quantity": 7}}).status_code == 200
    refused = client.put(f"{URL}/{token}", json={"reservation": {"quantity": 8}})
    assert refused.status_code == 422
    assert refused.json()["error"].startswith("sold out")
    assert free_at(client, ticket) == 0
    shrunk = client.put(f"{URL}/{token}", json={"reservation": {"quantity": 1}})
    assert shrunk.status_code == 200
    assert free_at(client, ticket) == 6


def test_deleting_a_hold_frees_it_at_once(client: TestClient, ticket: Ticket, clock: Clock) -> None:
    token = reserve(client, ticket, 5).json()["reservation"]["token"]
    response = client.delete(f"{URL}/{token}")
    assert response.status_code == 204
    assert response.content == b""
    assert free_at(client, ticket) == 10
    assert client.delete(f"{URL}/{token}").status_code == 404


def test_unknown_tokens_are_not_found(client: TestClient, clock: Clock) -> None:
    response = client.put(f"{URL}/nope", json={"reservation": {"quantity": 1}})
    assert response.status_code == 404
    assert response.json() == {"error": "reservation not found"}
    assert client.delete(f"{URL}/nope").status_code == 404


def test_two_tickets_of_one_quota_share_it(
    client: TestClient, session: Session, clock: Clock
) -> None:
    quota = make_quota(session, 5)
    regular, reduced = make_ticket(session, quotas=[quota]), make_ticket(session, quotas=[quota])
    assert reserve(client, regular, 3).status_code == 201
    assert reserve(client, reduced, 3).status_code == 422
    assert reserve(client, reduced, 2).status_code == 201
    assert free_at(client, regular) == 0


def test_a_ticket_in_two_quotas_needs_room_in_both(
    client: TestClient, session: Session, clock: Clock
) -> None:
    small, large = make_quota(session, 2), make_quota(session, 50)
    both = make_ticket(session, quotas=[small, large])
    other = make_ticket(session, quotas=[large])
    assert reserve(client, both, 3).status_code == 422
    assert reserve(client, both, 2).status_code == 201
    assert free_at(client, other) == 48


def test_combined_sub_and_annual_tickets_cannot_be_reserved(
    client: TestClient, session: Session, clock: Clock
) -> None:
    main = make_ticket(session, quotas=[make_quota(session, 5)])
    sub = make_ticket(session, quotas=[make_quota(session, 5)], parent_id=main.id)
    annual = make_ticket(session, ticket_type="annual", entry_duration=None)
    session.expire(main)
    for ticket, message in (
        (main, "combined tickets cannot be reserved"),
        (sub, "sub tickets are only sold with their combined ticket"),
        (annual, "annual tickets have no entry times to reserve"),
    ):
        response = reserve(client, ticket)
        assert response.status_code == 422
        assert response.json() == {"error": message}


def test_the_sales_channel_and_the_tokens_museums_decide(
    client: TestClient, session: Session, clock: Clock
) -> None:
    reseller_only = make_ticket(session, quotas=[make_quota(session, 5)], bookable_public=False)
    assert reserve(client, reseller_only).status_code == 422
    assert reserve(client, reseller_only, headers=bearer("demo-reseller")).status_code == 201
    # A reseller limited to the Kunsthalle does not see another museum's ticket at all.
    elsewhere = make_ticket(
        session, quotas=[make_quota(session, 5)], museums=[make_museum(session)]
    )
    limited = reserve(client, elsewhere, headers=bearer("demo-reseller-kunsthalle"))
    assert limited.status_code == 404


def test_naive_start_times_are_local(client: TestClient, ticket: Ticket, clock: Clock) -> None:
    response = reserve(client, ticket, 1, "2027-05-04T10:30:00")
    assert response.status_code == 201
    assert response.json()["reservation"]["start_at"] == SLOT


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, -1, 9, 10_001, "x", None, 1.5])
def test_bad_quantities_are_refused(
    client: TestClient, ticket: Ticket, clock: Clock, quantity: object
) -> None:
    response = reserve(client, ticket, quantity)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert isinstance(response.json()["error"], str)


def test_below_min_persons_is_refused(client: TestClient, session: Session, clock: Clock) -> None:
    group = make_ticket(session, quotas=[make_quota(session, 50)], min_persons=10, max_persons=25)
    response = reserve(client, group, 9)
    assert response.status_code == 422
    assert response.json() == {"error": "quantity must be at least 10"}
    assert reserve(client, group, 10).status_code == 201
    token = reserve(client, group, 10).json()["reservation"]["token"]
    assert client.put(f"{URL}/{token}", json={"reservation": {"quantity": 9}}).status_code == 422
    assert client.put(f"{URL}/{token}", json={"reservation": {"quantity": 0}}).status_code == 422


@pytest.mark.parametrize(
    "start_at",
    [
        "2027-05-04T10:10:00+02:00",  # off the 30-minute grid
        "2027-05-04T09:30:00+02:00",  # before first entry (10:00)
        "2027-05-04T16:30:00+02:00",  # after last entry (16:00)
        "2027-05-04",  # a day, no time: midnight, no entry time
        "2026-12-31T10:30:00+01:00",  # in the past
        "2027-05-03T10:30:00+02:00",  # a Monday: the museum is closed
        "not a time",
        "",
    ],
)
def test_start_at_must_be_an_entry_time(
    client: TestClient, session: Session, clock: Clock, start_at: str
) -> None:
    museum = make_museum(session)
    for weekday in range(2, 8):
        session.add(
            OpeningHour(museum_id=museum.id, weekday=weekday, opens=time(10), closes=time(18))
        )
    session.flush()
    ticket = make_ticket(session, museums=[museum], quotas=[make_quota(session, 10)])
    response = reserve(client, ticket, 1, start_at)
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["error"], str)


def test_a_slot_that_started_is_in_the_past(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    clock.now = local(TUESDAY, "10:30")
    response = reserve(client, ticket)
    assert response.status_code == 422
    assert response.json()["error"].endswith("is in the past")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reservation": None},
        {"reservation": {"quantity": 1, "start_at": SLOT}},
        {"reservation": {"ticket_id": 0, "quantity": 1, "start_at": SLOT}},
        {"reservation": {"ticket_id": 2**40, "quantity": 1, "start_at": SLOT}},
    ],
)
def test_malformed_reservations_are_refused(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post(URL, json=body)
    assert response.status_code == 422
    assert isinstance(response.json()["error"], str)


def test_unknown_tickets_are_not_found(client: TestClient, clock: Clock) -> None:
    body = {"reservation": {"ticket_id": 2**31 - 1, "quantity": 1, "start_at": SLOT}}
    assert client.post(URL, json=body).status_code == 404


def test_a_hold_counts_until_valid_until_exactly(
    client: TestClient, session: Session, clock: Clock, ticket: Ticket
) -> None:
    make_hold(session, ticket, local(TUESDAY, "10:30"), 10, now=clock.now, minutes=1)
    assert free_at(client, ticket) == 0
    clock.advance(seconds=60)
    assert free_at(client, ticket) == 10
    assert free_at(client, ticket, "2027-05-04T11:00:00+02:00") == 10
