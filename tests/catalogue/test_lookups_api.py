"""GET /countries, /states, /dispatch_modes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import bearer


def test_countries_are_all_iso_3166_countries_with_german_names(client: TestClient) -> None:
    codes: dict[str, str] = {}
    page = 1
    while True:
        body = client.get(f"/api/v4/countries?page={page}", headers=bearer("demo-user")).json()
        codes |= {c["code"]: c["name"] for c in body["countries"]}
        if page * body["meta"]["per_page"] >= body["meta"]["total_count"]:
            break
        page += 1
    assert body["meta"]["total_count"] == 249 == len(codes)
    assert codes["DE"] == "Deutschland"
    assert codes["GB"] == "Vereinigtes Königreich"
    assert codes["FR"] == "Frankreich"
    assert all(len(code) == 2 and code.isupper() for code in codes)


def test_country_shape(client: TestClient) -> None:
    country = client.get("/api/v4/countries?q=deutschland").json()["countries"]
    assert len(country) == 1
    assert set(country[0]) == {"name", "id", "code"}
    assert isinstance(country[0]["id"], int)


def test_countries_in_english_and_searchable_in_both_languages(client: TestClient) -> None:
    found = client.get("/api/v4/countries?q=germany&locale=en").json()["countries"]
    assert [c["name"] for c in found] == ["Germany"]
    found = client.get("/api/v4/countries?q=ÖSTERREICH").json()["countries"]
    assert [c["code"] for c in found] == ["AT"]


def test_states_are_the_german_states(client: TestClient) -> None:
    body = client.get("/api/v4/states").json()
    assert body["meta"]["total_count"] == 16
    germany = client.get("/api/v4/countries?q=deutschland").json()["countries"][0]["id"]
    assert {s["country_id"] for s in body["states"]} == {germany}
    assert body["states"][:3] == [
        {"name": "Baden-Württemberg", "id": 1, "country_id": germany},
        {"name": "Bayern", "id": 2, "country_id": germany},
        {"name": "Berlin", "id": 3, "country_id": germany},
    ]


def test_dispatch_modes(client: TestClient) -> None:
    body = client.get("/api/v4/dispatch_modes").json()
    assert [m["name"] for m in body["dispatch_modes"]] == ["E-Mail", "Post", "Abholung im Museum"]
    assert body["meta"] == {"total_count": 3, "page": 1, "per_page": 25}
    assert set(body["dispatch_modes"][0]) == {"name", "id"}
    en = client.get("/api/v4/dispatch_modes?locale=en&q=pick").json()["dispatch_modes"]
    assert [m["name"] for m in en] == ["Pick-up at the museum"]


def test_lookups_reject_bad_pagination(client: TestClient) -> None:
    for path in ("/api/v4/countries", "/api/v4/states", "/api/v4/dispatch_modes"):
        assert client.get(f"{path}?per_page=0").status_code == 422
        assert client.get(f"{path}?page=zwei").status_code == 422
