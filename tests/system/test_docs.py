"""The API docs: every operation says who may call it and which errors it answers (in museion's
error shape), every request body has an example that works against the demo, and the docs pages
load nothing from other hosts. The browser half is in test_docs_browser.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from museion.docs import TOKEN_KINDS_LABEL
from museion.errors import ErrorOut
from museion.system.ratelimit import group_of
from tests.conftest import bearer

KINDS = {"public (no token)": None, "reseller": "demo-reseller", "cashpoint": "demo-cashpoint"}
KINDS |= {"user": "demo-user", "entry": "demo-entry"}
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}
KINDS_LINE = re.compile(rf"\*\*{re.escape(TOKEN_KINDS_LABEL)}\*\* (.+)\.$")


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    return client.get("/api/openapi.json").json()  # type: ignore[no-any-return]


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def token_kinds(operation: dict[str, Any]) -> list[str]:
    found = KINDS_LINE.search(operation["description"])
    assert found, operation["description"]
    return found.group(1).split(", ")


def example_bodies(operation: dict[str, Any]) -> dict[str, Any]:
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    return {name: example["value"] for name, example in examples.items()}


def test_every_operation_has_a_summary_and_a_description_naming_its_token_kinds(
    spec: dict[str, Any],
) -> None:
    assert len(list(operations(spec))) >= 50
    for method, path, operation in operations(spec):
        where = f"{method} {path}"
        assert operation.get("summary"), where
        description = operation.get("description", "")
        # Something written for this operation, besides the token kinds the docs add.
        assert len(KINDS_LINE.sub("", description).strip()) > 20, where
        kinds = token_kinds(operation)
        assert kinds, where
        assert set(kinds) <= set(KINDS), where


def test_orders_name_their_token_kinds_and_the_catalogue_is_open_to_all(
    spec: dict[str, Any],
) -> None:
    paths = spec["paths"]
    assert token_kinds(paths["/api/v4/orders"]["post"]) == ["reseller", "cashpoint", "user"]
    assert token_kinds(paths["/api/v4/museums"]["get"]) == list(KINDS)
    # Documents need no header token: the order token in the query guards them.
    assert token_kinds(paths["/api/v4/orders/{order_id}/invoice.pdf"]["get"]) == list(KINDS)


def test_every_operation_documents_its_errors_with_the_museion_error_body(
    spec: dict[str, Any],
) -> None:
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    assert schemas["ErrorOut"]["required"] == ["error"]
    assert schemas["ErrorOut"]["properties"]["error"]["type"] == "string"
    assert schemas["ErrorOut"]["properties"]["errors"]["items"]["type"] == "string"
    for method, path, operation in operations(spec):
        where = f"{method} {path}"
        responses = operation["responses"]
        errors = {int(code) for code in responses if int(code) >= 400}
        assert {401, 503} <= errors, where  # a bad token, a busy database: on every operation
        parameters = operation.get("parameters", [])
        if any(p["in"] == "path" for p in parameters):
            assert 404 in errors, where
        if "requestBody" in operation or any(p["in"] != "path" for p in parameters):
            assert 422 in errors, where
        if token_kinds(operation) != list(KINDS):
            assert 403 in errors, where
        for code in errors:
            response = responses[str(code)]
            assert response["description"], where
            assert response["content"] == {"application/json": {"schema": ERROR_SCHEMA}}, where


def test_every_request_body_has_an_example(spec: dict[str, Any]) -> None:
    bodies = [(m, p, o) for m, p, o in operations(spec) if "requestBody" in o]
    assert len(bodies) >= 4
    for method, path, operation in bodies:
        assert example_bodies(operation), f"{method} {path}"


def test_the_documented_token_kinds_are_the_ones_the_server_lets_in(
    client: TestClient, spec: dict[str, Any]
) -> None:
    """No token where the public is not served: 401; a token of another kind: 403."""
    for method, path, operation in operations(spec):
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        body = (
            next(iter(example_bodies(operation).values()), None)
            if "requestBody" in operation
            else None
        )
        kinds = token_kinds(operation)
        for kind, secret in KINDS.items():
            headers = bearer(secret) if secret else {}
            response = client.request(method, url, json=body, headers=headers)
            where = f"{method} {url} as {kind}: {response.status_code} {response.text[:200]}"
            if kind in kinds:
                assert response.status_code not in (401, 403), where
            else:
                assert response.status_code == (401 if secret is None else 403), where
                ErrorOut.model_validate(response.json())


def test_the_request_body_examples_work_against_the_demo(
    client: TestClient, spec: dict[str, Any]
) -> None:
    paths = spec["paths"]
    reseller = bearer("demo-reseller")
    with_bodies = {(m, p) for m, p, o in operations(spec) if "requestBody" in o}
    assert with_bodies == {
        ("POST", "/api/v4/orders"),
        ("POST", "/api/v4/orders/{id}/cancellations"),
        ("POST", "/api/v4/tickets/reservations"),
        ("PUT", "/api/v4/tickets/reservations/{token}"),
    }, "a new request body: show here that its examples work"

    for name, body in example_bodies(paths["/api/v4/tickets/reservations"]["post"]).items():
        held = client.post("/api/v4/tickets/reservations", json=body)
        assert held.status_code == 201, (name, held.text)
        token = held.json()["reservation"]["token"]
        for change, update in example_bodies(
            paths["/api/v4/tickets/reservations/{token}"]["put"]
        ).items():
            changed = client.put(f"/api/v4/tickets/reservations/{token}", json=update)
            assert changed.status_code == 200, (change, changed.text)

    orders = example_bodies(paths["/api/v4/orders"]["post"])
    for name, body in orders.items():
        created = client.post("/api/v4/orders", json=body, headers=reseller)
        assert created.status_code == 201, (name, created.text)

    cancellations = paths["/api/v4/orders/{id}/cancellations"]["post"]
    for name, body in example_bodies(cancellations).items():
        created = client.post("/api/v4/orders", json=orders["tickets"], headers=reseller)
        order = created.json()["order"]
        if "order_item_ids" in body:
            # Item ids belong to one order: the example's stand for this order's items.
            body = {"order_item_ids": [item["id"] for item in order["items"]]}
        url = f"/api/v4/orders/{order['token']}/cancellations"
        cancelled = client.post(url, json=body, headers=reseller)
        assert cancelled.status_code == 200, (name, cancelled.text)
        assert all(item["cancelled"] for item in cancelled.json()["order"]["items"]), name


@pytest.mark.parametrize(
    ("page", "script"),
    [("/api/docs", "swagger-ui-bundle.js"), ("/api/redoc", "redoc.standalone.js")],
)
def test_the_docs_pages_load_scripts_styles_and_favicon_from_museion(
    client: TestClient, page: str, script: str
) -> None:
    html = client.get(page).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith(script) for asset in assets), html
    assert any(asset.endswith("favicon.png") for asset in assets), html
    for asset in assets:
        assert asset.startswith("/api/docs/assets/"), asset  # nothing from another host
        assert client.get(asset).status_code == 200, asset
    assert "fonts.googleapis" not in html
    assert "/api/openapi.json" in html


@pytest.mark.parametrize("page", ["/api/docs", "/api/redoc"])
def test_the_docs_pages_may_load_from_museion_only(client: TestClient, page: str) -> None:
    """The policy stops what a bundle would fetch elsewhere (ReDoc's Redocly logo) in the
    browser, before any request is made."""
    policy = client.get(page).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    for directive in ("script-src", "style-src", "img-src", "font-src", "connect-src"):
        assert "'self'" in directives[directive], directive
        assert "http" not in directives[directive], directive
        assert "*" not in directives[directive], directive


def test_rate_limited_operations_document_429(spec: dict[str, Any]) -> None:
    limited = 0
    for method, path, operation in operations(spec):
        responses = operation["responses"]
        assert ("429" in responses) == (group_of(method, path) is not None), f"{method} {path}"
        limited += "429" in responses
    assert limited >= 50
    hold = spec["paths"]["/api/v4/tickets/reservations"]["post"]["responses"]["429"]
    assert "Retry-After" in hold["description"]
