"""Rate limits (museion.system.ratelimit): 429 with Retry-After per group, per address or token,
counters shared between app processes, in the database (SQLite, PostgreSQL) and in Redis.

The counters are committed rows (or Redis keys) of their own; each test counts in windows no
other test uses (its clock starts at a random minute far in the future), so the shared demo
database needs no cleaning. Requests that would write are sent with invalid bodies: they count
like any other and are refused (422) without changing the demo data.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from museion.app import create_app
from museion.config import Settings
from museion.db import Database
from museion.demo.loader import DemoInstance
from museion.errors import ErrorOut
from museion.system.ratelimit import (
    DatabaseCounters,
    Group,
    Limiter,
    Limits,
    RedisCounters,
    group_of,
)
from tests.conftest import ZONE, bearer
from tests.server import running_server
from tests.system.test_cache import REDIS_URL, redis_prefix

WINDOW = 60
READ = "/api/v4/version"
HOLD = "/api/v4/tickets/reservations"
INVOICE = "/api/v4/orders/1/invoice.pdf?token=wrong"


@dataclass
class Clock:
    now: float

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    # The first second of a random minute in the 2030s: windows no other test counts in.
    return Clock(float(1_900_000_000 // WINDOW + random.randrange(10**6)) * WINDOW + 1)


@pytest.fixture(params=["database", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None: counters in the database; else the Redis key prefix of this test."""
    yield from redis_prefix(request.param)


@pytest.fixture
def limited(database: Database, demo: DemoInstance, store: str | None, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=str(database.engine.url.render_as_string(hide_password=False)),
        media_dir=tmp_path / "media",
        time_zone=ZONE,
        cache_seconds=0,
        redis_url=REDIS_URL if store else None,
        redis_prefix=store or "museion:",
        rate_limit_window_seconds=WINDOW,
        rate_limit_sync_seconds=0,  # exact: every request asks the shared store
        rate_limit_read=3,
        rate_limit_read_token=5,
        rate_limit_booking=2,
        rate_limit_booking_token=4,
        rate_limit_document=2,
        rate_limit_document_token=2,
        rate_limit_sign_in=3,
    )


def process(settings: Settings, database: Database, clock: Clock) -> FastAPI:
    """One more app process on the same database (and Redis)."""
    app = create_app(settings, database)
    app.state.rate_limiter.clock = clock
    return app


def client(app: FastAPI, address: str = "192.0.2.10") -> TestClient:
    return TestClient(app, client=(address, 40000))


def assert_too_many(response: httpx.Response, clock: Clock) -> None:
    assert response.status_code == 429, response.text
    seconds = math.ceil(WINDOW - clock.now % WINDOW)
    assert response.headers["retry-after"] == str(seconds)
    assert response.json() == {"error": f"too many requests; try again in {seconds} seconds"}
    ErrorOut.model_validate(response.json())


def test_reads_over_the_limit_answer_429_with_retry_after_and_the_error_body(
    limited: Settings, database: Database, clock: Clock
) -> None:
    with client(process(limited, database, clock)) as api:
        for _ in range(3):
            assert api.get(READ).status_code == 200
        clock.now += 7.5
        assert_too_many(api.get(READ), clock)
        assert_too_many(api.get("/api/v4/museums"), clock)
        # Not limited: the docs and their OpenAPI document, CORS preflights.
        assert api.get("/api/docs").status_code == 200
        assert api.get("/api/openapi.json").status_code == 200
        preflight = {"Origin": "https://shop.example", "Access-Control-Request-Method": "GET"}
        assert api.options(READ, headers=preflight).status_code == 200
        # A shop in the browser may read the 429 and its Retry-After.
        refused = api.get(READ, headers={"Origin": "https://shop.example"})
        assert_too_many(refused, clock)
        assert refused.headers["access-control-allow-origin"] == "*"
        assert "retry-after" in refused.headers["access-control-expose-headers"].lower()


def test_addresses_and_tokens_have_counters_of_their_own(
    limited: Settings, database: Database, clock: Clock
) -> None:
    app = process(limited, database, clock)
    with client(app, "192.0.2.20") as first, client(app, "192.0.2.21") as second:
        for _ in range(3):
            assert first.get(READ).status_code == 200
        assert_too_many(first.get(READ), clock)
        assert second.get(READ).status_code == 200
        # A token counts for itself, from any address, up to its own (higher) limit.
        for _ in range(5):
            assert first.get(READ, headers=bearer("demo-reseller")).status_code == 200
        assert_too_many(second.get(READ, headers=bearer("demo-reseller")), clock)
        assert first.get(READ, headers=bearer("demo-user")).status_code == 200


def test_ipv6_addresses_count_per_64_block(
    limited: Settings, database: Database, clock: Clock
) -> None:
    app = process(limited, database, clock)
    with client(app, "2001:db8:5:6::1") as one, client(app, "2001:db8:5:6:ffff::2") as neighbour:
        for _ in range(3):
            assert one.get(READ).status_code == 200
        assert_too_many(neighbour.get(READ), clock)
    with client(app, "2001:db8:5:7::1") as next_block:
        assert next_block.get(READ).status_code == 200


def test_groups_count_independently(limited: Settings, database: Database, clock: Clock) -> None:
    with client(process(limited, database, clock)) as api:
        for _ in range(3):
            assert api.get(READ).status_code == 200
        assert_too_many(api.get(READ), clock)
        for _ in range(2):
            assert api.post(HOLD, json={}).status_code == 422
        assert_too_many(api.put(f"{HOLD}/abc", json={}), clock)
        for _ in range(2):
            assert api.get(INVOICE).status_code == 404
        assert_too_many(api.get(INVOICE), clock)
        # Orders (with a token) still have their own counter.
        assert (
            api.post("/api/v4/orders", json={}, headers=bearer("demo-reseller")).status_code == 422
        )


def test_two_app_processes_share_the_counters(
    limited: Settings, database: Database, clock: Clock
) -> None:
    one, other = process(limited, database, clock), process(limited, database, clock)
    with client(one) as first, client(other) as second:
        assert first.get(READ).status_code == 200
        assert second.get(READ).status_code == 200
        assert first.get(READ).status_code == 200
        assert_too_many(second.get(READ), clock)
        assert_too_many(first.get(READ), clock)


def test_a_new_window_starts_over(limited: Settings, database: Database, clock: Clock) -> None:
    with client(process(limited, database, clock)) as api:
        for _ in range(3):
            assert api.get(READ).status_code == 200
        clock.now += 30
        assert_too_many(api.get(READ), clock)
        clock.now += int(api.get(READ).headers["retry-after"])
        for _ in range(3):
            assert api.get(READ).status_code == 200
        assert_too_many(api.get(READ), clock)


def test_a_limit_of_zero_is_no_limit(limited: Settings, database: Database, clock: Clock) -> None:
    settings = limited.model_copy(update={"rate_limit_read": 0})
    with client(process(settings, database, clock)) as api:
        for _ in range(10):
            assert api.get(READ).status_code == 200
        for _ in range(2):
            assert api.post(HOLD, json={}).status_code == 422
        assert api.post(HOLD, json={}).status_code == 429
    off = limited.model_copy(update={"rate_limit_enabled": False})
    assert create_app(off, database).state.rate_limiter is None


def test_refused_tokens_count_as_sign_in_attempts_of_the_address(
    limited: Settings, database: Database, clock: Clock
) -> None:
    """Made-up tokens each have a counter of their own; the address's sign-in limit stops them."""
    app = process(limited, database, clock)
    with client(app, "192.0.2.30") as guesser, client(app, "192.0.2.31") as other:
        for n in range(3):
            assert guesser.get(READ, headers=bearer(f"guess-{n}")).status_code == 401
        assert_too_many(guesser.get(READ, headers=bearer("guess-3")), clock)
        assert_too_many(guesser.get(READ, headers=bearer("demo-reseller")), clock)
        assert guesser.get(READ).status_code == 200  # anonymous reads have their own counter
        assert other.get(READ, headers=bearer("demo-reseller")).status_code == 200


def test_the_sign_in_group_is_per_address_whatever_the_headers() -> None:
    assert group_of("POST", "/api/v4/auth/sign_in") is Group.SIGN_IN
    assert group_of("GET", "/api/v4/orders/{order_id}/invoice.pdf") is Group.DOCUMENT
    assert group_of("GET", "/api/v4/orders/1/tickets/2.pdf") is Group.DOCUMENT
    assert group_of("POST", "/api/v4/orders/ab/finalize") is Group.BOOKING
    assert group_of("DELETE", "/api/v4/tickets/reservations/ab") is Group.BOOKING
    assert group_of("GET", "/api/v4/orders") is Group.READ
    assert group_of("OPTIONS", "/api/v4/orders") is None
    assert group_of("GET", "/media/teaser/x.jpg") is None
    assert group_of("GET", "/api/docs") is None


# --- Stores that fail, stores shared between processes --------------------------------------------


def test_a_redis_that_does_not_answer_lets_requests_through(
    limited: Settings, database: Database, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    dead = limited.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with caplog.at_level(logging.WARNING), client(process(dead, database, clock)) as api:
        for _ in range(6):
            assert api.get(READ).status_code == 200
            clock.now += 2  # past the pause after a failure: the store is asked again
    warnings = [r for r in caplog.records if "counter store unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request


@pytest.mark.parametrize("sync_seconds", [0, 1])
def test_database_counters_that_fail_let_requests_through(
    tmp_path: Path, clock: Clock, sync_seconds: float
) -> None:
    unmigrated = Database(f"sqlite:///{tmp_path / 'no-tables.db'}")
    limiter = Limiter(
        DatabaseCounters(unmigrated),
        Limits({Group.READ: 2}, {}),
        window_seconds=WINDOW,
        sync_seconds=sync_seconds,
        clock=clock,
    )

    async def scenario() -> list[float | None]:
        answers = []
        for _ in range(5):
            answers.append(await limiter.hit("read:a:x", 2))
            if limiter._syncing is not None:
                await limiter._syncing
        return answers

    try:
        # With periodic syncs the first two count locally; the failed sync then opens up.
        expected = [None] * 5
        assert asyncio.run(scenario()) == expected
    finally:
        unmigrated.dispose()


def counters(database: Database, prefix: str | None) -> DatabaseCounters | RedisCounters:
    return DatabaseCounters(database) if prefix is None else RedisCounters(REDIS_URL, prefix=prefix)


def test_processes_add_their_counts_every_sync_and_learn_the_others(
    database: Database, store: str | None, clock: Clock
) -> None:
    """Periodic syncs: between two, each process decides alone on the total it last learned
    plus its own counts since; so a client gets past a limit by at most what the other
    processes let through in one sync interval."""
    limits = Limits({Group.READ: 10}, {})
    name = "read:a:192.0.2.40"

    def limiter() -> Limiter:
        shared = counters(database, store)
        return Limiter(shared, limits, window_seconds=WINDOW, sync_seconds=1, clock=clock)

    one, other = limiter(), limiter()

    async def hits(who: Limiter, n: int) -> list[bool]:
        answers = [await who.hit(name, 10) is None for _ in range(n)]
        if who._syncing is not None:
            await who._syncing
        return answers

    async def stored() -> int:
        key = f"{name}:{int(clock.now // WINDOW)}"
        reader = counters(database, store)
        totals = await reader.add([(key, 0, clock.now + WINDOW)], clock.now)
        await reader.close()
        assert totals is not None
        return totals[0]

    async def scenario() -> None:
        assert await hits(one, 6) == [True] * 6
        assert await stored() == 6
        assert await hits(other, 3) == [True] * 3  # and 'other' learns the 9
        assert await stored() == 9
        # No sync due for 'one' within the second: it knows its own 6 and lets 4 more pass.
        assert await hits(one, 5) == [True] * 4 + [False]
        assert await stored() == 9
        clock.now += 1
        assert await hits(one, 1) == [False]  # refused, but its 4 reach the store
        assert await stored() == 13
        assert await hits(other, 2) == [True, False]  # it knew 9: one more, then it learns
        assert await stored() == 14
        await one.close()
        await other.close()

    asyncio.run(scenario())


@pytest.mark.server
def test_a_real_server_with_two_workers_counts_once_for_both(
    empty_database_url: str, tmp_path: Path
) -> None:
    """Every request on a connection of its own, so both worker processes answer some."""
    env = {
        "MUSEION_RATE_LIMIT_BOOKING": "4",
        "MUSEION_RATE_LIMIT_SYNC_SECONDS": "0",
        # An hour's window: the test never straddles two windows, whatever the clock says.
        "MUSEION_RATE_LIMIT_WINDOW_SECONDS": "3600",
    }
    with running_server(empty_database_url, tmp_path, workers=2, env=env) as base_url:
        statuses = [httpx.post(base_url + HOLD, json={}).status_code for _ in range(10)]
        refused = httpx.post(base_url + HOLD, json={})
    assert statuses == [422] * 4 + [429] * 6
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert refused.json()["error"].startswith("too many requests")
