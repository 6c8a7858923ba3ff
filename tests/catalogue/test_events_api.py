"""GET /events, /events/:id and the filter values (go~mus events.md, seed 001)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.events.models import TagKind
from museion.demo.loader import DemoInstance
from tests.catalogue.factories import (
    local,
    make_category,
    make_date,
    make_event,
    make_language,
    make_museum,
    make_tag,
)
from tests.conftest import bearer, demo_today

WALL_CLOCK = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
EVENT_KEYS = {
    "id",
    "exhibition_id",
    "museum_id",
    "title",
    "sub_title",
    "description",
    "featured",
    "bookable",
    "registerable",
    "category",
    "picture",
    "location",
    "age_groups",
    "audiences",
    "catch_words",
    "disablements",
    "grades",
    "proposal_categories",
    "languages",
    "min_persons",
    "max_persons",
    "max_participants",
    "duration",
    "entry_fee",
    "upcoming_bookings_start_times",
}


def ids(client: TestClient, query: str, **kwargs: object) -> list[int]:
    response = client.get(f"/api/v4/events?{query}", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return [e["id"] for e in response.json()["events"]]


def test_event_list_shape(client: TestClient) -> None:
    body = client.get("/api/v4/events").json()
    assert body["meta"]["total_count"] >= 12
    event = body["events"][0]
    assert set(event) == EVENT_KEYS
    assert set(event["category"]) == {"id", "name", "filtername"}
    assert event["location"]["city"]  # the museum's address when the event has none of its own
    assert event["entry_fee"] in {"auto", "included", "excluded", "none"}


def test_upcoming_start_times_are_local_wall_clock_strings(
    client: TestClient, session: Session
) -> None:
    museum = make_museum(session)
    event = make_event(session, museum)
    day = demo_today() + timedelta(days=30)
    make_date(session, event, local(day, "11:00"))
    make_date(session, event, local(day + timedelta(days=1), "14:30"))
    make_date(session, event, local(day + timedelta(days=2), "09:00"), status="cancelled")
    make_date(session, event, local(day + timedelta(days=3), "10:00"), seats_booked=20)  # full
    make_date(session, event, local(demo_today() - timedelta(days=3), "10:00"))  # past
    found = client.get(f"/api/v4/events?by_museum_ids[]={museum.id}").json()["events"]
    times = found[0]["upcoming_bookings_start_times"]
    assert times == [f"{day} 11:00:00", f"{day + timedelta(days=1)} 14:30:00"]
    assert all(WALL_CLOCK.match(t) for t in times)


def test_filters_by_museum_exhibition_category_and_featured(
    client: TestClient, session: Session, demo: DemoInstance
) -> None:
    museum = make_museum(session)
    exhibition_id = demo.exhibition_ids[0]
    lecture = make_category(session, filtername="lecture-test")
    with_exhibition = make_event(session, museum, exhibition_id=exhibition_id, featured=True)
    without = make_event(session, museum, category_id=lecture.id)
    scope = f"by_museum_ids[]={museum.id}"
    assert ids(client, scope) == [with_exhibition.id, without.id]
    assert ids(client, f"{scope}&by_exhibition_ids[]={exhibition_id}") == [with_exhibition.id]
    assert ids(client, f"{scope}&by_exhibition_ids[]=-1") == [without.id]
    both = f"{scope}&by_exhibition_ids[]=-1&by_exhibition_ids[]={exhibition_id}"
    assert ids(client, both) == [with_exhibition.id, without.id]
    assert ids(client, f"{scope}&by_category_ids[]={lecture.id}") == [without.id]
    assert ids(client, f"{scope}&by_categories[]=lecture-test") == [without.id]
    assert ids(client, f"{scope}&by_categories%5B%5D=lecture-test") == [without.id]
    assert ids(client, f"{scope}&by_featured=true") == [with_exhibition.id]
    assert ids(client, f"{scope}&by_featured=false") == [without.id]


@pytest.mark.parametrize(
    ("kind", "param"),
    [
        (TagKind.AGE_GROUP, "by_age_group_ids"),
        (TagKind.AUDIENCE, "by_audience_ids"),
        (TagKind.CATCH_WORD, "by_catch_word_ids"),
        (TagKind.DISABLEMENT, "by_disablement_ids"),
        (TagKind.GRADE, "by_grade_ids"),
        (TagKind.PROPOSAL_CATEGORY, "by_proposal_category_ids"),
    ],
)
def test_filters_by_each_tag_kind(
    client: TestClient, session: Session, kind: TagKind, param: str
) -> None:
    museum = make_museum(session)
    tag, other = make_tag(session, kind.value), make_tag(session, kind.value)
    tagged = make_event(session, museum, tags=[tag])
    make_event(session, museum, tags=[other])
    make_event(session, museum)
    scope = f"by_museum_ids[]={museum.id}"
    assert ids(client, f"{scope}&{param}[]={tag.id}") == [tagged.id]
    event = client.get(f"/api/v4/events/{tagged.id}").json()["event"]
    plural = {"age_group": "age_groups", "proposal_category": "proposal_categories"}.get(
        kind.value, kind.value + "s"
    )
    assert event[plural] == [{"id": tag.id, "name": tag.name["de"]}]


def test_tag_filter_does_not_match_a_tag_of_another_kind(
    client: TestClient, session: Session
) -> None:
    museum = make_museum(session)
    audience = make_tag(session, TagKind.AUDIENCE.value)
    make_event(session, museum, tags=[audience])
    assert ids(client, f"by_museum_ids[]={museum.id}&by_grade_ids[]={audience.id}") == []


def test_filter_by_language_and_search(client: TestClient, session: Session) -> None:
    museum = make_museum(session)
    polish = make_language(session, "pl", "Polnisch")
    spoken = make_event(session, museum, languages=[polish], title={"de": "Führung über Dächer"})
    make_event(session, museum)
    scope = f"by_museum_ids[]={museum.id}"
    assert ids(client, f"{scope}&by_language_ids[]={polish.id}") == [spoken.id]
    assert ids(client, f"{scope}&q=DÄCHER") == [spoken.id]


def test_bookable_depends_on_the_callers_sales_channel(
    client: TestClient, session: Session
) -> None:
    museum = make_museum(session)
    till_only = make_event(
        session, museum, bookable_public=False, bookable_reseller=False, bookable_cashpoint=True
    )
    everyone = make_event(session, museum)
    scope = f"by_museum_ids[]={museum.id}"
    public = {
        e["id"]: e["bookable"] for e in client.get(f"/api/v4/events?{scope}").json()["events"]
    }
    assert public == {till_only.id: False, everyone.id: True}
    assert ids(client, f"{scope}&by_bookable=true") == [everyone.id]
    assert ids(client, f"{scope}&by_bookable=false") == [till_only.id]
    till = bearer("demo-cashpoint")
    assert ids(client, f"{scope}&by_bookable=true", headers=till) == [till_only.id, everyone.id]
    reseller = bearer("demo-reseller")
    assert ids(client, f"{scope}&by_bookable=true", headers=reseller) == [everyone.id]


def test_with_bookings_in_future(client: TestClient, session: Session) -> None:
    museum = make_museum(session)
    upcoming = make_event(session, museum)
    make_date(session, upcoming, local(demo_today() + timedelta(days=5), "10:00"))
    past_only = make_event(session, museum)
    make_date(session, past_only, local(demo_today() - timedelta(days=5), "10:00"))
    scope = f"by_museum_ids[]={museum.id}"
    assert ids(client, f"{scope}&with_bookings_in_future=true") == [upcoming.id]
    assert ids(client, f"{scope}&with_bookings_in_future=false") == [past_only.id]


def test_event_detail_embeds_dates_content_documents(client: TestClient, session: Session) -> None:
    museum = make_museum(session)
    event = make_event(
        session,
        museum,
        content={"shop_title": {"de": "Im Shop", "en": "In the shop"}},
        documents=[
            {
                "title": {"de": "Programm"},
                "url": "/media/documents/p.pdf",
                "content_type": "application/pdf",
            }
        ],
        description={"de": "Lang und ausführlich."},
    )
    first = make_date(session, event, local(demo_today() + timedelta(days=2), "10:00"))
    make_date(session, event, local(demo_today() - timedelta(days=2), "10:00"))  # past: not shown
    detail = client.get(f"/api/v4/events/{event.id}?locale=en").json()["event"]
    assert set(detail) == EVENT_KEYS | {"content", "documents", "dates", "tickets", "quotas"}
    assert detail["content"] == {"shop_title": "In the shop"}
    assert detail["description"] == "Lang und ausführlich."  # falls back to German
    assert detail["documents"] == [
        {"title": "Programm", "url": "/media/documents/p.pdf", "content_type": "application/pdf"}
    ]
    assert [d["id"] for d in detail["dates"]] == [first.id]
    assert detail["tickets"] == []
    assert detail["quotas"] == []


@pytest.mark.parametrize("event_id", ["abc", "0", "999999", "99999999999999999999"])
def test_unknown_event_is_404(client: TestClient, event_id: str) -> None:
    for suffix in (
        "",
        "/dates",
        "/dates/1",
        "/calendar",
        "/categories",
        "/languages",
        "/audiences",
        "/age_groups",
    ):
        response = client.get(f"/api/v4/events/{event_id}{suffix}")
        assert response.status_code == 404, suffix
        assert response.json()["error"]


def test_museum_limited_token_sees_only_its_events(client: TestClient, demo: DemoInstance) -> None:
    headers = bearer("demo-reseller-kunsthalle")
    mine = demo.museum_ids["kunsthalle"]
    events = client.get("/api/v4/events?per_page=100", headers=headers).json()["events"]
    assert events
    assert {e["museum_id"] for e in events} == {mine}
    assert demo.events is not None
    foreign = demo.events.event_ids["werkraum-konzerte"]
    assert client.get(f"/api/v4/events/{foreign}", headers=headers).status_code == 404
    assert client.get(f"/api/v4/events/{foreign}/dates", headers=headers).status_code == 404


def test_filter_values_list_only_what_bookable_events_use(
    client: TestClient, demo: DemoInstance
) -> None:
    assert demo.events is not None
    categories = client.get("/api/v4/events/categories").json()["categories"]
    names = {c["filtername"] for c in categories}
    assert {"tour", "workshop", "family", "lecture", "concert"} <= names
    assert "archive" not in names
    languages = [
        lang["name"] for lang in client.get("/api/v4/events/languages").json()["languages"]
    ]
    assert "Deutsch" in languages
    assert "Englisch" in languages
    assert "Leichte Sprache" not in languages
    audiences = client.get("/api/v4/events/audiences").json()["audiences"]
    assert demo.events.tag_ids["unused-audience"] not in {a["id"] for a in audiences}
    for plural in ("age_groups", "catch_words", "disablements", "grades", "proposal_categories"):
        body = client.get(f"/api/v4/events/{plural}").json()
        assert set(body) == {plural}
        assert all(set(item) == {"id", "name"} for item in body[plural])


def test_filter_values_follow_the_callers_channel(client: TestClient, demo: DemoInstance) -> None:
    # School workshops are sold through resellers and tills only.
    public = client.get("/api/v4/events/proposal_categories").json()["proposal_categories"]
    reseller = client.get(
        "/api/v4/events/proposal_categories", headers=bearer("demo-reseller")
    ).json()["proposal_categories"]
    assert "Schulklasse" not in [p["name"] for p in public]
    assert "Schulklasse" in [p["name"] for p in reseller]


def test_per_event_filter_values(client: TestClient, session: Session) -> None:
    museum = make_museum(session)
    category = make_category(session)
    german = make_language(session, "xx", "Testsprache")
    audience = make_tag(session, TagKind.AUDIENCE.value, "Studierende")
    age = make_tag(session, TagKind.AGE_GROUP.value, "ab 18")
    event = make_event(
        session, museum, category_id=category.id, languages=[german], tags=[audience, age]
    )
    base = f"/api/v4/events/{event.id}"
    assert client.get(f"{base}/categories").json() == {
        "categories": [
            {"id": category.id, "name": category.name["de"], "filtername": category.filtername}
        ]
    }
    assert client.get(f"{base}/languages").json() == {
        "languages": [{"id": german.id, "name": "Testsprache"}]
    }
    assert client.get(f"{base}/audiences").json() == {
        "audiences": [{"id": audience.id, "name": "Studierende"}]
    }
    assert client.get(f"{base}/age_groups").json() == {
        "age_groups": [{"id": age.id, "name": "ab 18"}]
    }


def test_multi_locale_on_events(client: TestClient, session: Session) -> None:
    museum = make_museum(session)
    event = make_event(session, museum, title={"de": "Führung", "en": "Tour"})
    detail = client.get(
        f"/api/v4/events/{event.id}?locale[]=de&locale[]=en", headers=bearer("demo-user")
    ).json()["event"]
    assert detail["title"] == {"de": "Führung", "en": "Tour"}
