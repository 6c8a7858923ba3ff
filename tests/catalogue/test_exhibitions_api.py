"""GET /exhibitions, /exhibitions/:id."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from museion.catalogue.pictures import fallback_picture
from museion.demo.loader import DemoInstance
from tests.conftest import bearer, demo_year


def _titles(client: TestClient, query: str = "", **kwargs: object) -> list[str]:
    response = client.get(f"/api/v4/exhibitions?{query}", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return [e["title"] for e in response.json()["exhibitions"]]


def test_exhibitions_list_has_the_reference_fields(client: TestClient) -> None:
    body = client.get("/api/v4/exhibitions").json()
    assert body["meta"] == {"total_count": 14, "page": 1, "per_page": 25}
    first = body["exhibitions"][0]
    assert set(first) == {
        "id",
        "museum_id",
        "foreign_id",
        "title",
        "sub_title",
        "slider_description",
        "featured",
        "picture",
        "time_frames",
    }


def test_permanent_exhibitions_have_no_time_frames(client: TestClient) -> None:
    exhibitions = client.get("/api/v4/exhibitions").json()["exhibitions"]
    permanent = [e["title"] for e in exhibitions if not e["time_frames"]]
    assert len(permanent) == 4
    assert "Welt der Arten" in permanent


def test_time_frames_are_local_times_with_offset(client: TestClient) -> None:
    exhibitions = client.get("/api/v4/exhibitions?q=Licht").json()["exhibitions"]
    assert len(exhibitions) == 1
    year = demo_year()
    assert exhibitions[0]["time_frames"] == [
        {"start_at": f"{year}-03-01T10:00:00+01:00", "end_at": f"{year}-08-31T18:00:00+02:00"}
    ]


def test_an_exhibition_may_run_in_several_time_frames(client: TestClient) -> None:
    exhibition = client.get("/api/v4/exhibitions?q=Eiszeit").json()["exhibitions"][0]
    frames = [(f["start_at"], f["end_at"]) for f in exhibition["time_frames"]]
    assert len(frames) == 2
    assert frames == sorted(frames)
    assert all(datetime.fromisoformat(s) < datetime.fromisoformat(e) for s, e in frames)


@pytest.mark.parametrize(
    "query",
    [
        "by_museum_ids[]={id}",
        "by_museum_ids%5B%5D={id}",
        "by_museum_ids={id}",
    ],
)
def test_by_museum_ids_accepts_rails_encoded_and_plain_forms(
    client: TestClient, demo: DemoInstance, query: str
) -> None:
    museum_id = demo.museum_ids["naturkunde"]
    body = client.get(f"/api/v4/exhibitions?{query.format(id=museum_id)}").json()
    assert body["meta"]["total_count"] == 4
    assert {e["museum_id"] for e in body["exhibitions"]} == {museum_id}


def test_by_museum_ids_with_several_museums(client: TestClient, demo: DemoInstance) -> None:
    ids = demo.museum_ids
    query = f"by_museum_ids[]={ids['stadtmuseum']}&by_museum_ids[]={ids['werkraum']}"
    body = client.get(f"/api/v4/exhibitions?{query}").json()
    assert body["meta"]["total_count"] == 6
    assert {e["museum_id"] for e in body["exhibitions"]} == {ids["stadtmuseum"], ids["werkraum"]}


@pytest.mark.parametrize(
    "query",
    [
        "by_museum_ids[]=abc",
        "by_museum_ids[]=1&by_museum_ids[]=x",
        "by_museum_ids=0",
        "by_museum_ids[]=99999999999999999999",
        "by_museum_ids[]=",
    ],
)
def test_malformed_museum_filters_are_422(client: TestClient, query: str) -> None:
    response = client.get(f"/api/v4/exhibitions?{query}")
    assert response.status_code == 422
    assert "by_museum_ids" in response.json()["error"]


def test_unknown_museum_filter_finds_nothing(client: TestClient) -> None:
    body = client.get("/api/v4/exhibitions?by_museum_ids[]=4711").json()
    assert body == {"exhibitions": [], "meta": {"total_count": 0, "page": 1, "per_page": 25}}


def test_by_featured(client: TestClient) -> None:
    featured = client.get("/api/v4/exhibitions?by_featured=true").json()["exhibitions"]
    assert len(featured) == 5
    assert all(e["featured"] for e in featured)
    others = client.get("/api/v4/exhibitions?by_featured=false").json()["exhibitions"]
    assert len(others) == 9
    assert not any(e["featured"] for e in others)
    assert client.get("/api/v4/exhibitions?by_featured=maybe").status_code == 422


def test_q_is_case_insensitive_with_umlauts_and_in_every_locale(client: TestClient) -> None:
    assert _titles(client, "q=über") == ["Über die Linie hinaus. Zeichnung heute"]
    assert _titles(client, "q=ÜBER die") == ["Über die Linie hinaus. Zeichnung heute"]
    assert _titles(client, "q=LIGHT&locale=en") == [
        "Light of the Metropolis: Berlin Night Scenes 1900–1930"
    ]
    assert _titles(client, "q=cms-ausstellung-licht") == [
        "Licht der Großstadt. Berliner Nachtbilder 1900–1930"
    ]


def test_missing_translation_falls_back_to_the_default_locale(client: TestClient) -> None:
    exhibition = client.get("/api/v4/exhibitions?q=Insekten im Kiez&locale=en").json()
    item = exhibition["exhibitions"][0]
    assert item["title"] == "Insects in the Neighbourhood"
    assert item["sub_title"] is not None  # German text, not null
    detail = client.get(f"/api/v4/exhibitions/{item['id']}?locale=en").json()["exhibition"]
    german = client.get(f"/api/v4/exhibitions/{item['id']}?locale=de").json()["exhibition"]
    assert detail["description"] == german["description"]
    assert detail["sub_title"] == german["sub_title"]


def test_multi_locale_keeps_missing_translations_visible(client: TestClient) -> None:
    item = client.get("/api/v4/exhibitions?q=Insekten im Kiez").json()["exhibitions"][0]
    detail = client.get(
        f"/api/v4/exhibitions/{item['id']}?locale[]=de&locale[]=en", headers=bearer("demo-user")
    ).json()["exhibition"]
    assert detail["sub_title"]["en"] is None
    assert detail["sub_title"]["de"]
    assert detail["title"] == {"de": "Insekten im Kiez", "en": "Insects in the Neighbourhood"}


def test_exhibition_detail_adds_description_content_and_location(client: TestClient) -> None:
    item = client.get("/api/v4/exhibitions?q=Welt der Arten").json()["exhibitions"][0]
    detail = client.get(f"/api/v4/exhibitions/{item['id']}").json()["exhibition"]
    assert set(detail) == set(item) | {"description", "content", "location"}
    assert detail["description"]
    assert "shop_title" in detail["content"]
    # No venue of its own: the museum's location.
    assert detail["location"]["name"] == "Haus der Naturkunde"


def test_exhibition_with_its_own_venue_reports_that_location(client: TestClient) -> None:
    item = client.get("/api/v4/exhibitions?q=Am Wasser gebaut").json()["exhibitions"][0]
    detail = client.get(f"/api/v4/exhibitions/{item['id']}").json()["exhibition"]
    assert detail["location"]["street"] == "Osthafenkai 3"
    # No picture of its own: the fallback picture, with null texts.
    assert detail["picture"]["teaser"].endswith(f"/media/teaser/{fallback_picture(None).filename}")
    assert detail["picture"]["title"] is None


@pytest.mark.parametrize("exhibition_id", ["abc", "0", "123456", "1e3", "99999999999999999999"])
def test_unknown_or_malformed_exhibition_ids_are_404(
    client: TestClient, exhibition_id: str
) -> None:
    response = client.get(f"/api/v4/exhibitions/{exhibition_id}")
    assert response.status_code == 404
    assert response.json()["error"]


def test_museum_limited_token_sees_only_its_exhibitions(
    client: TestClient, demo: DemoInstance
) -> None:
    headers = bearer("demo-reseller-kunsthalle")
    mine = demo.museum_ids["kunsthalle"]
    body = client.get("/api/v4/exhibitions", headers=headers).json()
    assert body["meta"]["total_count"] == 4
    assert {e["museum_id"] for e in body["exhibitions"]} == {mine}
    # Asking for another museum explicitly does not widen the view.
    other = demo.museum_ids["naturkunde"]
    body = client.get(f"/api/v4/exhibitions?by_museum_ids[]={other}", headers=headers).json()
    assert body["exhibitions"] == []
    foreign = client.get(f"/api/v4/exhibitions?by_museum_ids[]={other}").json()["exhibitions"][0]
    assert client.get(f"/api/v4/exhibitions/{foreign['id']}", headers=headers).status_code == 404
