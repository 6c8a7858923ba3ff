"""GET /museums, /museums/:id, /museums/:id/opening_hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from museion.catalogue.pictures import fallback_picture
from museion.config import Settings
from museion.demo.loader import DemoInstance
from tests.conftest import bearer, demo_year

TEXT_KEYS = {"title", "description", "copyright_info"}
PICTURE_KEYS = {
    "title",
    "description",
    "copyright_info",
    "original",
    "teaser",
    "preview",
    "article",
    "detail",
    "teaser_3x2",
    "preview_3x2",
    "article_3x2",
    "detail_3x2",
}


def test_museums_are_listed_in_shop_order_not_alphabetically(client: TestClient) -> None:
    body = client.get("/api/v4/museums").json()
    titles = [m["title"] for m in body["museums"]]
    assert titles == [
        "Kunsthalle am Spreeufer",
        "Werkraum – Museum für Technik und Gestaltung",
        "Haus der Naturkunde",
        "Stadtmuseum Köpenick",
    ]
    assert titles != sorted(titles)
    assert body["meta"] == {"total_count": 4, "page": 1, "per_page": 25}


def test_museum_list_items_have_the_reference_fields(client: TestClient) -> None:
    museum = client.get("/api/v4/museums").json()["museums"][0]
    assert set(museum) == {"id", "title", "sub_title", "picture"}
    assert set(museum["picture"]) == PICTURE_KEYS
    assert museum["picture"]["teaser"].endswith("/media/teaser/kunsthalle.jpg")
    assert museum["picture"]["detail_3x2"].endswith("/media/detail_3x2/kunsthalle.jpg")


def test_museum_without_picture_shows_the_fallback_picture(
    client: TestClient, demo: DemoInstance
) -> None:
    museum = client.get(f"/api/v4/museums/{demo.museum_ids['stadtmuseum']}").json()["museum"]
    fallback = fallback_picture(None).filename
    assert museum["picture"] == {
        "title": None,
        "description": None,
        "copyright_info": None,
    } | {key: f"http://testserver/media/{key}/{fallback}" for key in PICTURE_KEYS - TEXT_KEYS}


def test_museum_detail_has_description_content_and_location(
    client: TestClient, demo: DemoInstance
) -> None:
    response = client.get(f"/api/v4/museums/{demo.museum_ids['kunsthalle']}")
    assert response.status_code == 200
    museum = response.json()["museum"]
    assert set(museum) == {
        "id",
        "title",
        "sub_title",
        "description",
        "picture",
        "content",
        "location",
    }
    assert museum["content"]["shop_title"] == "Tickets für die Kunsthalle"
    assert museum["location"] == {
        "name": "Kunsthalle am Spreeufer",
        "city": "Berlin",
        "country": "Deutschland",
        "street": "Kunsthallenufer 7",
        "zip": "10179",
        "latitude": 52.5128,
        "longitude": 13.4085,
    }


def test_picture_urls_follow_the_configured_public_url(
    app: FastAPI, client: TestClient, demo: DemoInstance, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(update={"public_url": "https://tickets.example.org/"})
    museum = client.get(f"/api/v4/museums/{demo.museum_ids['kunsthalle']}").json()["museum"]
    assert (
        museum["picture"]["original"] == "https://tickets.example.org/media/original/kunsthalle.jpg"
    )


def test_locale_en_translates_texts_and_country(client: TestClient, demo: DemoInstance) -> None:
    museum_id = demo.museum_ids["kunsthalle"]
    museum = client.get(f"/api/v4/museums/{museum_id}?locale=en").json()["museum"]
    assert museum["title"] == "Spreeufer Art Hall"
    assert museum["content"]["shop_title"] == "Tickets for the Art Hall"
    assert museum["location"]["country"] == "Germany"


def test_multi_locale_returns_every_translation_for_user_tokens(
    client: TestClient, demo: DemoInstance
) -> None:
    museum_id = demo.museum_ids["kunsthalle"]
    response = client.get(
        f"/api/v4/museums/{museum_id}?locale[]=de&locale[]=en", headers=bearer("demo-user")
    )
    assert response.status_code == 200
    museum = response.json()["museum"]
    assert museum["title"] == {"de": "Kunsthalle am Spreeufer", "en": "Spreeufer Art Hall"}
    assert museum["content"]["shop_title"] == {
        "de": "Tickets für die Kunsthalle",
        "en": "Tickets for the Art Hall",
    }
    assert museum["location"]["country"] == {"de": "Deutschland", "en": "Germany"}
    assert museum["id"] == museum_id  # non-translatable fields stay flat


def test_multi_locale_is_forbidden_without_a_user_token(client: TestClient) -> None:
    for headers in ({}, bearer("demo-reseller"), bearer("demo-cashpoint")):
        response = client.get("/api/v4/museums?locale[]=de&locale[]=en", headers=headers)
        assert response.status_code == 403
        assert "locale[]" in response.json()["error"]


def test_unknown_locale_is_422(client: TestClient) -> None:
    for query in ("locale=fr", "locale[]=de&locale[]=xx"):
        response = client.get(f"/api/v4/museums?{query}", headers=bearer("demo-user"))
        assert response.status_code == 422, query
        assert "unknown locale" in response.json()["error"]


def test_empty_locale_means_the_default_locale(client: TestClient) -> None:
    museums = client.get("/api/v4/museums?locale=").json()["museums"]
    assert museums[0]["title"] == "Kunsthalle am Spreeufer"


def test_nul_characters_are_refused_before_reaching_the_database(client: TestClient) -> None:
    response = client.get("/api/v4/museums?q=a%00b")
    assert response.status_code == 422
    assert "NUL" in response.json()["error"]
    assert client.get("/api/v4/museums/1%00").status_code == 404


def test_q_searches_case_insensitively_in_all_locales(client: TestClient) -> None:
    for q, expected in (
        ("kunsthalle", ["Kunsthalle am Spreeufer"]),
        ("NATURAL HISTORY", ["Haus der Naturkunde"]),
        ("köpenick", ["Stadtmuseum Köpenick"]),
        ("KÖPENICK", ["Stadtmuseum Köpenick"]),
        ("nothing like this", []),
    ):
        museums = client.get("/api/v4/museums", params={"q": q}).json()["museums"]
        assert [m["title"] for m in museums] == expected, q


def test_q_treats_like_wildcards_literally(client: TestClient) -> None:
    assert client.get("/api/v4/museums", params={"q": "%"}).json()["museums"] == []
    assert client.get("/api/v4/museums", params={"q": "_"}).json()["museums"] == []


def test_pagination_walks_all_museums(client: TestClient) -> None:
    seen = []
    for page in (1, 2, 3):
        body = client.get(f"/api/v4/museums?per_page=2&page={page}").json()
        assert body["meta"] == {"total_count": 4, "page": page, "per_page": 2}
        seen += [m["id"] for m in body["museums"]]
    assert len(seen) == 4 == len(set(seen))


def test_per_page_is_clamped_silently(client: TestClient) -> None:
    meta = client.get("/api/v4/countries?per_page=1000").json()["meta"]
    assert meta["per_page"] == 25
    meta = client.get("/api/v4/countries?per_page=1000", headers=bearer("demo-reseller")).json()
    assert meta["meta"]["per_page"] == 100
    assert len(meta["countries"]) == 100


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=abc", "per_page=0", "per_page=-5", "per_page=x", "page=1.5"],
)
def test_bad_pagination_is_422(client: TestClient, query: str) -> None:
    response = client.get(f"/api/v4/museums?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json()["error"]


def test_absurd_page_numbers_are_422_not_500(client: TestClient) -> None:
    response = client.get("/api/v4/museums?page=99999999999999999999999")
    assert response.status_code == 422


@pytest.mark.parametrize("museum_id", ["abc", "0", "-1", "99999", "99999999999999999999", "1.5"])
def test_unknown_or_malformed_museum_ids_are_404(client: TestClient, museum_id: str) -> None:
    for suffix in ("", "/opening_hours"):
        response = client.get(f"/api/v4/museums/{museum_id}{suffix}")
        assert response.status_code == 404
        assert "error" in response.json()


def test_museum_limited_token_sees_only_its_museums(client: TestClient, demo: DemoInstance) -> None:
    headers = bearer("demo-reseller-kunsthalle")
    museums = client.get("/api/v4/museums", headers=headers).json()
    assert [m["id"] for m in museums["museums"]] == [demo.museum_ids["kunsthalle"]]
    assert museums["meta"]["total_count"] == 1
    other = demo.museum_ids["naturkunde"]
    assert client.get(f"/api/v4/museums/{other}", headers=headers).status_code == 404
    assert client.get(f"/api/v4/museums/{other}/opening_hours", headers=headers).status_code == 404
    mine = demo.museum_ids["kunsthalle"]
    assert client.get(f"/api/v4/museums/{mine}", headers=headers).status_code == 200


def _hours(client: TestClient, museum_id: int, day: str) -> dict:  # type: ignore[type-arg]
    response = client.get(f"/api/v4/museums/{museum_id}/opening_hours?date={day}")
    assert response.status_code == 200
    return response.json()["opening_hours"]  # type: ignore[no-any-return]


def test_opening_hours_of_a_regular_day_carry_the_offset(
    client: TestClient, demo: DemoInstance
) -> None:
    # A Thursday in winter: late opening until 20:00, UTC+1.
    hours = _hours(client, demo.museum_ids["kunsthalle"], "2026-01-15")
    assert hours == {
        "begin": "2026-01-15T10:00:00+01:00",
        "end": "2026-01-15T20:00:00+01:00",
        "closed": False,
        "note": None,
    }


def test_opening_hours_on_daylight_saving_days_use_the_new_offset(
    client: TestClient, demo: DemoInstance
) -> None:
    museum_id = demo.museum_ids["kunsthalle"]
    spring = _hours(client, museum_id, "2026-03-29")  # clocks go forward at 02:00
    assert (spring["begin"], spring["end"]) == (
        "2026-03-29T10:00:00+02:00",
        "2026-03-29T18:00:00+02:00",
    )
    autumn = _hours(client, museum_id, "2026-10-25")  # clocks go back at 03:00
    assert (autumn["begin"], autumn["end"]) == (
        "2026-10-25T10:00:00+01:00",
        "2026-10-25T18:00:00+01:00",
    )


def test_closed_weekday_is_a_clear_closed_answer(client: TestClient, demo: DemoInstance) -> None:
    hours = _hours(client, demo.museum_ids["kunsthalle"], "2026-01-12")  # a Monday
    assert hours == {"begin": None, "end": None, "closed": True, "note": None}


def test_yearly_exception_closes_christmas_eve_in_any_year(
    client: TestClient, demo: DemoInstance
) -> None:
    museum_id = demo.museum_ids["naturkunde"]  # open on every weekday otherwise
    for year in (demo_year(), demo_year() + 3):
        hours = _hours(client, museum_id, f"{year}-12-24")
        assert hours["closed"] is True
        assert hours["note"] == "Heiligabend geschlossen"


def test_exception_with_special_hours_overrides_the_weekday(
    client: TestClient, demo: DemoInstance
) -> None:
    hours = _hours(client, demo.museum_ids["kunsthalle"], "2026-12-31")
    assert (hours["begin"], hours["end"]) == (
        "2026-12-31T10:00:00+01:00",
        "2026-12-31T14:00:00+01:00",
    )
    assert hours["closed"] is False
    en = client.get(
        f"/api/v4/museums/{demo.museum_ids['kunsthalle']}/opening_hours?date=2026-12-31&locale=en"
    ).json()["opening_hours"]
    assert en["note"] == "Shortened opening hours on New Year's Eve"


def test_opening_hours_default_to_today(client: TestClient, demo: DemoInstance) -> None:
    museum_id = demo.museum_ids["naturkunde"]
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    response = client.get(f"/api/v4/museums/{museum_id}/opening_hours").json()["opening_hours"]
    assert response == _hours(client, museum_id, today.isoformat())


@pytest.mark.parametrize(
    "day", ["2026-02-30", "2026-13-01", "yesterday", "1800-01-01", "9999-12-31", ""]
)
def test_invalid_opening_hours_dates_are_422(
    client: TestClient, demo: DemoInstance, day: str
) -> None:
    response = client.get(
        f"/api/v4/museums/{demo.museum_ids['kunsthalle']}/opening_hours?date={day}"
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith("date")


def test_unknown_parameters_are_ignored(client: TestClient) -> None:
    response = client.get("/api/v4/museums?utm_source=newsletter&foo[]=1")
    assert response.status_code == 200


def test_every_weekday_of_a_week_is_answered(client: TestClient, demo: DemoInstance) -> None:
    museum_id = demo.museum_ids["stadtmuseum"]  # closed Monday and Tuesday
    monday = date(2026, 6, 1)
    closed = [
        (monday + timedelta(days=i)).isoweekday()
        for i in range(7)
        if _hours(client, museum_id, (monday + timedelta(days=i)).isoformat())["closed"]
    ]
    assert closed == [1, 2]
