"""Where one request's time goes: wall time, each SQL statement, and a cProfile of the rest.

    .venv/bin/python bench/profile_request.py --url sqlite:///bench/data/bench.db \
        --path '/api/v4/dates?start_at=2026-12-01&end_at=2026-12-31&by_museum_ids%5B%5D=2'

The app runs in-process and in this one thread (FastAPI's thread pool is replaced by a direct
call), so cProfile sees the endpoint, the ORM and the serialization, and nothing else competes.
SQL times are measured around cursor.execute: on SQLite that excludes fetching the rows.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from statistics import median
from typing import Any

import anyio.to_thread
import httpx2 as httpx
from fastapi import FastAPI
from sqlalchemy import Engine, event

from museion.app import create_app
from museion.config import Settings


async def _run_inline(func: Callable[..., Any], *args: Any, **_options: Any) -> Any:
    return func(*args)


def run_in_this_thread() -> None:
    """Sync endpoints and dependencies run here, where cProfile can see them."""
    anyio.to_thread.run_sync = _run_inline  # type: ignore[assignment]


class SqlTimer:
    def __init__(self, engine: Engine) -> None:
        self.timings: list[tuple[float, str]] = []
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args: Any) -> None:
        self._started = time.perf_counter()

    def _after(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        elapsed = (time.perf_counter() - self._started) * 1e3
        self.timings.append((elapsed, " ".join(statement.split())[:70]))


async def timed_gets(
    app: FastAPI,
    path: str,
    n: int,
    profile: cProfile.Profile | None = None,
    warmup: int = 5,
    token: str | None = None,
) -> float:
    """Median milliseconds of `n` GETs (after `warmup` ones)."""
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", headers=headers
    ) as client:
        for _ in range(warmup):
            response = await client.get(path)
            response.raise_for_status()
        times: list[float] = []
        if profile is not None:
            profile.enable()
        for _ in range(n):
            started = time.perf_counter()
            await client.get(path)
            times.append((time.perf_counter() - started) * 1e3)
        if profile is not None:
            profile.disable()
    return median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database URL")
    parser.add_argument("--path", required=True, help="request path with query string")
    parser.add_argument("-n", type=int, default=50, help="requests to time (default 50)")
    parser.add_argument("--top", type=int, default=25, help="cProfile lines to show")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key")
    parser.add_argument("--token", help="send this bearer token (e.g. demo-reseller)")
    parser.add_argument(
        "--cache-seconds", type=float, default=0, help="response cache lifetime (default 0: off)"
    )
    args = parser.parse_args(argv)
    run_in_this_thread()
    app = create_app(Settings(database_url=args.url, cache_seconds=args.cache_seconds))
    sql = SqlTimer(app.state.database.engine)
    wall = asyncio.run(timed_gets(app, args.path, args.n, token=args.token))
    print(f"{args.path}\n  median {wall:.1f} ms per request (one thread, no profiler)")
    sql.timings.clear()
    asyncio.run(timed_gets(app, args.path, 1, warmup=0, token=args.token))
    for elapsed, statement in sql.timings:
        print(f"  {elapsed:7.2f} ms  {statement}")
    profile = cProfile.Profile()
    asyncio.run(timed_gets(app, args.path, args.n, profile, token=args.token))
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
