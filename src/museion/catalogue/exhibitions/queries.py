"""Exhibition statements.

A page of exhibitions is a handful of rows, and loading them as ORM objects (with their pictures
and time frames) cost several times more than the statements: the statements here are built once
per shape, every value bound, and run on the session's connection without the ORM layer. They
read the columns the answer shows and nothing else (no long texts in a list).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from museion.catalogue.exhibitions.models import Exhibition, ExhibitionTimeFrame
from museion.catalogue.lookups.models import Country
from museion.catalogue.models import Location, Picture
from museion.catalogue.museums.models import Museum
from museion.db import LIKE_ESCAPE, contains_pattern
from museion.system.cache import CONTENT_GENERATION

# What a picture block shows, next to the columns of the record it belongs to.
_PICTURE_COLUMNS = (
    Picture.filename.label("picture_filename"),
    Picture.title.label("picture_title"),
    Picture.description.label("picture_description"),
    Picture.copyright_info.label("picture_copyright_info"),
)
_LIST_COLUMNS = (
    Exhibition.id,
    Exhibition.museum_id,
    Exhibition.foreign_id,
    Exhibition.title,
    Exhibition.sub_title,
    Exhibition.slider_description,
    Exhibition.featured,
    *_PICTURE_COLUMNS,
)
# (museum filter?, featured, search?) -> (page, count); a dozen shapes at most.
_LIST_STATEMENTS: dict[tuple[bool, bool | None, bool], tuple[Select[Any], Select[Any]]] = {}


def _list_statements(
    by_museum: bool, featured: bool | None, search: bool
) -> tuple[Select[Any], Select[Any]]:
    """(page, count) for one shape of filters; values: museum_ids, search, offset, limit. The
    page reads ids and the content generation only: what it shows of them, the caller may have
    rendered before under the same generation."""
    shape = (by_museum, featured, search)
    found = _LIST_STATEMENTS.get(shape)
    if found is not None:
        return found
    conditions = []
    if by_museum:
        conditions.append(Exhibition.museum_id.in_(bindparam("museum_ids", expanding=True)))
    if featured is not None:
        conditions.append(Exhibition.featured.is_(featured))
    if search:
        conditions.append(Exhibition.search_text.like(bindparam("search"), escape=LIKE_ESCAPE))
    page = (
        select(Exhibition.id, CONTENT_GENERATION)
        .where(*conditions)
        .order_by(Exhibition.sort_order, Exhibition.id)
        .offset(bindparam("offset", type_=Integer()))
        .limit(bindparam("limit", type_=Integer()))
    )
    count = select(func.count()).select_from(Exhibition).where(*conditions)
    built = _LIST_STATEMENTS[shape] = (page, count)
    return built


@dataclass(frozen=True, slots=True)
class ExhibitionPage:
    """One page of exhibitions: the total, the ids in order and the content generation they
    were read under (0: an empty page; see museion.system.cache.CONTENT_GENERATION)."""

    total: int
    generation: int
    ids: list[int]


def exhibition_page(
    session: Session,
    *,
    museum_ids: Collection[int] | None,
    featured: bool | None,
    search: str | None,
    offset: int,
    limit: int,
) -> ExhibitionPage:
    page, count = _list_statements(museum_ids is not None, featured, bool(search))
    values: dict[str, Any] = {"offset": offset, "limit": limit}
    if museum_ids is not None:
        values["museum_ids"] = list(museum_ids)
    if search:
        values["search"] = contains_pattern(search)
    connection = session.connection()
    total = int(connection.scalar(count, values) or 0)
    rows: Sequence[Any] = connection.execute(page, values).all() if total else []
    generation = int(rows[0][1] or 0) if rows else 0
    return ExhibitionPage(total, generation, [exhibition_id for exhibition_id, _ in rows])


_BY_ID = (
    select(*_LIST_COLUMNS)
    .outerjoin(Picture, Picture.id == Exhibition.picture_id)
    .where(Exhibition.id.in_(bindparam("ids", expanding=True)))
)


def exhibitions_by_id(session: Session, exhibition_ids: Collection[int]) -> Sequence[Any]:
    """Rows with _LIST_COLUMNS' names, in no particular order."""
    return session.connection().execute(_BY_ID, {"ids": list(exhibition_ids)}).all()


_TIME_FRAMES = (
    select(
        ExhibitionTimeFrame.exhibition_id, ExhibitionTimeFrame.start_at, ExhibitionTimeFrame.end_at
    )
    .where(ExhibitionTimeFrame.exhibition_id.in_(bindparam("ids", expanding=True)))
    .order_by(ExhibitionTimeFrame.start_at, ExhibitionTimeFrame.id)
)


def time_frames(
    session: Session, exhibition_ids: Collection[int]
) -> dict[int, list[tuple[datetime, datetime]]]:
    """(start, end) of each exhibition's time frames, earliest first; none: permanent."""
    frames: dict[int, list[tuple[datetime, datetime]]] = {i: [] for i in exhibition_ids}
    if exhibition_ids:
        rows = session.connection().execute(_TIME_FRAMES, {"ids": list(exhibition_ids)})
        for exhibition_id, start_at, end_at in rows:
            frames[exhibition_id].append((start_at, end_at))
    return frames


# Shown elsewhere: its own venue; otherwise where its museum is (coalesce: a location_id always
# names a row, the foreign key sees to that).
_OWN_OR_HOUSE = aliased(Location, name="shown_at")
_DETAIL = (
    select(
        *_LIST_COLUMNS,
        Exhibition.description,
        Exhibition.content,
        _OWN_OR_HOUSE.id.label("location_id"),
        _OWN_OR_HOUSE.name.label("location_name"),
        _OWN_OR_HOUSE.city.label("location_city"),
        Country.id.label("location_country_id"),
        Country.name.label("location_country_name"),
        _OWN_OR_HOUSE.street.label("location_street"),
        _OWN_OR_HOUSE.zip.label("location_zip"),
        _OWN_OR_HOUSE.latitude.label("location_latitude"),
        _OWN_OR_HOUSE.longitude.label("location_longitude"),
    )
    .join(Museum, Museum.id == Exhibition.museum_id)
    .outerjoin(Picture, Picture.id == Exhibition.picture_id)
    .outerjoin(
        _OWN_OR_HOUSE,
        _OWN_OR_HOUSE.id == func.coalesce(Exhibition.location_id, Museum.location_id),
    )
    .outerjoin(Country, Country.id == _OWN_OR_HOUSE.country_id)
    .where(Exhibition.id == bindparam("id"))
)
_DETAIL_OF_MUSEUMS = _DETAIL.where(
    Exhibition.museum_id.in_(bindparam("museum_ids", expanding=True))
)


def get_exhibition(
    session: Session, exhibition_id: int, *, museum_ids: Collection[int] | None
) -> Any | None:
    """The exhibition's row with _LIST_COLUMNS, its long texts and where it is shown
    (`location_*`, all null when nowhere)."""
    if museum_ids is None:
        return session.connection().execute(_DETAIL, {"id": exhibition_id}).first()
    values = {"id": exhibition_id, "museum_ids": list(museum_ids)}
    return session.connection().execute(_DETAIL_OF_MUSEUMS, values).first()
