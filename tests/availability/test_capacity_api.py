"""GET /tickets/:id/capacity, /tickets/capacities, /tickets/calendar: figures computed by hand."""

from __future__ import annotations

from datetime import date, time, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.museums.models import Museum, OpeningHour
from tests.availability.conftest import Clock
from tests.availability.factories import make_hold, make_quota, make_ticket, rule
from tests.catalogue.factories import local, make_museum
from tests.conftest import bearer

TUESDAY = date(2027, 5, 4)
MONDAY = TUESDAY - timedelta(days=1)  # the museum is closed on Mondays
SATURDAY = date(2027, 5, 8)
RANGE = (date(2027, 5, 11), date(2027, 5, 13))  # Tuesday to Thursday
SPRING_FORWARD, FALL_BACK = date(2027, 3, 28), date(2027, 10, 31)


def museum_closed_on_mondays(session: Session) -> Museum:
    museum = make_museum(session)
    for weekday in range(2, 8):
        session.add(
            OpeningHour(museum_id=museum.id, weekday=weekday, opens=time(10), closes=time(18))
        )
    session.flush()
    return museum


def capacity(client: TestClient, ticket_id: int, day: date, **params: object) -> dict[str, int]:
    response = client.get(
        f"/api/v4/tickets/{ticket_id}/capacity",
        params={"date": day.isoformat(), **params},  # type: ignore[dict-item]
    )
    assert response.status_code == 200, response.text
    data: dict[str, int] = response.json()["data"]
    return data


def test_capacity_per_slot_counts_live_holds_only(
    client: TestClient, session: Session, clock: Clock
) -> None:
    museum = museum_closed_on_mondays(session)
    quota = make_quota(session, 10, rule(15, weekday=6), rule(4, between=RANGE))
    first = make_ticket(session, museums=[museum], quotas=[quota], first_entry=600, last_entry=660)
    second = make_ticket(session, museums=[museum], quotas=[quota], first_entry=600, last_entry=660)
    hold = make_hold(session, first, local(TUESDAY, "10:00"), 3, now=clock.now)
    make_hold(session, second, local(TUESDAY, "10:30"), 2, now=clock.now)
    make_hold(session, first, local(TUESDAY, "11:00"), 5, now=clock.now - timedelta(minutes=6))

    # 10 per slot; 3 and 2 held (the two tickets share the quota); the 11:00 hold has expired.
    expected = {
        "2027-05-04T10:00:00+02:00": 7,
        "2027-05-04T10:30:00+02:00": 8,
        "2027-05-04T11:00:00+02:00": 10,
    }
    assert capacity(client, first.id, TUESDAY) == expected
    assert capacity(client, second.id, TUESDAY) == expected
    # My own hold counts as free for me.
    mine = capacity(client, second.id, TUESDAY, **{"reservations[]": [hold.token]})
    assert mine["2027-05-04T10:00:00+02:00"] == 10
    # Sold out slots are left out; closed days have no slots; weekday and date-range rules.
    make_hold(session, first, local(TUESDAY, "10:30"), 8, now=clock.now)
    assert "2027-05-04T10:30:00+02:00" not in capacity(client, first.id, TUESDAY)
    assert capacity(client, first.id, MONDAY) == {}
    assert set(capacity(client, first.id, SATURDAY).values()) == {15}
    assert set(capacity(client, first.id, RANGE[0]).values()) == {4}


def test_capacity_on_daylight_saving_days(
    client: TestClient, session: Session, clock: Clock
) -> None:
    night = make_ticket(
        session, quotas=[make_quota(session, 6)], first_entry=60, last_entry=240, entry_duration=60
    )
    assert capacity(client, night.id, SPRING_FORWARD) == {
        "2027-03-28T01:00:00+01:00": 6,
        "2027-03-28T03:00:00+02:00": 6,
        "2027-03-28T04:00:00+02:00": 6,
    }
    assert capacity(client, night.id, FALL_BACK) == {
        "2027-10-31T01:00:00+02:00": 6,
        "2027-10-31T02:00:00+02:00": 6,
        "2027-10-31T03:00:00+01:00": 6,
        "2027-10-31T04:00:00+01:00": 6,
    }


def test_a_day_ticket_shows_its_first_entry(
    client: TestClient, session: Session, clock: Clock
) -> None:
    day_ticket = make_ticket(
        session,
        quotas=[make_quota(session, 300)],
        ticket_type="normal",
        entry_duration=None,
        first_entry=570,
        last_entry=1050,
    )
    make_hold(session, day_ticket, local(TUESDAY, "09:30"), 20, now=clock.now)
    assert capacity(client, day_ticket.id, TUESDAY) == {"2027-05-04T09:30:00+02:00": 280}


def test_past_slots_and_tickets_without_quota_show_nothing(
    client: TestClient, session: Session, clock: Clock
) -> None:
    ticket = make_ticket(session, quotas=[make_quota(session, 5)], first_entry=600, last_entry=660)
    clock.now = local(TUESDAY, "10:15")
    assert list(capacity(client, ticket.id, TUESDAY)) == [
        "2027-05-04T10:30:00+02:00",
        "2027-05-04T11:00:00+02:00",
    ]
    assert capacity(client, make_ticket(session).id, date(2027, 5, 5)) == {}


def test_a_combined_ticket_needs_room_in_every_quota(
    client: TestClient, session: Session, clock: Clock
) -> None:
    main = make_ticket(session, quotas=[make_quota(session, 5)], first_entry=600, last_entry=630)
    sub_quota = make_quota(session, 10)
    first_sub = make_ticket(
        session, quotas=[make_quota(session, 3)], parent_id=main.id, price_cents=0
    )
    second_sub = make_ticket(session, quotas=[sub_quota], parent_id=main.id, price_cents=0)
    # The second sub ticket is nearly full at every entry time but one.
    for minute in range(600, 961, 30):
        at = local(TUESDAY, f"{minute // 60:02}:{minute % 60:02}")
        make_hold(session, second_sub, at, 9 if minute != 900 else 8, now=clock.now)
    # min(main 5, first sub best 3, second sub best 2)
    assert capacity(client, main.id, TUESDAY) == {
        "2027-05-04T10:00:00+02:00": 2,
        "2027-05-04T10:30:00+02:00": 2,
    }
    detail = client.get(f"/api/v4/tickets/{main.id}").json()["ticket"]
    assert detail["sub_ticket_ids"] == [first_sub.id, second_sub.id]
    sub = client.get(f"/api/v4/tickets/{first_sub.id}").json()["ticket"]
    assert sub["is_sub_ticket"] is True
    assert sub["bookable"] is False


def capacities(client: TestClient, ids: list[int], day: date, **params: object) -> dict:  # type: ignore[type-arg]
    response = client.get(
        "/api/v4/tickets/capacities",
        params={"ticket_ids[]": ids, "date": day.isoformat(), **params},  # type: ignore[dict-item]
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def test_capacities_per_quota_on_the_gcd_grid(
    client: TestClient, session: Session, clock: Clock
) -> None:
    quota = make_quota(session, 10)
    thirty = make_ticket(session, quotas=[quota], first_entry=600, last_entry=660)
    twenty = make_ticket(
        session, quotas=[quota], first_entry=600, last_entry=640, entry_duration=20
    )
    hidden_quota = make_quota(session, 9)
    hidden = make_ticket(session, quotas=[hidden_quota], bookable_public=False)
    make_hold(session, thirty, local(TUESDAY, "10:00"), 10, now=clock.now)
    make_hold(session, twenty, local(TUESDAY, "10:20"), 4, now=clock.now)

    data = capacities(client, [thirty.id, twenty.id, hidden.id], TUESDAY)
    assert list(data) == [str(quota.id)]  # not bookable for the public: left out
    block = data[str(quota.id)]
    assert block["tickets"] == [thirty.id, twenty.id]
    # Step gcd(30, 20) = 10; 10:10 and 10:50 are no entry time of either ticket.
    assert block["total_capacities"] == {
        "2027-05-04T10:00:00+02:00": 10,
        "2027-05-04T10:10:00+02:00": 0,
        "2027-05-04T10:20:00+02:00": 10,
        "2027-05-04T10:30:00+02:00": 10,
        "2027-05-04T10:40:00+02:00": 10,
        "2027-05-04T10:50:00+02:00": 0,
        "2027-05-04T11:00:00+02:00": 10,
    }
    assert block["capacities"] == {
        "2027-05-04T10:00:00+02:00": 0,  # sold out (total 10): not "never offered"
        "2027-05-04T10:10:00+02:00": 0,
        "2027-05-04T10:20:00+02:00": 6,
        "2027-05-04T10:30:00+02:00": 10,
        "2027-05-04T10:40:00+02:00": 10,
        "2027-05-04T10:50:00+02:00": 0,
        "2027-05-04T11:00:00+02:00": 10,
    }
    # A reseller may buy the hidden ticket: its quota appears.
    response = client.get(
        "/api/v4/tickets/capacities",
        params={"ticket_ids[]": [hidden.id], "date": TUESDAY.isoformat()},
        headers=bearer("demo-reseller"),
    )
    assert list(response.json()["data"]) == [str(hidden_quota.id)]


def test_capacities_on_a_closed_day_are_empty(
    client: TestClient, session: Session, clock: Clock
) -> None:
    museum = museum_closed_on_mondays(session)
    quota = make_quota(session, 10)
    ticket = make_ticket(session, museums=[museum], quotas=[quota])
    data = capacities(client, [ticket.id], MONDAY)
    assert data == {
        str(quota.id): {"tickets": [ticket.id], "capacities": {}, "total_capacities": {}}
    }


def test_capacities_need_ticket_ids(client: TestClient) -> None:
    response = client.get("/api/v4/tickets/capacities")
    assert response.status_code == 422
    assert response.json() == {"error": "ticket_ids[] is required"}


def test_calendar_any_and_all(client: TestClient, session: Session, clock: Clock) -> None:
    museum = museum_closed_on_mondays(session)
    quota = make_quota(session, 2)
    ticket = make_ticket(session, museums=[museum], quotas=[quota], first_entry=600, last_entry=630)
    for at in ("10:00", "10:30"):
        make_hold(session, ticket, local(date(2027, 5, 6), at), 2, now=clock.now)  # sold out
    params = {"by_ticket_ids[]": [ticket.id], "start_at": "2027-05-02", "end_at": "2027-05-07"}
    response = client.get("/api/v4/tickets/calendar", params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {
            "2027-05-02": True,
            "2027-05-03": False,  # closed
            "2027-05-04": True,
            "2027-05-05": True,
            "2027-05-06": False,  # sold out
            "2027-05-07": True,
        }
    }
    response = client.get("/api/v4/tickets/calendar", params={**params, "depth": "all"})  # type: ignore[arg-type]
    data = response.json()["data"]
    assert data["2027-05-03"] == []
    assert data["2027-05-06"] == []
    assert data["2027-05-04"] == [
        {
            "quota": {
                "id": quota.id,
                "tickets": [ticket.id],
                "capacities": [{"2027-05-04 10:00:00 +0200": 2}, {"2027-05-04 10:30:00 +0200": 2}],
            }
        }
    ]


def test_calendar_spans_at_most_366_days(client: TestClient) -> None:
    # Public go~mus clients ask for 46-day windows; go~mus answers up to a year.
    ok = client.get("/api/v4/tickets/calendar?start_at=2027-05-01&end_at=2027-06-15")
    assert ok.status_code == 200
    assert len(ok.json()["data"]) == 46
    too_long = client.get("/api/v4/tickets/calendar?start_at=2027-05-01&end_at=2028-05-01")
    assert too_long.status_code == 422
    assert "366 days" in too_long.json()["error"]
