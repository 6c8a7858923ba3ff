"""A document fetch with a wrong token costs one small lookup: no order loading, no PDF."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from museion.db import Database
from museion.orders import documents
from tests.availability.factories import make_quota, make_ticket
from tests.orders.conftest import Clock
from tests.orders.factories import ticket_item
from tests.orders.test_documents import SLOT, URL, finalize


@contextmanager
def selects(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def no_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any) -> bytes:
        raise AssertionError("a PDF was built for a request with a wrong token")

    for builder in ("ticket_pdf", "booking_pdf", "invoice_pdf"):
        monkeypatch.setattr(documents, builder, refuse)


def test_a_wrong_document_token_costs_one_select_and_builds_nothing(
    client: TestClient, session: Session, clock: Clock, database: Database
) -> None:
    ticket = make_ticket(session, quotas=[make_quota(session, 10)])
    order = finalize(client, ticket_item(ticket.id, 2, SLOT))
    sale = order["items"][0]["attributes"]["id"]
    paths = [f"tickets/{sale}.pdf", f"events/{sale}.pdf", "invoice.pdf"]
    for path in paths:
        good = client.get(f"{URL}/{order['id']}/{path}", params={"token": order["token"]})
        assert good.status_code == (404 if path.startswith("events") else 200), path
        # A PDF: the type is as declared (nosniff), and no CSP keeps a viewer from showing it.
        assert good.headers["x-content-type-options"] == "nosniff"
    wrong = order["token"][:-1] + ("A" if order["token"][-1] != "A" else "B")
    with pytest.MonkeyPatch.context() as patch:
        no_pdfs(patch)
        for path in paths:
            with selects(database) as seen:
                response = client.get(f"{URL}/{order['id']}/{path}", params={"token": wrong})
            assert response.status_code == 404, path
            assert response.json() == {"error": "document not found"}
            assert len(seen) == 1, seen
            assert "order_item" not in seen[0]
