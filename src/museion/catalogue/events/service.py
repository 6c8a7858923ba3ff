"""Event and date rules: sales channels decide `bookable`, windows are local days, limits apply."""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from museion.access import Access, Principal, limit_to_museums
from museion.catalogue.events import queries
from museion.catalogue.events.fragments import Fragments
from museion.catalogue.events.models import (
    DateStatus,
    Event,
    EventCategory,
    EventDate,
    Language,
    Seating,
    Tag,
    TagKind,
)
from museion.catalogue.events.queries import (
    Channel,
    DatePage,
    DateQuery,
    EventFilter,
    EventPage,
    EventQuery,
    LiveDate,
    LiveEvent,
)
from museion.errors import Forbidden, NotFound, Unprocessable

# The types the routes name: routes never import models or queries (STYLE.md section 3).
__all__ = [
    "DatePage",
    "DateQuery",
    "DateStatus",
    "EventDate",
    "EventFilter",
    "EventQuery",
    "LiveDate",
    "TagKind",
]

# Every start_at/end_at window (/dates, /calendar, /events/:id/dates and /calendar, the ticket
# calendar) may cover a year plus a day: go~mus answers such windows today, although the older
# docs name 31 days, and clients ask for 46-day ticket calendars and eight-month overviews.
MAX_WINDOW_DAYS = 366
UPCOMING_START_TIMES = 10
EMBEDDED_DATES = 25

_CHANNELS = {
    Access.PUBLIC: Channel(("bookable_public",)),
    Access.CUSTOMER: Channel(("bookable_public",)),
    Access.RESELLER: Channel(("bookable_reseller",)),
    Access.CASHPOINT: Channel(("bookable_cashpoint",)),
}
# Museum staff book on behalf of anyone: any channel will do.
_ANY_CHANNEL = Channel(("bookable_public", "bookable_reseller", "bookable_cashpoint"))


def channel_for(principal: Principal) -> Channel:
    return _CHANNELS.get(principal.access, _ANY_CHANNEL)


def scoped(principal: Principal, f: EventFilter) -> EventFilter:
    """Museum-limited tokens never see other museums' events, whatever the filter says."""
    return replace(f, museum_ids=limit_to_museums(principal, f.museum_ids))


def is_event_bookable(event: Event, channel: Channel) -> bool:
    return any(getattr(event, column) for column in channel.columns)


def is_date_bookable(event_date: EventDate, channel: Channel, now: datetime) -> bool:
    return (
        event_date.status == DateStatus.BOOKED.value
        and event_date.start_at > now
        and event_date.seats_taken < event_date.seats_max
        and is_event_bookable(event_date.event, channel)
    )


@dataclass(frozen=True)
class Window:
    """Whole local days [first, last], as UTC instants [start, end)."""

    first: date
    last: date
    start: datetime
    end: datetime

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def bounds(self, zone: ZoneInfo) -> list[datetime]:
        """Where each day starts, as UTC instants, and where the last one ends."""
        starts = [datetime.combine(day, time(), tzinfo=zone).astimezone(UTC) for day in self.days]
        return [*starts, self.end]


def window(first: date, last: date, zone: ZoneInfo) -> Window:
    if last < first:
        raise Unprocessable("start_at must not be after end_at")
    if (last - first).days + 1 > MAX_WINDOW_DAYS:
        raise Unprocessable(
            f"the time range from start_at to end_at may span at most {MAX_WINDOW_DAYS} days"
        )
    # Midnight in local time: daylight-saving days are 23 or 25 hours long, and that is right.
    start = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return Window(first, last, start, end)


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def calendar_window(
    start_at: date | None, end_at: date | None, today: date, zone: ZoneInfo
) -> Window:
    """go~mus /dates and /calendar: from today to the end of the start month by default."""
    first = start_at or today
    return window(first, end_at or end_of_month(first), zone)


def event_dates_window(
    day: date | None, start_at: date | None, end_at: date | None, today: date, zone: ZoneInfo
) -> Window:
    """go~mus /events/:id/dates: one day (`date`, default today), or a start_at/end_at window."""
    if start_at is None and end_at is None:
        first = last = day or today
    else:
        first = start_at or today
        last = end_at or end_of_month(first)
    return window(first, last, zone)


def check_status(principal: Principal, status: DateStatus) -> DateStatus:
    # go~mus: cancelled dates are for content API users only.
    if status is DateStatus.CANCELLED and principal.access is not Access.USER:
        raise Forbidden("by_status=cancelled needs a user token")
    return status


@dataclass(frozen=True)
class EventList:
    """A page of events as live figures (see queries.event_page), with the next bookable start
    times of each event that has them."""

    page: EventPage
    upcoming: dict[int, list[datetime]]


def list_events(
    session: Session,
    principal: Principal,
    q: EventQuery,
    *,
    now: datetime,
    offset: int,
    limit: int,
) -> EventList:
    """Events with their next bookable start times; their content comes from events_by_id, or
    from what the caller rendered of it before under the same content generation."""
    channel = channel_for(principal)
    q = replace(q, events=scoped(principal, q.events))
    page = queries.event_page(session, q, channel=channel, now=now, offset=offset, limit=limit)
    # Only the caller's channel books dates: an event it does not sell has none ahead.
    sold = [e.id for e in page.events if e.bookable]
    upcoming = queries.upcoming_start_times(session, sold, channel, now, UPCOMING_START_TIMES)
    return EventList(page, upcoming)


def events_by_id(session: Session, event_ids: Collection[int]) -> list[Event]:
    """The content of listed events (see list_events)."""
    return queries.events_by_id(session, event_ids)


@dataclass(frozen=True)
class EventDetail:
    """An event's live figures: whether the caller can book it, its next bookable start times,
    its embedded dates; and the content generation they were read under."""

    event: LiveEvent
    generation: int
    upcoming: list[datetime]
    dates: list[LiveDate]


def get_event(session: Session, principal: Principal, event_id: int, now: datetime) -> Event:
    event = queries.get_event(session, event_id, scoped(principal, EventFilter()))
    if event is None:
        raise NotFound(f"event {event_id} not found")
    return event


def event_detail(
    session: Session, principal: Principal, event_id: int, now: datetime
) -> EventDetail:
    """The event with its upcoming dates embedded, so a detail page needs one request."""
    channel = channel_for(principal)
    found = queries.live_event(session, event_id, scoped(principal, EventFilter()), channel)
    if found is None:
        raise NotFound(f"event {event_id} not found")
    sold_here, generation = found
    ahead = queries.dates_ahead(
        session,
        event_id,
        sold_here=sold_here,
        now=now,
        end=now + timedelta(days=3660),
        limit=EMBEDDED_DATES,
    )
    upcoming = [d.start_at for d in ahead if d.bookable][:UPCOMING_START_TIMES]
    # The embedded dates are the first of all booked dates ahead: when they hold enough bookable
    # ones, those are the next bookable start times; otherwise these lie beyond them (or are
    # fewer), and only the query knows.
    if sold_here and len(upcoming) < UPCOMING_START_TIMES:
        found_times = queries.upcoming_start_times(
            session, [event_id], channel, now, UPCOMING_START_TIMES
        )
        upcoming = found_times.get(event_id, [])
    return EventDetail(LiveEvent(event_id, sold_here), generation, upcoming, ahead)


def event_content(session: Session, event_id: int) -> Event:
    """An event's content for its detail (the caller checked it may see it: event_detail)."""
    event = queries.event_by_id(session, event_id)
    if event is None:
        raise NotFound(f"event {event_id} not found")
    return event


def date_page(
    session: Session,
    principal: Principal,
    q: DateQuery,
    *,
    now: datetime,
    offset: int,
    limit: int,
    totals: Fragments[int] | None = None,
) -> DatePage:
    """A page of dates as live figures only: the dates' content comes from dates_by_id, or from what
    the caller rendered of it before under the same content generation."""
    q = replace(q, events=scoped(principal, q.events))
    return queries.date_page(
        session,
        q,
        channel=channel_for(principal),
        now=now,
        offset=offset,
        limit=limit,
        totals=totals,
    )


def require_event(session: Session, principal: Principal, event_id: int) -> None:
    """get_event without loading the event: NotFound unless the caller may see it."""
    if not queries.event_exists(session, event_id, scoped(principal, EventFilter())):
        raise NotFound(f"event {event_id} not found")


def event_date_page(
    session: Session,
    principal: Principal,
    event_id: int,
    q: DateQuery,
    *,
    now: datetime,
    offset: int,
    limit: int,
    totals: Fragments[int] | None = None,
) -> DatePage:
    require_event(session, principal, event_id)
    q = replace(q, events=EventFilter(event_ids=[event_id]))
    return date_page(session, principal, q, now=now, offset=offset, limit=limit, totals=totals)


def dates_by_id(session: Session, date_ids: Collection[int]) -> list[EventDate]:
    """The content of listed dates (seat figures not filled in: see date_page)."""
    return queries.dates_by_id(session, date_ids)


def get_date(
    session: Session, principal: Principal, event_id: int, date_id: int, now: datetime
) -> EventDate:
    """A date is found only under its own event (another event's date id is a 404)."""
    found = queries.get_date(session, event_id, date_id, scoped(principal, EventFilter()))
    if found is None:
        raise NotFound(f"date {date_id} of event {event_id} not found")
    return with_orders(session, [found], now)[0]


def with_orders(session: Session, dates: list[EventDate], now: datetime) -> list[EventDate]:
    """Fill in the seats of live order bookings of each date (one query for all of them)."""
    ordered = queries.ordered_seats(session, [d.id for d in dates], now)
    for event_date in dates:
        event_date.seats_ordered = ordered.get(event_date.id, 0)
    return dates


def date_languages(
    session: Session, principal: Principal, q: DateQuery, *, now: datetime
) -> list[Language]:
    q = replace(q, events=scoped(principal, q.events))
    return queries.date_languages(session, q, channel=channel_for(principal), now=now)


def calendar_any(
    session: Session, principal: Principal, q: DateQuery, w: Window, zone: ZoneInfo, now: datetime
) -> dict[date, bool]:
    """One boolean per day: is there a date (matching the filters) that day?"""
    q = replace(q, events=scoped(principal, q.events))
    busy = queries.busy_days(session, q, w.bounds(zone), channel=channel_for(principal), now=now)
    return {day: n in busy for n, day in enumerate(w.days)}


@dataclass(frozen=True, slots=True)
class CalendarDates:
    """Every day of a window with its dates as live figures (see date_page), and the content
    generation they were read under."""

    generation: int
    days: dict[date, list[LiveDate]]


def calendar_all(
    session: Session, principal: Principal, q: DateQuery, w: Window, zone: ZoneInfo, now: datetime
) -> CalendarDates:
    """Every day of the window with its dates."""
    q = replace(q, events=scoped(principal, q.events))
    days: dict[date, list[LiveDate]] = {day: [] for day in w.days}
    generation, found = queries.window_dates(session, q, channel=channel_for(principal), now=now)
    for live in found:
        days[live.start_at.astimezone(zone).date()].append(live)
    return CalendarDates(generation, days)


def used_categories(session: Session, principal: Principal, f: EventFilter) -> list[EventCategory]:
    """Filter values: only categories of events the caller can book."""
    return queries.used_categories(session, scoped(principal, f), channel_for(principal))


def used_languages(session: Session, principal: Principal, f: EventFilter) -> list[Language]:
    return queries.used_languages(session, scoped(principal, f), channel_for(principal))


def used_tags(session: Session, principal: Principal, f: EventFilter, kind: TagKind) -> list[Tag]:
    return queries.used_tags(session, scoped(principal, f), channel_for(principal), kind)


def get_seating(session: Session, principal: Principal, seating_id: int) -> Seating:
    """A museum-limited token sees only the seat plans of its museums' dates."""
    museum_ids = None if principal.museum_ids is None else sorted(principal.museum_ids)
    seating = queries.get_seating(session, seating_id, museum_ids)
    if seating is None:
        raise NotFound(f"seating {seating_id} not found")
    return seating


def taken_seats(session: Session, date_id: int, now: datetime) -> set[int]:
    """Seats of a date's seat plan that live bookings hold."""
    return queries.taken_seats(session, date_id, now)
