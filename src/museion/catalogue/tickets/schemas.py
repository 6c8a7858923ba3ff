"""go~mus tickets.md shapes: ticket list and detail, contents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from museion.catalogue.schemas import LocationOut
from museion.web import Meta, Render, Text

if TYPE_CHECKING:
    from museion.catalogue.tickets.models import Ticket


class Links(Protocol):
    """The ids a ticket links to, each list ascending (catalogue.tickets.queries.TicketLinks)."""

    @property
    def museum_ids(self) -> list[int]: ...
    @property
    def exhibition_ids(self) -> list[int]: ...
    @property
    def sub_ticket_ids(self) -> list[int]: ...
    @property
    def quota_ids(self) -> list[int]: ...


class TicketOut(BaseModel):
    id: int
    title: Text
    sub_title: Text
    description: Text
    ticket_type: str
    bookable: bool
    museum_ids: list[int]
    exhibition_ids: list[int]
    quota_ids: list[int]
    price_cents: int
    discount: int
    vat_pct: float
    tax_included: bool
    entry_duration: int | None
    min_persons: int
    max_persons: int
    first_entry: int
    last_entry: int
    personalizeable: bool
    attendees: str
    identification: bool
    free_timing: bool
    is_sub_ticket: bool
    sub_ticket_ids: list[int]

    @classmethod
    def fields_of(
        cls, ticket: Ticket, bookable: bool, links: Links, render: Render
    ) -> dict[str, Any]:
        return {
            "id": ticket.id,
            "title": render.text(ticket.title),
            "sub_title": render.text(ticket.sub_title),
            "description": render.text(ticket.description),
            "ticket_type": ticket.ticket_type,
            "bookable": bookable,
            "museum_ids": list(links.museum_ids),
            "exhibition_ids": list(links.exhibition_ids),
            "quota_ids": list(links.quota_ids),
            "price_cents": ticket.price_cents,
            "discount": ticket.discount,
            "vat_pct": ticket.vat_pct,
            "tax_included": ticket.tax_included,
            "entry_duration": ticket.entry_duration,
            "min_persons": ticket.min_persons,
            "max_persons": ticket.max_persons,
            "first_entry": ticket.first_entry,
            "last_entry": ticket.last_entry,
            "personalizeable": ticket.personalizeable,
            "attendees": ticket.attendees,
            "identification": ticket.identification,
            "free_timing": ticket.free_timing,
            "is_sub_ticket": ticket.is_sub_ticket,
            "sub_ticket_ids": list(links.sub_ticket_ids),
        }

    @classmethod
    def build(cls, ticket: Ticket, bookable: bool, links: Links, render: Render) -> TicketOut:
        return cls.model_construct(**cls.fields_of(ticket, bookable, links, render))


class TicketDetailOut(TicketOut):
    after_sale_information: Text
    content: dict[str, Text]
    location: LocationOut | None

    @classmethod
    def build_detail(
        cls, ticket: Ticket, bookable: bool, links: Links, render: Render
    ) -> TicketDetailOut:
        # go~mus: the location of the museum the ticket belongs to (the first one, if several).
        museum = ticket.museums[0] if ticket.museums else None
        return cls(
            **TicketOut.fields_of(ticket, bookable, links, render),
            after_sale_information=render.text(ticket.after_sale_information),
            content=render.content(ticket.content),
            location=LocationOut.build(museum.location if museum else None, render),
        )


class TicketsEnvelope(BaseModel):
    tickets: list[TicketOut]
    meta: Meta


class TicketEnvelope(BaseModel):
    ticket: TicketDetailOut


class TicketContentOut(BaseModel):
    id: int
    content: dict[str, Text]

    @classmethod
    def build(cls, ticket: Ticket, attr: str | None, render: Render) -> TicketContentOut:
        content = render.content(ticket.content)
        if attr is not None:
            content = {key: value for key, value in content.items() if key == attr}
        return cls(id=ticket.id, content=content)


class TicketContentsEnvelope(BaseModel):
    data: list[TicketContentOut]
    meta: Meta
