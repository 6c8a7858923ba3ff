"""The go~mus filter parameters of events, dates and calendars, as FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from museion.catalogue.events.models import DateStatus, TagKind
from museion.catalogue.events.queries import EventFilter
from museion.db import search_pattern
from museion.web import ApiDate, SearchQuery, id_list

_ids = {
    name: id_list(name, description=text)
    for name, text in (
        ("by_museum_ids", "Only events of these museums."),
        ("by_event_ids", "Only these events."),
        ("by_category_ids", "Only these categories."),
        ("by_age_group_ids", "Only events tagged with these age groups."),
        ("by_audience_ids", "Only events tagged with these audiences."),
        ("by_catch_word_ids", "Only events tagged with these catch words."),
        ("by_disablement_ids", "Only events tagged with these accessibility tags."),
        ("by_grade_ids", "Only events tagged with these school grades."),
        ("by_proposal_category_ids", "Only events tagged with these proposal categories."),
        ("by_language_ids", "Only these languages."),
    )
}
_exhibition_ids = id_list(
    "by_exhibition_ids",
    description="Only events of these exhibitions; -1: of no exhibition.",
    minimum=-1,
)
LanguageIds = Annotated[list[int] | None, Depends(_ids["by_language_ids"])]
Bookable = Annotated[
    bool | None, Query(description="Only (not) bookable for the caller; default: all.")
]


async def _categories(
    bracket: Annotated[
        list[str] | None,
        Query(alias="by_categories[]", max_length=50, description="Category filternames."),
    ] = None,
    plain: Annotated[
        list[str] | None, Query(alias="by_categories", include_in_schema=False)
    ] = None,
) -> list[str] | None:
    if bracket is None and plain is None:
        return None
    return [*(bracket or []), *(plain or [])]


async def event_filter(
    museum_ids: Annotated[list[int] | None, Depends(_ids["by_museum_ids"])],
    exhibition_ids: Annotated[list[int] | None, Depends(_exhibition_ids)],
    category_ids: Annotated[list[int] | None, Depends(_ids["by_category_ids"])],
    categories: Annotated[list[str] | None, Depends(_categories)],
    age_group_ids: Annotated[list[int] | None, Depends(_ids["by_age_group_ids"])],
    audience_ids: Annotated[list[int] | None, Depends(_ids["by_audience_ids"])],
    catch_word_ids: Annotated[list[int] | None, Depends(_ids["by_catch_word_ids"])],
    disablement_ids: Annotated[list[int] | None, Depends(_ids["by_disablement_ids"])],
    grade_ids: Annotated[list[int] | None, Depends(_ids["by_grade_ids"])],
    proposal_category_ids: Annotated[list[int] | None, Depends(_ids["by_proposal_category_ids"])],
    by_featured: Annotated[bool | None, Query(description="Only (un)featured events.")] = None,
    q: SearchQuery = None,
) -> EventFilter:
    tags = {
        TagKind.AGE_GROUP: age_group_ids,
        TagKind.AUDIENCE: audience_ids,
        TagKind.CATCH_WORD: catch_word_ids,
        TagKind.DISABLEMENT: disablement_ids,
        TagKind.GRADE: grade_ids,
        TagKind.PROPOSAL_CATEGORY: proposal_category_ids,
    }
    return EventFilter(
        museum_ids=museum_ids,
        exhibition_ids=exhibition_ids,
        category_ids=category_ids,
        categories=categories,
        tag_ids={kind: ids for kind, ids in tags.items() if ids is not None},
        featured=by_featured,
        search=search_pattern(q) if q else None,
    )


EventFilterDep = Annotated[EventFilter, Depends(event_filter)]


async def date_filter(
    f: EventFilterDep,
    event_ids: Annotated[list[int] | None, Depends(_ids["by_event_ids"])],
) -> EventFilter:
    return EventFilter(**{**f.__dict__, "event_ids": event_ids})


DateFilterDep = Annotated[EventFilter, Depends(date_filter)]
StartAt = Annotated[ApiDate | None, Query(description="First day (YYYY-MM-DD); default today.")]
EndAt = Annotated[
    ApiDate | None, Query(description="Last day (YYYY-MM-DD); default end of the start month.")
]


ByStatus = Annotated[
    DateStatus, Query(description="booked (default) or cancelled (user tokens only).")
]
Depth = Annotated[Literal["any", "all"], Query(description="any: one boolean per day; all: dates.")]
