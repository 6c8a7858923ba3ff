"""The API docs: Swagger UI and ReDoc served from museion itself, and an OpenAPI document that
says, for every operation, who may call it and which errors it answers.

The pages load their scripts, styles and favicon from museion (the fastapi-offline package ships
the swagger-ui and redoc bundles), never from a CDN: they work offline, and a visitor's address
goes to no third party. A Content-Security-Policy lets the pages load from museion only, so
nothing a bundle would fetch from elsewhere (ReDoc's Redocly logo) ever leaves the browser.

Nothing is written per route that the code already knows: the token kinds come from the
route's `require(...)` dependency (none: everyone), and the error answers from what the route
takes (a path id can be unknown: 404; parameters or a body can be invalid: 422) plus what every
API request can meet (401 for a bad token, 503 when the database is busy). A route adds what
only its service knows with `responses={404: {"description": "..."}}`; every error answer then
gets museion's error body (errors.ErrorOut) instead of FastAPI's `HTTPValidationError`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute

from museion.access import Access
from museion.auth import BEARER_SCHEME, Required
from museion.errors import ErrorOut
from museion.system.ratelimit import group_of
from museion.web import get_render

DOCS_URL = "/api/docs"
REDOC_URL = "/api/redoc"
ASSETS_URL = "/api/docs/assets"
# Swagger UI: no online validator badge (it would load an image from a third party).
SWAGGER_UI_PARAMETERS = {"validatorUrl": None, "displayRequestDuration": True}
# Everything from museion; inline scripts and styles are the pages' own (FastAPI's page
# templates, styled components); ReDoc's search runs in a worker made from a blob.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ]
)

KIND_NAMES = {
    Access.PUBLIC: "public (no token)",
    Access.RESELLER: "reseller",
    Access.CASHPOINT: "cashpoint",
    Access.USER: "user",
    Access.ENTRY: "entry",
}
TOKEN_KINDS_LABEL = "Token kinds:"

# What each error status means wherever it appears; a route's own description wins.
ERRORS = {
    401: "The Authorization header names no active token (malformed, unknown or revoked).",
    403: "`locale[]` (several locales at once) needs a user token.",
    404: "No such record, or it belongs to a museum outside the token's museums "
    "(a malformed id is an unknown id).",
    408: "The body did not arrive in time (`MUSEION_BODY_TIMEOUT_SECONDS`).",
    413: "The body is larger than 1 MiB.",
    429: "Too many requests of this kind from this address, or with this token "
    "(`MUSEION_RATE_LIMIT_*`): retry after `Retry-After` seconds.",
    422: "Invalid parameters or body, or a business rule refused the request; "
    "`errors` lists each failed parameter.",
    503: "The database is busy or its connection was lost: retry after `Retry-After` seconds.",
}
REQUIRED_ERRORS = {
    401: "No token, or one that is malformed, unknown or revoked.",
    403: "A valid token of a kind this operation does not serve.",
}
SCHEMA_REF = {"$ref": f"#/components/schemas/{ErrorOut.__name__}"}
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def add_docs_pages(app: FastAPI) -> None:
    """Swagger UI at DOCS_URL and ReDoc at REDOC_URL, with everything they load from museion."""
    assets = StaticFiles(packages=[("fastapi_offline", "static")])
    app.mount(ASSETS_URL, assets, name="docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} API",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )
        page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return page

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} API",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
        page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return page


def document_api(app: FastAPI, prefix: str, routers: Iterable[APIRouter]) -> None:
    """Build the OpenAPI document once, with token kinds, error answers and the bearer scheme.
    `routers` are the API's routers, included in `app` under `prefix`."""
    build = app.openapi
    routes = [route for router in routers for route in router.routes]

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _complete(build(), prefix, routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _complete(schema: dict[str, Any], prefix: str, routes: list[BaseRoute]) -> dict[str, Any]:
    components = schema.setdefault("components", {})
    components["securitySchemes"] = {"HTTPBearer": BEARER_SCHEME}
    # No token (public access) or a bearer token; each operation says which kinds it serves.
    schema["security"] = [{}, {"HTTPBearer": []}]
    schemas = components.setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas[ErrorOut.__name__] = ErrorOut.model_json_schema()
    for route in routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            path = prefix + route.path_format
            for method in route.methods or ():
                limited = group_of(method, path) is not None
                _describe(schema["paths"][path][method.lower()], route, limited)
    return schema


def _describe(operation: dict[str, Any], route: APIRoute, limited: bool) -> None:
    _add_own_parameters(operation, route.dependant)
    required = _requirement(route.dependant)
    kinds = required.allowed if required else tuple(KIND_NAMES)
    names = ", ".join(KIND_NAMES[kind] for kind in KIND_NAMES if kind in kinds)
    text = operation.get("description", "").strip()
    operation["description"] = f"{text}\n\n**{TOKEN_KINDS_LABEL}** {names}.".strip()

    responses: dict[str, Any] = operation["responses"]
    if responses.get("422", {}).get("description") == "Validation Error":
        del responses["422"]  # FastAPI's own, with its `detail` body; ours follows
    for status, meaning in _errors(route, required, limited).items():
        responses.setdefault(str(status), {"description": meaning})
    for code, response in responses.items():
        if code.isdigit() and int(code) >= 400:
            response["content"] = {"application/json": {"schema": SCHEMA_REF}}
    operation["responses"] = dict(sorted(responses.items()))


def _errors(route: APIRoute, required: Required | None, limited: bool) -> dict[int, str]:
    """The errors a route can answer, as far as its parameters and dependencies tell. Every API
    request checks a presented token (the API router's dependency): 401 is always possible.
    `limited`: the operation belongs to a rate limit group (429)."""
    dependants = [route.dependant, *_dependants(route.dependant)]
    takes_body = any(d.body_params for d in dependants)
    errors = dict(REQUIRED_ERRORS) if required is not None else {401: ERRORS[401]}
    if required is not None and required.user_permission is not None:
        permission = required.user_permission.value
        errors[403] = f"{errors[403]} User tokens need the `{permission}` permission."
    if any(d.call is get_render for d in dependants):
        errors[403] = f"{errors[403]} Also: {ERRORS[403]}" if required is not None else ERRORS[403]
    if any(d.path_params for d in dependants):
        errors[404] = ERRORS[404]
    if takes_body:
        errors |= {408: ERRORS[408], 413: ERRORS[413]}
    if takes_body or any(d.query_params or d.header_params for d in dependants):
        errors[422] = ERRORS[422]
    if limited:
        errors[429] = ERRORS[429]
    errors[503] = ERRORS[503]
    return errors


def _add_own_parameters(operation: dict[str, Any], dependant: Dependant) -> None:
    """Query parameters a dependency reads itself (`openapi_parameters` on it: inspect
    Parameters as FastAPI would take them) are listed where FastAPI would list them: after the
    parameters of the dependencies that use it (after `q`, where there is one)."""
    found = [
        d.call.openapi_parameters  # type: ignore[union-attr]
        for d in _dependants(dependant)
        if hasattr(d.call, "openapi_parameters")
    ]
    if not found:
        return
    listed: list[dict[str, Any]] = operation.setdefault("parameters", [])
    names = [parameter.get("name") for parameter in listed]
    at = names.index("q") + 1 if "q" in names else len(listed)
    for parameters in found:
        documented = _as_openapi(tuple(parameters))
        listed[at:at] = documented
        at += len(documented)


@functools.cache
def _as_openapi(parameters: tuple[inspect.Parameter, ...]) -> list[dict[str, Any]]:
    """The OpenAPI parameters FastAPI makes of these (a route of them on an app of its own)."""

    async def probe(**_values: Any) -> None:
        """Never called."""

    probe.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    app = FastAPI()
    app.get("/probe")(probe)
    return list(app.openapi()["paths"]["/probe"]["get"].get("parameters", []))


def _requirement(dependant: Dependant) -> Required | None:
    return next((d.call for d in _dependants(dependant) if isinstance(d.call, Required)), None)


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    """Every dependency of `dependant`, and theirs, depth first."""
    for sub in dependant.dependencies:
        yield sub
        yield from _dependants(sub)
