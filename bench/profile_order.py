"""Where one order's time goes: create + finalize in process, each SQL statement, and a cProfile.

    .venv/bin/python bench/profile_order.py --url sqlite:///bench/data/profile-orders.db
    .venv/bin/python bench/profile_order.py \
        --url postgresql://postgres@127.0.0.1:5432/museion_profile_orders

Prepares a fresh database as `orders.py` does (it is recreated: never point this at data you
keep), then places orders the way `orders.lua` does (half 2 seats of an event date, half 2
tickets of one time slot), each created and finalized, in this one thread (FastAPI's thread
pool is replaced by a direct call, as in `profile_request.py`). Prints the median milliseconds
of an order (both requests), the SQL statements of one order of each kind with their time, and
a cProfile of `-n` orders.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from statistics import median
from typing import Any

import httpx2 as httpx
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import UNREACHABLE_LIMITS
from profile_request import SqlTimer, run_in_this_thread

from museion.app import create_app
from museion.config import Settings
from orders import SECRET, prepare, recreate


def bodies(dates: Sequence[int], ticket: tuple[int, str], n: int) -> list[dict[str, Any]]:
    """`n` order payloads as orders.lua sends them, alternating tickets and event dates."""
    chance = random.Random(1)
    found: list[dict[str, Any]] = []
    for i in range(n):
        if i % 2:
            item = {"type": "Event", "attributes": {"id": chance.choice(dates), "quantity": 2}}
        else:
            attributes = {"id": ticket[0], "quantity": 2, "time": ticket[1]}
            item = {"type": "Ticket", "attributes": attributes}
        found.append({"items": [item]})
    return found


async def place(
    app: FastAPI, payloads: Sequence[dict[str, Any]], profile: cProfile.Profile | None = None
) -> list[float]:
    """Milliseconds of each order (create + finalize)."""
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {SECRET}"}
    times: list[float] = []
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", headers=headers
    ) as client:
        if profile is not None:
            profile.enable()
        for payload in payloads:
            started = time.perf_counter()
            created = await client.post("/api/v4/orders", json=payload)
            assert created.status_code == 201, created.text
            token = created.json()["order"]["token"]
            finalized = await client.post(f"/api/v4/orders/{token}/finalize")
            assert finalized.status_code == 200, finalized.text
            times.append((time.perf_counter() - started) * 1e3)
        if profile is not None:
            profile.disable()
    return times


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database URL (recreated)")
    parser.add_argument("-n", type=int, default=400, help="orders to time (default 400)")
    parser.add_argument("--top", type=int, default=40, help="cProfile lines to show")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key")
    parser.add_argument(
        "--no-cprofile", action="store_true", help="skip the cProfile (e.g. under py-spy)"
    )
    args = parser.parse_args(argv)
    recreate(args.url)
    dates, ticket_id, entry = prepare(args.url, 50)
    os.environ.update(UNREACHABLE_LIMITS)
    run_in_this_thread()
    app = create_app(Settings(database_url=args.url))
    sql = SqlTimer(app.state.database.engine)
    ticket = (ticket_id, entry)
    asyncio.run(place(app, bodies(dates, ticket, 20)))
    cpu = time.process_time()
    times = asyncio.run(place(app, bodies(dates, ticket, args.n)))
    cpu = (time.process_time() - cpu) / args.n * 1e3
    print(
        f"median {median(times):.2f} ms per order (create + finalize, one thread, no profiler),"
        f" {cpu:.2f} ms CPU per order (client included)"
    )
    for kind, payload in zip(("ticket", "event"), bodies(dates, ticket, 2), strict=True):
        sql.timings.clear()
        asyncio.run(place(app, [payload]))
        total = sum(elapsed for elapsed, _ in sql.timings)
        print(f"{kind} order: {len(sql.timings)} statements, {total:.2f} ms in cursor.execute")
        for elapsed, statement in sql.timings:
            print(f"  {elapsed:7.2f} ms  {statement}")
    if args.no_cprofile:
        return 0
    profile = cProfile.Profile(time.process_time)  # CPU: the machine may be busy
    asyncio.run(place(app, bodies(dates, ticket, args.n), profile))
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
