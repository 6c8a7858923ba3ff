"""Who is calling: a bearer token resolves to a Principal (access level + museums it may use).

The vocabulary (Access, Permission, Principal) lives in `museion.access`; this module is its
HTTP side: the dependencies that read the Authorization header and check access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import Scope

from museion.access import KNOWN_PERMISSIONS, PUBLIC, Access, Permission, Principal
from museion.db import Database
from museion.errors import Forbidden, Unauthorized
from museion.tokens import service as tokens

# The OpenAPI docs declare this scheme for every endpoint (app.py), for the "Authorize" button;
# parsing is ours, so errors keep our shape. (As a dependency of its own it cost every request.)
BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "API token: `Bearer <secret>`",
}


async def get_principal(request: Request) -> Principal:
    """No Authorization header: public. A header with an unknown or revoked token: 401.
    The token is read on the event loop (Database.read_now): no worker thread trip.

    The API router runs this for every request, before the endpoint's own dependencies, and
    keeps the result on the request: endpoints read it with PrincipalDep."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):  # not found out before (cache_view)
        principal = await _resolve(request)
        request.state.principal = principal
    return principal


async def cache_view(scope: Scope) -> bytes | None:
    """The view a request with a token is cached under (museion.system.cache): what of the
    caller decides a calendar answer. None for a token that is not valid (the app answers 401).
    The principal found is kept on the request: get_principal does not look it up again."""
    request = Request(scope)
    try:
        principal = await _resolve(request)
    except Unauthorized:
        return None
    request.state.principal = principal
    return principal.view.encode()


async def _resolve(request: Request) -> Principal:
    header = request.headers.get("authorization")
    if header is None:
        return PUBLIC
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        raise Unauthorized("authentication error; expected 'Authorization: Bearer <token>'")
    database: Database = request.app.state.database
    found = await tokens.read_active_token(database, secret)
    if found is None:
        raise Unauthorized("authentication error; no customer or no user present")
    return Principal(
        access=Access(found.access),
        museum_ids=frozenset(found.museum_ids) if found.museum_ids else None,
        token_id=found.id,
        # A permission this version does not know (stored by a newer one) grants nothing.
        permissions=frozenset(Permission(p) for p in found.permissions if p in KNOWN_PERMISSIONS),
    )


def principal_of(request: Request) -> Principal:
    """Who is calling, as get_principal (the API router's dependency) found out."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise RuntimeError("no principal: get_principal (the API router's dependency) has not run")
    return principal


async def current_principal(request: Request) -> Principal:
    """principal_of as a dependency. Not get_principal again: FastAPI walks the whole tree of a
    dependency on every use, cached or not, and most dependencies need the principal. For the
    same reason dependencies read it with principal_of rather than through PrincipalDep."""
    return principal_of(request)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


@dataclass(frozen=True, slots=True)
class Required:
    """A dependency that answers 401 (no token) or 403 (another kind of token, or a user token
    without `user_permission`) unless the caller's access is one of `allowed`. The API docs
    read both to say who may call."""

    allowed: tuple[Access, ...]
    # User tokens need this permission too (None: every user token may call).
    user_permission: Permission | None = None

    # async: a plain check needs no trip to the thread pool (a sync dependency takes one).
    async def __call__(self, request: Request) -> Principal:
        principal = principal_of(request)
        if principal.access not in self.allowed:
            if not principal.authenticated:
                raise Unauthorized("authentication error; this endpoint needs a token")
            names = ", ".join(a.value for a in self.allowed)
            raise Forbidden(f"this endpoint needs {names} access")
        wanted = self.user_permission
        if principal.access is Access.USER and wanted is not None and not principal.has(wanted):
            raise Forbidden(f"this endpoint needs a user token with the {wanted.value} permission")
        return principal


def require(*allowed: Access, user_permission: Permission | None = None) -> Required:
    """A dependency that answers 401 or 403 unless the caller's access is one of `allowed`
    (and a user token has `user_permission`)."""
    return Required(allowed, user_permission)
