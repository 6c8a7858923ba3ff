"""Token statements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session, selectinload

from museion.db import Database
from museion.tokens.models import ApiToken, ApiTokenMuseum, ApiTokenPermission

_token = cast(Table, ApiToken.__table__)
_token_museum = cast(Table, ApiTokenMuseum.__table__)
_token_permission = cast(Table, ApiTokenPermission.__table__)
# Every request with a token runs this: plain columns, built once (its cache key is kept).
# One row per (museum, permission) pair; a token has few of either.
_ACTIVE_TOKEN = (
    select(_token.c.id, _token.c.access, _token_museum.c.museum_id, _token_permission.c.permission)
    .outerjoin(_token_museum, _token_museum.c.token_id == _token.c.id)
    .outerjoin(_token_permission, _token_permission.c.token_id == _token.c.id)
    .where(_token.c.secret_hash == bindparam("secret_hash"), _token.c.revoked_at.is_(None))
)


@dataclass(frozen=True)
class ActiveToken:
    id: int
    access: str
    museum_ids: list[int]
    permissions: list[str]


def find_active_token(session: Session, secret_hash: str) -> ActiveToken | None:
    """A live token with its museums and permissions, in one query."""
    return _active_token(session.execute(_ACTIVE_TOKEN, {"secret_hash": secret_hash}).all())


async def read_active_token(database: Database, secret_hash: str) -> ActiveToken | None:
    """find_active_token on the event loop, outside any transaction (Database.read_now): every
    request with a token runs it, and a worker thread trip cost more than the read."""
    return _active_token(await database.read_now(_ACTIVE_TOKEN, {"secret_hash": secret_hash}))


def _active_token(rows: Sequence[Sequence[Any]]) -> ActiveToken | None:
    # Columns of _ACTIVE_TOKEN: id, access, museum_id, permission.
    if not rows:
        return None
    return ActiveToken(
        id=rows[0][0],
        access=rows[0][1],
        museum_ids=sorted({row[2] for row in rows if row[2] is not None}),
        permissions=sorted({row[3] for row in rows if row[3] is not None}),
    )


def list_tokens(session: Session, *, include_revoked: bool) -> list[ApiToken]:
    statement = (
        select(ApiToken)
        .options(selectinload(ApiToken.museums), selectinload(ApiToken.permissions))
        .order_by(ApiToken.id)
    )
    if not include_revoked:
        statement = statement.where(ApiToken.revoked_at.is_(None))
    return list(session.scalars(statement))


def get_token(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def revoke_token(session: Session, token_id: int, now: datetime) -> int:
    # Conditional update: revoking twice keeps the first revocation time.
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
