"""Ticket statements: one filtered, ordered page with batch-loaded links, and quota ids."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    bindparam,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, joinedload, load_only, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from museion.catalogue.models import Location
from museion.catalogue.museums.models import Museum
from museion.catalogue.tickets.models import (
    Ticket,
    TicketExhibition,
    TicketMuseum,
    TicketQuota,
    TicketType,
)
from museion.db import paginate

# go~mus: without a type filter, every ticket but annual passes.
DEFAULT_TYPES = (TicketType.NORMAL, TicketType.TIME_SLOT)


@dataclass(frozen=True)
class TicketFilter:
    """The go~mus ticket filters; None means "not filtered"."""

    museum_ids: Sequence[int] | None = None
    exhibition_ids: Sequence[int] | None = None
    ticket_ids: Sequence[int] | None = None
    types: Sequence[TicketType] | None = None
    free_timing: bool | None = None
    search: str | None = None
    valid_at: date | None = None
    # Sub tickets of combined tickets are not sold on their own; lists leave them out.
    sub_tickets: bool = False


@dataclass(frozen=True)
class Channel:
    """Which sales channel flag(s) make a ticket bookable for the caller."""

    columns: tuple[str, ...]

    def bookable(self) -> ColumnElement[bool]:
        return or_(*(getattr(Ticket, name).is_(True) for name in self.columns))


def ticket_conditions(f: TicketFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.museum_ids is not None:
        in_museums = select(TicketMuseum.ticket_id).where(TicketMuseum.museum_id.in_(f.museum_ids))
        conditions.append(Ticket.id.in_(in_museums))
    if f.exhibition_ids is not None:
        shown = select(TicketExhibition.ticket_id).where(
            TicketExhibition.exhibition_id.in_(f.exhibition_ids)
        )
        conditions.append(Ticket.id.in_(shown))
    if f.ticket_ids is not None:
        conditions.append(Ticket.id.in_(f.ticket_ids))
    types = DEFAULT_TYPES if f.types is None else f.types
    conditions.append(Ticket.ticket_type.in_([t.value for t in types]))
    if f.free_timing is not None:
        conditions.append(Ticket.free_timing.is_(f.free_timing))
    if f.search:
        conditions.append(Ticket.search_text.contains(f.search, autoescape=True))
    if f.valid_at is not None:
        conditions.append(or_(Ticket.valid_from.is_(None), Ticket.valid_from <= f.valid_at))
        conditions.append(or_(Ticket.valid_to.is_(None), Ticket.valid_to >= f.valid_at))
    if not f.sub_tickets:
        conditions.append(Ticket.parent_id.is_(None))
    return conditions


def _links() -> list[LoaderOption]:
    return [
        selectinload(Ticket.museums),
        selectinload(Ticket.exhibitions),
        selectinload(Ticket.sub_tickets).selectinload(Ticket.museums),
    ]


def _selected(f: TicketFilter, channel: Channel, bookable: bool | None) -> Select[Ticket]:
    statement = select(Ticket).where(*ticket_conditions(f))
    if bookable is not None:
        condition = channel.bookable() & Ticket.parent_id.is_(None)
        statement = statement.where(condition if bookable else ~condition)
    return statement.order_by(Ticket.sort_order, Ticket.id)


# What a listed ticket shows of its own columns (TicketOut): not its content, after-sale text
# or search text (long, and JSON to decode for nothing). Its links come as ids (link_ids).
_LISTS = load_only(
    Ticket.parent_id,
    Ticket.ticket_type,
    Ticket.title,
    Ticket.sub_title,
    Ticket.description,
    Ticket.price_cents,
    Ticket.discount,
    Ticket.vat_pct,
    Ticket.tax_included,
    Ticket.entry_duration,
    Ticket.min_persons,
    Ticket.max_persons,
    Ticket.first_entry,
    Ticket.last_entry,
    Ticket.personalizeable,
    Ticket.attendees,
    Ticket.identification,
    Ticket.free_timing,
    Ticket.bookable_public,
    Ticket.bookable_reseller,
    Ticket.bookable_cashpoint,
    raiseload=True,
)


def list_tickets(
    session: Session,
    f: TicketFilter,
    *,
    channel: Channel,
    bookable: bool | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Ticket]]:
    """One page of tickets with the columns a list shows and no links (see link_ids)."""
    statement = _selected(f, channel, bookable).options(_LISTS)
    return paginate(session, statement, offset=offset, limit=limit)


@dataclass(frozen=True)
class TicketLinks:
    """The ids a ticket links to, each list ascending (as the relationships order them)."""

    museum_ids: list[int] = field(default_factory=list)
    exhibition_ids: list[int] = field(default_factory=list)
    sub_ticket_ids: list[int] = field(default_factory=list)
    quota_ids: list[int] = field(default_factory=list)


def _link_ids_statement() -> CompoundSelect[Any]:
    """(kind, ticket id, linked id) for some tickets: museums 0, exhibitions 1, sub tickets 2,
    quotas 3; ordered, so that each list comes out ascending."""
    ids: Any = bindparam("ticket_ids", expanding=True)

    def kind(number: int) -> Any:
        return literal(number, Integer()).label("kind")

    return union_all(
        select(kind(0), TicketMuseum.ticket_id, TicketMuseum.museum_id.label("linked")).where(
            TicketMuseum.ticket_id.in_(ids)
        ),
        select(kind(1), TicketExhibition.ticket_id, TicketExhibition.exhibition_id).where(
            TicketExhibition.ticket_id.in_(ids)
        ),
        select(kind(2), Ticket.parent_id, Ticket.id).where(Ticket.parent_id.in_(ids)),
        select(kind(3), TicketQuota.ticket_id, TicketQuota.quota_id).where(
            TicketQuota.ticket_id.in_(ids)
        ),
    ).order_by(literal_column("kind"), literal_column("ticket_id"), literal_column("linked"))


_LINK_KINDS = ("museum_ids", "exhibition_ids", "sub_ticket_ids", "quota_ids")
# Built once: a ticket page's links are one statement, not four loader queries of whole rows.
_LINK_IDS = _link_ids_statement()


def link_ids(session: Session, ticket_ids: Collection[int]) -> dict[int, TicketLinks]:
    """ticket id -> the ids of its museums, exhibitions, sub tickets and quotas."""
    found = {ticket_id: TicketLinks() for ticket_id in ticket_ids}
    if not ticket_ids:
        return found
    rows: Sequence[Any] = (
        session.connection().execute(_LINK_IDS, {"ticket_ids": list(ticket_ids)}).all()
    )
    for kind, ticket_id, linked in rows:
        getattr(found[ticket_id], _LINK_KINDS[kind]).append(linked)
    return found


# What counting free units reads of a ticket (availability.counting): its entry window, its
# validity and its museums' ids (opening hours); not its texts, content or exhibitions.
_COUNTS = load_only(
    Ticket.parent_id,
    Ticket.ticket_type,
    Ticket.first_entry,
    Ticket.last_entry,
    Ticket.entry_duration,
    Ticket.valid_from,
    Ticket.valid_to,
    raiseload=True,
)
_MUSEUM_ID = load_only(Museum.id, raiseload=True)
# Joined: one statement for the tickets, their museums and sub tickets (few rows each).
_COUNTED_LINKS = (
    _COUNTS,
    joinedload(Ticket.museums).options(_MUSEUM_ID),
    joinedload(Ticket.sub_tickets).options(_COUNTS).joinedload(Ticket.museums).options(_MUSEUM_ID),
)


def all_tickets(
    session: Session, f: TicketFilter, *, channel: Channel, bookable: bool | None
) -> list[Ticket]:
    """Every matching ticket, with its links."""
    statement = _selected(f, channel, bookable).options(*_links())
    return list(session.scalars(statement))


def tickets_to_count(
    session: Session, f: TicketFilter, *, channel: Channel, bookable: bool | None
) -> list[Ticket]:
    """Every matching ticket (calendars and capacities look at all of them at once), with what
    counting reads of it and its sub tickets, and nothing else."""
    statement = _selected(f, channel, bookable).options(*_COUNTED_LINKS)
    return list(session.scalars(statement).unique())


def get_ticket(
    session: Session, ticket_id: int, *, museum_ids: Sequence[int] | None
) -> Ticket | None:
    f = TicketFilter(
        ticket_ids=[ticket_id], museum_ids=museum_ids, types=list(TicketType), sub_tickets=True
    )
    statement = (
        select(Ticket)
        .where(*ticket_conditions(f))
        .options(
            *_links(),
            selectinload(Ticket.museums).joinedload(Museum.location).joinedload(Location.country),
        )
    )
    return session.scalars(statement).first()


# What selling a ticket reads of it (its texts, content and search text are long and unused).
_SELLS = load_only(
    Ticket.parent_id,
    Ticket.ticket_type,
    Ticket.title,
    Ticket.after_sale_information,
    Ticket.price_cents,
    Ticket.discount,
    Ticket.vat_pct,
    Ticket.tax_included,
    Ticket.first_entry,
    Ticket.last_entry,
    Ticket.entry_duration,
    Ticket.min_persons,
    Ticket.max_persons,
    Ticket.attendees,
    Ticket.valid_from,
    Ticket.valid_to,
    Ticket.bookable_public,
    Ticket.bookable_reseller,
    Ticket.bookable_cashpoint,
    raiseload=True,
)
# A museum of a ticket on sale: its id (opening hours) and address, nothing more.
_MUSEUM_SHOWS = load_only(Museum.id, Museum.location_id, raiseload=True)


def ticket_contents(
    session: Session,
    ticket_ids: Sequence[int],
    *,
    museum_ids: Sequence[int] | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Ticket]]:
    f = TicketFilter(
        ticket_ids=ticket_ids, museum_ids=museum_ids, types=list(TicketType), sub_tickets=True
    )
    statement = select(Ticket).where(*ticket_conditions(f)).order_by(Ticket.id)
    return paginate(session, statement, offset=offset, limit=limit)


def _for_sale(*, in_museums: bool) -> Select[Ticket]:
    statement = (
        select(Ticket)
        .where(Ticket.id == bindparam("ticket_id"))
        .options(
            _SELLS,
            joinedload(Ticket.museums)
            .options(_MUSEUM_SHOWS)
            .joinedload(Museum.location)
            .joinedload(Location.country),
            # Joined too: one round trip for the whole ticket (most tickets have none).
            joinedload(Ticket.sub_tickets)
            .options(_SELLS)
            .joinedload(Ticket.museums)
            .options(_MUSEUM_SHOWS),
        )
    )
    if in_museums:
        linked = select(TicketMuseum.ticket_id).where(
            TicketMuseum.museum_id.in_(bindparam("museum_ids", expanding=True))
        )
        statement = statement.where(Ticket.id.in_(linked))
    return statement


# Built once, each with its loader options: building them again for every order line (and
# computing their cache key) cost more than running them.
_FOR_SALE = _for_sale(in_museums=False)
_FOR_SALE_IN_MUSEUMS = _for_sale(in_museums=True)


def ticket_for_sale(
    session: Session, ticket_id: int, *, museum_ids: Sequence[int] | None
) -> Ticket | None:
    """Like get_ticket, with what selling it needs: museums (with their locations) joined in
    the same query, sub tickets with theirs; no exhibitions. Any ticket type, sub tickets too."""
    if museum_ids is None:
        found = session.scalars(_FOR_SALE, {"ticket_id": ticket_id})
    else:
        parameters = {"ticket_id": ticket_id, "museum_ids": list(museum_ids)}
        found = session.scalars(_FOR_SALE_IN_MUSEUMS, parameters)
    return found.unique().first()
