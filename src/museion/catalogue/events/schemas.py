"""go~mus events.md shapes (events, dates, prices, seatings, filter values, calendar)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from museion.catalogue.schemas import LocationOut, PictureOut
from museion.web import Meta, Render, Text

if TYPE_CHECKING:
    from museion.catalogue.events.models import (
        Event,
        EventCategory,
        EventDate,
        Language,
        ScalePrice,
        Seating,
        Tag,
    )

# Hot paths (calendar pages) build their output with model_construct: the values come from our
# own database through typed code, and validating them again would double the cost of a page.
# The tests check every shape against the reference.

# Wire format of `upcoming_bookings_start_times`: local wall-clock time, as real go~mus sends.
WALL_CLOCK = "%Y-%m-%d %H:%M:%S"


def wall_clock(moment: datetime, render: Render) -> str:
    return _wall_clock(moment, render.zone)


# A page of events writes some 250 start times, and the next request writes the same ones:
# converting and formatting each costs more than the rest of writing the page's JSON.
@lru_cache(maxsize=32_768)
def _wall_clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime(WALL_CLOCK)


class NamedOut(BaseModel):
    id: int
    name: Text

    @classmethod
    def build(cls, item: Language | Tag, render: Render) -> NamedOut:
        return cls.model_construct(id=item.id, name=render.text(item.name))


class CategoryOut(BaseModel):
    id: int
    name: Text
    filtername: str

    @classmethod
    def build(cls, category: EventCategory | None, render: Render) -> CategoryOut | None:
        if category is None:
            return None
        return cls.model_construct(
            id=category.id, name=render.text(category.name), filtername=category.filtername
        )


class DocumentOut(BaseModel):
    title: Text
    url: str
    content_type: str | None = None


class EventOut(BaseModel):
    id: int
    exhibition_id: int | None
    museum_id: int
    title: Text
    sub_title: Text
    description: Text
    featured: bool
    bookable: bool
    registerable: bool
    category: CategoryOut | None
    picture: PictureOut
    location: LocationOut | None
    age_groups: list[NamedOut]
    audiences: list[NamedOut]
    catch_words: list[NamedOut]
    disablements: list[NamedOut]
    grades: list[NamedOut]
    proposal_categories: list[NamedOut]
    languages: list[NamedOut]
    min_persons: int
    max_persons: int | None
    max_participants: int | None
    duration: int
    entry_fee: str
    upcoming_bookings_start_times: list[str]

    @classmethod
    def fields_of(
        cls, event: Event, bookable: bool, upcoming: Sequence[datetime], render: Render
    ) -> dict[str, Any]:
        tags: dict[str, list[NamedOut]] = {
            kind: []
            for kind in (
                "age_group",
                "audience",
                "catch_word",
                "disablement",
                "grade",
                "proposal_category",
            )
        }
        for tag in event.tags:
            tags[tag.kind].append(NamedOut.build(tag, render))
        return {
            "id": event.id,
            "exhibition_id": event.exhibition_id,
            "museum_id": event.museum_id,
            "title": render.text(event.title),
            "sub_title": render.text(event.sub_title),
            "description": render.text(event.description),
            "featured": event.featured,
            "bookable": bookable,
            "registerable": event.registerable,
            "category": CategoryOut.build(event.category, render),
            "picture": PictureOut.build(event.picture, render),
            "location": LocationOut.build(event.effective_location, render),
            "age_groups": tags["age_group"],
            "audiences": tags["audience"],
            "catch_words": tags["catch_word"],
            "disablements": tags["disablement"],
            "grades": tags["grade"],
            "proposal_categories": tags["proposal_category"],
            "languages": [NamedOut.build(language, render) for language in event.languages],
            "min_persons": event.min_persons,
            "max_persons": event.max_persons,
            "max_participants": event.max_participants,
            "duration": event.duration,
            "entry_fee": event.entry_fee,
            "upcoming_bookings_start_times": [wall_clock(start, render) for start in upcoming],
        }

    @classmethod
    def build(
        cls, event: Event, bookable: bool, upcoming: Sequence[datetime], render: Render
    ) -> EventOut:
        return cls.model_construct(**cls.fields_of(event, bookable, upcoming, render))


class SeatsOut(BaseModel):
    min: int
    max: int
    booked: int
    available: int
    max_per_registration: int | None


class DefaultPriceOut(BaseModel):
    group: bool
    optional: bool
    price_cents: int


class ScalePriceOut(BaseModel):
    scale_price_id: int
    seat_category_id: int | None
    seat_category_title: str | None
    title: Text
    description: Text
    group: bool
    optional: bool
    price_cents: int
    vat_pct: float

    @classmethod
    def build(cls, price: ScalePrice, render: Render) -> ScalePriceOut:
        return cls.model_construct(
            scale_price_id=price.id,
            seat_category_id=price.seat_category_id,
            seat_category_title=price.seat_category.title if price.seat_category else None,
            title=render.text(price.title),
            description=render.text(price.description),
            group=price.group,
            optional=price.optional,
            price_cents=price.price_cents,
            vat_pct=price.vat_pct,
        )


def prices_of(event_date: EventDate, render: Render) -> list[DefaultPriceOut | ScalePriceOut]:
    """Scale prices where the event has them, otherwise the date's one default price."""
    if event_date.event.scale_prices:
        return [ScalePriceOut.build(p, render) for p in event_date.event.scale_prices]
    if event_date.price_cents is None:
        return []
    return [
        DefaultPriceOut.model_construct(
            group=event_date.price_group,
            optional=event_date.price_optional,
            price_cents=event_date.price_cents,
        )
    ]


class DateOut(BaseModel):
    id: int
    event_id: int
    exhibition_id: int | None
    museum_id: int
    category: CategoryOut | None
    bookable: bool
    registerable: bool
    status: str
    title: Text
    sub_title: Text
    start_time: datetime
    start: datetime
    ende: datetime
    duration: int
    entry_fee: str
    seats: SeatsOut
    language: NamedOut | None
    location: LocationOut | None
    prices: list[DefaultPriceOut | ScalePriceOut]

    @classmethod
    def fields_of(cls, event_date: EventDate, bookable: bool, render: Render) -> dict[str, Any]:
        event = event_date.event
        start = render.time(event_date.start_at)
        return {
            "id": event_date.id,
            "event_id": event.id,
            "exhibition_id": event.exhibition_id,
            "museum_id": event.museum_id,
            "category": CategoryOut.build(event.category, render),
            "bookable": bookable,
            "registerable": event.registerable,
            "status": event_date.status,
            "title": render.text(event_date.title) or render.text(event.title),
            "sub_title": render.text(event.sub_title),
            "start_time": start,
            "start": start,
            "ende": render.time(event_date.end_at),
            "duration": event_date.duration,
            "entry_fee": event.entry_fee,
            "seats": SeatsOut.model_construct(
                min=event_date.seats_min,
                max=event_date.seats_max,
                booked=event_date.seats_taken,
                available=event_date.seats_available,
                max_per_registration=event_date.max_per_registration,
            ),
            "language": NamedOut.build(event_date.language, render)
            if event_date.language
            else None,
            "location": LocationOut.build(event_date.effective_location, render),
            "prices": prices_of(event_date, render),
        }

    @classmethod
    def build(cls, event_date: EventDate, bookable: bool, render: Render) -> DateOut:
        return cls.model_construct(**cls.fields_of(event_date, bookable, render))


class LiveFigures(Protocol):
    """What of a listed date is merged into its pre-rendered JSON at read time."""

    @property
    def bookable(self) -> bool: ...
    @property
    def seats_min(self) -> int: ...
    @property
    def seats_max(self) -> int: ...
    @property
    def seats_taken(self) -> int: ...
    @property
    def max_per_registration(self) -> int | None: ...


_NO_SEATS = SeatsOut.model_construct(min=0, max=0, booked=0, available=0, max_per_registration=None)
_BOOKABLE_KEY = b'"bookable":false'
_SEATS_KEY = b',"seats":'


@dataclass(frozen=True, slots=True)
class DateFragment:
    """A date's JSON in a list, as DateOut writes it, less what changes without its content
    changing: `head` + bookable + `middle` + seats + `tail`. Built once per date, locale and
    content generation; every answer merges in the live figures (LiveFigures)."""

    head: bytes
    middle: bytes
    tail: bytes

    @classmethod
    def of(cls, event_date: EventDate, render: Render) -> DateFragment:
        fields = DateOut.fields_of(event_date, False, render)
        fields["seats"] = _NO_SEATS
        whole = _DATE_OUT.to_json(DateOut.model_construct(**fields))
        # Keys are written unescaped and every quote inside a string value is escaped, so the
        # first `"bookable":` and `,"seats":` are the fields themselves (the category, written
        # before them, has neither key).
        bookable_at = whole.index(_BOOKABLE_KEY) + len(b'"bookable":')
        seats_at = whole.index(_SEATS_KEY, bookable_at) + len(_SEATS_KEY)
        seats_end = whole.index(b"}", seats_at) + 1
        return cls(
            head=whole[:bookable_at],
            middle=whole[bookable_at + len(b"false") : seats_at],
            tail=whole[seats_end:],
        )

    def json(self, live: LiveFigures) -> bytes:
        per_registration = live.max_per_registration
        seats = b'{"min":%d,"max":%d,"booked":%d,"available":%d,"max_per_registration":%b}' % (
            live.seats_min,
            live.seats_max,
            live.seats_taken,
            max(live.seats_max - live.seats_taken, 0),
            b"null" if per_registration is None else b"%d" % per_registration,
        )
        return b"".join(
            (self.head, b"true" if live.bookable else b"false", self.middle, seats, self.tail)
        )


def dates_json(dates: list[bytes], meta: Meta) -> bytes:
    """DatesEnvelope's JSON around dates written by DateFragment.json."""
    return b'{"dates":[%b],"meta":%b}' % (b",".join(dates), _META.to_json(meta))


def calendar_any_json(days: dict[str, bool]) -> bytes:
    """CalendarAnyEnvelope's JSON."""
    return _CALENDAR_ANY.to_json(CalendarAnyEnvelope.model_construct(data=days))


def calendar_json(days: dict[str, list[bytes]]) -> bytes:
    """CalendarAllEnvelope's JSON around each day's dates written by DateFragment.json."""
    written = (b'"%b":[%b]' % (day.encode(), b",".join(dates)) for day, dates in days.items())
    return b'{"data":{%b}}' % b",".join(written)


_UPCOMING_KEY = b',"upcoming_bookings_start_times":'
_DETAIL_END = b'"dates":[],"tickets":[],"quotas":[]}'


@dataclass(frozen=True, slots=True)
class EventFragment:
    """An event's JSON as EventOut (in a list) or EventDetailOut (`of_detail`) writes it, less
    what changes without its content changing: `head` + bookable + `middle` + upcoming start
    times + `tail`, and for a detail its dates + `end`. Built once per event, locale and content
    generation; every answer merges in the live figures."""

    head: bytes
    middle: bytes
    tail: bytes
    end: bytes = b""

    @classmethod
    def of(cls, event: Event, render: Render) -> EventFragment:
        out = EventOut.build(event, False, [], render)
        return cls._split(_EVENT_OUT.to_json(out), b"")

    @classmethod
    def of_detail(cls, event: Event, render: Render) -> EventFragment:
        out = EventDetailOut(
            **EventOut.fields_of(event, False, [], render),
            content=render.content(event.content),
            documents=[
                DocumentOut(
                    title=render.text(d.get("title")),
                    url=d["url"],
                    content_type=d.get("content_type"),
                )
                for d in event.documents
            ],
            dates=[],
            tickets=[],
            quotas=[],
        )
        whole = _EVENT_DETAIL_OUT.to_json(out)
        # The detail's last fields are its dates and two lists that are always empty.
        if not whole.endswith(_DETAIL_END):
            raise ValueError("EventDetailOut no longer ends with its dates")
        dates_at = len(whole) - len(_DETAIL_END) + len(b'"dates":[')
        return cls._split(whole[:dates_at], whole[dates_at:])

    @classmethod
    def _split(cls, whole: bytes, end: bytes) -> EventFragment:
        # As in DateFragment.of: keys are written unescaped and quotes inside strings escaped,
        # so the first `"bookable":` and `,"upcoming_bookings_start_times":` are the fields
        # (before the latter come only fixed keys and locale codes).
        bookable_at = whole.index(_BOOKABLE_KEY) + len(b'"bookable":')
        upcoming_at = whole.index(_UPCOMING_KEY, bookable_at) + len(_UPCOMING_KEY)
        return cls(
            head=whole[:bookable_at],
            middle=whole[bookable_at + len(b"false") : upcoming_at],
            tail=whole[upcoming_at + len(b"[]") :],
            end=end,
        )

    def json(
        self,
        bookable: bool,
        upcoming: Sequence[datetime],
        render: Render,
        dates: Sequence[bytes] = (),
    ) -> bytes:
        """`dates`: a detail's dates as DateFragment.json writes them."""
        # WALL_CLOCK writes digits, dashes, colons and a space: nothing that JSON escapes.
        starts = b",".join(b'"%s"' % wall_clock(start, render).encode() for start in upcoming)
        return b"".join(
            (
                self.head,
                b"true" if bookable else b"false",
                self.middle,
                b"[%b]" % starts,
                self.tail,
                b",".join(dates),
                self.end,
            )
        )


def events_json(events: list[bytes], meta: Meta) -> bytes:
    """EventsEnvelope's JSON around events written by EventFragment.json."""
    return b'{"events":[%b],"meta":%b}' % (b",".join(events), _META.to_json(meta))


def event_json(event: bytes) -> bytes:
    """EventEnvelope's JSON around an event written by EventFragment.json."""
    return b'{"event":%b}' % event


class SeatCategoryOut(BaseModel):
    id: int
    title: str
    description: str
    color_code: str


class SeatRowOut(BaseModel):
    id: int
    title: str


class SeatTypeOut(BaseModel):
    id: int
    title: str


class SeatOut(BaseModel):
    id: int
    row_id: int
    category_id: int
    type_id: int | None
    title: str
    description: str | None


class SeatingOut(BaseModel):
    blocked_seats: list[int]
    categories: list[SeatCategoryOut]
    rows: list[SeatRowOut]
    seats: list[SeatOut]
    types: list[SeatTypeOut]
    visual_url: str

    @classmethod
    def build(cls, seating: Seating, blocked: Sequence[int]) -> SeatingOut:
        return cls(
            blocked_seats=list(blocked),
            categories=[
                SeatCategoryOut(
                    id=c.id, title=c.title, description=c.description, color_code=c.color_code
                )
                for c in seating.categories
            ],
            rows=[SeatRowOut(id=r.id, title=r.title) for r in seating.rows],
            seats=[
                SeatOut(
                    id=s.id,
                    row_id=s.row_id,
                    category_id=s.category_id,
                    type_id=s.type_id,
                    title=s.title,
                    description=s.description,
                )
                for s in seating.seats
            ],
            types=[SeatTypeOut(id=t.id, title=t.title) for t in seating.types],
            visual_url=f"/api/v4/seatings/{seating.id}.svg",
        )


class DateDetailOut(DateOut):
    description: Text
    vat_pct: float
    discount: int
    tax_included: bool
    seatings: list[SeatingOut]


class EventDetailOut(EventOut):
    content: dict[str, Text]
    documents: list[DocumentOut]
    dates: list[DateOut]
    tickets: list[dict[str, Any]]
    quotas: list[dict[str, Any]]


class EventsEnvelope(BaseModel):
    events: list[EventOut]
    meta: Meta


class EventEnvelope(BaseModel):
    event: EventDetailOut


class DatesEnvelope(BaseModel):
    dates: list[DateOut]
    meta: Meta


class DateEnvelope(BaseModel):
    date: DateDetailOut


class CategoriesEnvelope(BaseModel):
    categories: list[CategoryOut]


class LanguagesEnvelope(BaseModel):
    languages: list[NamedOut]


class CalendarAnyEnvelope(BaseModel):
    data: dict[str, bool]


class CalendarAllEnvelope(BaseModel):
    data: dict[str, list[DateOut]]


_DATE_OUT = DateOut.__pydantic_serializer__
_EVENT_OUT = EventOut.__pydantic_serializer__
_EVENT_DETAIL_OUT = EventDetailOut.__pydantic_serializer__
_META = Meta.__pydantic_serializer__
_CALENDAR_ANY = CalendarAnyEnvelope.__pydantic_serializer__
