"""Idempotency-Key on create and finalize: a retry gets the first answer, never a second order.

The stored answer is written in the same transaction as the order it describes, so both commit
or neither does. A failed request stores nothing: retrying it simply tries again.
While the first request with a key is still running, a duplicate gets 409 with Retry-After
(PostgreSQL; SQLite runs one write transaction at a time, so there the duplicate waits for
the first to commit and then gets its answer).

A stored answer lives for `Settings.idempotency_key_hours` (24 h): a retry comes within minutes,
and after a day a client reusing a key means a new request. Past its lifetime a key is treated
as never seen. Old rows are tidied up by the requests that store new ones, a bounded batch each
time, so the table stays about one lifetime's worth of keys without a daemon or a cron job;
correctness never depends on that tidying (expired rows are ignored when found).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from museion.auth import Principal
from museion.errors import Conflict, Unprocessable
from museion.orders import queries
from museion.orders.models import IdempotencyKey

# Expired keys deleted per stored key: more than one, so a backlog (after a lifetime was
# shortened, or a quiet spell) drains, and few enough to keep each request's extra work small.
TIDY_BATCH = 100


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


def replay(session: Session, key: Key, now: datetime, lifetime: timedelta) -> Answer | None:
    """The stored answer for this key, or None: go ahead (and `remember` the answer).
    A key stored longer than `lifetime` ago counts as new."""
    # Only one request per key may run at a time: the others must not start a second order
    # while the first has not committed its answer yet (they could not see it).
    if not queries.try_lock_key(session, key.key_hash):
        raise Conflict("a request with this Idempotency-Key is still in progress; retry shortly")
    stored = queries.get_stored_answer(session, key.key_hash)
    if stored is None:
        return None
    if stored.created_at <= now - lifetime:
        # Under the key's lock: no other request with this key can be replaying the old answer.
        queries.delete_idempotency_key(session, key.key_hash)
        return None
    if stored.request_hash != key.request_hash:
        raise Unprocessable("this Idempotency-Key was used for a different request")
    return Answer(stored.status_code, stored.body)


def remember(
    session: Session, key: Key, answer: Answer, now: datetime, lifetime: timedelta
) -> None:
    """Store the answer with the work it describes, and tidy away some expired keys."""
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
    queries.delete_idempotency_keys_before(session, now - lifetime, TIDY_BATCH)
