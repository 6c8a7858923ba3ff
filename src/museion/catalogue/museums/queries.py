"""Museum statements."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from museion.catalogue.lookups.models import Country
from museion.catalogue.models import Location, Picture
from museion.catalogue.museums.models import Museum, OpeningException, OpeningHour
from museion.db import LIKE_ESCAPE, contains_pattern
from museion.system.cache import CONTENT_GENERATION


@dataclass(frozen=True, slots=True)
class MuseumPage:
    """One page of museums: the total, the ids in shop order and the content generation they
    were read under (0: an empty page; see museion.system.cache.CONTENT_GENERATION)."""

    total: int
    generation: int
    ids: list[int]


# (museum-limited token?, search?) -> (page, count). Every value bound: museum_ids, search,
# offset, limit. Building a statement cost more than running it on a few rows.
_LIST_STATEMENTS: dict[tuple[bool, bool], tuple[Select[Any], Select[Any]]] = {}


def _list_statements(limited: bool, search: bool) -> tuple[Select[Any], Select[Any]]:
    found = _LIST_STATEMENTS.get((limited, search))
    if found is not None:
        return found
    conditions = []
    if limited:
        conditions.append(Museum.id.in_(bindparam("museum_ids", expanding=True)))
    if search:
        conditions.append(Museum.search_text.like(bindparam("search"), escape=LIKE_ESCAPE))
    page = (
        select(Museum.id, CONTENT_GENERATION)
        .where(*conditions)
        .order_by(Museum.shop_order, Museum.id)
        .offset(bindparam("offset", type_=Integer()))
        .limit(bindparam("limit", type_=Integer()))
    )
    count = select(func.count()).select_from(Museum).where(*conditions)
    built = _LIST_STATEMENTS[(limited, search)] = (page, count)
    return built


def museum_page(
    session: Session,
    *,
    museum_ids: Collection[int] | None,
    search: str | None,
    offset: int,
    limit: int,
) -> MuseumPage:
    """Which museums a list shows, in order; what it shows of them: museums_by_id."""
    page, count = _list_statements(museum_ids is not None, bool(search))
    values: dict[str, Any] = {"offset": offset, "limit": limit}
    if museum_ids is not None:
        values["museum_ids"] = list(museum_ids)
    if search:
        values["search"] = contains_pattern(search)
    connection = session.connection()
    total = int(connection.scalar(count, values) or 0)
    rows: Sequence[Any] = connection.execute(page, values).all() if total else []
    generation = int(rows[0][1] or 0) if rows else 0
    return MuseumPage(total, generation, [museum_id for museum_id, _ in rows])


# What a museum list shows: its texts and its picture block.
_LIST_COLUMNS = (
    Museum.id,
    Museum.title,
    Museum.sub_title,
    Picture.filename.label("picture_filename"),
    Picture.title.label("picture_title"),
    Picture.description.label("picture_description"),
    Picture.copyright_info.label("picture_copyright_info"),
)
_BY_ID = (
    select(*_LIST_COLUMNS)
    .outerjoin(Picture, Picture.id == Museum.picture_id)
    .where(Museum.id.in_(bindparam("ids", expanding=True)))
)


def museums_by_id(session: Session, museum_ids: Collection[int]) -> Sequence[Any]:
    """Rows with _LIST_COLUMNS' names, in no particular order."""
    return session.connection().execute(_BY_ID, {"ids": list(museum_ids)}).all()


_DETAIL = (
    select(
        *_LIST_COLUMNS,
        Museum.description,
        Museum.content,
        Location.id.label("location_id"),
        Location.name.label("location_name"),
        Location.city.label("location_city"),
        Country.id.label("location_country_id"),
        Country.name.label("location_country_name"),
        Location.street.label("location_street"),
        Location.zip.label("location_zip"),
        Location.latitude.label("location_latitude"),
        Location.longitude.label("location_longitude"),
    )
    .outerjoin(Picture, Picture.id == Museum.picture_id)
    .outerjoin(Location, Location.id == Museum.location_id)
    .outerjoin(Country, Country.id == Location.country_id)
    .where(Museum.id == bindparam("id"))
)
_DETAIL_OF_MUSEUMS = _DETAIL.where(Museum.id.in_(bindparam("museum_ids", expanding=True)))


def get_museum(
    session: Session, museum_id: int, *, museum_ids: Collection[int] | None
) -> Any | None:
    """The museum's row with _LIST_COLUMNS, its long texts and its location (`location_*`,
    all null without one)."""
    if museum_ids is None:
        return session.connection().execute(_DETAIL, {"id": museum_id}).first()
    values = {"id": museum_id, "museum_ids": list(museum_ids)}
    return session.connection().execute(_DETAIL_OF_MUSEUMS, values).first()


def opening_rules(
    session: Session, museum_id: int, day: date
) -> tuple[OpeningHour | None, list[OpeningException]]:
    """The weekday rule and every exception that may apply to `day` (exact or recurring)."""
    hour = session.scalars(
        select(OpeningHour).where(
            OpeningHour.museum_id == museum_id, OpeningHour.weekday == day.isoweekday()
        )
    ).first()
    exceptions = session.scalars(
        select(OpeningException).where(
            OpeningException.museum_id == museum_id,
            or_(OpeningException.applies_on == day, OpeningException.every_year.is_(True)),
        )
    ).all()
    return hour, list(exceptions)


def existing_museum_ids(session: Session, museum_ids: Collection[int]) -> set[int]:
    if not museum_ids:
        return set()
    return set(session.scalars(select(Museum.id).where(Museum.id.in_(museum_ids))))


def all_opening_rules(
    session: Session, museum_ids: Collection[int]
) -> tuple[list[OpeningHour], list[OpeningException]]:
    """Every weekday rule and exception of some museums (few rows each), for batch lookups."""
    if not museum_ids:
        return [], []
    parameters = {"museum_ids": list(museum_ids)}
    hours = session.scalars(_OPENING_HOURS, parameters)
    exceptions = session.scalars(_OPENING_EXCEPTIONS, parameters)
    return list(hours), list(exceptions)


# Every ticket order line reads these: built once.
_OPENING_HOURS = select(OpeningHour).where(
    OpeningHour.museum_id.in_(bindparam("museum_ids", expanding=True))
)
_OPENING_EXCEPTIONS = select(OpeningException).where(
    OpeningException.museum_id.in_(bindparam("museum_ids", expanding=True))
)
