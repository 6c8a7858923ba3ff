"""GET /events/:id/dates, /events/:id/dates/:id, /dates, /dates/languages, /calendar, seat plans."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.events.models import Seat, SeatCategory, Seating, SeatRow, TagKind
from museion.demo.loader import DemoInstance
from tests.catalogue.factories import (
    local,
    make_date,
    make_event,
    make_language,
    make_museum,
    make_scale_price,
    make_tag,
)
from tests.conftest import bearer, demo_today

DATE_KEYS = {
    "id",
    "event_id",
    "exhibition_id",
    "museum_id",
    "category",
    "bookable",
    "registerable",
    "status",
    "title",
    "sub_title",
    "start_time",
    "start",
    "ende",
    "duration",
    "entry_fee",
    "seats",
    "language",
    "location",
    "prices",
}
# Clocks in Berlin go forward on 28 March 2027 and back on 31 October 2027.
SPRING_FORWARD, FALL_BACK = date(2027, 3, 28), date(2027, 10, 31)


def date_ids(client: TestClient, url: str, **kwargs: object) -> list[int]:
    response = client.get(url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return [d["id"] for d in response.json()["dates"]]


def test_dates_of_an_event_default_to_today(client: TestClient, session: Session) -> None:
    museum = make_museum(session)
    event = make_event(session, museum)
    today = demo_today()
    late = make_date(session, event, local(today, "23:30"))
    make_date(session, event, local(today + timedelta(days=1), "10:00"))
    assert date_ids(client, f"/api/v4/events/{event.id}/dates") == [late.id]


def test_dates_of_an_event_on_a_day_and_in_a_range(client: TestClient, session: Session) -> None:
    event = make_event(session, make_museum(session))
    day = date(2027, 5, 3)
    first = make_date(session, event, local(day, "00:00"))
    last = make_date(session, event, local(day, "23:59"))
    later = make_date(session, event, local(day + timedelta(days=30), "10:00"))
    base = f"/api/v4/events/{event.id}/dates"
    assert date_ids(client, f"{base}?date={day}") == [first.id, last.id]
    assert date_ids(client, f"{base}?start_at={day}&end_at={day + timedelta(days=30)}") == [
        first.id,
        last.id,
        later.id,
    ]


def test_event_dates_reject_long_or_reversed_ranges(client: TestClient, session: Session) -> None:
    event = make_event(session, make_museum(session))
    base = f"/api/v4/events/{event.id}/dates"
    too_long = client.get(f"{base}?start_at=2027-01-01&end_at=2028-01-02")  # 367 days
    assert too_long.status_code == 422
    assert "366 days" in too_long.json()["error"]
    assert client.get(f"{base}?start_at=2027-01-01&end_at=2028-01-01").status_code == 200
    reversed_ = client.get(f"{base}?start_at=2027-01-10&end_at=2027-01-09")
    assert reversed_.status_code == 422
    assert "start_at" in reversed_.json()["error"]


@pytest.mark.parametrize("bad", ["2027-02-30", "tomorrow", "2027-13-01", "1850-01-01", "27-01-01"])
def test_ill_formed_dates_are_422(client: TestClient, session: Session, bad: str) -> None:
    event = make_event(session, make_museum(session))
    for url in (
        f"/api/v4/events/{event.id}/dates?date={bad}",
        f"/api/v4/events/{event.id}/dates?start_at={bad}",
        f"/api/v4/dates?start_at={bad}",
        f"/api/v4/dates?end_at={bad}",
        f"/api/v4/calendar?start_at={bad}",
        f"/api/v4/dates/languages?end_at={bad}",
    ):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.json()["error"]


def test_date_list_shape_and_seats(client: TestClient, session: Session) -> None:
    event = make_event(session, make_museum(session), duration=90)
    day = demo_today() + timedelta(days=3)
    make_date(
        session, event, local(day, "14:00"), seats_max=30, seats_booked=12, max_per_registration=6
    )
    found = client.get(f"/api/v4/events/{event.id}/dates?date={day}").json()["dates"][0]
    assert set(found) == DATE_KEYS
    assert found["seats"] == {
        "min": 1,
        "max": 30,
        "booked": 12,
        "available": 18,
        "max_per_registration": 6,
    }
    assert found["start_time"].startswith(f"{day}T14:00:00+0")
    assert found["duration"] == 90
    assert found["prices"] == [{"group": False, "optional": False, "price_cents": 400}]
    assert found["bookable"] is True


def test_bookable_dates(client: TestClient, session: Session) -> None:
    event = make_event(session, make_museum(session))
    day = demo_today() + timedelta(days=4)
    free = make_date(session, event, local(day, "10:00"))
    full = make_date(session, event, local(day, "11:00"), seats_booked=20)
    base = f"/api/v4/events/{event.id}/dates?date={day}"
    flags = {d["id"]: d["bookable"] for d in client.get(base).json()["dates"]}
    assert flags == {free.id: True, full.id: False}
    assert date_ids(client, f"{base}&by_bookable=true") == [free.id]
    assert date_ids(client, f"{base}&by_bookable=false") == [full.id]
    past = make_date(session, event, local(demo_today() - timedelta(days=1), "10:00"))
    yesterday = f"/api/v4/events/{event.id}/dates?date={demo_today() - timedelta(days=1)}"
    assert client.get(yesterday).json()["dates"][0]["bookable"] is False
    assert past.id in date_ids(client, yesterday)


def test_date_bookable_follows_the_callers_channel(client: TestClient, session: Session) -> None:
    event = make_event(
        session,
        make_museum(session),
        bookable_public=False,
        bookable_reseller=True,
        bookable_cashpoint=False,
    )
    day = demo_today() + timedelta(days=6)
    make_date(session, event, local(day, "10:00"))
    url = f"/api/v4/events/{event.id}/dates?date={day}"
    assert client.get(url).json()["dates"][0]["bookable"] is False
    assert client.get(url, headers=bearer("demo-reseller")).json()["dates"][0]["bookable"] is True
    assert client.get(url, headers=bearer("demo-cashpoint")).json()["dates"][0]["bookable"] is False
    assert client.get(url, headers=bearer("demo-user")).json()["dates"][0]["bookable"] is True


def test_date_detail(client: TestClient, session: Session) -> None:
    event = make_event(session, make_museum(session), description={"de": "Worum es geht."})
    event_date = make_date(
        session, event, local(demo_today() + timedelta(days=2), "10:00"), vat_pct=7.0, discount=10
    )
    body = client.get(f"/api/v4/events/{event.id}/dates/{event_date.id}").json()["date"]
    assert set(body) == DATE_KEYS | {
        "description",
        "vat_pct",
        "discount",
        "tax_included",
        "seatings",
    }
    assert (body["vat_pct"], body["discount"], body["tax_included"]) == (7.0, 10, True)
    assert body["description"] == "Worum es geht."
    assert body["seatings"] == []


def test_a_date_under_another_event_is_404(client: TestClient, session: Session) -> None:
    museum = make_museum(session)
    one, other = make_event(session, museum), make_event(session, museum)
    event_date = make_date(session, one)
    assert client.get(f"/api/v4/events/{one.id}/dates/{event_date.id}").status_code == 200
    assert client.get(f"/api/v4/events/{other.id}/dates/{event_date.id}").status_code == 404
    assert client.get(f"/api/v4/events/{one.id}/dates/987654").status_code == 404


def test_scale_prices_replace_the_default_price(client: TestClient, session: Session) -> None:
    event = make_event(session, make_museum(session))
    regular = make_scale_price(session, event, position=1)
    reduced = make_scale_price(
        session, event, position=2, price_cents=500, title={"de": "ermäßigt", "en": "reduced"}
    )
    event_date = make_date(session, event)
    body = client.get(f"/api/v4/events/{event.id}/dates/{event_date.id}?locale=en").json()["date"]
    assert body["prices"] == [
        {
            "scale_price_id": regular.id,
            "seat_category_id": None,
            "seat_category_title": None,
            "title": "regular",
            "description": None,
            "group": False,
            "optional": False,
            "price_cents": 800,
            "vat_pct": 7.0,
        },
        {
            "scale_price_id": reduced.id,
            "seat_category_id": None,
            "seat_category_title": None,
            "title": "reduced",
            "description": None,
            "group": False,
            "optional": False,
            "price_cents": 500,
            "vat_pct": 7.0,
        },
    ]


def test_seat_plan_on_the_date_and_as_svg(client: TestClient, session: Session) -> None:
    seating = Seating(title="Saal")
    session.add(seating)
    session.flush()
    stalls = SeatCategory(seating_id=seating.id, title="Parkett", color_code="#336699")
    row = SeatRow(seating_id=seating.id, title="1")
    session.add_all([stalls, row])
    session.flush()
    seats = [
        Seat(
            seating_id=seating.id,
            row_id=row.id,
            category_id=stalls.id,
            title=f"1-{n}",
            x=n,
            y=0,
            blocked=n == 3,
        )
        for n in range(1, 5)
    ]
    session.add_all(seats)
    session.flush()
    event = make_event(session, make_museum(session))
    make_scale_price(session, event, seat_category_id=stalls.id)
    event_date = make_date(session, event, seating_id=seating.id, seats_max=3)
    body = client.get(f"/api/v4/events/{event.id}/dates/{event_date.id}").json()["date"]
    plan = body["seatings"][0]
    assert plan["blocked_seats"] == [seats[2].id]
    assert plan["categories"] == [
        {"id": stalls.id, "title": "Parkett", "description": "", "color_code": "#336699"}
    ]
    assert plan["rows"] == [{"id": row.id, "title": "1"}]
    assert [s["id"] for s in plan["seats"]] == [s.id for s in seats]
    assert set(plan["seats"][0]) == {
        "id",
        "row_id",
        "category_id",
        "type_id",
        "title",
        "description",
    }
    assert plan["visual_url"] == f"/api/v4/seatings/{seating.id}.svg"
    assert body["prices"][0]["seat_category_title"] == "Parkett"
    drawing = client.get(plan["visual_url"])
    assert drawing.status_code == 200
    assert drawing.headers["content-type"].startswith("image/svg+xml")
    assert drawing.text.count("<circle") == 4
    assert f'data-seat-id="{seats[2].id}"' in drawing.text
    assert client.get("/api/v4/seatings/424242.svg").status_code == 404


def test_global_dates_default_from_today_to_end_of_month(
    client: TestClient, session: Session
) -> None:
    event = make_event(session, make_museum(session))
    today = demo_today()
    end_of_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    inside = make_date(session, event, local(end_of_month, "23:59"))
    make_date(session, event, local(end_of_month + timedelta(days=1), "00:00"))
    make_date(session, event, local(today - timedelta(days=1), "23:59"))
    scope = f"by_event_ids[]={event.id}"
    assert date_ids(client, f"/api/v4/dates?{scope}") == [inside.id]


def test_global_dates_window_edges_are_local_midnights(
    client: TestClient, session: Session
) -> None:
    event = make_event(session, make_museum(session))
    day = date(2027, 6, 15)
    make_date(session, event, local(day - timedelta(days=1), "23:59"))
    first = make_date(session, event, local(day, "00:00"))
    last = make_date(session, event, local(day, "23:59"))
    make_date(session, event, local(day + timedelta(days=1), "00:00"))
    url = f"/api/v4/dates?by_event_ids[]={event.id}&start_at={day}&end_at={day}"
    assert date_ids(client, url) == [first.id, last.id]


@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK])
def test_daylight_saving_days_keep_every_date(
    client: TestClient, session: Session, day: date
) -> None:
    event = make_event(session, make_museum(session))
    times = ["00:30", "01:30", "03:30", "12:00", "23:30"]
    made = [make_date(session, event, local(day, at)) for at in times]
    make_date(session, event, local(day + timedelta(days=1), "00:00"))
    url = f"/api/v4/dates?by_event_ids[]={event.id}&start_at={day}&end_at={day}"
    body = client.get(url).json()["dates"]
    assert [d["id"] for d in body] == [d.id for d in made]
    offsets = [d["start_time"][-6:] for d in body]
    if day == SPRING_FORWARD:
        assert offsets == ["+01:00", "+01:00", "+02:00", "+02:00", "+02:00"]
    else:
        assert offsets[0] == "+02:00"
        assert offsets[-1] == "+01:00"
    assert [d["start_time"][11:16] for d in body] == times


def test_global_dates_filters(client: TestClient, session: Session, demo: DemoInstance) -> None:
    museum = make_museum(session)
    english = make_language(session, "en-x", "Englisch (Test)")
    family = make_tag(session, TagKind.AUDIENCE.value)
    tagged = make_event(session, museum, tags=[family])
    plain = make_event(session, museum, exhibition_id=demo.exhibition_ids[1])
    day = date(2027, 4, 20)
    a = make_date(session, tagged, local(day, "10:00"), language_id=english.id)
    b = make_date(session, plain, local(day, "11:00"))
    window = f"start_at={day}&end_at={day}&by_museum_ids[]={museum.id}"
    assert date_ids(client, f"/api/v4/dates?{window}") == [a.id, b.id]
    assert date_ids(client, f"/api/v4/dates?{window}&by_audience_ids[]={family.id}") == [a.id]
    assert date_ids(client, f"/api/v4/dates?{window}&by_language_ids[]={english.id}") == [a.id]
    assert date_ids(client, f"/api/v4/dates?{window}&by_event_ids[]={plain.id}") == [b.id]
    assert date_ids(client, f"/api/v4/dates?{window}&by_exhibition_ids[]=-1") == [a.id]
    languages = client.get(f"/api/v4/dates/languages?{window}").json()["languages"]
    assert english.id in [lang["id"] for lang in languages]
    only_b = client.get(f"/api/v4/dates/languages?{window}&by_event_ids[]={plain.id}").json()
    assert english.id not in [lang["id"] for lang in only_b["languages"]]


def test_cancelled_dates_only_for_user_tokens(client: TestClient, session: Session) -> None:
    event = make_event(session, make_museum(session))
    day = date(2027, 4, 21)
    booked = make_date(session, event, local(day, "10:00"))
    cancelled = make_date(session, event, local(day, "11:00"), status="cancelled")
    url = f"/api/v4/dates?by_event_ids[]={event.id}&start_at={day}&end_at={day}"
    assert date_ids(client, url) == [booked.id]
    for headers in ({}, bearer("demo-reseller"), bearer("demo-cashpoint")):
        response = client.get(f"{url}&by_status=cancelled", headers=headers)
        assert response.status_code == 403
        assert "by_status" in response.json()["error"]
    user = client.get(f"{url}&by_status=cancelled", headers=bearer("demo-user")).json()
    assert [d["id"] for d in user["dates"]] == [cancelled.id]
    assert user["dates"][0]["status"] == "cancelled"
    assert client.get(f"{url}&by_status=maybe").status_code == 422


def test_global_dates_reject_reversed_or_huge_ranges(client: TestClient) -> None:
    assert client.get("/api/v4/dates?start_at=2027-02-01&end_at=2027-01-31").status_code == 422
    assert client.get("/api/v4/dates?start_at=2027-01-01&end_at=2028-12-31").status_code == 422
    assert client.get("/api/v4/dates?start_at=2027-01-01&end_at=2027-12-31").status_code == 200


def test_calendar_any_and_all(client: TestClient, session: Session) -> None:
    event = make_event(session, make_museum(session))
    day = date(2027, 9, 7)
    d1 = make_date(session, event, local(day, "10:00"))
    d2 = make_date(session, event, local(day, "23:45"))
    make_date(session, event, local(day + timedelta(days=2), "10:00"), status="cancelled")
    window = f"by_event_ids[]={event.id}&start_at={day}&end_at={day + timedelta(days=2)}"
    any_ = client.get(f"/api/v4/calendar?{window}").json()
    assert any_ == {
        "data": {
            str(day): True,
            str(day + timedelta(days=1)): False,
            str(day + timedelta(days=2)): False,
        }
    }
    all_ = client.get(f"/api/v4/calendar?{window}&depth=all").json()["data"]
    assert [d["id"] for d in all_[str(day)]] == [d1.id, d2.id]
    assert all_[str(day + timedelta(days=1))] == []
    obsolete = client.get(
        f"/api/v4/events/{event.id}/calendar?start_at={day}&end_at={day + timedelta(days=2)}"
    ).json()
    assert obsolete == any_


def test_calendar_defaults_and_bad_depth(client: TestClient) -> None:
    body = client.get("/api/v4/calendar").json()["data"]
    today = demo_today()
    assert min(body) == str(today)
    assert max(body)[:7] == str(today)[:7]
    response = client.get("/api/v4/calendar?depth=some")
    assert response.status_code == 422
    assert "depth" in response.json()["error"]


def test_demo_calendar_has_a_year_of_dates(client: TestClient, demo: DemoInstance) -> None:
    today = demo_today()
    end = today + timedelta(days=364)
    body = client.get(f"/api/v4/dates?start_at={today}&end_at={end}&per_page=1").json()
    assert body["meta"]["total_count"] > 300
    assert demo.events is not None
    concert = demo.events.event_ids["werkraum-konzerte"]
    dates = client.get(f"/api/v4/dates?by_event_ids[]={concert}&start_at={today}&end_at={end}")
    first = dates.json()["dates"][0]
    detail = client.get(f"/api/v4/events/{concert}/dates/{first['id']}").json()["date"]
    assert detail["seatings"]
    assert detail["seatings"][0]["seats"]


def test_museum_limited_token_on_global_dates(client: TestClient, demo: DemoInstance) -> None:
    headers = bearer("demo-reseller-kunsthalle")
    today = demo_today()
    url = f"/api/v4/dates?start_at={today}&end_at={today + timedelta(days=60)}&per_page=100"
    dates = client.get(url, headers=headers).json()["dates"]
    assert dates
    assert {d["museum_id"] for d in dates} == {demo.museum_ids["kunsthalle"]}
    other = demo.museum_ids["naturkunde"]
    assert client.get(f"{url}&by_museum_ids[]={other}", headers=headers).json()["dates"] == []
