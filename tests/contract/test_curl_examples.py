"""Every curl example of the reference (seeds, gomus-api-doc, gomus-dev-notes) against the demo.

The examples come from `data/curl_examples.json`. Each one is sent with its method, headers and
body, the reference's ids replaced by demo ids of the same kind (REFERENCE_IDS), and must answer
2xx with at least the top-level keys of the documented answer. Examples of endpoints museion does
not have yet are listed in ABSENT and must answer 404/405: when such an endpoint lands, its
examples move from ABSENT to the running ones.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import pytest
from fastapi.testclient import TestClient

from museion.demo.loader import DemoInstance
from tests.conftest import bearer, demo_today
from tests.contract.examples import curl_examples, reference_example, shape_problems

SEED_INTRO = "seeds/000_643badc18b634e5c.txt"
SEED_EVENTS = "seeds/001_bec0dd17bdbb9fec.txt"

# The reference's placeholder keys (meowmeowmeow, YOUR_TOKEN, ...) per page: the demo token
# of the client that page is written for.
PAGE_TOKENS = {
    SEED_EVENTS: "demo-reseller",  # direct booking through the API: a reseller's order
    "gomus-api-doc/page-reseller_api.md": "demo-reseller",
    "gomus-api-doc/reservations.md": "demo-reseller",  # included in the reseller page
    "gomus-api-doc/page-cash_point_api.md": "demo-cashpoint",
    "gomus-api-doc/page-entry_api.md": "demo-entry",
    "gomus-dev-notes/authentication.md": "demo-user",
}

# Examples sent without a key whose documented answer shows an authenticated caller.
ADDED_TOKENS = {
    # {"access": "reseller", "museums": [5]}: a reseller limited to one museum
    f"{SEED_INTRO} GET /api/v4/whoami": "demo-reseller-kunsthalle",
    "gomus-api-doc/authentication.md GET /api/v4/whoami": "demo-reseller-kunsthalle",
    # locale.md: "go~mus supports multiple locales for authenticated requests"
    "gomus-api-doc/locale.md GET /api/v4/ticket/1?locale[]=de&locale[]=en": "demo-user",
}

# A path the reference misspells, and the one go~mus serves (and museion with it).
PATH_FIXES = {
    # locale.md writes `/ticket/1` (and closes the URL with a backtick); tickets.md documents
    # the ticket detail as /tickets/:id.
    "gomus-api-doc/locale.md GET /api/v4/ticket/1?locale[]=de&locale[]=en": (
        "/api/v4/ticket/",
        "/api/v4/tickets/",
    ),
}

EXCLUDED = {
    f"{SEED_INTRO} GET api_endpoint_here": "placeholder URL; shows only the Authorization header",
    "gomus-api-doc/authentication.md GET api_endpoint_here": (
        "placeholder URL; shows only the Authorization header"
    ),
}

_ANNUAL = "annual ticket personalization API (/api/v4/annual) not implemented"
_TOUR_BOOKINGS = "cash point tour bookings (/api/v4/tours/bookings) not implemented"
_ENTRY = "entry API (barcode status/void/exit, scans, zone config) not implemented"
_TOURS = "tours (/api/v4/tours) not implemented"
_CASH = "gomus-api-doc/page-cash_point_api.md"
ABSENT = {
    "gomus-api-doc/annual_tickets.md GET /api/v4/annual/order?token=:token": _ANNUAL,
    "gomus-api-doc/annual_tickets.md GET /api/v4/annual/customers?token=:token": _ANNUAL,
    "gomus-api-doc/annual_tickets.md GET /api/v4/annual/personalizations/:id?token=:token": _ANNUAL,
    "gomus-api-doc/annual_tickets.md GET /api/v4/annual/ticket_sales/:id?token=:token": _ANNUAL,
    "gomus-dev-notes/annual-tickets.md GET /api/v4/annual/order?token=…": _ANNUAL,
    f"{_CASH} GET /api/v4/events/123/dates/456/bookings": (
        "cash point booking list of a date not implemented"
    ),
    f"{_CASH} GET /api/v4/tours/bookings": _TOUR_BOOKINGS,
    f"{_CASH} GET /api/v4/tours/bookings/1": _TOUR_BOOKINGS,
    f"{_CASH} POST /api/v4/tours/bookings/1/prices": _TOUR_BOOKINGS,
    f"{_CASH} PUT /api/v4/tours/bookings/1/prices/9998": _TOUR_BOOKINGS,
    f"{_CASH} DELETE /api/v4/tours/bookings/1/prices/9998": _TOUR_BOOKINGS,
    f"{_CASH} PUT /api/v4/tours/bookings/1/feedback": _TOUR_BOOKINGS,
    f"{_CASH} DELETE /api/v4/tours/bookings/:id/feedback": _TOUR_BOOKINGS,
    "gomus-api-doc/page-entry_api.md GET /api/v3/barcodes/:barcode": _ENTRY,
    "gomus-api-doc/page-entry_api.md PUT /api/v3/barcodes/:barcode": _ENTRY,
    "gomus-api-doc/page-entry_api.md PUT /api/v4/entry/scans/3": _ENTRY,
    "gomus-api-doc/page-entry_api.md GET /api/v4/entry/config"
    "?entry_zone=RW50cnlab25lLTAyUmhtWP==": _ENTRY,
    "gomus-api-doc/page-entry_api.md PUT /api/v3/barcodes/:barcode/exit": _ENTRY,
    **{
        f"gomus-api-doc/tours.md GET /api/v4/tours{rest}": _TOURS
        for rest in [
            "/categories",
            "/languages",
            "/age_groups",
            "/audiences",
            "/catch_words",
            "/proposal_categories",
            "/grades",
            "",
            "/1",
            "/1/equipments?date=2017-06-11",
            "/1/equipments/1/?date=2017-06-11",
            "/1/equipments/1/2017-06-11T11:00:00+02:00",
            "/1/prices",
            "/1/start_times",
            "/1/start_times/2016-07-26",
        ]
    },
}

# Examples museion refuses although it has the endpoint (reported; strict, so a fix shows).
XFAIL: dict[str, str] = {}


def open_day() -> date:
    """A day ahead on which every demo museum is open (a Wednesday, not 24/31 December)."""
    today = demo_today()
    day = today + timedelta(days=(2 - today.weekday()) % 7 or 7)
    return day + timedelta(days=7) if (day.month, day.day) in ((12, 24), (12, 31)) else day


class Demo:
    """Demo objects standing in for the reference's ids, made when an example needs them."""

    def __init__(self, client: TestClient, demo: DemoInstance) -> None:
        assert demo.events is not None
        assert demo.tickets is not None
        self.client = client
        self.demo = demo
        self.events = demo.events
        self.tickets = demo.tickets

    def first_date(self, event_id: int) -> int:
        today = demo_today()
        dates = self.client.get(
            f"/api/v4/events/{event_id}/dates?start_at={today}&end_at={today + timedelta(days=365)}"
        ).json()["dates"]
        return int(dates[0]["id"])

    @cached_property
    def exhibition(self) -> int:
        return int(
            self.client.get("/api/v4/exhibitions?q=Licht der").json()["exhibitions"][0]["id"]
        )

    @cached_property
    def slot(self) -> str:
        ticket = self.tickets.ticket_ids["kunsthalle-regular"]
        capacity = self.client.get(f"/api/v4/tickets/{ticket}/capacity?date={open_day()}").json()
        return str(next(iter(capacity["data"])))

    def reservation_body(self) -> dict[str, Any]:
        ticket = self.tickets.ticket_ids["kunsthalle-regular"]
        return {"reservation": {"ticket_id": ticket, "quantity": 2, "start_at": self.slot}}

    @cached_property
    def reservation_token(self) -> str:
        response = self.client.post("/api/v4/tickets/reservations", json=self.reservation_body())
        assert response.status_code == 201, response.text
        return str(response.json()["reservation"]["token"])

    def order_body(self) -> dict[str, Any]:
        """The reseller page's order.json: comment, reference, items, total."""
        ticket = self.tickets.ticket_ids["kunsthalle-regular"]
        price = self.client.get(f"/api/v4/tickets/{ticket}").json()["ticket"]["price_cents"]
        item = {"type": "Ticket", "attributes": {"id": ticket, "quantity": 1, "time": self.slot}}
        return {"comment": "contract", "reference": "curl example", "items": [item], "total": price}

    def seed_order_body(self) -> dict[str, Any]:
        """seeds/001: one date, two seats, the customer's e-mail.

        A date of the natural history museum's Sunday tour: `quantity` alone books a date of
        one price; the family workshop has scale prices (adult, child), which take
        `quantities` per price, and the concerts have a seat plan.
        """
        date_id = self.first_date(self.events.event_ids["sonntagsfuehrung-arten"])
        return {
            "order": {
                "items": [{"date_id": date_id, "quantity": 2}],
                "customer": {"email": "visitor@example.org"},
            }
        }

    @cached_property
    def pending_order(self) -> dict[str, Any]:
        response = self.client.post(
            "/api/v4/orders", json=self.order_body(), headers=bearer("demo-reseller")
        )
        assert response.status_code == 201, response.text
        order: dict[str, Any] = response.json()["order"]
        return order

    @cached_property
    def seed_order(self) -> dict[str, Any]:
        response = self.client.post(
            "/api/v4/orders", json=self.seed_order_body(), headers=bearer("demo-reseller")
        )
        assert response.status_code == 201, response.text
        order: dict[str, Any] = response.json()["order"]
        return order

    @cached_property
    def finalized_order(self) -> dict[str, Any]:
        token = self.pending_order["token"]
        response = self.client.post(
            f"/api/v4/orders/{token}/finalize", headers=bearer("demo-reseller")
        )
        assert response.status_code == 200, response.text
        order: dict[str, Any] = response.json()["order"]
        return order

    @cached_property
    def barcode(self) -> str:
        return str(self.finalized_order["items"][0]["attributes"]["barcodes"][0]["barcode"])


# (kind of id, the reference's id) -> the demo object standing in for it. The kind is the path
# segment before the id, or the query parameter that carries it.
REFERENCE_IDS: dict[tuple[str, str], Callable[[Demo], Any]] = {
    ("museums", "1"): lambda d: d.demo.museum_ids["kunsthalle"],
    ("museums", "20"): lambda d: d.demo.museum_ids["naturkunde"],  # the seed's house
    ("by_museum_ids[]", "20"): lambda d: d.demo.museum_ids["naturkunde"],
    ("by_audience_ids[]", "4"): lambda d: d.events.tag_ids["audience-families"],  # "families"
    ("exhibitions", "1"): lambda d: d.exhibition,
    ("events", "1"): lambda d: d.events.event_ids["werkraum-konzerte"],
    ("dates", "1"): lambda d: d.first_date(d.events.event_ids["werkraum-konzerte"]),
    ("events", "843"): lambda d: d.events.event_ids["familienwerkstatt"],  # the seed's workshop
    ("tickets", "1"): lambda d: d.tickets.ticket_ids["kunsthalle-regular"],
    ("ticket_ids[]", "14"): lambda d: d.tickets.ticket_ids["kunsthalle-regular"],
    ("ticket_ids[]", "11"): lambda d: d.tickets.ticket_ids["naturkunde-day"],
    ("reservations", ":token"): lambda d: d.reservation_token,
    ("orders", "1"): lambda d: d.finalized_order["id"],
    ("orders", "ORDER_TOKEN"): lambda d: d.seed_order["token"],  # the seed's own order
    ("barcode", "704323341"): lambda d: d.barcode,
}

# Bodies of the examples that send one (the reference shows only their key structure).
BODIES: dict[str, Callable[[Demo], dict[str, Any]]] = {
    "gomus-api-doc/reservations.md POST /api/v4/tickets/reservations": Demo.reservation_body,
    "gomus-api-doc/reservations.md PUT /api/v4/tickets/reservations/:token": lambda d: {
        "reservation": {"quantity": 3}
    },
    "gomus-api-doc/page-reseller_api.md POST /api/v4/orders": Demo.order_body,
    f"{SEED_EVENTS} POST /api/v4/orders": Demo.seed_order_body,
}

# Parameters the reference leaves out but the endpoint needs for a useful answer in the demo.
ADDED_QUERY: dict[str, Callable[[], list[tuple[str, str]]]] = {
    # Without a date both answer for today: the demo's museums may be closed today (a Monday,
    # a holiday); the reference's examples show an open day.
    "gomus-api-doc/tickets.md GET /api/v4/tickets/1/capacity": lambda: [("date", str(open_day()))],
    # tickets.md, "Necessary parameters: ticket_ids"; the curl line leaves them out.
    "gomus-api-doc/tickets.md GET /api/v4/tickets/capacities": lambda: [
        ("ticket_ids[]", "{regular}"),
        ("date", str(open_day())),
    ],
}


def _demo_id(demo: Demo, kind: str, value: str) -> str:
    make = REFERENCE_IDS.get((kind, value))
    return value if make is None else str(make(demo))


def build_request(demo: Demo, example: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The demo's URL and the keyword arguments of TestClient.request for an example."""
    path = example["path"]
    if example["id"] in PATH_FIXES:
        path = path.replace(*PATH_FIXES[example["id"]])
    segments = path.split("/")
    for position in range(1, len(segments)):
        segments[position] = _demo_id(demo, segments[position - 1], segments[position])
    query = [(name, _demo_id(demo, name, value)) for name, value in example["query"]]
    regular = str(demo.tickets.ticket_ids["kunsthalle-regular"])
    added = ADDED_QUERY.get(example["id"])
    query += [(n, v.format(regular=regular)) for n, v in (added() if added else [])]
    token = ADDED_TOKENS.get(example["id"])
    if "Authorization" in example["headers"]:
        token = PAGE_TOKENS[example["source"]]
    kwargs: dict[str, Any] = {"params": query, "headers": bearer(token) if token else {}}
    if example["id"] in BODIES:
        body = BODIES[example["id"]](demo)
        documented = example["body"]
        if example["request"] is not None:
            documented = reference_example(example["source"], example["request"])
        assert shape_problems(documented, body) == [], "the body differs from the documented one"
        kwargs["json"] = body
    return "/".join(segments), kwargs


def _param(example: dict[str, Any]) -> Any:
    marks = []
    if example["id"] in XFAIL:
        marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[example["id"]]))
    return pytest.param(example, id=example["id"], marks=marks)


RUN = [e for e in curl_examples() if e["id"] not in ABSENT and e["id"] not in EXCLUDED]


@pytest.mark.parametrize("example", [_param(e) for e in RUN])
def test_curl_example_answers_with_the_documented_keys(
    client: TestClient, demo: DemoInstance, example: dict[str, Any]
) -> None:
    url, kwargs = build_request(Demo(client, demo), example)
    response = client.request(example["method"], url, **kwargs)
    assert 200 <= response.status_code < 300, f"{url} {kwargs}: {response.text}"
    if example["response"] is None:
        return
    documented = reference_example(example["source"], example["response"])
    missing = set(documented) - set(response.json())
    assert not missing, f"{url}: top-level keys missing: {missing}"


@pytest.mark.parametrize(
    "example", [pytest.param(e, id=e["id"]) for e in curl_examples() if e["id"] in ABSENT]
)
def test_curl_example_of_a_missing_endpoint_is_absent(
    client: TestClient, example: dict[str, Any]
) -> None:
    # With the page's key, so that a 404 cannot come from a refused token instead.
    token = PAGE_TOKENS.get(example["source"])
    response = client.request(
        example["method"],
        example["path"],
        params=example["query"],
        headers=bearer(token) if token else {},
    )
    assert response.status_code in (404, 405), (
        f"{example['id']} answers {response.status_code}: the endpoint exists now; "
        f"move it from ABSENT ({ABSENT[example['id']]}) to the running examples"
    )


def test_every_listed_example_is_in_the_reference() -> None:
    ids = {e["id"] for e in curl_examples()}
    listed = [*ABSENT, *EXCLUDED, *XFAIL, *ADDED_TOKENS, *PATH_FIXES, *BODIES, *ADDED_QUERY]
    assert [name for name in listed if name not in ids] == []
    assert not set(ABSENT) & set(EXCLUDED)


def test_examples_that_send_a_body_have_one_here() -> None:
    sending = {e["id"] for e in RUN if e["body"] is not None or e["body_file"] is not None}
    assert sending == set(BODIES)
