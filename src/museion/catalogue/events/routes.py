"""GET /events..., /dates..., /calendar, /seatings/:id.svg (go~mus events.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, create_model

from museion.auth import PrincipalDep
from museion.catalogue.events import service, svg
from museion.catalogue.events.filters import (
    Bookable,
    ByStatus,
    DateFilterDep,
    Depth,
    EndAt,
    EventFilterDep,
    LanguageIds,
    StartAt,
)
from museion.catalogue.events.fragments import Fragments
from museion.catalogue.events.schemas import (
    CalendarAllEnvelope,
    CalendarAnyEnvelope,
    CategoriesEnvelope,
    CategoryOut,
    DateDetailOut,
    DateEnvelope,
    DateFragment,
    DateOut,
    DatesEnvelope,
    EventEnvelope,
    EventFragment,
    EventsEnvelope,
    LanguagesEnvelope,
    NamedOut,
    SeatingOut,
    calendar_any_json,
    calendar_json,
    dates_json,
    event_json,
    events_json,
)
from museion.catalogue.events.service import (
    DateQuery,
    DateStatus,
    EventDate,
    EventFilter,
    EventQuery,
    TagKind,
)
from museion.db import SessionDep
from museion.system.cache import PAGE_EVENTS
from museion.web import (
    ApiDate,
    ApiRoute,
    NowDep,
    PaginationDep,
    PathId,
    Render,
    RenderDep,
    SettingsDep,
)

router = APIRouter(tags=["events"], route_class=ApiRoute)
JSON = "application/json"

TAG_ROUTES = {
    TagKind.AGE_GROUP: "age_groups",
    TagKind.AUDIENCE: "audiences",
    TagKind.CATCH_WORD: "catch_words",
    TagKind.DISABLEMENT: "disablements",
    TagKind.GRADE: "grades",
    TagKind.PROPOSAL_CATEGORY: "proposal_categories",
}
TAG_ENVELOPES: dict[TagKind, type[BaseModel]] = {
    kind: create_model(  # type: ignore[call-overload]
        f"{plural.title().replace('_', '')}Envelope", **{plural: (list[NamedOut], ...)}
    )
    for kind, plural in TAG_ROUTES.items()
}


def _date_out(
    event_date: EventDate, principal: PrincipalDep, render: Render, now: datetime
) -> DateOut:
    bookable = service.is_date_bookable(event_date, service.channel_for(principal), now)
    return DateOut.build(event_date, bookable, render)


def _fragments_of(
    request: Request,
    session: SessionDep,
    generation: int,
    dates: list[service.LiveDate],
    render: Render,
) -> dict[int, DateFragment]:
    """The content of dates as DateOut writes it, from the fragments this process rendered
    before under the same content generation (rendered now where missing). A date deleted
    since its live figures were read has none."""
    fragments: Fragments[DateFragment] = request.app.state.date_fragments
    found = {d.id: fragments.get(generation, (d.id, render)) for d in dates}
    missing = [date_id for date_id, fragment in found.items() if fragment is None]
    if missing:
        for event_date in service.dates_by_id(session, missing):
            fragment = DateFragment.of(event_date, render)
            fragments.put(generation, (event_date.id, render), fragment)
            found[event_date.id] = fragment
    return {date_id: fragment for date_id, fragment in found.items() if fragment is not None}


def _dates_answer(
    request: Request,
    session: SessionDep,
    page: service.DatePage,
    render: Render,
    pagination: PaginationDep,
    seats_of: list[int] | None,
) -> Response:
    """A page of dates as DatesEnvelope writes it: each date's fragment (_fragments_of) with its
    seats and bookability merged in live.

    `seats_of`: the events whose seats the page depends on (those of its dates; None: the seats
    of every date the filters select, as with `by_bookable`). The response cache keeps the
    page while their seat versions stand (museion.system.cache)."""
    if seats_of is not None:
        setattr(request.state, PAGE_EVENTS, seats_of)
    written = _date_fragments(request, session, page.generation, page.dates, render)
    return Response(dates_json(written, pagination.meta(page.total)), media_type=JSON)


CANCELLED_NEEDS_USER = {
    "description": "`by_status=cancelled` or `locale[]` (several locales) without a user token."
}

# Filter values. Declared before /events/{event_id}, which would otherwise catch them.


@router.get("/events/categories", summary="Categories used by events you can book")
def event_categories(
    session: SessionDep, principal: PrincipalDep, render: RenderDep
) -> CategoriesEnvelope:
    """The categories of the events the caller can book (the token's sales
    channel and museums), for the `by_category_ids[]` filter."""
    found = service.used_categories(session, principal, EventFilter())
    return CategoriesEnvelope(
        categories=[c for c in (CategoryOut.build(x, render) for x in found) if c]
    )


@router.get("/events/languages", summary="Languages of events you can book")
def event_languages(
    session: SessionDep, principal: PrincipalDep, render: RenderDep
) -> LanguagesEnvelope:
    """The languages of the events the caller can book, for the
    `by_language_ids[]` filter."""
    found = service.used_languages(session, principal, EventFilter())
    return LanguagesEnvelope(languages=[NamedOut.build(language, render) for language in found])


def _tag_route(kind: TagKind, plural: str) -> None:
    envelope = TAG_ENVELOPES[kind]

    def used(session: SessionDep, principal: PrincipalDep, render: RenderDep) -> BaseModel:
        found = service.used_tags(session, principal, EventFilter(), kind)
        return envelope(**{plural: [NamedOut.build(tag, render) for tag in found]})

    router.add_api_route(
        f"/events/{plural}",
        used,
        methods=["GET"],
        response_model=envelope,
        summary=f"{plural.replace('_', ' ').capitalize()} used by events you can book",
        description=f"The {plural.replace('_', ' ')} that the events the caller can book are "
        f"tagged with (the token's sales channel and museums), for the `by_{kind.value}_ids[]` "
        "filter.",
        name=f"event_{plural}",
    )


for _kind, _plural in TAG_ROUTES.items():
    _tag_route(_kind, _plural)


@router.get("/events", summary="List of events", response_model=EventsEnvelope)
def list_events(
    request: Request,
    session: SessionDep,
    now: NowDep,
    principal: PrincipalDep,
    render: RenderDep,
    pagination: PaginationDep,
    f: EventFilterDep,
    language_ids: LanguageIds,
    by_bookable: Bookable = None,
    with_bookings_in_future: Annotated[
        bool | None, Query(description="Only events with (without) bookable dates ahead.")
    ] = None,
) -> Response:
    """Events, filtered by museum, exhibition, category, tags, language and
    bookability; each with its next start times."""
    q = EventQuery(
        events=f,
        bookable=by_bookable,
        language_ids=language_ids,
        with_future_dates=with_bookings_in_future,
    )
    found = service.list_events(
        session, principal, q, now=now, offset=pagination.offset, limit=pagination.per_page
    )
    page = found.page
    fragments = _event_fragments(
        request, session, page.generation, [e.id for e in page.events], render
    )
    written = [
        fragment.json(e.bookable, found.upcoming.get(e.id, []), render)
        for e in page.events
        if (fragment := fragments.get(e.id)) is not None
    ]
    return Response(events_json(written, pagination.meta(page.total)), media_type=JSON)


def _event_fragments(
    request: Request, session: SessionDep, generation: int, event_ids: list[int], render: Render
) -> dict[int, EventFragment]:
    """The listed events' fragments, from those this process rendered before under the same
    content generation (rendered now where missing), as _dates_answer does for dates."""
    kept: Fragments[EventFragment] = request.app.state.event_fragments
    found = {event_id: kept.get(generation, (event_id, render)) for event_id in event_ids}
    missing = [event_id for event_id, fragment in found.items() if fragment is None]
    if missing:
        for event in service.events_by_id(session, missing):
            fragment = EventFragment.of(event, render)
            kept.put(generation, (event.id, render), fragment)
            found[event.id] = fragment
    return {event_id: fragment for event_id, fragment in found.items() if fragment is not None}


def _date_fragments(
    request: Request,
    session: SessionDep,
    generation: int,
    dates: list[service.LiveDate],
    render: Render,
) -> list[bytes]:
    """The dates' JSON in order, their content from the date fragments (as _dates_answer)."""
    found = _fragments_of(request, session, generation, dates, render)
    return [f.json(d) for d in dates if (f := found.get(d.id)) is not None]


@router.get(
    "/events/{event_id}",
    summary="Details of an event, with its upcoming dates",
    response_model=EventEnvelope,
)
def show_event(
    request: Request,
    event_id: PathId,
    session: SessionDep,
    now: NowDep,
    principal: PrincipalDep,
    render: RenderDep,
) -> Response:
    """One event with its content, documents and its upcoming dates."""
    detail = service.event_detail(session, principal, event_id, now)
    kept: Fragments[EventFragment] = request.app.state.event_fragments
    # A detail's fragment holds its content and documents too: filed apart from the list's.
    key = (event_id, render, "detail")
    fragment = kept.get(detail.generation, key)
    if fragment is None:
        fragment = EventFragment.of_detail(service.event_content(session, event_id), render)
        kept.put(detail.generation, key, fragment)
    dates = _date_fragments(request, session, detail.generation, detail.dates, render)
    written = fragment.json(detail.event.bookable, detail.upcoming, render, dates)
    return Response(event_json(written), media_type=JSON)


@router.get("/events/{event_id}/categories", summary="The category of one event")
def one_event_categories(
    event_id: PathId, session: SessionDep, now: NowDep, principal: PrincipalDep, render: RenderDep
) -> CategoriesEnvelope:
    """The category of one event, as a list (empty when it has none)."""
    event = service.get_event(session, principal, event_id, now)
    category = CategoryOut.build(event.category, render)
    return CategoriesEnvelope(categories=[category] if category else [])


@router.get("/events/{event_id}/languages", summary="The languages of one event")
def one_event_languages(
    event_id: PathId, session: SessionDep, now: NowDep, principal: PrincipalDep, render: RenderDep
) -> LanguagesEnvelope:
    """The languages in which one event takes place."""
    event = service.get_event(session, principal, event_id, now)
    return LanguagesEnvelope(languages=[NamedOut.build(lang, render) for lang in event.languages])


def _one_event_tag_route(kind: TagKind, plural: str) -> None:
    envelope = TAG_ENVELOPES[kind]

    def tags(
        event_id: PathId,
        session: SessionDep,
        now: NowDep,
        principal: PrincipalDep,
        render: RenderDep,
    ) -> BaseModel:
        event = service.get_event(session, principal, event_id, now)
        found = [NamedOut.build(tag, render) for tag in event.tags if tag.kind == kind.value]
        return envelope(**{plural: found})

    router.add_api_route(
        f"/events/{{event_id}}/{plural}",
        tags,
        methods=["GET"],
        response_model=envelope,
        summary=f"The {plural.replace('_', ' ')} of one event",
        description=f"The {plural.replace('_', ' ')} one event is tagged with.",
        name=f"one_event_{plural}",
    )


for _kind in (TagKind.AUDIENCE, TagKind.AGE_GROUP):
    _one_event_tag_route(_kind, TAG_ROUTES[_kind])


@router.get(
    "/events/{event_id}/dates",
    summary="Dates of one event (one day, or up to 366 days)",
    response_model=DatesEnvelope,
)
def list_event_dates(
    request: Request,
    event_id: PathId,
    session: SessionDep,
    now: NowDep,
    principal: PrincipalDep,
    render: RenderDep,
    settings: SettingsDep,
    pagination: PaginationDep,
    language_ids: LanguageIds,
    date: Annotated[
        ApiDate | None, Query(description="One day (YYYY-MM-DD); default today.")
    ] = None,
    start_at: Annotated[ApiDate | None, Query(description="First day, instead of `date`.")] = None,
    end_at: Annotated[ApiDate | None, Query(description="Last day, instead of `date`.")] = None,
    by_bookable: Bookable = None,
) -> Response:
    """The dates of one event on one day (`date`, default today) or from
    `start_at` to `end_at` (at most 366 days)."""
    w = service.event_dates_window(
        date, start_at, end_at, now.astimezone(settings.zone).date(), settings.zone
    )
    q = DateQuery(
        events=EventFilter(),
        start=w.start,
        end=w.end,
        language_ids=language_ids,
        bookable=by_bookable,
    )
    page = service.event_date_page(
        session,
        principal,
        event_id,
        q,
        now=now,
        offset=pagination.offset,
        limit=pagination.per_page,
        totals=request.app.state.date_totals,
    )
    # by_bookable or not: only this event's seats decide the page.
    return _dates_answer(request, session, page, render, pagination, [event_id])


@router.get("/events/{event_id}/dates/{date_id}", summary="Details of one date")
def show_date(
    event_id: PathId,
    date_id: PathId,
    session: SessionDep,
    now: NowDep,
    principal: PrincipalDep,
    render: RenderDep,
) -> DateEnvelope:
    """One date with its prices, seats left and, for a date with a seat plan, the plan
    with the seats that are blocked or taken."""
    event_date = service.get_date(session, principal, event_id, date_id, now)
    out = _date_out(event_date, principal, render, now)
    seatings = []
    if event_date.seating is not None:
        # Sold seats are as unavailable as blocked ones (go~mus: "blocked seats and reservations").
        taken = service.taken_seats(session, event_date.id, now)
        blocked = [seat.id for seat in event_date.seating.seats if seat.blocked or seat.id in taken]
        seatings.append(SeatingOut.build(event_date.seating, blocked))
    return DateEnvelope(
        date=DateDetailOut(
            **out.model_dump(),
            description=render.text(event_date.event.description),
            vat_pct=event_date.vat_pct,
            discount=event_date.discount,
            tax_included=event_date.tax_included,
            seatings=seatings,
        )
    )


@router.get(
    "/events/{event_id}/calendar",
    summary="Obsolete: use /calendar?by_event_ids[]=:id",
    response_model=CalendarAnyEnvelope | CalendarAllEnvelope,
)
def event_calendar(
    request: Request,
    event_id: PathId,
    session: SessionDep,
    now: NowDep,
    principal: PrincipalDep,
    render: RenderDep,
    settings: SettingsDep,
    start_at: StartAt = None,
    end_at: EndAt = None,
    depth: Depth = "any",
    by_bookable: Bookable = None,
) -> Response:
    """Obsolete (go~mus keeps it for old clients): the calendar of one event; use
    `/calendar?by_event_ids[]=:id`."""
    service.require_event(session, principal, event_id)
    return _calendar(
        request,
        session,
        now,
        principal,
        render,
        settings,
        EventFilter(event_ids=[event_id]),
        start_at,
        end_at,
        depth,
        None,
        by_bookable,
    )


def _date_query(
    f: EventFilter,
    start_at: date | None,
    end_at: date | None,
    settings: SettingsDep,
    principal: PrincipalDep,
    status: DateStatus,
    language_ids: list[int] | None,
    bookable: bool | None,
    now: datetime,
) -> tuple[DateQuery, service.Window]:
    today = now.astimezone(settings.zone).date()
    w = service.calendar_window(start_at, end_at, today, settings.zone)
    q = DateQuery(
        events=f,
        start=w.start,
        end=w.end,
        status=service.check_status(principal, status),
        language_ids=language_ids,
        bookable=bookable,
    )
    return q, w


@router.get(
    "/dates",
    summary="The global calendar: dates of all events in a time window",
    responses={403: CANCELLED_NEEDS_USER},
    response_model=DatesEnvelope,
)
def list_dates(
    request: Request,
    session: SessionDep,
    now: NowDep,
    principal: PrincipalDep,
    render: RenderDep,
    settings: SettingsDep,
    pagination: PaginationDep,
    f: DateFilterDep,
    language_ids: LanguageIds,
    start_at: StartAt = None,
    end_at: EndAt = None,
    by_status: ByStatus = DateStatus.BOOKED,
    by_bookable: Bookable = None,
) -> Response:
    """The dates of all events from `start_at` to `end_at` (default: today to the end
    of the month, at most 366 days), with the same filters as `/events`. `by_status=cancelled`
    needs a user token."""
    q, _ = _date_query(
        f, start_at, end_at, settings, principal, by_status, language_ids, by_bookable, now
    )
    page = service.date_page(
        session,
        principal,
        q,
        now=now,
        offset=pagination.offset,
        limit=pagination.per_page,
        totals=request.app.state.date_totals,
    )
    # Without by_bookable, seats decide only the figures of the page's own dates.
    seats_of = None if by_bookable is not None else sorted({d.event_id for d in page.dates})
    return _dates_answer(request, session, page, render, pagination, seats_of)


@router.get(
    "/dates/languages",
    summary="Languages of the dates the same filters select",
    responses={403: CANCELLED_NEEDS_USER},
)
def dates_languages(
    session: SessionDep,
    now: NowDep,
    principal: PrincipalDep,
    render: RenderDep,
    settings: SettingsDep,
    f: DateFilterDep,
    language_ids: LanguageIds,
    start_at: StartAt = None,
    end_at: EndAt = None,
    by_status: ByStatus = DateStatus.BOOKED,
    by_bookable: Bookable = None,
) -> LanguagesEnvelope:
    """The languages of the dates that the same filters as `/dates` select."""
    q, _ = _date_query(
        f, start_at, end_at, settings, principal, by_status, language_ids, by_bookable, now
    )
    found = service.date_languages(session, principal, q, now=now)
    return LanguagesEnvelope(languages=[NamedOut.build(language, render) for language in found])


def _calendar(
    request: Request,
    session: SessionDep,
    now: datetime,
    principal: PrincipalDep,
    render: Render,
    settings: SettingsDep,
    f: EventFilter,
    start_at: date | None,
    end_at: date | None,
    depth: str,
    language_ids: list[int] | None,
    bookable: bool | None,
) -> Response:
    """The calendar's answer, as CalendarAnyEnvelope or CalendarAllEnvelope writes it.

    What its seats depend on, for the response cache: without `by_bookable`, `depth=any` on
    no seats at all and `depth=all` on those of its dates' events; with it, on every date's
    (or, for one event's calendar, that event's)."""
    q, w = _date_query(
        f, start_at, end_at, settings, principal, DateStatus.BOOKED, language_ids, bookable, now
    )
    one_event = f.event_ids if f.event_ids is not None and len(f.event_ids) == 1 else None
    if depth == "any":
        days = service.calendar_any(session, principal, q, w, settings.zone, now)
        seats_of = [] if bookable is None else one_event
        if seats_of is not None:
            setattr(request.state, PAGE_EVENTS, list(seats_of))
        body = calendar_any_json({day.isoformat(): busy for day, busy in days.items()})
        return Response(body, media_type=JSON)
    found = service.calendar_all(session, principal, q, w, settings.zone, now)
    dates = [live for per_day in found.days.values() for live in per_day]
    if bookable is None:
        setattr(request.state, PAGE_EVENTS, sorted({d.event_id for d in dates}))
    elif one_event is not None:
        setattr(request.state, PAGE_EVENTS, list(one_event))
    fragments = _fragments_of(request, session, found.generation, dates, render)
    per_day = {
        day.isoformat(): [
            kept.json(d) for d in day_dates if (kept := fragments.get(d.id)) is not None
        ]
        for day, day_dates in found.days.items()
    }
    return Response(calendar_json(per_day), media_type=JSON)


@router.get(
    "/calendar",
    summary="Per day: are there dates (depth=any) or which (depth=all)",
    response_model=CalendarAnyEnvelope | CalendarAllEnvelope,
)
def global_calendar(
    request: Request,
    session: SessionDep,
    now: NowDep,
    principal: PrincipalDep,
    render: RenderDep,
    settings: SettingsDep,
    f: DateFilterDep,
    language_ids: LanguageIds,
    start_at: StartAt = None,
    end_at: EndAt = None,
    depth: Depth = "any",
    by_bookable: Bookable = None,
) -> Response:
    """Per day from `start_at` to `end_at`: whether there are bookable dates
    (`depth=any`, the default) or which dates they are (`depth=all`)."""
    return _calendar(
        request,
        session,
        now,
        principal,
        render,
        settings,
        f,
        start_at,
        end_at,
        depth,
        language_ids,
        by_bookable,
    )


@router.get(
    "/seatings/{seating_id}.svg",
    summary="A seat plan as SVG",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
)
def seating_svg(seating_id: PathId, session: SessionDep, principal: PrincipalDep) -> Response:
    """A seat plan drawn as SVG (rows, seats and their categories); the `visual_url`
    of a date's seating points here. A museum-limited token gets only its museums' plans."""
    seating = service.get_seating(session, principal, seating_id)
    return Response(svg.render_seating(seating), media_type="image/svg+xml")
