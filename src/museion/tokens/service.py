"""Token rules: secrets are random, shown once, stored hashed; revoking is immediate."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from museion.access import GRANTABLE, TOKEN_ACCESS, Access, Permission
from museion.catalogue.museums import service as museums
from museion.db import Database
from museion.errors import NotFound, Unprocessable
from museion.tokens import queries
from museion.tokens.models import ApiToken, ApiTokenMuseum, ApiTokenPermission
from museion.tokens.queries import ActiveToken as ActiveToken

SECRET_PREFIX = "msn_"


@dataclass(frozen=True)
class IssuedToken:
    id: int
    secret: str


def create_token(
    session: Session,
    *,
    access: str,
    name: str = "",
    museum_ids: Sequence[int] = (),
    permissions: Sequence[str] = (),
    secret: str | None = None,
) -> IssuedToken:
    """Issue a token; `secret` is only passed by the demo loader, which uses well-known secrets.
    A permission must be one that tokens of this access level can have (access.GRANTABLE)."""
    if access not in {a.value for a in TOKEN_ACCESS}:
        raise Unprocessable(f"access must be one of {', '.join(a.value for a in TOKEN_ACCESS)}")
    granted = _grantable(Access(access), permissions)
    wanted = sorted(set(museum_ids))
    known = museums.existing_museum_ids(session, wanted)
    if missing := [m for m in wanted if m not in known]:
        raise NotFound(f"unknown museum ids: {', '.join(map(str, missing))}")
    secret = secret or SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        access=Access(access).value,
        secret_hash=hash_secret(secret),
        hint=secret[:8],
        museums=[ApiTokenMuseum(museum_id=m) for m in wanted],
        permissions=[ApiTokenPermission(permission=p.value) for p in granted],
    )
    session.add(token)
    session.flush()
    return IssuedToken(id=token.id, secret=secret)


def _grantable(access: Access, permissions: Sequence[str]) -> list[Permission]:
    allowed = GRANTABLE.get(access, frozenset())
    known = {p.value: p for p in Permission}
    granted = []
    for name in sorted(set(permissions)):
        permission = known.get(name)
        if permission is None or permission not in allowed:
            choices = ", ".join(sorted(p.value for p in allowed)) or "none"
            raise Unprocessable(
                f"permission {name!r} cannot be given to {access.value} tokens "
                f"(they can have: {choices})"
            )
        granted.append(permission)
    return granted


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def find_active_token(session: Session, secret: str) -> ActiveToken | None:
    """The live token a bearer secret belongs to (None: unknown or revoked)."""
    return queries.find_active_token(session, hash_secret(secret))


async def read_active_token(database: Database, secret: str) -> ActiveToken | None:
    """find_active_token, read on the event loop as committed now (Database.read_now)."""
    return await queries.read_active_token(database, hash_secret(secret))


def list_tokens(session: Session, *, include_revoked: bool = False) -> list[ApiToken]:
    return queries.list_tokens(session, include_revoked=include_revoked)


def revoke_token(session: Session, token_id: int) -> None:
    """A revoked token answers 401 from the next request on."""
    changed = queries.revoke_token(session, token_id, datetime.now(UTC))
    if changed == 0 and queries.get_token(session, token_id) is None:
        raise NotFound(f"no token with id {token_id}")
