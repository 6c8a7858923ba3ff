"""Small builders for catalogue records; every argument has a sensible default."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from museion.catalogue.events.models import (
    Event,
    EventCategory,
    EventDate,
    Language,
    ScalePrice,
    Tag,
)
from museion.catalogue.museums.models import Museum

BERLIN = ZoneInfo("Europe/Berlin")
_counter = iter(range(1, 1_000_000))


def local(day: date, at: str, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime.combine(day, time.fromisoformat(at), tzinfo=zone)


def make_museum(session: Session, **overrides: Any) -> Museum:
    n = next(_counter)
    museum = Museum(**{"title": {"de": f"Testmuseum {n}"}, "shop_order": 100 + n, **overrides})
    session.add(museum)
    session.flush()
    return museum


def make_language(session: Session, code: str | None = None, name: str | None = None) -> Language:
    n = next(_counter)
    language = Language(code=code or f"t{n}", name={"de": name or f"Sprache {n}"})
    session.add(language)
    session.flush()
    return language


def make_category(session: Session, filtername: str | None = None) -> EventCategory:
    n = next(_counter)
    category = EventCategory(name={"de": f"Kategorie {n}"}, filtername=filtername or f"cat{n}")
    session.add(category)
    session.flush()
    return category


def make_tag(session: Session, kind: str, name: str | None = None) -> Tag:
    tag = Tag(kind=kind, name={"de": name or f"{kind} {next(_counter)}"})
    session.add(tag)
    session.flush()
    return tag


def make_event(session: Session, museum: Museum, **overrides: Any) -> Event:
    n = next(_counter)
    fields: dict[str, Any] = {
        "museum_id": museum.id,
        "title": {"de": f"Veranstaltung {n}", "en": f"Event {n}"},
        "duration": 60,
    }
    event = Event(**(fields | overrides))
    session.add(event)
    session.flush()
    return event


def make_date(
    session: Session, event: Event, start: datetime | None = None, **overrides: Any
) -> EventDate:
    start = start or datetime.now(UTC) + timedelta(days=10)
    fields: dict[str, Any] = {
        "event_id": event.id,
        "start_at": start,
        "end_at": start + timedelta(minutes=event.duration),
        "seats_max": 20,
        "price_cents": 400,
    }
    event_date = EventDate(**(fields | overrides))
    session.add(event_date)
    session.flush()
    return event_date


def make_scale_price(session: Session, event: Event, **overrides: Any) -> ScalePrice:
    fields: dict[str, Any] = {
        "event_id": event.id,
        "title": {"de": "regulär", "en": "regular"},
        "price_cents": 800,
        "vat_pct": 7.0,
    }
    price = ScalePrice(**(fields | overrides))
    session.add(price)
    session.flush()
    return price
