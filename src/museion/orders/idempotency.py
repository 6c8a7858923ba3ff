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

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from museion.access import Principal
from museion.errors import Conflict, Unprocessable
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
    if not try_lock_key(session, key.key_hash):
        raise Conflict("a request with this Idempotency-Key is still in progress; retry shortly")
    stored = _stored_answer(session, key.key_hash)
    if stored is None:
        return None
    if stored.created_at <= now - lifetime:
        # Under the key's lock: no other request with this key can be replaying the old answer.
        _delete_key(session, key.key_hash)
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
    delete_keys_before(session, now - lifetime, TIDY_BATCH)


# --- Statements


def try_lock_key(session: Session, key_hash: str) -> bool:
    """Take the key's lock for this transaction without waiting; False: another request has it."""
    if session.get_bind().dialect.name != "postgresql":
        # SQLite: this write transaction began with BEGIN IMMEDIATE, so no other writer runs.
        return True
    # A transaction-scoped advisory lock: the only way to tell "a request with this key is
    # running right now" without waiting for it (an INSERT of the key would block instead).
    # It ends with the transaction, exactly when the stored answer becomes visible.
    lock_id = int(key_hash[:16], 16) - (1 << 63)  # a signed 64-bit lock id
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(lock_id))))


@dataclass(frozen=True)
class _StoredAnswer:
    request_hash: str
    status_code: int
    body: bytes
    created_at: datetime


def _stored_answer(session: Session, key_hash: str) -> _StoredAnswer | None:
    # Plain columns, not an entity: an expired key's row is deleted and stored anew with the
    # same primary key in one transaction, which the identity map would refuse.
    row = session.execute(
        select(
            IdempotencyKey.request_hash,
            IdempotencyKey.status_code,
            IdempotencyKey.response_body,
            IdempotencyKey.created_at,
        ).where(IdempotencyKey.key_hash == key_hash)
    ).first()
    return None if row is None else _StoredAnswer(*row)


def _delete_key(session: Session, key_hash: str) -> None:
    session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.key_hash == key_hash)
        .execution_options(synchronize_session=False)
    )


def delete_keys_before(session: Session, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` keys stored at or before `cutoff`, oldest first; returns how many."""
    # SKIP LOCKED (PostgreSQL; SQLite has one writer anyway): requests tidying up at the same
    # time take different rows instead of queueing behind each other's uncommitted deletes.
    old = (
        select(IdempotencyKey.key_hash)
        .where(IdempotencyKey.created_at <= cutoff)
        .order_by(IdempotencyKey.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    result = session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.key_hash.in_(old))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
