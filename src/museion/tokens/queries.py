"""Token statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session, selectinload

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
    rows = session.execute(_ACTIVE_TOKEN, {"secret_hash": secret_hash}).all()
    if not rows:
        return None
    return ActiveToken(
        id=rows[0].id,
        access=rows[0].access,
        museum_ids=sorted({row.museum_id for row in rows if row.museum_id is not None}),
        permissions=sorted({row.permission for row in rows if row.permission is not None}),
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
