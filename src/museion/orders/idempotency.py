"""Idempotency-Key on create and finalize: a retry gets the first answer, never a second order.

The stored answer is written in the same transaction as the order it describes, so both commit
or neither does. A failed request stores nothing: retrying it simply tries again.
While the first request with a key is still running, a duplicate gets 409 with Retry-After
(PostgreSQL; SQLite runs one write transaction at a time, so there the duplicate waits for
the first to commit and then gets its answer).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from museion.auth import Principal
from museion.errors import Conflict, Unprocessable
from museion.orders import queries
from museion.orders.models import IdempotencyKey


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: bytes


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\x00")
    return h.hexdigest()


@dataclass(frozen=True)
class Key:
    """A client's key, scoped to its token (two tokens may pick the same key)."""

    key_hash: str
    request_hash: str

    @classmethod
    def of(cls, principal: Principal, key: str, *request: str | bytes) -> Key:
        return cls(_digest(str(principal.token_id), key), _digest(*request))


def replay(session: Session, key: Key) -> Answer | None:
    """The stored answer for this key, or None: go ahead (and `remember` the answer)."""
    # Only one request per key may run at a time: the others must not start a second order
    # while the first has not committed its answer yet (they could not see it).
    if not queries.try_lock_key(session, key.key_hash):
        raise Conflict("a request with this Idempotency-Key is still in progress; retry shortly")
    stored = queries.get_idempotency_key(session, key.key_hash)
    if stored is None:
        return None
    if stored.request_hash != key.request_hash:
        raise Unprocessable("this Idempotency-Key was used for a different request")
    return Answer(stored.status_code, stored.response_body)


def remember(session: Session, key: Key, answer: Answer, now: datetime) -> None:
    session.add(
        IdempotencyKey(
            key_hash=key.key_hash,
            request_hash=key.request_hash,
            status_code=answer.status_code,
            response_body=answer.body,
            created_at=now,
        )
    )
    session.flush()
