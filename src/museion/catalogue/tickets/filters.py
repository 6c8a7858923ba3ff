"""The go~mus ticket filter parameters (list and calendar), as FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from museion.catalogue.tickets.models import TicketType
from museion.catalogue.tickets.queries import TicketFilter
from museion.db import search_pattern
from museion.errors import Unprocessable
from museion.web import ApiDate, SearchQuery, id_list

_museum_ids = id_list("by_museum_ids", description="Only tickets of these museums.")
_exhibition_ids = id_list("by_exhibition_ids", description="Only tickets of these exhibitions.")
_ticket_ids = id_list("by_ticket_ids", description="Only these tickets.")
_asked_ids = id_list("ticket_ids", description="The tickets asked about (required).")
# `ticket_ids[]` of /tickets/content and /tickets/capacities: which tickets, not a filter.
TicketIds = Annotated[list[int] | None, Depends(_asked_ids)]

Bookable = Annotated[
    bool | None, Query(description="Only (not) bookable for the caller; default: all.")
]
ValidAt = Annotated[
    ApiDate | None, Query(description="Day of validity (YYYY-MM-DD); default today.")
]


async def _ticket_types(
    bracket: Annotated[
        list[TicketType] | None,
        Query(alias="by_ticket_types[]", description="Only these types (default: all but annual)."),
    ] = None,
    plain: Annotated[
        list[TicketType] | None, Query(alias="by_ticket_types", include_in_schema=False)
    ] = None,
) -> list[TicketType] | None:
    if bracket is None and plain is None:
        return None
    return list(dict.fromkeys([*(bracket or []), *(plain or [])]))


async def ticket_filter(
    museum_ids: Annotated[list[int] | None, Depends(_museum_ids)],
    exhibition_ids: Annotated[list[int] | None, Depends(_exhibition_ids)],
    ticket_ids: Annotated[list[int] | None, Depends(_ticket_ids)],
    ticket_types: Annotated[list[TicketType] | None, Depends(_ticket_types)],
    by_ticket_type: Annotated[
        TicketType | None, Query(description="Only this type (default: all but annual).")
    ] = None,
    by_free_timing: Annotated[
        bool | None, Query(description="Only (no) flex tickets, sold without a date.")
    ] = None,
    q: SearchQuery = None,
) -> TicketFilter:
    types = ticket_types
    if by_ticket_type is not None:
        types = [*(types or []), by_ticket_type]
    return TicketFilter(
        museum_ids=museum_ids,
        exhibition_ids=exhibition_ids,
        ticket_ids=ticket_ids,
        types=types,
        free_timing=by_free_timing,
        search=search_pattern(q) if q else None,
    )


TicketFilterDep = Annotated[TicketFilter, Depends(ticket_filter)]


def required(ticket_ids: list[int] | None) -> list[int]:
    if not ticket_ids:
        raise Unprocessable("ticket_ids[] is required")
    return ticket_ids
