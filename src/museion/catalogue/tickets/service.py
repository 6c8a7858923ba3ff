"""Ticket rules: sales channels decide `bookable`, museum-limited tokens see their museums only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from museion.access import Access, Principal, limit_to_museums
from museion.catalogue.tickets import queries
from museion.catalogue.tickets.models import Ticket
from museion.catalogue.tickets.queries import Channel, TicketFilter, TicketLinks
from museion.errors import NotFound

_CHANNELS = {
    Access.PUBLIC: Channel(("bookable_public",)),
    Access.CUSTOMER: Channel(("bookable_public",)),
    Access.RESELLER: Channel(("bookable_reseller",)),
    Access.CASHPOINT: Channel(("bookable_cashpoint",)),
}
# Museum staff sell on behalf of anyone: any channel will do.
_ANY_CHANNEL = Channel(("bookable_public", "bookable_reseller", "bookable_cashpoint"))


def channel_for(principal: Principal) -> Channel:
    return _CHANNELS.get(principal.access, _ANY_CHANNEL)


def is_bookable(ticket: Ticket, principal: Principal) -> bool:
    """Sold on the caller's channel; sub tickets are only sold as part of their combined ticket."""
    if ticket.is_sub_ticket:
        return False
    return any(getattr(ticket, column) for column in channel_for(principal).columns)


def scoped(principal: Principal, f: TicketFilter) -> TicketFilter:
    """Museum-limited tokens never see other museums' tickets, whatever the filter says."""
    return replace(f, museum_ids=limit_to_museums(principal, f.museum_ids))


def list_tickets(
    session: Session,
    principal: Principal,
    f: TicketFilter,
    *,
    bookable: bool | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Ticket]]:
    """One page of tickets, in the house's shop order."""
    return queries.list_tickets(
        session,
        scoped(principal, f),
        channel=channel_for(principal),
        bookable=bookable,
        offset=offset,
        limit=limit,
    )


def bookable_tickets(session: Session, principal: Principal, f: TicketFilter) -> list[Ticket]:
    """Every ticket matching `f` that the caller may buy."""
    return queries.all_tickets(
        session, scoped(principal, f), channel=channel_for(principal), bookable=True
    )


def tickets_to_count(session: Session, principal: Principal, f: TicketFilter) -> list[Ticket]:
    """bookable_tickets with only what counting free units reads (entry windows, validity,
    museum ids, sub tickets): no texts to decode for a calendar."""
    return queries.tickets_to_count(
        session, scoped(principal, f), channel=channel_for(principal), bookable=True
    )


def ticket_page(
    session: Session,
    principal: Principal,
    f: TicketFilter,
    *,
    bookable: bool | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Ticket], dict[int, TicketLinks]]:
    """One page of tickets with the ids each links to (go~mus `museum_ids`, `quota_ids`, ...)."""
    total, found = list_tickets(
        session, principal, f, bookable=bookable, offset=offset, limit=limit
    )
    return total, found, queries.link_ids(session, [t.id for t in found])


def ticket_detail(
    session: Session, principal: Principal, ticket_id: int
) -> tuple[Ticket, TicketLinks]:
    """One ticket with the ids it links to."""
    ticket = get_ticket(session, principal, ticket_id)
    return ticket, queries.link_ids(session, [ticket.id])[ticket.id]


def get_ticket(session: Session, principal: Principal, ticket_id: int) -> Ticket:
    """A ticket outside the token's museums does not exist for that token."""
    ticket = queries.get_ticket(session, ticket_id, museum_ids=_museums(principal))
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


def ticket_for_sale(session: Session, principal: Principal, ticket_id: int) -> Ticket:
    """get_ticket for orders: loads what a sale needs and shows, not the exhibitions."""
    ticket = queries.ticket_for_sale(session, ticket_id, museum_ids=_museums(principal))
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


def ticket_contents(
    session: Session, principal: Principal, ticket_ids: Sequence[int], *, offset: int, limit: int
) -> tuple[int, list[Ticket]]:
    """Content of the given tickets (sub tickets too), as far as the caller may see them."""
    return queries.ticket_contents(
        session, ticket_ids, museum_ids=_museums(principal), offset=offset, limit=limit
    )


def _museums(principal: Principal) -> list[int] | None:
    return None if principal.museum_ids is None else sorted(principal.museum_ids)
