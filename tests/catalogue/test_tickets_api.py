"""GET /tickets, /tickets/:id, /tickets/content: filters, channels, museum-limited tokens."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.exhibitions.models import Exhibition
from museion.catalogue.tickets.models import TicketExhibition
from museion.demo.loader import DemoInstance
from tests.availability.factories import make_ticket
from tests.catalogue.factories import make_museum
from tests.conftest import bearer, demo_today

LIST_KEYS = {
    "id",
    "title",
    "sub_title",
    "description",
    "ticket_type",
    "bookable",
    "museum_ids",
    "exhibition_ids",
    "quota_ids",
    "price_cents",
    "discount",
    "vat_pct",
    "tax_included",
    "entry_duration",
    "min_persons",
    "max_persons",
    "first_entry",
    "last_entry",
    "personalizeable",
    "attendees",
    "identification",
    "free_timing",
    "is_sub_ticket",
    "sub_ticket_ids",
}


def ids(client: TestClient, url: str, **kwargs: object) -> list[int]:
    response = client.get(url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["tickets"]]


def test_the_demo_ticket_list(client: TestClient, demo: DemoInstance) -> None:
    assert demo.tickets is not None
    response = client.get("/api/v4/tickets?per_page=100")
    assert response.status_code == 200
    body = response.json()
    listed = {t["id"] for t in body["tickets"]}
    assert set(body["tickets"][0]) == LIST_KEYS
    assert body["meta"] == {"total_count": len(listed), "page": 1, "per_page": 25}
    # Annual tickets only on request; sub tickets never in lists.
    assert demo.tickets.ticket_ids["annual"] not in listed
    assert demo.tickets.ticket_ids["combined-kunsthalle"] not in listed
    assert demo.tickets.ticket_ids["combined"] in listed
    regular, reduced = (demo.tickets.ticket_ids[f"kunsthalle-{k}"] for k in ("regular", "reduced"))
    shared = {t["id"]: t["quota_ids"] for t in body["tickets"]}
    assert shared[regular] == shared[reduced] == [demo.tickets.quota_ids["kunsthalle-slots"]]


def test_filters_by_type_museum_exhibition_ids_and_text(
    client: TestClient, session: Session
) -> None:
    museum = make_museum(session)
    exhibition = Exhibition(museum_id=museum.id, title={"de": "Schau"})
    session.add(exhibition)
    session.flush()
    slot = make_ticket(session, museums=[museum], title={"de": "Zeitfenster Zebra"})
    day = make_ticket(
        session, museums=[museum], ticket_type="normal", entry_duration=None, free_timing=True
    )
    annual = make_ticket(session, museums=[museum], ticket_type="annual", entry_duration=None)
    session.add(TicketExhibition(ticket_id=day.id, exhibition_id=exhibition.id))
    session.flush()
    base = f"/api/v4/tickets?by_museum_ids[]={museum.id}"
    assert ids(client, base) == [slot.id, day.id]
    assert ids(client, f"{base}&by_ticket_type=annual") == [annual.id]
    assert ids(client, f"{base}&by_ticket_types[]=annual&by_ticket_types[]=normal") == [
        day.id,
        annual.id,
    ]
    assert ids(client, f"{base}&by_exhibition_ids[]={exhibition.id}") == [day.id]
    assert ids(client, f"{base}&by_free_timing=true") == [day.id]
    assert ids(client, f"{base}&by_free_timing=false") == [slot.id]
    assert ids(client, f"/api/v4/tickets?by_ticket_ids[]={day.id}") == [day.id]
    assert ids(client, "/api/v4/tickets?q=zebra") == [slot.id]
    bad = client.get(f"{base}&by_ticket_type=vip")
    assert bad.status_code == 422


def test_valid_at_limits_to_tickets_valid_that_day(client: TestClient, session: Session) -> None:
    museum = make_museum(session)
    today = demo_today()
    later = make_ticket(session, museums=[museum], valid_from=today + timedelta(days=10))
    over = make_ticket(session, museums=[museum], valid_to=today - timedelta(days=1))
    base = f"/api/v4/tickets?by_museum_ids[]={museum.id}"
    assert ids(client, base) == []
    assert ids(client, f"{base}&valid_at={today + timedelta(days=10)}") == [later.id]
    assert ids(client, f"{base}&valid_at={today - timedelta(days=1)}") == [over.id]


def test_bookable_follows_the_callers_sales_channel(client: TestClient, session: Session) -> None:
    museum = make_museum(session)
    public = make_ticket(session, museums=[museum])
    resale = make_ticket(session, museums=[museum], bookable_public=False, bookable_cashpoint=False)
    base = f"/api/v4/tickets?by_museum_ids[]={museum.id}"
    assert ids(client, f"{base}&by_bookable=true") == [public.id]
    assert ids(client, f"{base}&by_bookable=false") == [resale.id]
    as_reseller = client.get(base, headers=bearer("demo-reseller")).json()["tickets"]
    assert [t["bookable"] for t in as_reseller] == [True, True]
    as_cashpoint = client.get(base, headers=bearer("demo-cashpoint")).json()["tickets"]
    assert [t["bookable"] for t in as_cashpoint] == [True, False]


def test_a_museum_limited_token_sees_only_its_museums_tickets(
    client: TestClient, session: Session, demo: DemoInstance
) -> None:
    other = make_ticket(session, museums=[make_museum(session)])
    limited = bearer("demo-reseller-kunsthalle")
    seen = client.get("/api/v4/tickets?per_page=100", headers=limited).json()["tickets"]
    kunsthalle = demo.museum_ids["kunsthalle"]
    assert seen
    assert all(kunsthalle in t["museum_ids"] for t in seen)
    assert other.id not in {t["id"] for t in seen}
    assert client.get(f"/api/v4/tickets/{other.id}", headers=limited).status_code == 404
    assert client.get(f"/api/v4/tickets/{other.id}/capacity", headers=limited).status_code == 404
    content = client.get(f"/api/v4/tickets/content?ticket_ids[]={other.id}", headers=limited)
    assert content.json()["data"] == []


def test_ticket_detail(client: TestClient, demo: DemoInstance) -> None:
    assert demo.tickets is not None
    ticket_id = demo.tickets.ticket_ids["kunsthalle-reduced"]
    response = client.get(f"/api/v4/tickets/{ticket_id}?locale=en")
    assert response.status_code == 200
    ticket = response.json()["ticket"]
    assert set(ticket) == LIST_KEYS | {"after_sale_information", "content", "location"}
    assert ticket["identification"] is True
    assert ticket["content"]["shop_title"] == "Spreeufer Art Hall reduced"
    assert ticket["after_sale_information"].startswith("<p>Please")
    assert ticket["location"]["name"] == "Kunsthalle am Spreeufer"
    assert client.get("/api/v4/tickets/999999").status_code == 404
    assert client.get("/api/v4/tickets/abc").status_code == 404


def test_ticket_contents(client: TestClient, session: Session) -> None:
    content = {"shop_title": {"de": "Titel", "en": "Title"}, "shop_note": {"de": "Notiz"}}
    first = make_ticket(session, content=content)
    second = make_ticket(session, content={"shop_title": {"de": "Zwei"}})
    url = f"/api/v4/tickets/content?ticket_ids[]={second.id}&ticket_ids[]={first.id}"
    body = client.get(f"{url}&locale=en").json()
    assert body["data"] == [
        {"id": first.id, "content": {"shop_title": "Title", "shop_note": "Notiz"}},
        {"id": second.id, "content": {"shop_title": "Zwei"}},
    ]
    assert body["meta"] == {"total_count": 2, "page": 1, "per_page": 25}
    only = client.get(f"{url}&attr=shop_note").json()["data"]
    assert only == [
        {"id": first.id, "content": {"shop_note": "Notiz"}},
        {"id": second.id, "content": {}},
    ]
    missing = client.get("/api/v4/tickets/content")
    assert missing.status_code == 422


def test_demo_capacity_of_the_combined_ticket(client: TestClient, demo: DemoInstance) -> None:
    assert demo.tickets is not None
    combined = demo.tickets.ticket_ids["combined"]
    # The next Wednesday on which both houses are open (both close on 24 and 31 December).
    today = demo_today()
    wednesday = today + timedelta(days=(2 - today.weekday()) % 7 or 7)
    if (wednesday.month, wednesday.day) in ((12, 24), (12, 31)):
        wednesday += timedelta(days=7)
    data = client.get(f"/api/v4/tickets/{combined}/capacity?date={wednesday}").json()["data"]
    assert data
    # The combined quota is the smallest of the three (20, or 40 around New Year).
    assert len(set(data.values())) == 1
    assert set(data.values()) <= {20, 40}
    assert {date.fromisoformat(key[:10]) for key in data} == {wednesday}
