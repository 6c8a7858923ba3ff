"""Museum rules: shop order, museum-limited tokens, opening hours with exceptions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from museion.access import Principal
from museion.catalogue.museums import queries
from museion.catalogue.museums.models import OpeningException, OpeningHour
from museion.catalogue.museums.queries import MuseumPage
from museion.db import search_pattern
from museion.errors import NotFound

__all__ = ["MuseumPage"]


def museum_page(
    session: Session, principal: Principal, *, q: str | None, offset: int, limit: int
) -> MuseumPage:
    """Museums the caller may see, in the house's shop order: which ones; what they show,
    museums_by_id (or what the caller rendered before)."""
    return queries.museum_page(
        session,
        museum_ids=principal.museum_ids,
        search=search_pattern(q) if q else None,
        offset=offset,
        limit=limit,
    )


def museums_by_id(session: Session, museum_ids: Collection[int]) -> Sequence[Any]:
    """What a list shows of these museums."""
    return queries.museums_by_id(session, museum_ids)


def get_museum(session: Session, principal: Principal, museum_id: int) -> Any:
    """A museum outside the token's museums does not exist for that token."""
    museum = queries.get_museum(session, museum_id, museum_ids=principal.museum_ids)
    if museum is None:
        raise NotFound(f"museum {museum_id} not found")
    return museum


def existing_museum_ids(session: Session, museum_ids: Collection[int]) -> set[int]:
    return queries.existing_museum_ids(session, museum_ids)


@dataclass(frozen=True)
class DayHours:
    day: date
    begin: datetime | None
    end: datetime | None
    note: dict[str, str | None] | None

    @property
    def closed(self) -> bool:
        return self.begin is None


def opening_hours(
    session: Session, principal: Principal, museum_id: int, day: date, zone: ZoneInfo
) -> DayHours:
    """A dated exception beats a yearly one, which beats the weekday rule; no rule: closed."""
    get_museum(session, principal, museum_id)
    hour, exceptions = queries.opening_rules(session, museum_id, day)
    return _day_hours(day, hour, exceptions, zone)


def opening_days(
    session: Session, museum_ids: Collection[int], days: Collection[date], zone: ZoneInfo
) -> dict[int, dict[date, DayHours]]:
    """Opening hours of several museums on several days, from two queries (same rules as above)."""
    hours, exceptions = queries.all_opening_rules(session, museum_ids)
    weekly = {(h.museum_id, h.weekday): h for h in hours}
    # The first exception of each museum and day, dated and yearly, as _applicable_exception
    # picks it: looked up per day instead of searched for.
    dated: dict[tuple[int, date], OpeningException] = {}
    yearly: dict[tuple[int, int, int], OpeningException] = {}
    for e in exceptions:
        dated.setdefault((e.museum_id, e.applies_on), e)
        if e.every_year:
            yearly.setdefault((e.museum_id, e.applies_on.month, e.applies_on.day), e)
    result: dict[int, dict[date, DayHours]] = {museum_id: {} for museum_id in museum_ids}
    for museum_id in museum_ids:
        for day in days:
            exception = dated.get((museum_id, day)) or yearly.get((museum_id, day.month, day.day))
            hour = weekly.get((museum_id, day.isoweekday()))
            result[museum_id][day] = _hours_of(day, hour, exception, zone)
    return result


def _day_hours(
    day: date, hour: OpeningHour | None, exceptions: list[OpeningException], zone: ZoneInfo
) -> DayHours:
    return _hours_of(day, hour, _applicable_exception(exceptions, day), zone)


def _hours_of(
    day: date, hour: OpeningHour | None, exception: OpeningException | None, zone: ZoneInfo
) -> DayHours:
    if exception is not None:
        opens, closes, note = exception.opens, exception.closes, exception.note or None
    elif hour is not None:
        opens, closes, note = hour.opens, hour.closes, None
    else:
        opens, closes, note = None, None, None
    if opens is None or closes is None:
        return DayHours(day, None, None, note)
    # Wall-clock times in the instance zone: the offset is right on daylight-saving days too.
    return DayHours(day, _local(day, opens, zone), _local(day, closes, zone), note)


def _applicable_exception(exceptions: list[OpeningException], day: date) -> OpeningException | None:
    exact = [e for e in exceptions if e.applies_on == day]
    yearly = [
        e
        for e in exceptions
        if e.every_year and (e.applies_on.month, e.applies_on.day) == (day.month, day.day)
    ]
    return next(iter(exact or yearly), None)


def _local(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)
