"""Who is calling: a bearer token resolves to a Principal (access level + museums it may use)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from museion.db import SAFE_METHODS, Database, SessionDep, is_request_session
from museion.errors import Forbidden, Unauthorized
from museion.tokens import queries as token_queries


class Access(StrEnum):
    PUBLIC = "public"
    USER = "user"
    RESELLER = "reseller"
    CASHPOINT = "cashpoint"
    # Entry gates use API accounts with entry rights only; whoami reports them as "user",
    # the way go~mus reports its entry accounts.
    ENTRY = "entry"
    CUSTOMER = "customer"


TOKEN_ACCESS = (Access.USER, Access.RESELLER, Access.CASHPOINT, Access.ENTRY)
# Writes open to the public (holds): every caller but entry gates, whose tokens serve the entry
# API and public reads only.
ALL_BUT_ENTRY = tuple(a for a in Access if a is not Access.ENTRY)


class Permission(StrEnum):
    """What a token may do beyond what its access level gives every token of that level. Stored
    one row per token and permission (api_token_permission), so a new permission (content,
    customers, entry config) is a new member here and in GRANTABLE, and needs no migration."""

    # User tokens: the order endpoints (every order of the token's museums).
    ORDERS = "orders"
    # Cash points: every seller's orders, not only their own (go~mus page-cash_point_api.md:
    # "might be configured with global access to all orders placed").
    ALL_ORDERS = "all_orders"


# Which permissions a token of each access level can be given.
GRANTABLE: dict[Access, frozenset[Permission]] = {
    Access.USER: frozenset({Permission.ORDERS}),
    Access.CASHPOINT: frozenset({Permission.ALL_ORDERS}),
}
_KNOWN_PERMISSIONS = {p.value for p in Permission}


@dataclass(frozen=True, slots=True)
class Principal:
    access: Access
    # None: every museum of the instance; otherwise only these.
    museum_ids: frozenset[int] | None = None
    token_id: int | None = None
    permissions: frozenset[Permission] = frozenset()

    @property
    def authenticated(self) -> bool:
        return self.access is not Access.PUBLIC

    @property
    def whoami_access(self) -> str:
        return Access.USER.value if self.access is Access.ENTRY else self.access.value

    def may_see_museum(self, museum_id: int) -> bool:
        return self.museum_ids is None or museum_id in self.museum_ids

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


PUBLIC = Principal(Access.PUBLIC)

# The OpenAPI docs declare this scheme for every endpoint (app.py), for the "Authorize" button;
# parsing is ours, so errors keep our shape. (As a dependency of its own it cost every request.)
BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "API token: `Bearer <secret>`",
}


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def get_principal(request: Request, session: SessionDep) -> Principal:
    """No Authorization header: public. A header with an unknown or revoked token: 401.
    Only the token lookup goes to a worker thread; public requests need none.

    The API router runs this for every request, before the endpoint's own dependencies, and
    keeps the result on the request: endpoints read it with PrincipalDep."""
    principal = await _resolve(request, session)
    request.state.principal = principal
    return principal


async def _resolve(request: Request, session: Session) -> Principal:
    header = request.headers.get("authorization")
    if header is None:
        return PUBLIC
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        raise Unauthorized("authentication error; expected 'Authorization: Bearer <token>'")
    found = await run_in_threadpool(_find_token, request, session, hash_secret(secret))
    if found is None:
        raise Unauthorized("authentication error; no customer or no user present")
    return Principal(
        access=Access(found.access),
        museum_ids=frozenset(found.museum_ids) if found.museum_ids else None,
        token_id=found.id,
        # A permission this version does not know (stored by a newer one) grants nothing.
        permissions=frozenset(Permission(p) for p in found.permissions if p in _KNOWN_PERMISSIONS),
    )


def principal_of(request: Request) -> Principal:
    """Who is calling, as get_principal (the API router's dependency) found out."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise RuntimeError("no principal: get_principal (the API router's dependency) has not run")
    return principal


def _find_token(
    request: Request, session: Session, secret_hash: str
) -> token_queries.ActiveToken | None:
    database: Database = request.app.state.database
    if (
        database.backend == "sqlite"
        and request.method not in SAFE_METHODS
        and is_request_session(session)
    ):
        # A write transaction on SQLite holds the database's only write lock from its first
        # statement on: the token is read in a (deferred, lock-free) transaction of its own, so
        # the write lock covers the endpoint's work only, not this trip and the way back.
        with database.session(write=False) as reader:
            return token_queries.find_active_token(reader, secret_hash)
    return token_queries.find_active_token(session, secret_hash)


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


def limit_to_museums(principal: Principal, museum_ids: Collection[int] | None) -> list[int] | None:
    """Intersect a requested museum filter with the token's museums (None: no filter at all)."""
    if principal.museum_ids is None:
        return list(museum_ids) if museum_ids else None
    if not museum_ids:
        return sorted(principal.museum_ids)
    return [m for m in museum_ids if m in principal.museum_ids]
