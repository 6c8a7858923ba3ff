"""Sustained order creation: create + finalize per order, N concurrent clients, on a real server.

    .venv/bin/python bench/orders.py --url sqlite:///bench/data/orders.db --recreate
    .venv/bin/python bench/orders.py --url postgresql://postgres@127.0.0.1:5432/museion_orders \
        --recreate

Prepares a fresh database (migrated; one reseller token, one museum, `--dates` event dates
with plenty of seats and one time-slot ticket with a large quota), starts
`python -m museion serve --no-migrate --workers W` on a free port of 127.0.0.1, and lets
`--clients` threads each run create-then-finalize in a closed loop for `--duration` seconds
after a warm-up. Half the orders book 2 seats of a random date, half buy 2 tickets of one of
tomorrow's time slots. Reports finished orders per second, latencies, and the CPU time one order
cost the server processes, the local PostgreSQL server processes and the client: on a shared,
noisy machine the CPU per order is the steadier figure.

The clients are wrk connections (`orders.lua`, one wrk thread each) when wrk is installed, so
the load generator takes little of the two cores the server needs; `--python` (or no wrk) uses
Python threads with httpx2 instead, which costs several times the CPU per order and makes the
figures a floor. This is a benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2 as httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from museion.availability.models import Quota, QuotaRule  # noqa: E402
from museion.catalogue.events.models import Event, EventDate  # noqa: E402
from museion.catalogue.museums.models import Museum  # noqa: E402
from museion.catalogue.tickets.models import Ticket, TicketQuota  # noqa: E402
from museion.db import Database, session_scope  # noqa: E402
from museion.migrations import upgrade  # noqa: E402
from museion.tokens.service import create_token  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from load import UNREACHABLE_LIMITS, connections_per_worker  # noqa: E402

SECRET = "bench-reseller"
BALANCE_ATTEMPTS = 10
ZONE = ZoneInfo("Europe/Berlin")


def recreate(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    admin = create_engine(
        parsed.set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def prepare(url: str, dates: int) -> tuple[list[int], int, str]:
    """(date ids, ticket id, entry time) of a fresh instance with room for every order."""
    database = Database(url)
    try:
        upgrade(database)
        with session_scope(database) as session:
            create_token(session, access="reseller", name="bench", secret=SECRET)
            museum = Museum(title={"de": "Benchmuseum"}, shop_order=1)
            session.add(museum)
            session.flush()
            event = Event(museum_id=museum.id, title={"de": "Bench"}, duration=60)
            session.add(event)
            session.flush()
            start = datetime.now(UTC) + timedelta(days=7)
            rows = [
                EventDate(
                    event_id=event.id,
                    start_at=start + timedelta(hours=i),
                    end_at=start + timedelta(hours=i, minutes=60),
                    seats_max=10_000_000,
                    price_cents=1200,
                )
                for i in range(dates)
            ]
            session.add_all(rows)
            quota = Quota(title="bench", rules=[QuotaRule(capacity=10_000_000)])
            ticket = Ticket(
                title={"de": "Bench-Ticket"},
                ticket_type="time_slot",
                first_entry=600,
                last_entry=960,
                entry_duration=30,
                price_cents=900,
                max_persons=10,
            )
            session.add_all([quota, ticket])
            session.flush()
            session.add(TicketQuota(ticket_id=ticket.id, quota_id=quota.id))
            tomorrow = datetime.now(ZONE).date() + timedelta(days=1)
            entry = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 12, 0, tzinfo=ZONE)
            return [d.id for d in rows], ticket.id, entry.isoformat()
    finally:
        database.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    url: str, workers: int, log: Path, shared_socket: bool = False
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSEION_")}
    env["MUSEION_DATABASE_URL"] = url
    if shared_socket:
        env["MUSEION_REUSE_PORT"] = "false"  # uvicorn's one socket for all workers
    env |= UNREACHABLE_LIMITS  # one token, hundreds of orders a second: measured, never refused
    command = [sys.executable, "-m", "museion", "serve", "--no-migrate", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v4/version", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"server did not start; see {log}")


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc; 0 where unreadable)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def children(pid: int) -> list[int]:
    """The process and its descendants (the server's workers)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found if len(found) == 1 else [pid, *[p for c in found[1:] for p in children(c)]]


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def run(
    base: str,
    clients: int,
    seconds: float,
    dates: list[int],
    ticket: tuple[int, str],
    started: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    started()
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        chance = random.Random(n)
        headers = {"Authorization": f"Bearer {SECRET}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            while time.monotonic() < stop:
                if chance.random() < 0.5:
                    item = {
                        "type": "Event",
                        "attributes": {"id": chance.choice(dates), "quantity": 2},
                    }
                else:
                    attributes = {"id": ticket[0], "quantity": 2, "time": ticket[1]}
                    item = {"type": "Ticket", "attributes": attributes}
                began = time.monotonic()
                created = http.post("/api/v4/orders", json={"items": [item]})
                if created.status_code != 201:
                    with lock:
                        failures.append(created.status_code)
                    continue
                token = created.json()["order"]["token"]
                finalized = http.post(f"/api/v4/orders/{token}/finalize")
                with lock:
                    if finalized.status_code == 200:
                        latencies.append(time.monotonic() - began)
                    else:
                        failures.append(finalized.status_code)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies)
    return {
        "orders": len(latencies),
        "seconds": round(elapsed, 1),
        "orders_per_second": round(len(latencies) / elapsed, 1),
        "order_p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "order_p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1) if ordered else None,
        "failures": dict(sorted({s: failures.count(s) for s in set(failures)}.items())),
    }


def even(spread: list[int], clients: int, workers: int) -> bool:
    """The connections are spread as evenly as they can be (or we cannot tell: no `ss`)."""
    if not spread:
        return True
    return len(spread) == min(workers, clients) and spread[0] - spread[-1] <= 1


# --rebalance: restart wrk until its connections are spread evenly (see wrk_evenly).
REBALANCE = False


def wrk_evenly(
    command: list[str],
    base: str,
    clients: int,
    workers: int,
    seconds: float,
    started: Callable[[], None] = lambda: None,
) -> tuple[str, list[int]]:
    """Run wrk: (stdout, connections per worker). With REBALANCE (--rebalance), wrk is
    restarted until its connections are spread evenly over the workers; without, the spread is
    the kernel's (a SO_REUSEPORT socket per worker: a hash of each connection's ports)."""
    port = int(base.rsplit(":", 1)[1])
    for attempt in range(1, BALANCE_ATTEMPTS + 1):
        started()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        time.sleep(0.5)
        spread = connections_per_worker(port)
        if not REBALANCE or even(spread, clients, workers) or attempt == BALANCE_ATTEMPTS:
            stdout, _ = process.communicate(timeout=seconds + 60)
            if process.returncode != 0:
                raise RuntimeError(f"wrk failed with {process.returncode}")
            return stdout, spread
        process.kill()
        process.wait(timeout=10)
        time.sleep(0.5)  # the server finishes what the killed connections had sent
    raise AssertionError("unreachable")


def reference(base: str, clients: int, workers: int, seconds: float = 5) -> float:
    """Requests per second of GET /api/v4/whoami with the same token and connections: the same
    server, middleware, token lookup and thread hops, but no order work. Measured around the
    order run, it tells how fast the machine was at the time (these machines are noisy)."""
    command = ["wrk", f"-t{clients}", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "10s"]
    command += ["-H", f"Authorization: Bearer {SECRET}", f"{base}/api/v4/whoami"]
    stdout, _ = wrk_evenly(command, base, clients, workers, seconds)
    found = re.search(r"Requests/sec:\s+([0-9.]+)", stdout)
    return float(found.group(1)) if found else 0.0


def run_wrk(
    base: str,
    clients: int,
    seconds: float,
    dates: list[int],
    ticket: tuple[int, str],
    started: Callable[[], None] = lambda: None,
    *,
    workers: int = 2,
) -> dict[str, Any]:
    """The same closed loop driven by wrk: one thread per connection (see orders.lua).

    Every worker listens on a socket of its own (SO_REUSEPORT), so the kernel spreads the
    connections; with `--shared-socket --rebalance`, wrk is restarted until they are spread
    evenly (with one shared socket, one worker may get most of them). `started` runs right
    before each attempt, so the figures describe the one that counts."""
    command = [
        "wrk",
        f"-t{clients}",
        f"-c{clients}",
        f"-d{seconds:.0f}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "orders.lua"),
        base,
        "--",
        SECRET,
        str(ticket[0]),
        ticket[1],
        ",".join(str(d) for d in dates),
    ]
    stdout, spread = wrk_evenly(command, base, clients, workers, seconds, started)
    found = json.loads(stdout.strip().splitlines()[-1])
    elapsed = found["duration_us"] / 1e6
    statuses = [int(s) for s in found["failed_statuses"].split()]
    return {
        "orders": found["orders"],
        "seconds": round(elapsed, 1),
        "orders_per_second": round(found["orders"] / elapsed, 1),
        "request_p50_ms": round(found["request_p50_us"] / 1000, 1),
        "request_p99_ms": round(found["request_p99_us"] / 1000, 1),
        "failures": dict(sorted({s: statuses.count(s) for s in set(statuses)}.items())),
        "socket_errors": found["socket_errors"],
        "connections_per_worker": "/".join(map(str, spread)) or "?",
    }


def client_cpu_seconds() -> float:
    """This process's CPU plus that of its finished children (wrk)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    waited = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--recreate", action="store_true", help="start from an empty database")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--dates", type=int, default=50)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--python", action="store_true", help="Python clients instead of wrk")
    parser.add_argument(
        "--shared-socket",
        action="store_true",
        help="MUSEION_REUSE_PORT=false: one listening socket for all workers",
    )
    parser.add_argument(
        "--rebalance",
        action="store_true",
        help="restart wrk until its connections are spread evenly over the workers",
    )
    args = parser.parse_args()
    global REBALANCE
    REBALANCE = args.rebalance
    use_wrk = not args.python and shutil.which("wrk") is not None
    if not args.python and not use_wrk:
        print("wrk is not installed: using Python clients, which share the CPU with the server")
    load = partial(run_wrk, workers=args.workers) if use_wrk else run
    if args.recreate:
        recreate(args.url)
    dates, ticket_id, entry = prepare(args.url, args.dates)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    process, base = start_server(
        args.url, args.workers, results / "orders-server.log", args.shared_socket
    )
    try:
        load(base, args.clients, args.warmup, dates, (ticket_id, entry))
        whoami_before = reference(base, args.clients, args.workers) if use_wrk else 0.0
        server = children(process.pid)
        before: list[tuple[float, float, float]] = []

        def started() -> None:
            before[:] = [(cpu_seconds(server), cpu_seconds(postgres_pids()), client_cpu_seconds())]

        figures = load(base, args.clients, args.duration, dates, (ticket_id, entry), started)
        after = (cpu_seconds(server), cpu_seconds(postgres_pids()), client_cpu_seconds())
        whoami_after = reference(base, args.clients, args.workers) if use_wrk else 0.0
        if use_wrk:
            figures["reference_whoami_per_second"] = [round(whoami_before), round(whoami_after)]
            mean = (whoami_before + whoami_after) / 2
            # Each order is two requests, each much more than a whoami: the ratio says how
            # many orders the server finishes in the time it answers one whoami.
            figures["orders_per_whoami"] = round(figures["orders_per_second"] / mean, 4)
        # Backends that ended during the run took their CPU along: PostgreSQL is a floor.
        orders = max(figures["orders"], 1)
        figures["cpu_ms_per_order"] = {
            name: round((end - start) / orders * 1000, 2)
            for name, start, end in zip(
                ("server", "postgres", "client"), before[0], after, strict=True
            )
        }
    finally:
        process.terminate()
        process.wait(timeout=15)
    figures |= {
        "backend": make_url(args.url).get_backend_name(),
        "workers": args.workers,
        "clients": args.clients,
        "client": "wrk" if use_wrk else "python-httpx2",
        "listening": "shared socket" if args.shared_socket else "socket per worker",
        "rebalanced": args.rebalance,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
