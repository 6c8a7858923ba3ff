"""Conventions every endpoint shares: JSON errors, docs, CORS, and commit-before-respond."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from museion.demo.loader import DemoInstance

PUBLIC_ENDPOINTS = [
    "/api/v4/version",
    "/api/v4/whoami",
    "/api/v4/locales",
    "/api/v4/museums",
    "/api/v4/museums/{museum_id}",
    "/api/v4/museums/{museum_id}/opening_hours",
    "/api/v4/exhibitions",
    "/api/v4/exhibitions/{exhibition_id}",
    "/api/v4/countries",
    "/api/v4/states",
    "/api/v4/dispatch_modes",
]


def test_unknown_route_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/v4/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_wrong_method_is_a_json_405(client: TestClient, method: str) -> None:
    for path in ("/api/v4/museums", "/api/v4/museums/1", "/api/v4/countries", "/api/v4/version"):
        response = client.request(method, path)
        assert response.status_code == 405, path
        assert response.json() == {"error": "method not allowed"}
        assert "GET" in response.headers["allow"]


def test_openapi_docs_list_every_endpoint_with_its_parameters(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 200
    spec = client.get("/api/openapi.json").json()
    assert set(PUBLIC_ENDPOINTS) <= set(spec["paths"])
    exhibitions = spec["paths"]["/api/v4/exhibitions"]["get"]
    names = {p["name"] for p in exhibitions["parameters"]}
    assert {
        "by_museum_ids[]",
        "by_featured",
        "q",
        "locale",
        "locale[]",
        "page",
        "per_page",
    } <= names
    opening = spec["paths"]["/api/v4/museums/{museum_id}/opening_hours"]["get"]
    assert "date" in {p["name"] for p in opening["parameters"]}


def test_root_leads_to_the_docs(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/api/docs"


def test_browsers_may_call_the_public_api_with_shop_headers(client: TestClient) -> None:
    response = client.options(
        "/api/v4/museums",
        headers={
            "Origin": "https://museum.example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-shop-url, authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in ("*", "https://museum.example.org")


@pytest.fixture
def app_with_real_sessions(app: FastAPI, demo: DemoInstance) -> Iterator[TestClient]:
    """The app with its production session dependency (no test transaction around it)."""
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_a_failing_commit_answers_5xx_not_2xx(app_with_real_sessions: TestClient) -> None:
    # The response must not leave before the transaction is committed (STYLE.md section 5).
    def refuse(_session: Session) -> None:
        raise RuntimeError("disk full")

    event.listen(Session, "before_commit", refuse)
    try:
        response = app_with_real_sessions.get("/api/v4/museums")
    finally:
        event.remove(Session, "before_commit", refuse)
    assert response.status_code == 500
    assert app_with_real_sessions.get("/api/v4/museums").status_code == 200


def test_a_bug_answers_json_with_a_request_id_that_the_log_names(
    fresh_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    app = fresh_app

    @app.get("/api/v4/broken-on-purpose")
    def broken() -> None:
        raise RuntimeError("a bug that knows mail@example.org")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v4/broken-on-purpose")
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "internal error"
    assert len(body["request_id"]) == 32
    logged = [r for r in caplog.records if body["request_id"] in r.getMessage()]
    assert logged, "the traceback is logged under the request id"


def test_every_api_route_ends_its_unit_of_work_in_the_endpoints_thread(app: FastAPI) -> None:
    """A router built without `route_class=ApiRoute` would commit in a second thread-pool trip
    (measurably slower orders); this keeps new domains on the one way."""
    from fastapi.routing import APIRoute

    from museion.web import ApiRoute

    def routes(found: list[object]) -> list[APIRoute]:
        out: list[APIRoute] = []
        for route in found:
            if isinstance(route, APIRoute):
                out.append(route)
            inner = getattr(route, "original_router", None) or getattr(route, "router", None)
            if inner is not None and inner is not app.router:
                out += routes(list(inner.routes))
        return out

    # The API's routes are those of the included routers (the docs pages are the app's own).
    api_routes = [r for r in routes(list(app.routes)) if r not in app.router.routes]
    assert len(api_routes) > 40
    assert [r.path for r in api_routes if not isinstance(r, ApiRoute)] == []
