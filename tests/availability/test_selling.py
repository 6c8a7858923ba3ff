"""sell(): every line or none, refusals name their line; the SoldOut family in errors.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from museion.access import PUBLIC
from museion.availability import selling
from museion.availability.models import TicketSale
from museion.catalogue.events.models import EventBooking
from museion.catalogue.tickets import service as tickets
from museion.errors import HoldLimitReached, ReservationExpired, SoldOut, Unprocessable
from tests.availability.factories import make_quota, make_ticket
from tests.catalogue.factories import BERLIN, local, make_date, make_event, make_museum


def test_the_sold_out_family_is_one_422_branch_of_the_error_tree() -> None:
    assert issubclass(SoldOut, Unprocessable)
    assert issubclass(HoldLimitReached, SoldOut)
    assert issubclass(ReservationExpired, SoldOut)
    assert SoldOut("sold out").status_code == 422
    assert ReservationExpired().message == "reservation not valid anymore"


def test_a_sold_out_line_sells_nothing_and_names_itself(session: Session) -> None:
    now = datetime.now(UTC)
    ticket_id = make_ticket(session, quotas=[make_quota(session, 5)]).id
    start = local(now.astimezone(BERLIN).date() + timedelta(days=1), "10:00")
    event_date = make_date(session, make_event(session, make_museum(session)), seats_max=2)
    session.expunge_all()
    ticket = tickets.ticket_for_sale(session, PUBLIC, ticket_id)  # what a sale loads of it
    lines = [
        selling.Tickets(ticket, 2, start, label="items[0]"),
        selling.Seats(event_date, 3, label="items[1]"),
    ]
    until = now + timedelta(minutes=30)
    with pytest.raises(SoldOut) as refused, session.begin_nested():
        selling.sell(session, PUBLIC, lines, live_until=until, now=now, zone=BERLIN)
    assert refused.value.message == f"items[1]: sold out: date {event_date.id} has 2 seats left"
    assert session.scalar(select(func.count()).select_from(TicketSale)) == 0
    assert session.scalar(select(func.count()).select_from(EventBooking)) == 0

    sold = selling.sell(session, PUBLIC, lines[:1], live_until=until, now=now, zone=BERLIN)
    assert [s.start_at for s in sold] == [start]
    assert session.get(TicketSale, sold[0].id) is not None
