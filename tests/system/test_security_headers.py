"""Security headers on every answer (museion.system.headers): JSON, docs pages, media files,
PDFs, errors of every kind; Strict-Transport-Security only over HTTPS."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from museion.catalogue.pictures import fallback_picture
from museion.docs import CONTENT_SECURITY_POLICY
from museion.system.headers import API_POLICY

COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


def assert_secured(response: httpx.Response, policy: str | None = API_POLICY) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    assert response.headers.get("content-security-policy") == policy
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/v4/version", 200),
        ("GET", "/api/v4/museums/999999", 404),
        ("GET", "/no/such/page", 404),
        ("DELETE", "/api/v4/version", 405),
        ("GET", "/api/v4/museums?page=0", 422),
        ("GET", "/api/v4/whoami", 200),
        ("GET", "/api/openapi.json", 200),
        ("GET", "/", 307),
    ],
)
def test_api_answers_and_errors_carry_the_security_headers(
    client: TestClient, method: str, url: str, status: int
) -> None:
    response = client.request(method, url, follow_redirects=False)
    assert response.status_code == status
    assert_secured(response)


def test_a_body_too_large_is_refused_with_the_security_headers(client: TestClient) -> None:
    response = client.post(
        "/api/v4/tickets/reservations",
        content=b"{}",
        headers={"Content-Type": "application/json", "Content-Length": str(2 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert_secured(response)


@pytest.mark.parametrize("page", ["/api/docs", "/api/redoc"])
def test_docs_pages_keep_their_own_policy(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.headers["content-type"].startswith("text/html")
    assert_secured(response, CONTENT_SECURITY_POLICY)
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_media_files_and_their_404s_carry_the_security_headers(client: TestClient) -> None:
    picture = client.get(f"/media/teaser/{fallback_picture(None).filename}")
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/jpeg"
    assert_secured(picture)
    assert_secured(client.get("/media/teaser/missing.jpg"))
    assert_secured(client.get("/api/docs/assets/swagger-ui.css"))


def test_seat_plans_are_svg_that_may_load_and_run_nothing(client: TestClient) -> None:
    response = client.get("/api/v4/seatings/1.svg")
    assert response.status_code == 200
    assert_secured(response)


def test_internal_errors_carry_the_security_headers(fresh_app: FastAPI) -> None:
    app = fresh_app

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as crashing:
        response = crashing.get("/boom")
    assert response.status_code == 500
    assert_secured(response)


def test_strict_transport_security_only_over_https(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as secure:
        for url in ("/api/v4/version", "/no/such/page", "/api/docs"):
            response = secure.get(url)
            assert response.headers["strict-transport-security"] == "max-age=31536000", url
    with TestClient(app) as plain:
        assert "strict-transport-security" not in plain.get("/api/v4/version").headers


def test_behind_a_proxy_the_forwarded_scheme_decides(app: FastAPI) -> None:
    """uvicorn rewrites `scheme` from X-Forwarded-Proto of trusted proxies before the app
    runs; the app reads only `scheme`, so a header alone (untrusted) changes nothing."""
    with TestClient(app) as plain:
        response = plain.get("/api/v4/version", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in response.headers
