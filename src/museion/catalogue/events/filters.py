"""The go~mus filter parameters of events, dates and calendars, as FastAPI dependencies."""

from __future__ import annotations

import inspect
from dataclasses import replace
from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ConfigDict, ValidationError, create_model

from museion.catalogue.events.models import DateStatus, TagKind
from museion.catalogue.events.queries import EventFilter
from museion.db import search_pattern
from museion.web import ApiDate, SearchQuery, id_list, id_list_parameters, merged_ids

# The id filters in the order their errors are reported; (name, description, smallest id).
_ID_FILTERS = {
    name: (text, minimum)
    for name, text, minimum in (
        ("by_museum_ids", "Only events of these museums.", 1),
        ("by_exhibition_ids", "Only events of these exhibitions; -1: of no exhibition.", -1),
        ("by_category_ids", "Only these categories.", 1),
        ("by_age_group_ids", "Only events tagged with these age groups.", 1),
        ("by_audience_ids", "Only events tagged with these audiences.", 1),
        ("by_catch_word_ids", "Only events tagged with these catch words.", 1),
        ("by_disablement_ids", "Only events tagged with these accessibility tags.", 1),
        ("by_grade_ids", "Only events tagged with these school grades.", 1),
        ("by_proposal_category_ids", "Only events tagged with these proposal categories.", 1),
        ("by_event_ids", "Only these events.", 1),
    )
}
_TAG_FILTERS = {
    TagKind.AGE_GROUP: "by_age_group_ids",
    TagKind.AUDIENCE: "by_audience_ids",
    TagKind.CATCH_WORD: "by_catch_word_ids",
    TagKind.DISABLEMENT: "by_disablement_ids",
    TagKind.GRADE: "by_grade_ids",
    TagKind.PROPOSAL_CATEGORY: "by_proposal_category_ids",
}
_language_ids = id_list("by_language_ids", description="Only these languages.")
LanguageIds = Annotated[list[int] | None, Depends(_language_ids)]
Bookable = Annotated[
    bool | None, Query(description="Only (not) bookable for the caller; default: all.")
]


def _ids(name: str) -> tuple[inspect.Parameter, inspect.Parameter]:
    text, minimum = _ID_FILTERS[name]
    return id_list_parameters(name, description=text, minimum=minimum)


def _keyword(name: str, annotation: object) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
    )


# The id and category filters, as FastAPI would take them: the fields of the model below and the
# OpenAPI parameters (museion.docs, `openapi_parameters`), listed where FastAPI would list them.
_ID_PARAMETERS = [
    *_ids("by_museum_ids"),
    *_ids("by_exhibition_ids"),
    *_ids("by_category_ids"),
    _keyword(
        "categories_bracket",
        Annotated[
            list[str] | None,
            Query(alias="by_categories[]", max_length=50, description="Category filternames."),
        ],
    ),
    _keyword(
        "categories_plain",
        Annotated[list[str] | None, Query(alias="by_categories", include_in_schema=False)],
    ),
    *(parameter for name in _TAG_FILTERS.values() for parameter in _ids(name)),
]


# Validated in one step instead of as 22 parameters FastAPI would check one by one on every
# request (a third of a date page's time). Each error reads as FastAPI's would (`query` first in
# its location); when they fail, errors of other parameters are not reported with them.
_IdFilterValues = create_model(  # type: ignore[call-overload]
    "IdFilterValues",
    __config__=ConfigDict(extra="ignore"),
    **{parameter.name: (parameter.annotation, None) for parameter in _ID_PARAMETERS},
)
_ID_ALIASES = tuple(
    str(_IdFilterValues.model_fields[parameter.name].alias) for parameter in _ID_PARAMETERS
)


async def _id_filters(request: Request) -> EventFilter:
    query = request.query_params
    given = {alias: query.getlist(alias) for alias in _ID_ALIASES if alias in query}
    if not given:
        return EventFilter()
    try:
        values = _IdFilterValues.model_validate(given).__dict__
    except ValidationError as error:
        problems = [{**e, "loc": ("query", *e["loc"])} for e in error.errors(include_url=False)]
        raise RequestValidationError(problems) from None
    bracket, plain = values["categories_bracket"], values["categories_plain"]
    categories = None if bracket is None and plain is None else [*(bracket or []), *(plain or [])]
    tags = {kind: merged_ids(values, name) for kind, name in _TAG_FILTERS.items()}
    return EventFilter(
        museum_ids=merged_ids(values, "by_museum_ids"),
        exhibition_ids=merged_ids(values, "by_exhibition_ids"),
        category_ids=merged_ids(values, "by_category_ids"),
        categories=categories,
        tag_ids={kind: ids for kind, ids in tags.items() if ids is not None},
    )


_id_filters.openapi_parameters = _ID_PARAMETERS  # type: ignore[attr-defined]


async def event_filter(
    f: Annotated[EventFilter, Depends(_id_filters)],
    by_featured: Annotated[bool | None, Query(description="Only (un)featured events.")] = None,
    q: SearchQuery = None,
) -> EventFilter:
    return replace(f, featured=by_featured, search=search_pattern(q) if q else None)


EventFilterDep = Annotated[EventFilter, Depends(event_filter)]
_event_ids = id_list("by_event_ids", description=_ID_FILTERS["by_event_ids"][0])


async def date_filter(
    f: EventFilterDep, event_ids: Annotated[list[int] | None, Depends(_event_ids)]
) -> EventFilter:
    return replace(f, event_ids=event_ids)


DateFilterDep = Annotated[EventFilter, Depends(date_filter)]
StartAt = Annotated[ApiDate | None, Query(description="First day (YYYY-MM-DD); default today.")]
EndAt = Annotated[
    ApiDate | None, Query(description="Last day (YYYY-MM-DD); default end of the start month.")
]


ByStatus = Annotated[
    DateStatus, Query(description="booked (default) or cancelled (user tokens only).")
]
Depth = Annotated[Literal["any", "all"], Query(description="any: one boolean per day; all: dates.")]
