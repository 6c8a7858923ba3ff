"""No secrets or personal data in logs: a real server handles holds, an order with a customer
e-mail, its documents and a failed confirmation mail; then every line it logged is searched for
the e-mail address, the order and reservation tokens and the barcodes."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy.orm import Session

from museion.logs import scrub
from tests.availability.factories import make_quota, make_ticket
from tests.catalogue.factories import BERLIN, local
from tests.server import free_port, prepare_database, running_server

SECRET = "log-privacy-reseller"
EMAIL = "erika.mustermann@example.org"


def _prepare(database_url: str, workdir: Path) -> int:
    def build(session: Session) -> int:
        return make_ticket(session, quotas=[make_quota(session, 40)]).id

    return prepare_database(database_url, workdir, build, reseller_secret=SECRET)


def _logged(workdir: Path) -> str:
    return "\n".join(log.read_text() for log in workdir.glob("server-*.log"))


@pytest.mark.server
def test_tokens_and_addresses_stay_out_of_the_log(empty_database_url: str, tmp_path: Path) -> None:
    ticket_id = _prepare(empty_database_url, tmp_path)
    start = local(datetime.now(BERLIN).date() + timedelta(days=2), "11:00").isoformat()
    # A mail server that is not there: the confirmation fails, and says so in the log.
    env = {"MUSEION_SMTP_HOST": "127.0.0.1", "MUSEION_SMTP_PORT": str(free_port())}
    secrets: list[str] = [EMAIL]
    with (
        running_server(empty_database_url, tmp_path, env=env) as base_url,
        httpx.Client(
            base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {SECRET}"}
        ) as seller,
        httpx.Client(base_url=base_url, timeout=30) as public,
    ):
        hold = {"reservation": {"ticket_id": ticket_id, "quantity": 1, "start_at": start}}
        held = public.post("/api/v4/tickets/reservations", json=hold).json()["reservation"]
        secrets.append(held["token"])
        url = f"/api/v4/tickets/reservations/{held['token']}"
        assert public.put(url, json={"reservation": {"quantity": 2}}).status_code == 200
        capacity = f"/api/v4/tickets/{ticket_id}/capacity?date={start[:10]}"
        assert public.get(f"{capacity}&reservations[]={held['token']}").status_code == 200
        item = {"id": ticket_id, "quantity": 2, "time": start, "reservations": [held["token"]]}
        body = {"items": [{"type": "Ticket", "attributes": item}], "customer": {"email": EMAIL}}
        order = seller.post("/api/v4/orders", json=body).json()["order"]
        secrets.append(order["token"])
        final = seller.post(f"/api/v4/orders/{order['token']}/finalize").json()["order"]
        [sold] = final["items"]
        barcodes = [b["barcode"] for b in sold["attributes"]["barcodes"]]
        secrets += barcodes
        assert seller.get(f"/api/v4/orders/{order['token']}").status_code == 200
        assert seller.get(f"/api/v4/orders/barcode/{barcodes[0]}").status_code == 200
        pdf = f"/api/v4/orders/{order['id']}/tickets/{sold['attributes']['id']}.pdf"
        assert public.get(f"{pdf}?token={order['token']}").status_code == 200
        invoice = f"/api/v4/orders/{order['id']}/invoice.pdf?token={order['token']}"
        assert public.get(invoice).status_code == 200
        second = public.post("/api/v4/tickets/reservations", json=hold).json()["reservation"]
        secrets.append(second["token"])
        assert public.delete(f"/api/v4/tickets/reservations/{second['token']}").status_code == 204
        deadline = time.monotonic() + 20
        while "not sent" not in _logged(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.2)
    logged = _logged(tmp_path)
    assert "not sent" in logged  # the mail failure was logged ...
    # ... and so was every request, in uvicorn's access log format, with the capability masked.
    assert f'"GET /api/v4/orders/{order["id"]}/invoice.pdf?token=*** HTTP/1.1" 200' in logged
    assert '"PUT /api/v4/tickets/reservations/*** HTTP/1.1" 200' in logged
    assert "Logging error" not in logged
    leaked = [secret for secret in secrets if secret in logged]
    assert leaked == [], logged


def test_scrub_masks_capabilities_and_addresses_but_not_ids() -> None:
    line = (
        "GET /api/v4/orders/Ab_9-x/finalize /api/v4/orders/42 /api/v4/orders/barcode/X1 "
        "/api/v4/tickets/reservations/r-1?x=1 ?token=t&reservations%5B%5D=a mail a.b@c.de"
    )
    assert scrub(line) == (
        "GET /api/v4/orders/***/finalize /api/v4/orders/42 /api/v4/orders/barcode/*** "
        "/api/v4/tickets/reservations/***?x=1 ?token=***&reservations%5B%5D=*** mail ***@***"
    )
