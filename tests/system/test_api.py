"""GET /version, /whoami, /locales and the bearer-token rules."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.demo.loader import DemoInstance
from museion.tokens import service as tokens
from tests.conftest import bearer


def test_version_reports_api_zone_currency_and_public_page_limit(client: TestClient) -> None:
    response = client.get("/api/v4/version")
    assert response.status_code == 200
    version = response.json()["version"]
    assert set(version) == {"system", "api", "release", "time", "zone", "currency", "per_page"}
    assert version["api"] == "4.4"
    assert version["zone"] == "Europe/Berlin"
    assert version["currency"] == "EUR"
    assert version["per_page"] == 25
    assert datetime.fromisoformat(version["time"]).utcoffset() is not None


def test_version_reports_the_larger_page_limit_to_token_holders(client: TestClient) -> None:
    response = client.get("/api/v4/version", headers=bearer("demo-reseller"))
    assert response.json()["version"]["per_page"] == 100


def test_whoami_without_token_is_public(client: TestClient) -> None:
    assert client.get("/api/v4/whoami").json() == {"access": "public", "museums": []}


def test_whoami_names_each_token_kind(client: TestClient) -> None:
    expected = {
        "demo-user": "user",
        "demo-reseller": "reseller",
        "demo-cashpoint": "cashpoint",
        "demo-entry": "user",  # entry accounts are API users with entry rights only
    }
    for secret, access in expected.items():
        body = client.get("/api/v4/whoami", headers=bearer(secret)).json()
        assert body == {"access": access, "museums": []}, secret


def test_whoami_lists_the_museums_of_a_limited_token(
    client: TestClient, demo: DemoInstance
) -> None:
    body = client.get("/api/v4/whoami", headers=bearer("demo-reseller-kunsthalle")).json()
    assert body == {"access": "reseller", "museums": [demo.museum_ids["kunsthalle"]]}


def test_unknown_token_is_401_on_every_endpoint(client: TestClient) -> None:
    for path in ("/api/v4/whoami", "/api/v4/museums", "/api/v4/version", "/api/v4/locales"):
        response = client.get(path, headers=bearer("no-such-token"))
        assert response.status_code == 401, path
        assert response.json() == {"error": "authentication error; no customer or no user present"}


def test_malformed_authorization_header_is_401(client: TestClient) -> None:
    for header in ("Basic abc", "Bearer", "Bearer    ", "Token demo-user", "Bearer " + "x" * 500):
        response = client.get("/api/v4/whoami", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert "error" in response.json()


def test_revoked_token_is_401(client: TestClient, session: Session) -> None:
    issued = tokens.create_token(session, access="reseller", name="short-lived")
    assert client.get("/api/v4/whoami", headers=bearer(issued.secret)).status_code == 200
    tokens.revoke_token(session, issued.id)
    assert client.get("/api/v4/whoami", headers=bearer(issued.secret)).status_code == 401


def test_new_tokens_are_random_and_stored_hashed(session: Session) -> None:
    first = tokens.create_token(session, access="user")
    second = tokens.create_token(session, access="user")
    assert first.secret != second.secret
    assert len(first.secret) > 40
    stored = {t.id: t for t in tokens.list_tokens(session)}[first.id]
    assert first.secret not in (stored.secret_hash, stored.hint)
    assert stored.hint == first.secret[:8]


def test_locales_lists_configured_locales_default_first(client: TestClient) -> None:
    assert client.get("/api/v4/locales").json() == {"locales": ["de", "en"]}


def test_x_shop_url_header_is_accepted_without_token(client: TestClient) -> None:
    response = client.get("/api/v4/museums", headers={"X-Shop-Url": "shop.example.org"})
    assert response.status_code == 200
