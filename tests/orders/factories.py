"""Builders for order tests: a seller token of one's own, order payloads."""

from __future__ import annotations

from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from museion.tokens.service import create_token

_counter = count(1)


def make_token(
    session: Session,
    access: str = "reseller",
    museum_ids: list[int] | None = None,
    permissions: list[str] | None = None,
) -> str:
    """A fresh token; returns its secret (use with tests.conftest.bearer). User tokens get the
    `orders` permission unless `permissions` says otherwise."""
    secret = f"test-{access}-{next(_counter)}"
    if permissions is None:
        permissions = ["orders"] if access == "user" else []
    create_token(
        session,
        access=access,
        name=secret,
        museum_ids=museum_ids or [],
        permissions=permissions,
        secret=secret,
    )
    session.flush()
    return secret


def ticket_item(ticket_id: int, quantity: int, time: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "Ticket",
        "attributes": {"id": ticket_id, "quantity": quantity, "time": time, **extra},
    }


def event_item(date_id: int, quantity: int | None = None, **extra: Any) -> dict[str, Any]:
    attributes: dict[str, Any] = {"id": date_id, **extra}
    if quantity is not None:
        attributes["quantity"] = quantity
    return {"type": "Event", "attributes": attributes}


def order_body(*items: dict[str, Any], total: int | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"comment": None, "reference": None, "items": list(items), **extra}
    if total is not None:
        body["total"] = total
    return body
