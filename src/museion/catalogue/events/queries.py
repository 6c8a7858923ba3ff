"""Event and date statements. The calendar path is a count plus one page query, with batch loads."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import (
    Session,
    aliased,
    contains_eager,
    defer,
    joinedload,
    selectinload,
)
from sqlalchemy.orm.interfaces import LoaderOption
from sqlalchemy.sql.elements import BindParameter

from museion.catalogue.events.fragments import Fragments
from museion.catalogue.events.models import (
    BookedSeat,
    DateStatus,
    Event,
    EventBooking,
    EventCategory,
    EventDate,
    EventLanguage,
    EventTag,
    Language,
    ScalePrice,
    Seating,
    Tag,
    TagKind,
)
from museion.catalogue.models import Location
from museion.catalogue.museums.models import Museum
from museion.db import LIKE_ESCAPE, contains_pattern
from museion.system.cache import CONTENT_GENERATION

NO_EXHIBITION = -1


@dataclass(frozen=True)
class EventFilter:
    """The go~mus event filters; None means "not filtered"."""

    museum_ids: Sequence[int] | None = None
    exhibition_ids: Sequence[int] | None = None  # -1: events of no exhibition
    event_ids: Sequence[int] | None = None
    category_ids: Sequence[int] | None = None
    categories: Sequence[str] | None = None  # by filtername
    tag_ids: dict[TagKind, Sequence[int]] = field(default_factory=dict)
    featured: bool | None = None
    search: str | None = None


@dataclass(frozen=True)
class Channel:
    """Which sales channel flag(s) make an event bookable for the caller."""

    columns: tuple[str, ...]

    def bookable(self) -> ColumnElement[bool]:
        return or_(*(getattr(Event, name).is_(True) for name in self.columns))


def event_conditions(f: EventFilter, *, bound: bool = False) -> list[ColumnElement[bool]]:
    """The conditions of filter `f` on Event. `bound=True` writes every filter value as a named
    bound parameter instead (their values: filter_values), so that one statement built for a
    shape of filters (filter_shape) serves every request of that shape."""
    conditions: list[ColumnElement[bool]] = []
    values = filter_values(f)

    def value(name: str) -> Any:
        return bindparam(name, expanding=name != "search") if bound else values[name]

    if f.museum_ids is not None:
        conditions.append(Event.museum_id.in_(value("museum_ids")))
    if f.exhibition_ids is not None:
        conditions.append(_exhibition_condition(f.exhibition_ids, value("exhibition_ids")))
    if f.event_ids is not None:
        conditions.append(Event.id.in_(value("event_ids")))
    if f.category_ids is not None:
        conditions.append(Event.category_id.in_(value("category_ids")))
    if f.categories is not None:
        by_name = select(EventCategory.id).where(EventCategory.filtername.in_(value("categories")))
        conditions.append(Event.category_id.in_(by_name))
    for kind in f.tag_ids:
        tagged = (
            select(EventTag.event_id)
            .join(Tag, Tag.id == EventTag.tag_id)
            .where(Tag.kind == kind.value, EventTag.tag_id.in_(value(f"tag_{kind.value}")))
        )
        conditions.append(Event.id.in_(tagged))
    if f.featured is not None:
        conditions.append(Event.featured.is_(f.featured))
    if f.search:
        conditions.append(Event.search_text.like(value("search"), escape=LIKE_ESCAPE))
    return conditions


def filter_shape(f: EventFilter) -> tuple[Any, ...]:
    """What decides the statement of filter `f` (which filters are set), not its values."""
    exhibitions = f.exhibition_ids
    return (
        f.museum_ids is not None,
        None
        if exhibitions is None
        else (any(i != NO_EXHIBITION for i in exhibitions), NO_EXHIBITION in exhibitions),
        f.event_ids is not None,
        f.category_ids is not None,
        f.categories is not None,
        tuple(sorted(kind.value for kind in f.tag_ids)),
        f.featured,
        bool(f.search),
    )


def filter_values(f: EventFilter) -> dict[str, Any]:
    """The values of filter `f` under the names `event_conditions(bound=True)` gives them."""
    values: dict[str, Any] = {}
    for name in ("museum_ids", "event_ids", "category_ids", "categories"):
        if (chosen := getattr(f, name)) is not None:
            values[name] = list(chosen)
    if f.exhibition_ids is not None:
        values["exhibition_ids"] = [i for i in f.exhibition_ids if i != NO_EXHIBITION]
    for kind, ids in f.tag_ids.items():
        values[f"tag_{kind.value}"] = list(ids)
    if f.search:
        values["search"] = contains_pattern(f.search)
    return values


def _exhibition_condition(ids: Sequence[int], real: Any) -> ColumnElement[bool]:
    """Events of exhibitions `real` (the ids of `ids` but -1, or their bound parameter), and of
    no exhibition where `ids` holds -1."""
    has_real = any(i != NO_EXHIBITION for i in ids)
    parts: list[ColumnElement[bool]] = [Event.exhibition_id.in_(real)] if has_real else []
    if NO_EXHIBITION in ids:
        parts.append(Event.exhibition_id.is_(None))
    return or_(*parts) if parts else false()


def _ordered_seats(now: datetime | BindParameter[datetime]) -> ScalarSelect[int]:
    """Seats of the live bookings of the date in the outer query (a correlated subquery)."""
    return (
        select(func.coalesce(func.sum(EventBooking.quantity), 0))
        .where(EventBooking.date_id == EventDate.id, EventBooking.live_at(now))
        .scalar_subquery()
    )


def date_bookable(channel: Channel, now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    """Booked (not cancelled), still ahead, seats left, and sold on the caller's channel."""
    return and_(
        EventDate.status == DateStatus.BOOKED.value,
        EventDate.start_at > now,
        EventDate.seats_booked + _ordered_seats(now) < EventDate.seats_max,
        channel.bookable(),
    )


def ordered_seats(session: Session, date_ids: Collection[int], now: datetime) -> dict[int, int]:
    """Seats of live bookings per date, for many dates in one query."""
    if not date_ids:
        return {}
    statement = (
        select(EventBooking.date_id, func.sum(EventBooking.quantity))
        .where(EventBooking.date_id.in_(date_ids), EventBooking.live_at(now))
        .group_by(EventBooking.date_id)
    )
    return {date_id: int(n) for date_id, n in session.execute(statement)}


def _with_bookable(
    condition: ColumnElement[bool], wanted: bool | None
) -> list[ColumnElement[bool]]:
    if wanted is None:
        return []
    return [condition if wanted else not_(condition)]


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """What of a listed event the caller's channel decides: whether it can book the event."""

    id: int
    bookable: bool


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of events: the total, the page's events in order, and the content generation
    they were read under (see museion.system.cache.CONTENT_GENERATION)."""

    total: int
    generation: int
    events: list[LiveEvent]


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Which events: the event filters plus languages, bookability and dates ahead."""

    events: EventFilter
    bookable: bool | None = None
    language_ids: Sequence[int] | None = None
    with_future_dates: bool | None = None


# The statements of event_page per shape of query, as _PAGE_STATEMENTS for dates.
_EVENT_PAGE_STATEMENTS: dict[tuple[Any, ...], tuple[Select[Any], Select[Any]]] = {}


def _event_page_statements(q: EventQuery, channel: Channel) -> tuple[Select[Any], Select[Any]]:
    """(the page statement, the count statement) for the shape of `q`, every value bound: the
    filters (filter_values), `language_ids`, `now`, `offset` and `limit`."""
    shape = (
        filter_shape(q.events),
        q.bookable,
        q.language_ids is not None,
        q.with_future_dates,
        channel,
    )
    found = _EVENT_PAGE_STATEMENTS.get(shape)
    if found is not None:
        return found
    conditions = event_conditions(q.events, bound=True)
    conditions += _with_bookable(channel.bookable(), q.bookable)
    if q.language_ids is not None:
        spoken = select(EventLanguage.event_id).where(
            EventLanguage.language_id.in_(bindparam("language_ids", expanding=True))
        )
        conditions.append(Event.id.in_(spoken))
    if q.with_future_dates is not None:
        now: BindParameter[datetime] = bindparam("now", type_=EventDate.start_at.type)
        # Per event from its own dates' index, the first one found deciding. (`id IN (dates
        # bookable on the channel)` was correlated through the channel condition, and read
        # every date ahead of every event once per event.)
        ahead = select(EventDate.id).where(
            EventDate.event_id == Event.id, date_bookable(channel, now)
        )
        upcoming = and_(channel.bookable(), ahead.exists())
        conditions.append(upcoming if q.with_future_dates else not_(upcoming))
    page = (
        select(Event.id, channel.bookable(), CONTENT_GENERATION)
        .where(*conditions)
        .order_by(Event.id)
        .offset(bindparam("offset", type_=Integer()))
        .limit(bindparam("limit", type_=Integer()))
    )
    count = select(func.count()).select_from(Event).where(*conditions)
    if len(_EVENT_PAGE_STATEMENTS) >= _PAGE_SHAPES:
        _EVENT_PAGE_STATEMENTS.clear()
    built: tuple[Select[Any], Select[Any]] = (page, count)
    _EVENT_PAGE_STATEMENTS[shape] = built
    return built


def event_page(
    session: Session, q: EventQuery, *, channel: Channel, now: datetime, offset: int, limit: int
) -> EventPage:
    """A page of events without loading them: their ids, bookability and the content generation
    in one statement (their content comes from events_by_id, or from what the caller rendered
    of it before under the same generation); then the count."""
    page, count = _event_page_statements(q, channel)
    values = {**filter_values(q.events), "now": now, "offset": offset, "limit": limit}
    if q.language_ids is not None:
        values["language_ids"] = list(q.language_ids)
    rows: Sequence[Any] = session.connection().execute(page, values).all()
    events = [LiveEvent(event_id, bool(bookable)) for event_id, bookable, _generation in rows]
    total = int(session.connection().scalar(count, values) or 0)
    generation = int(rows[0][-1] or 0) if rows else 0
    return EventPage(total, generation, events)


def events_by_id(session: Session, event_ids: Collection[int]) -> list[Event]:
    """Events with what an event list shows of them (not their content and documents)."""
    statement = (
        select(Event)
        .where(Event.id.in_(event_ids))
        .order_by(Event.id)
        .options(*EVENT_LOADS, *EVENT_LIST_DEFERRED)
    )
    return list(session.scalars(statement))


# A list shows neither content nor documents; leave them (and the search text) unread.
EVENT_LIST_DEFERRED: tuple[LoaderOption, ...] = (
    defer(Event.content),
    defer(Event.documents),
    defer(Event.search_text),
)
# Built once: constructing loader options costs more than running the small queries they add.
EVENT_LOADS: tuple[LoaderOption, ...] = (
    joinedload(Event.category),
    joinedload(Event.picture),
    joinedload(Event.location).joinedload(Location.country),
    joinedload(Event.museum)
    .load_only(Museum.id, Museum.location_id)
    .joinedload(Museum.location)
    .joinedload(Location.country),
    selectinload(Event.tags),
    selectinload(Event.languages),
)


def get_event(session: Session, event_id: int, f: EventFilter) -> Event | None:
    statement = (
        select(Event)
        .where(Event.id == event_id, *event_conditions(f))
        .options(*EVENT_LOADS, selectinload(Event.scale_prices))
    )
    return session.scalars(statement).first()


def event_exists(session: Session, event_id: int, f: EventFilter) -> bool:
    """get_event without loading it: whether the caller may see event `event_id`."""
    statement = select(Event.id).where(Event.id == event_id, *event_conditions(f))
    return session.scalar(statement) is not None


# The statements of live_event per shape of filter and channel.
_LIVE_EVENT_STATEMENTS: dict[tuple[Any, ...], Select[Any]] = {}


def live_event(
    session: Session, event_id: int, f: EventFilter, channel: Channel
) -> tuple[bool, int] | None:
    """Whether the caller may see event `event_id` (None: it may not), and if so whether its
    channel sells it and the content generation, without loading the event."""
    key = (filter_shape(f), channel)
    statement = _LIVE_EVENT_STATEMENTS.get(key)
    if statement is None:
        statement = select(channel.bookable(), CONTENT_GENERATION).where(
            Event.id == bindparam("event_id", type_=Integer()),
            *event_conditions(f, bound=True),
        )
        _LIVE_EVENT_STATEMENTS[key] = statement
    values = {**filter_values(f), "event_id": event_id}
    row = session.connection().execute(statement, values).first()
    return None if row is None else (bool(row[0]), int(row[1] or 0))


def event_by_id(session: Session, event_id: int) -> Event | None:
    """An event with what its detail shows of it (content and documents too)."""
    return session.scalars(select(Event).where(Event.id == event_id).options(*EVENT_LOADS)).first()


_DatesAhead = Select[int, str, datetime, int, int, int, int | None]


def _dates_ahead_statement() -> _DatesAhead:
    now: BindParameter[datetime] = bindparam("now", type_=EventDate.start_at.type)
    return (
        select(
            EventDate.id,
            EventDate.status,
            EventDate.start_at,
            EventDate.seats_min,
            EventDate.seats_max,
            EventDate.seats_booked + _ordered_seats(now),
            EventDate.max_per_registration,
        )
        .where(
            EventDate.event_id == bindparam("event_id", type_=Integer()),
            EventDate.status == DateStatus.BOOKED.value,
            EventDate.start_at >= now,
            EventDate.start_at < bindparam("end", type_=EventDate.start_at.type),
        )
        .order_by(EventDate.start_at, EventDate.id)
        .limit(bindparam("limit", type_=Integer()))
    )


_DATES_AHEAD = _dates_ahead_statement()


def dates_ahead(
    session: Session, event_id: int, *, sold_here: bool, now: datetime, end: datetime, limit: int
) -> list[LiveDate]:
    """The first `limit` booked dates of an event from `now` to `end` as live figures;
    `sold_here`: whether the caller's channel sells the event."""
    values = {"event_id": event_id, "now": now, "end": end, "limit": limit}
    rows = session.connection().execute(_DATES_AHEAD, values).all()
    return [
        LiveDate(
            id=date_id,
            event_id=event_id,
            start_at=start_at,
            bookable=sold_here
            and status == DateStatus.BOOKED.value
            and start_at > now
            and taken < seats_max,
            seats_min=seats_min,
            seats_max=seats_max,
            seats_taken=taken,
            max_per_registration=per_registration,
        )
        for date_id, status, start_at, seats_min, seats_max, taken, per_registration in rows
    ]


def upcoming_start_times(
    session: Session, event_ids: Sequence[int], channel: Channel, now: datetime, per_event: int
) -> dict[int, list[datetime]]:
    """The next bookable start times of many events in one statement: each event's first
    `per_event` read from its (event_id, status, start_at) index (_upcoming_statement)."""
    if not event_ids:
        return {}
    statement = _upcoming_statement(session.get_bind().dialect.name, channel)
    values = {"event_ids": list(event_ids), "now": now, "per_event": per_event}
    found: dict[int, list[datetime]] = {}
    for event_id, start_at in session.connection().execute(statement, values).all():
        found.setdefault(event_id, []).append(start_at)
    return found


_UPCOMING_STATEMENTS: dict[tuple[str, Channel], Select[int, datetime]] = {}


def _upcoming_statement(dialect: str, channel: Channel) -> Select[int, datetime]:
    """Per event a LIMIT on its own dates, so that only the dates shown are read (ranking all of
    a page's future dates with a window function read about ten times as many, each with its
    seat count). PostgreSQL runs the limited subquery once per event as a LATERAL join; SQLite
    has no LATERAL, but runs a correlated `id IN (... LIMIT n)` once per event, and PostgreSQL
    would run that once per date of the table. Built once per dialect and channel."""
    key = (dialect, channel)
    found = _UPCOMING_STATEMENTS.get(key)
    if found is not None:
        return found
    now: BindParameter[datetime] = bindparam("now", type_=EventDate.start_at.type)
    first = (
        select(EventDate.id, EventDate.start_at)
        .where(EventDate.event_id == Event.id, date_bookable(channel, now))
        .order_by(EventDate.start_at, EventDate.id)
        .limit(bindparam("per_event", type_=Integer()))
    )
    events = Event.id.in_(bindparam("event_ids", expanding=True))
    statement: Select[int, datetime]
    if dialect == "postgresql":
        ahead = first.lateral("ahead")
        statement = (
            select(Event.id, ahead.c.start_at)
            .join(ahead, true())
            .where(events)
            .order_by(Event.id, ahead.c.start_at, ahead.c.id)
        )
    else:
        shown = aliased(EventDate, name="shown")
        statement = (
            select(Event.id, shown.start_at)
            .join(shown, shown.id.in_(first.with_only_columns(EventDate.id)))
            .where(events)
            .order_by(Event.id, shown.start_at, shown.id)
        )
    _UPCOMING_STATEMENTS[key] = statement
    return statement


@dataclass(frozen=True)
class DateQuery:
    """Which dates: event filters plus a time window, status, language and bookability."""

    events: EventFilter
    start: datetime
    end: datetime  # exclusive
    status: DateStatus | None = DateStatus.BOOKED
    language_ids: Sequence[int] | None = None
    bookable: bool | None = None


def _dates_statement(
    q: DateQuery,
    channel: Channel,
    now: datetime | BindParameter[datetime],
    *,
    join_event: bool = True,
    bound: bool = False,
    window: bool = True,
) -> Select[EventDate]:
    """`join_event=False` leaves the event out where no condition needs it (counting).
    `bound=True`: every value a bound parameter (see _date_page_statements). `window=False`
    leaves out the time window (the caller sets its own: busy_days)."""
    statement = select(EventDate)
    if window:
        start: Any = bindparam("start", type_=EventDate.start_at.type) if bound else q.start
        end: Any = bindparam("end", type_=EventDate.start_at.type) if bound else q.end
        statement = statement.where(EventDate.start_at >= start, EventDate.start_at < end)
    conditions = event_conditions(q.events, bound=bound)
    if join_event or conditions or q.bookable is not None:
        statement = statement.join(Event, Event.id == EventDate.event_id).where(*conditions)
    if q.status is not None:
        statement = statement.where(EventDate.status == q.status.value)
    if q.language_ids is not None:
        languages = bindparam("language_ids", expanding=True) if bound else q.language_ids
        statement = statement.where(EventDate.language_id.in_(languages))
    return statement.where(*_with_bookable(date_bookable(channel, now), q.bookable))


# The dates statements join Event already (for filters); contains_eager reuses that join.
# Columns a date list shows of its event; the long texts (description, content) stay unread.
_EVENT_LIST_COLUMNS = (
    Event.id, Event.museum_id, Event.exhibition_id, Event.category_id, Event.title,
    Event.sub_title, Event.registerable, Event.entry_fee, Event.location_id, Event.duration,
    Event.bookable_public, Event.bookable_reseller, Event.bookable_cashpoint,
)  # fmt: skip
_DATE_LOADS: tuple[LoaderOption, ...] = (
    contains_eager(EventDate.event).joinedload(Event.category),
    contains_eager(EventDate.event).joinedload(Event.location).joinedload(Location.country),
    contains_eager(EventDate.event)
    .joinedload(Event.museum)
    .load_only(Museum.id, Museum.location_id)
    .joinedload(Museum.location)
    .joinedload(Location.country),
    contains_eager(EventDate.event)
    .selectinload(Event.scale_prices)
    .joinedload(ScalePrice.seat_category),
    joinedload(EventDate.language),
    joinedload(EventDate.location).joinedload(Location.country),
)
DATE_LIST_LOADS = (contains_eager(EventDate.event).load_only(*_EVENT_LIST_COLUMNS), *_DATE_LOADS)
DATE_DETAIL_LOADS = (
    *_DATE_LOADS,
    selectinload(EventDate.seating).selectinload(Seating.categories),
    selectinload(EventDate.seating).selectinload(Seating.rows),
    selectinload(EventDate.seating).selectinload(Seating.types),
    selectinload(EventDate.seating).selectinload(Seating.seats),
)


def list_dates(
    session: Session, q: DateQuery, *, channel: Channel, now: datetime, offset: int, limit: int
) -> tuple[int, list[EventDate]]:
    # Without event filters the count runs on the (status, start_at) index alone.
    counting = _dates_statement(q, channel, now, join_event=False)
    total = session.scalar(counting.with_only_columns(func.count(), maintain_column_froms=True))
    if not total:
        return 0, []
    # Page ids first: ordering narrow index entries is cheap, ordering wide joined rows is not
    # (SQLite would sort every matching row with all its joins before applying LIMIT).
    page_ids = session.scalars(
        _dates_statement(q, channel, now)
        .with_only_columns(EventDate.id)
        .order_by(EventDate.start_at, EventDate.id)
        .offset(offset)
        .limit(limit)
    ).all()
    if not page_ids:
        return int(total), []
    return int(total), dates_by_id(session, page_ids)


def dates_by_id(session: Session, date_ids: Collection[int]) -> list[EventDate]:
    """Dates with what a date list shows of them (events, categories, places, prices)."""
    dates = session.scalars(
        select(EventDate)
        .join(Event, Event.id == EventDate.event_id)
        .where(EventDate.id.in_(date_ids))
        .order_by(EventDate.start_at, EventDate.id)
        .options(*DATE_LIST_LOADS)
    ).all()
    return list(dates)


@dataclass(frozen=True, slots=True)
class LiveDate:
    """What of a listed date changes without its content changing: its seats, and whether the
    caller can book it now."""

    id: int
    event_id: int
    start_at: datetime
    bookable: bool
    seats_min: int
    seats_max: int
    seats_taken: int
    max_per_registration: int | None


@dataclass(frozen=True, slots=True)
class DatePage:
    """One page of dates: the total, the live figures of the page's dates in order, and the
    content generation they were read under (see museion.system.cache.CONTENT_GENERATION)."""

    total: int
    generation: int
    dates: list[LiveDate]


def _live_columns(channel: Channel, now: BindParameter[datetime]) -> tuple[Any, ...]:
    """The columns _live_dates reads: a date's live figures and the content generation."""
    return (
        EventDate.id,
        EventDate.event_id,
        EventDate.status,
        EventDate.start_at,
        EventDate.seats_min,
        EventDate.seats_max,
        EventDate.seats_booked + _ordered_seats(now),
        EventDate.max_per_registration,
        channel.bookable(),
        CONTENT_GENERATION,
    )


def _live_dates(rows: Sequence[Any], now: datetime) -> list[LiveDate]:
    """LiveDates of rows of _live_columns; bookable as date_bookable decides it in SQL."""
    return [
        LiveDate(
            id=date_id,
            event_id=event_id,
            start_at=start_at,
            bookable=bool(
                sold_here
                and status == DateStatus.BOOKED.value
                and start_at > now
                and taken < seats_max
            ),
            seats_min=seats_min,
            seats_max=seats_max,
            seats_taken=taken,
            max_per_registration=per_registration,
        )
        for (
            date_id,
            event_id,
            status,
            start_at,
            seats_min,
            seats_max,
            taken,
            per_registration,
            sold_here,
            _generation,
        ) in rows
    ]


# The statements of date_page per shape of query (see _page_shape): building a statement and its
# cache key costs more than running it. Bounded: the shapes a client can send are many.
_PAGE_STATEMENTS: dict[tuple[Any, ...], tuple[Select[Any], Select[Any]]] = {}
_PAGE_SHAPES = 1024


def _page_shape(q: DateQuery, channel: Channel) -> tuple[Any, ...]:
    return (filter_shape(q.events), q.status, q.language_ids is not None, q.bookable, channel)


def _date_page_statements(q: DateQuery, channel: Channel) -> tuple[Select[Any], Select[Any]]:
    """(the page statement, the count statement) for the shape of `q`, every value bound: the
    filters (filter_values), `start`, `end`, `now`, `language_ids`, `offset` and `limit`."""
    shape = _page_shape(q, channel)
    found = _PAGE_STATEMENTS.get(shape)
    if found is not None:
        return found
    now: BindParameter[datetime] = bindparam("now", type_=EventDate.start_at.type)
    page_ids = (
        _dates_statement(q, channel, now, bound=True)
        .with_only_columns(EventDate.id)
        .order_by(EventDate.start_at, EventDate.id)
        .offset(bindparam("offset", type_=Integer()))
        .limit(bindparam("limit", type_=Integer()))
        .correlate(None)
    )
    page = (
        select(*_live_columns(channel, now))
        .join(Event, Event.id == EventDate.event_id)
        .where(EventDate.id.in_(page_ids))
        .order_by(EventDate.start_at, EventDate.id)
    )
    counting = _dates_statement(q, channel, now, join_event=False, bound=True)
    count = counting.with_only_columns(func.count(), maintain_column_froms=True)
    if len(_PAGE_STATEMENTS) >= _PAGE_SHAPES:
        _PAGE_STATEMENTS.clear()
    built: tuple[Select[Any], Select[Any]] = (page, count)
    _PAGE_STATEMENTS[shape] = built
    return built


def date_page(
    session: Session,
    q: DateQuery,
    *,
    channel: Channel,
    now: datetime,
    offset: int,
    limit: int,
    totals: Fragments[int] | None = None,
) -> DatePage:
    """list_dates without loading the dates: one statement for the page's ids with their live
    seat figures, bookability and the content generation; then the count, unless `totals`
    holds it for this generation (a total changes with content only, except by bookability)."""
    page, count = _date_page_statements(q, channel)
    values = {
        **filter_values(q.events),
        "start": q.start,
        "end": q.end,
        "now": now,
        "offset": offset,
        "limit": limit,
    }
    if q.language_ids is not None:
        values["language_ids"] = list(q.language_ids)
    rows: Sequence[Any] = session.connection().execute(page, values).all()
    dates = _live_dates(rows, now)
    generation = int(rows[0][-1] or 0) if rows else None
    # Kept totals: not where seats decide (by_bookable), nor without a generation (no rows).
    keep = totals if q.bookable is None and generation is not None else None
    key = (repr(q), channel)
    total = keep.get(generation, key) if keep is not None and generation is not None else None
    if total is None:
        total = int(session.connection().scalar(count, values) or 0)
        if keep is not None and generation is not None:
            keep.put(generation, key, total)
    return DatePage(total, generation or 0, dates)


# Statements of busy_days per (shape of query, days it asks about): a month, a quarter, a year.
_DAY_SLOTS = (31, 92, 366)
_BUSY_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _busy_days_statement(q: DateQuery, channel: Channel, slots: int) -> Any:
    shape = (_page_shape(q, channel), slots)
    found = _BUSY_STATEMENTS.get(shape)
    if found is not None:
        return found
    now: BindParameter[datetime] = bindparam("now", type_=EventDate.start_at.type)
    base = _dates_statement(
        q, channel, now, join_event=False, bound=True, window=False
    ).with_only_columns(EventDate.id)
    at = EventDate.start_at.type
    days: list[Select[Any]] = [
        select(literal_column(str(day))).where(
            base.where(
                EventDate.start_at >= bindparam(f"from_{day}", type_=at),
                EventDate.start_at < bindparam(f"until_{day}", type_=at),
            ).exists()
        )
        for day in range(slots)
    ]
    if len(_BUSY_STATEMENTS) >= _PAGE_SHAPES:
        _BUSY_STATEMENTS.clear()
    built = _BUSY_STATEMENTS[shape] = union_all(*days)
    return built


def busy_days(
    session: Session, q: DateQuery, bounds: Sequence[datetime], *, channel: Channel, now: datetime
) -> set[int]:
    """Which days hold a date of `q` (its window aside): day n runs from bounds[n] to
    bounds[n + 1]. One statement asks each day whether it holds one (EXISTS: an index seek to
    the day's first date that qualifies), where reading every start time of a month read
    every date in it (17,000 in a museum network's month)."""
    days = len(bounds) - 1
    slots = next((n for n in _DAY_SLOTS if n >= days), days)
    values: dict[str, Any] = {**filter_values(q.events), "now": now}
    if q.language_ids is not None:
        values["language_ids"] = list(q.language_ids)
    for day in range(slots):
        # Slots past the window ask about an empty range.
        first, until = (bounds[day], bounds[day + 1]) if day < days else (bounds[-1], bounds[-1])
        values[f"from_{day}"] = first
        values[f"until_{day}"] = until
    statement = _busy_days_statement(q, channel, slots)
    found: Sequence[Any] = session.connection().execute(statement, values).scalars().all()
    return {int(day) for day in found}


_WINDOW_STATEMENTS: dict[tuple[Any, ...], Select[Any]] = {}


def window_dates(
    session: Session, q: DateQuery, *, channel: Channel, now: datetime
) -> tuple[int, list[LiveDate]]:
    """Every date of `q`'s window in order, as live figures only (see date_page), with the
    content generation they were read under."""
    shape = _page_shape(q, channel)
    statement = _WINDOW_STATEMENTS.get(shape)
    if statement is None:
        bound_now: BindParameter[datetime] = bindparam("now", type_=EventDate.start_at.type)
        statement = (
            _dates_statement(q, channel, bound_now, bound=True)
            .with_only_columns(*_live_columns(channel, bound_now))
            .order_by(EventDate.start_at, EventDate.id)
        )
        if len(_WINDOW_STATEMENTS) >= _PAGE_SHAPES:
            _WINDOW_STATEMENTS.clear()
        _WINDOW_STATEMENTS[shape] = statement
    values = {**filter_values(q.events), "start": q.start, "end": q.end, "now": now}
    if q.language_ids is not None:
        values["language_ids"] = list(q.language_ids)
    rows: Sequence[Any] = session.connection().execute(statement, values).all()
    return (int(rows[0][-1] or 0) if rows else 0), _live_dates(rows, now)


def date_languages(
    session: Session, q: DateQuery, *, channel: Channel, now: datetime
) -> list[Language]:
    used = _dates_statement(q, channel, now).with_only_columns(EventDate.language_id)
    return list(
        session.scalars(select(Language).where(Language.id.in_(used)).order_by(Language.id))
    )


def get_date(session: Session, event_id: int, date_id: int, f: EventFilter) -> EventDate | None:
    statement = (
        select(EventDate)
        .join(Event, Event.id == EventDate.event_id)
        .where(EventDate.id == date_id, EventDate.event_id == event_id, *event_conditions(f))
        .options(*DATE_DETAIL_LOADS)
    )
    return session.scalars(statement).first()


def get_seating(
    session: Session, seating_id: int, museum_ids: Sequence[int] | None
) -> Seating | None:
    """A seat plan; with `museum_ids`, only one that a date of those museums' events uses."""
    statement = (
        select(Seating)
        .where(Seating.id == seating_id)
        .options(
            selectinload(Seating.categories),
            selectinload(Seating.rows),
            selectinload(Seating.types),
            selectinload(Seating.seats),
        )
    )
    if museum_ids is not None:
        used_there = (
            select(EventDate.id)
            .join(Event, Event.id == EventDate.event_id)
            .where(EventDate.seating_id == Seating.id, Event.museum_id.in_(museum_ids))
        )
        statement = statement.where(used_there.exists())
    return session.scalars(statement).first()


def used_categories(session: Session, f: EventFilter, channel: Channel) -> list[EventCategory]:
    used = select(Event.category_id).where(*event_conditions(f), channel.bookable())
    statement = select(EventCategory).where(EventCategory.id.in_(used)).order_by(EventCategory.id)
    return list(session.scalars(statement))


def used_languages(session: Session, f: EventFilter, channel: Channel) -> list[Language]:
    events = select(Event.id).where(*event_conditions(f), channel.bookable())
    used = select(EventLanguage.language_id).where(EventLanguage.event_id.in_(events))
    return list(
        session.scalars(select(Language).where(Language.id.in_(used)).order_by(Language.id))
    )


def used_tags(session: Session, f: EventFilter, channel: Channel, kind: TagKind) -> list[Tag]:
    events = select(Event.id).where(*event_conditions(f), channel.bookable())
    used = select(EventTag.tag_id).where(EventTag.event_id.in_(events))
    statement = (
        select(Tag).where(Tag.kind == kind.value, Tag.id.in_(used)).order_by(Tag.sort_order, Tag.id)
    )
    return list(session.scalars(statement))


def taken_seats(session: Session, date_id: int, now: datetime) -> set[int]:
    """Seats of the date's seat plan held by live bookings."""
    statement = (
        select(BookedSeat.seat_id)
        .join(EventBooking, EventBooking.id == BookedSeat.booking_id)
        .where(BookedSeat.date_id == date_id, EventBooking.live_at(now))
    )
    return set(session.scalars(statement))
