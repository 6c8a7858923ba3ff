"""Throughput and latency of catalogue reads, relative to a trivial endpoint of the same server.

    .venv/bin/python bench/load.py --url sqlite:///bench/data/bench.db --workers 2 \
        --concurrency 32 --duration 15 --json bench/results/sqlite-c32.json

Starts `python -m museion serve --no-migrate` on a free port of 127.0.0.1 with the given database,
then loads each target for `--duration` seconds with `--concurrency` open connections (closed
loop: every connection sends its next request when the previous answer arrived), after a short
warm-up. The trivial target (GET /api/v4/locales) runs first and again last; the ratios use the
mean of the two, so drift during the run shows instead of skewing the result. `wrk` is used when
installed; otherwise a Python asyncio client (httpx2), which shares the CPU with the server.

With `--orders-per-second N`, every read target but the trivial one is measured a second time
right after the first, while a process of its own places N orders a second (create + finalize
of one seat, `--order-token`) on the dates the /dates targets show, so the calendar's seats
change under the reads. The placer also runs once alone first, for its own figures. The
1-minute load average of the machine is recorded around every measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import http.client
import json
import multiprocessing
import os
import queue
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Event

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
ZONE = ZoneInfo("Europe/Berlin")
API = "/api/v4"
TRIVIAL = f"{API}/locales"
PAGES = range(1, 6)
MONTHS = 3  # the /dates "by museum" target rotates over this many months, starting next month
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
# Idle: this many trivial requests in a row answer within IDLE_MS (they go to any worker).
IDLE_PROBES = 5
IDLE_MS = 20.0
DRAIN_TIMEOUT = 120.0
BALANCE_ATTEMPTS = 6
# Sent with every request of the run (`--token`): answers to tokens skip the response cache.
HEADERS: dict[str, str] = {}
# The order placer (`--orders-per-second`): its connections at first and at most, how long it
# runs before the reads start, how late an order may go out before it counts as late, how long
# one request may take.
ORDER_CONNECTIONS = 4
ORDER_MAX_CONNECTIONS = 64
ORDER_LEAD = 1.0
ORDER_LATE = 0.1
ORDER_TIMEOUT = 30.0


@dataclass(frozen=True)
class Target:
    name: str
    paths: list[str]


@dataclass(frozen=True)
class OrderFigures:
    """What the order placer did while a measurement ran (orders whose create went out in it)."""

    asked_per_second: float
    completed: int  # created (201) and finalized (200)
    failed: int  # a non-2xx answer to either call, or none at all
    seconds: float
    p50_ms: float  # create + finalize
    p99_ms: float
    late: int  # started more than ORDER_LATE after their time: the pace was not kept
    failures: dict[str, int]  # by status; "0": no answer
    connections: int  # the placer opened, to keep the pace

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Measurement:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    connections: str = "?"  # per worker process, e.g. "16/16"
    load_start: float = 0.0  # the machine's 1-minute load average before and after
    load_end: float = 0.0
    orders: OrderFigures | None = None  # placed meanwhile (`--orders-per-second`)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database URL, as given to generate.py")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument("--concurrency", type=int, default=32, help="open connections")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per target")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per target")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--python", action="store_true", help="use the Python client, not wrk")
    parser.add_argument(
        "--cache-seconds",
        type=float,
        help="MUSEION_CACHE_SECONDS for the server (default: its own default); 0 turns the "
        "response cache off, to measure the work behind a cache miss",
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="MUSEION_REDIS_URL for the server: keep the response cache in this Redis "
        "(under a key prefix of this run's own) instead of the database",
    )
    parser.add_argument(
        "--no-rate-limits",
        action="store_true",
        help="MUSEION_RATE_LIMIT_ENABLED=false: no limiter at all (default: limits too high "
        "to refuse anything, so the check's cost is measured)",
    )
    parser.add_argument(
        "--shared-socket",
        action="store_true",
        help="MUSEION_REUSE_PORT=false: the workers share one listening socket (uvicorn's way) "
        "instead of one SO_REUSEPORT socket each",
    )
    parser.add_argument(
        "--rebalance",
        action="store_true",
        help=f"restart wrk (up to {BALANCE_ATTEMPTS} times) while a worker holds less than 3/4 "
        "of its fair share of the connections; needed with --shared-socket, where the first "
        "worker to accept may take nearly all of them",
    )
    parser.add_argument(
        "--token",
        help="send `Authorization: Bearer TOKEN` with every request (e.g. demo-reseller): "
        "token answers are never served from the response cache",
    )
    parser.add_argument(
        "--orders-per-second",
        type=float,
        default=0.0,
        metavar="N",
        help="measure every read target but the trivial one again while N orders a second "
        "(create + finalize, one seat of a date the /dates targets show) are placed, and the "
        "orders alone once first (default 0: no orders)",
    )
    parser.add_argument(
        "--order-token",
        default="demo-reseller",
        help="the token the orders are placed with (default demo-reseller)",
    )
    parser.add_argument(
        "--order-connections",
        type=int,
        default=ORDER_CONNECTIONS,
        help=f"connections the order placer starts with (default {ORDER_CONNECTIONS}); it "
        "opens another whenever an order is due while all are busy",
    )
    parser.add_argument(
        "--order-max-connections",
        type=int,
        default=ORDER_MAX_CONNECTIONS,
        help=f"at most this many (default {ORDER_MAX_CONNECTIONS}); beyond, orders wait and "
        "count as late",
    )
    parser.add_argument(
        "--only",
        metavar="TEXT",
        help="measure only the read targets whose name contains TEXT (and the trivial one)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    return parser.parse_args(argv)


# --- The server -------------------------------------------------------------------------------


def absolute_url(url: str) -> str:
    """A relative SQLite path must survive the server running in another directory."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        path = url[len(prefix) :]
        if path and path != ":memory:":
            return prefix + str(Path(path).resolve())
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# One address sends thousands of requests a second: limits so high that they never refuse,
# while every request still pays for the check (`--no-rate-limits`: no limiter at all). The
# orders of `--orders-per-second` need it too: by default a token may place 6000 booking calls
# a minute (BOOKING_TOKEN), just 50 orders a second of two calls each, an address 60 (BOOKING).
UNREACHABLE_LIMITS = {
    f"MUSEION_RATE_LIMIT_{group}": "1000000000"
    for group in ("READ", "READ_TOKEN", "BOOKING", "BOOKING_TOKEN", "DOCUMENT", "DOCUMENT_TOKEN")
} | {"MUSEION_RATE_LIMIT_SIGN_IN": "1000000000"}


def server_env(
    database_url: str,
    cache_seconds: float | None,
    redis_url: str | None = None,
    rate_limits: bool = True,
    shared_socket: bool = False,
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSEION_")}
    # Passed through for trials of the server's read turns (web.RequestGate).
    if "MUSEION_CONCURRENT_READS" in os.environ:
        env["MUSEION_CONCURRENT_READS"] = os.environ["MUSEION_CONCURRENT_READS"]
    env["MUSEION_DATABASE_URL"] = database_url
    if shared_socket:
        env["MUSEION_REUSE_PORT"] = "false"
    env |= UNREACHABLE_LIMITS if rate_limits else {"MUSEION_RATE_LIMIT_ENABLED": "false"}
    if cache_seconds is not None:
        env["MUSEION_CACHE_SECONDS"] = str(cache_seconds)
    if redis_url is not None:
        env["MUSEION_REDIS_URL"] = redis_url
        env["MUSEION_REDIS_PREFIX"] = f"museion-bench-{os.getpid()}-{time.time_ns()}:"
    return env


def get(
    url: str, timeout: float = 10.0, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """GET from our own server on 127.0.0.1: (status, body), also for 4xx and 5xx answers.
    Sends HEADERS (`--token`) unless `headers` are given."""
    try:
        request = urllib.request.Request(url, headers=HEADERS if headers is None else headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


def wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}; see {log}")
        try:
            if get(f"{base_url}{API}/version", timeout=2.0)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {START_TIMEOUT:.0f} s; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn stops its workers), then SIGKILL to the group we started."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def running_server(
    database_url: str,
    workers: int,
    cache_seconds: float | None,
    redis_url: str | None = None,
    rate_limits: bool = True,
    shared_socket: bool = False,
) -> Iterator[str]:
    """`museion serve --no-migrate` on a free port; yields its base URL, stops it afterwards."""
    port = free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / f"server-{port}.log"
    command = [sys.executable, "-m", "museion", "serve", "--no-migrate", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=server_env(database_url, cache_seconds, redis_url, rate_limits, shared_socket),
            cwd=RESULTS,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_up(base_url, process, log)
            yield base_url
        finally:
            stop(process)
    log.unlink()  # kept only when something went wrong


def wait_until_idle(base_url: str) -> None:
    """Requests a load run leaves behind still run in the server after wrk has hung up; the
    next run must not start before they are done, or it measures the previous target too."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    quick = 0
    while quick < IDLE_PROBES:
        if time.monotonic() > deadline:
            print(f"  warning: server still busy after {DRAIN_TIMEOUT:.0f} s; measuring anyway")
            return
        started = time.perf_counter()
        get(base_url + TRIVIAL, timeout=DRAIN_TIMEOUT)
        quick = quick + 1 if (time.perf_counter() - started) * 1e3 < IDLE_MS else 0
        time.sleep(0.05)


def code_fingerprint() -> str:
    """A short hash of the museion package's source: which code a result was measured on."""
    import museion

    digest = hashlib.sha256()
    package = Path(museion.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# --- What to request --------------------------------------------------------------------------


def next_month(today: date) -> tuple[date, date]:
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def months_ahead(today: date, count: int) -> list[tuple[date, date]]:
    """(first, last day) of the `count` months after this one."""
    months = [next_month(today)]
    while len(months) < count:
        months.append(next_month(months[-1][0]))
    return months


def ids_from(base_url: str, path: str, key: str) -> list[int]:
    status, body = get(base_url + path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return [int(item["id"]) for item in json.loads(body)[key]]


def targets(base_url: str) -> list[Target]:
    museums = ids_from(base_url, f"{API}/museums?per_page=25", "museums")
    categories = ids_from(base_url, f"{API}/events/categories", "categories")
    months = [
        f"{API}/dates?start_at={first}&end_at={last}&per_page=25"
        for first, last in months_ahead(datetime.now(ZONE).date(), MONTHS)
    ]
    events = f"{API}/events?per_page=25"
    event_ids = ids_from(base_url, events, "events")
    ticket_ids = ids_from(base_url, f"{API}/tickets?per_page=25", "tickets")
    windows = [
        f"start_at={first}&end_at={last}"
        for first, last in months_ahead(datetime.now(ZONE).date(), MONTHS)
    ]
    days = [next_month(datetime.now(ZONE).date())[0] + timedelta(days=n) for n in range(7)]
    return [
        Target("locales (trivial)", [TRIVIAL]),
        Target(
            "dates, month, by museum",
            [
                f"{dates}&by_museum_ids%5B%5D={m}&page={p}"
                for dates in months
                for p in PAGES
                for m in museums
            ],
        ),
        Target("dates, month, all", [f"{months[0]}&page={p}" for p in PAGES]),
        Target("events", [f"{events}&page={p}" for p in PAGES]),
        Target(
            "events, by category",
            [f"{events}&by_category_ids%5B%5D={c}&page={p}" for p in PAGES for c in categories],
        ),
        Target("event", [f"{API}/events/{e}" for e in event_ids]),
        Target(
            "event dates, month",
            [f"{API}/events/{e}/dates?{w}" for w in windows for e in event_ids],
        ),
        Target(
            "calendar, month, by museum",
            [f"{API}/calendar?{w}&by_museum_ids%5B%5D={m}" for w in windows for m in museums],
        ),
        Target("tickets", [f"{API}/tickets?per_page=25"]),
        Target(
            "ticket capacities, day",
            [
                f"{API}/tickets/capacities?ticket_ids%5B%5D={t}&date={d}"
                for d in days
                for t in ticket_ids
            ],
        ),
        Target("tickets calendar, month", [f"{API}/tickets/calendar?{w}" for w in windows]),
        Target("exhibitions", [f"{API}/exhibitions?per_page=25"]),
        Target("museums", [f"{API}/museums?per_page=25"]),
        Target("locales (trivial, again)", [TRIVIAL]),
    ]


def check(base_url: str, target: Target) -> None:
    """Every path must answer 200: a benchmark of error pages measures nothing."""
    for path in target.paths:
        status, _ = get(base_url + path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")


# --- Load generators --------------------------------------------------------------------------


# Processes whose connections to the server are not the load generator's (the order placer's,
# while it runs): connections_per_worker leaves them out.
OTHER_CLIENTS: set[int] = set()


def connections_per_worker(port: int) -> list[int]:
    """Open connections to `port` per server process, most first (empty without `ss`); those
    of OTHER_CLIENTS are left out."""
    if shutil.which("ss") is None:
        return []
    listing = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} or dport = :{port} )"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout
    # Lines: Recv-Q Send-Q local:port peer:port users:(("name",pid=N,fd=M))
    sockets = [
        (int(found[1]), int(found[2]), int(found[3]))
        for found in re.finditer(r"\S+:(\d+)\s+\S+:(\d+)\s+users:\(\(\"[^\"]*\",pid=(\d+)", listing)
    ]
    others = {local for local, peer, pid in sockets if peer == port and pid in OTHER_CLIENTS}
    workers = Counter(pid for local, peer, pid in sockets if local == port and peer not in others)
    return sorted(workers.values(), reverse=True)


def balanced(spread: list[int], concurrency: int, workers: int) -> bool:
    """Every worker holds at least 3/4 of its fair share of the connections (or we can't tell).
    uvicorn's workers share one listening socket and wrk connects all at once, so one worker
    may get most connections and the run would measure one process instead of `workers`."""
    if not spread or concurrency < 2 * workers:
        return True
    fair = concurrency / workers
    return len(spread) == workers and min(spread) >= 0.75 * fair


def wrk_command(
    base_url: str, listing: str, concurrency: int, seconds: float, threads: int
) -> list[str]:
    command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds:.0f}s", "--timeout", "10s"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    return [*command, "--latency", "-s", str(BENCH / "rotate.lua"), base_url, "--", listing]


def parse_wrk(name: str, stdout: str, spread: list[int]) -> Measurement:
    line = next(x for x in reversed(stdout.splitlines()) if x.startswith("{"))
    result: dict[str, Any] = json.loads(line)
    return Measurement(
        name=name,
        requests=int(result["requests"]),
        seconds=result["duration_us"] / 1e6,
        p50_ms=result["p50_us"] / 1e3,
        p99_ms=result["p99_us"] / 1e3,
        errors=int(result["errors"]),
        connections="/".join(map(str, spread)) or "?",
    )


def run_wrk(
    base_url: str, target: Target, concurrency: int, seconds: float, options: argparse.Namespace
) -> Measurement:
    """One wrk run. With `--rebalance`, restarted (up to BALANCE_ATTEMPTS times) while the
    connections are spread unevenly over the workers; without, the spread is what the kernel
    made of it (with a SO_REUSEPORT socket per worker, a hash of each connection's ports)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(target.paths) + "\n")
    command = wrk_command(base_url, listing.name, concurrency, seconds, options.threads)
    port = int(base_url.rsplit(":", 1)[1])
    try:
        for attempt in range(1, BALANCE_ATTEMPTS + 1):
            process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
            time.sleep(min(1.0, seconds / 4))
            spread = connections_per_worker(port)
            if (
                not options.rebalance
                or balanced(spread, concurrency, options.workers)
                or attempt == BALANCE_ATTEMPTS
            ):
                stdout, _ = process.communicate(timeout=seconds + 60)
                if process.returncode != 0:
                    raise RuntimeError(f"wrk failed with {process.returncode}")
                return parse_wrk(target.name, stdout, spread)
            process.kill()
            process.wait(timeout=10)
            wait_until_idle(base_url)
    finally:
        os.unlink(listing.name)
    raise AssertionError("unreachable")


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


async def _python_load(
    base_url: str, target: Target, concurrency: int, seconds: float
) -> Measurement:
    import httpx2 as httpx

    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=10.0, headers=HEADERS
    ) as client:
        deadline = time.perf_counter() + seconds

        async def worker(offset: int) -> None:
            nonlocal errors
            n = offset
            while time.perf_counter() < deadline:
                path = target.paths[n % len(target.paths)]
                n += 1
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return Measurement(
        name=target.name,
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) * 1e3,
        p99_ms=percentile(latencies, 99) * 1e3,
        errors=errors,
    )


def run_python(base_url: str, target: Target, concurrency: int, seconds: float) -> Measurement:
    return asyncio.run(_python_load(base_url, target, concurrency, seconds))


def measure(args: argparse.Namespace, base_url: str, target: Target, seconds: float) -> Measurement:
    load_start = os.getloadavg()[0]
    if args.python:
        measured = run_python(base_url, target, args.concurrency, seconds)
    else:
        measured = run_wrk(base_url, target, args.concurrency, seconds, args)
    return replace(measured, load_start=load_start, load_end=os.getloadavg()[0])


# --- Orders placed meanwhile (`--orders-per-second`) ------------------------------------------

# One order of the placer: (due, started, seconds, status), times from time.monotonic(), which
# all processes of the machine share; status 200 when finalized, else the failing answer's (0:
# none). Plain tuples: they cross from the placer's process.
Sample = tuple[float, float, float, int]


def is_trivial(target: Target) -> bool:
    return target.paths == [TRIVIAL]


def bookable_seats(base_url: str, plan: Sequence[Target], token: str) -> dict[int, int]:
    """Seats left per date that `token` may book, of all dates the /dates targets show (as the
    token sees them): the orders change the seats of dates the reads return. Left out are the
    dates one `quantity` of 1 cannot book: with scale prices (they want quantities per scale
    price) or of an event that wants more persons per booking (`min_persons`)."""
    headers = {"Authorization": f"Bearer {token}"}
    seats: dict[int, int] = {}
    event_of: dict[int, int] = {}
    for path in (p for target in plan for p in target.paths if p.startswith(f"{API}/dates?")):
        status, body = get(base_url + path, headers=headers)
        if status != 200:
            raise RuntimeError(f"GET {path} with the order token answered {status}")
        for shown in json.loads(body)["dates"]:
            scaled = any("scale_price_id" in price for price in shown["prices"])
            if shown["bookable"] and shown["seats"]["available"] > 0 and not scaled:
                seats[int(shown["id"])] = int(shown["seats"]["available"])
                event_of[int(shown["id"])] = int(shown["event_id"])
    events = sorted(set(event_of.values()))
    groups: set[int] = set()
    for chunk in (events[n : n + 100] for n in range(0, len(events), 100)):
        ids = "".join(f"&by_event_ids%5B%5D={e}" for e in chunk)
        path = f"{API}/events?per_page=100{ids}"
        status, body = get(base_url + path, headers=headers)
        if status != 200:
            raise RuntimeError(f"GET {path} with the order token answered {status}")
        groups |= {int(e["id"]) for e in json.loads(body)["events"] if e["min_persons"] > 1}
    return {d: n for d, n in seats.items() if event_of[d] not in groups}


def rotation(seats: dict[int, int], seed: int = 0) -> list[int]:
    """A date id per seat, round robin over the dates in a shuffled order: consecutive orders
    go to different museums, months and pages, and a date is booked again only after every
    other date with seats left. Quantity 1 each, so the seats last as long as they can."""
    order = sorted(seats)
    random.Random(seed).shuffle(order)
    return [d for n in range(max(seats.values(), default=0)) for d in order if seats[d] > n]


def post(
    connection: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes]:
    """POST on a keep-alive connection: (status, body); status 0 when no answer came (the
    connection is closed, and the next request opens it anew)."""
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        connection.close()
        return 0, b""


def place_order(
    connection: http.client.HTTPConnection, headers: dict[str, str], date_id: int
) -> int:
    """Create (one seat of the date) + finalize, the request shapes of bench/orders.py: the
    status that ended it (200: finalized)."""
    item = {"type": "Event", "attributes": {"id": date_id, "quantity": 1}}
    body = json.dumps({"items": [item]}).encode()
    status, answer = post(connection, f"{API}/orders", body, headers)
    if status != 201:
        return status
    token = json.loads(answer)["order"]["token"]
    return post(connection, f"{API}/orders/{token}/finalize", b"", headers)[0]


def order_placer(
    base_url: str,
    token: str,
    dates: list[int],
    rate: float,
    connections: tuple[int, int],
    stop: Event,
    out: Queue[Any],
) -> None:
    """The placer's process, an open loop: order n (a seat of dates[n]) is due at
    begin + n / rate and goes to a free client thread then, each thread with a keep-alive
    connection of its own. It starts `connections[0]` threads and adds one whenever an order
    is due while all are busy, up to `connections[1]`: slow orders do not hold up the pace
    (beyond that, orders wait and count as late). Puts `begin` on `out`, places orders until
    `stop` is set (or the dates run out), then puts (samples, how many of the dates it took,
    how many connections it opened)."""
    address = urlsplit(base_url)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    jobs: queue.SimpleQueue[tuple[int, float] | None] = queue.SimpleQueue()
    lock = threading.Lock()
    samples: list[Sample] = []
    busy = 0  # orders handed out and not finished
    threads: list[threading.Thread] = []

    def client() -> None:
        nonlocal busy
        connection = http.client.HTTPConnection(
            address.hostname or "127.0.0.1", address.port, timeout=ORDER_TIMEOUT
        )
        try:
            while (job := jobs.get()) is not None:
                n, due = job
                if stop.is_set():  # a backlog left when the measurement ended: not sent
                    continue
                started = time.monotonic()
                status = place_order(connection, headers, dates[n])
                with lock:
                    samples.append((due, started, time.monotonic() - started, status))
                    busy -= 1
        finally:
            connection.close()

    def add_client() -> None:
        threads.append(threading.Thread(target=client, daemon=True))
        threads[-1].start()

    for _ in range(connections[0]):
        add_client()
    begin = time.monotonic() + 0.1
    out.put(begin)
    taken = 0
    while taken < len(dates):
        due = begin + taken / rate
        if stop.wait(max(0.0, due - time.monotonic())):
            break
        with lock:
            busy += 1
            grow = busy > len(threads) and len(threads) < connections[1]
        if grow:
            add_client()
        jobs.put((taken, due))
        taken += 1
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    out.put((samples, taken, len(threads)))


def receive(out: Queue[Any], process: multiprocessing.process.BaseProcess, timeout: float) -> Any:
    """The placer's next message; an error if it died or took longer than `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return out.get(timeout=0.5)
        except queue.Empty:
            if not process.is_alive():
                try:
                    return out.get_nowait()
                except queue.Empty:
                    raise RuntimeError(f"the order placer exited with {process.exitcode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the order placer did not answer within {timeout:.0f} s"
                ) from None


def order_figures(
    samples: Sequence[Sample], start: float, end: float, rate: float, connections: int
) -> OrderFigures:
    """The orders whose create went out between `start` and `end` (time.monotonic())."""
    counted = [s for s in samples if start <= s[1] <= end]
    done = sorted(seconds for _, _, seconds, status in counted if 200 <= status < 300)
    failures = Counter(str(status) for *_, status in counted if not 200 <= status < 300)
    return OrderFigures(
        asked_per_second=rate,
        completed=len(done),
        failed=sum(failures.values()),
        seconds=end - start,
        p50_ms=percentile(done, 50) * 1e3,
        p99_ms=percentile(done, 99) * 1e3,
        late=sum(started - due > ORDER_LATE for due, started, *_ in counted),
        failures=dict(sorted(failures.items())),
        connections=connections,
    )


class OrderPlacer:
    """Places `rate` orders a second in a process of its own (spawned: no lock of ours is
    inherited, and it shares no interpreter with a Python load client) while a measurement
    runs. Every order takes the next seat of `rotation(seats)`; a seat is never offered twice."""

    def __init__(
        self,
        base_url: str,
        token: str,
        seats: dict[int, int],
        rate: float,
        connections: tuple[int, int],
    ) -> None:
        self.base_url = base_url
        self.token = token
        self.rate = rate
        self.connections = connections
        self.dates = rotation(seats)
        self.context = multiprocessing.get_context("spawn")

    def during(self, work: Callable[[], Measurement], lead: float = ORDER_LEAD) -> Measurement:
        """`work` (a measurement) while orders are placed: they start `lead` seconds before it
        (the placer's own warm-up) and stop when it is done. Its figures count the orders that
        started in the measured seconds: the last `seconds` of the measurement before `work`
        returned (with wrk restarts, those of the run that counts)."""
        stop = self.context.Event()
        out: Queue[Any] = self.context.Queue()
        process = self.context.Process(
            target=order_placer,
            args=(self.base_url, self.token, self.dates, self.rate, self.connections, stop, out),
            daemon=True,
        )
        process.start()
        assert process.pid is not None
        OTHER_CLIENTS.add(process.pid)
        try:
            begin = receive(out, process, START_TIMEOUT)
            time.sleep(max(0.0, begin + lead - time.monotonic()))
            measured = work()
            end = time.monotonic()
            stop.set()
            samples, taken, opened = receive(out, process, 2 * ORDER_TIMEOUT + STOP_TIMEOUT)
        finally:
            OTHER_CLIENTS.discard(process.pid)
            stop.set()
            process.join(timeout=STOP_TIMEOUT)
            if process.is_alive():
                process.kill()
                process.join()
        del self.dates[:taken]
        if not self.dates:
            print("  warning: the dates ran out of seats; the orders stopped early")
        figures = order_figures(samples, end - measured.seconds, end, self.rate, opened)
        return replace(measured, orders=figures)


def idle(name: str, seconds: float) -> Measurement:
    """No reads for `seconds`: the orders alone are measured meanwhile."""
    load_start = os.getloadavg()[0]
    started = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - started
    return Measurement(name, 0, elapsed, 0.0, 0.0, 0, "-", load_start, os.getloadavg()[0])


# --- Report -----------------------------------------------------------------------------------


def baseline(results: Sequence[Measurement]) -> float:
    """Mean req/s of the trivial runs (first and last)."""
    trivial = [r.rps for r in results if r.name.startswith("locales")]
    return sum(trivial) / len(trivial) if trivial else 0.0


def orders_alone(r: Measurement) -> bool:
    return r.orders is not None and r.requests == 0


def table(results: Sequence[Measurement], base_rps: float) -> str:
    """One row per measurement; the order columns (`--orders-per-second`) are the orders placed
    meanwhile: completed per second, p50 and p99 of create + finalize, failed."""
    width = max(len("endpoint"), *(len(r.name) for r in results))
    placed = any(r.orders for r in results)
    head = (
        f"{'endpoint':<{width}} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} "
        f"{'errors':>6} {'load':>9}"
    )
    if placed:
        head += f" {'orders/s':>8} {'ord p50':>8} {'ord p99':>8} {'failed':>6}"
    lines = [head + "  connections per worker"]
    for r in results:
        if orders_alone(r):
            row = f"{r.name:<{width}} {'-':>8} {'-':>8} {'-':>8} {'-':>6} {'-':>6}"
        else:
            ratio = r.rps / base_rps if base_rps else 0.0
            row = (
                f"{r.name:<{width}} {r.rps:>8.1f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} "
                f"{ratio:>6.2f} {r.errors:>6}"
            )
        row += f" {f'{r.load_start:.1f}→{r.load_end:.1f}':>9}"
        if r.orders is not None:
            o = r.orders
            row += f" {o.per_second:>8.1f} {o.p50_ms:>8.1f} {o.p99_ms:>8.1f} {o.failed:>6}"
        elif placed:
            row += " " * 36
        lines.append(f"{row}  {r.connections}")
    return "\n".join(lines)


def order_summary(results: Sequence[Measurement]) -> str:
    """The orders' p50 and p99 during each read target against the orders alone: do they keep
    their own figure within 10 %?"""
    alone = next((r.orders for r in results if orders_alone(r)), None)
    if alone is None:
        return ""
    mixed = [r for r in results if r.orders is not None and not orders_alone(r)]
    width = max([0, *(len(r.name) for r in mixed)])
    lines = [
        f"orders (create + finalize) at {alone.asked_per_second:g}/s: alone p50 "
        f"{alone.p50_ms:.1f} ms, p99 {alone.p99_ms:.1f} ms, {alone.per_second:.1f}/s, "
        f"{alone.failed} failed, {alone.late} late, {alone.connections} connections; "
        "during reads (change against alone):"
    ]
    for r in mixed:
        assert r.orders is not None
        o = r.orders
        changes = [
            during / own - 1 if own else 0.0
            for during, own in ((o.p50_ms, alone.p50_ms), (o.p99_ms, alone.p99_ms))
        ]
        kept = "within 10 %" if all(abs(c) <= 0.1 for c in changes) else "NOT within 10 %"
        lines.append(
            f"  {r.name:<{width}}  p50 {o.p50_ms:>6.1f} ms ({changes[0] * 100:+5.0f} %)  "
            f"p99 {o.p99_ms:>6.1f} ms ({changes[1] * 100:+5.0f} %)  {kept}, "
            f"{o.connections} connections" + (f", {o.late} late" if o.late else "")
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.token:
        HEADERS["Authorization"] = f"Bearer {args.token}"
    if not args.python and shutil.which("wrk") is None:
        print("wrk is not installed: using the Python client, which shares the CPU with the server")
        args.python = True
    generator = "python-httpx2 (shares the CPU)" if args.python else "wrk"
    url = absolute_url(args.url)
    code = code_fingerprint()
    results: list[Measurement] = []
    pool: dict[str, int] = {}
    with running_server(
        url,
        args.workers,
        args.cache_seconds,
        args.redis,
        not args.no_rate_limits,
        args.shared_socket,
    ) as base_url:
        plan = [
            t
            for t in targets(base_url)
            if args.only is None or t.name.startswith("locales") or args.only in t.name
        ]
        for target in plan:
            check(base_url, target)
        placer = None
        rate = args.orders_per_second
        if rate > 0:
            seats = bookable_seats(base_url, plan, args.order_token)
            pool = {"dates": len(seats), "seats": sum(seats.values())}
            print(f"  orders: {pool['dates']} bookable dates, {pool['seats']} seats", flush=True)
            connections = (args.order_connections, max(1, args.order_max_connections))
            placer = OrderPlacer(base_url, args.order_token, seats, rate, connections)
            wait_until_idle(base_url)
            name = f"orders alone, {rate:g} orders/s"
            results.append(placer.during(partial(idle, name, args.duration), lead=args.warmup))
            report(results[-1])
        for target in plan:
            wait_until_idle(base_url)
            measure(args, base_url, target, args.warmup)
            wait_until_idle(base_url)
            results.append(measure(args, base_url, target, args.duration))
            report(results[-1])
            if placer is not None and not is_trivial(target):
                wait_until_idle(base_url)
                mixed = replace(target, name=f"{target.name} + {rate:g} orders/s")
                results.append(
                    placer.during(partial(measure, args, base_url, mixed, args.duration))
                )
                report(results[-1])
    if code_fingerprint() != code:
        print("warning: the museion source changed during the run; the server ran the old one")
    base_rps = baseline(results)
    cache = "default" if args.cache_seconds is None else f"{args.cache_seconds:g} s"
    cache += " in Redis" if args.redis else " in the database"
    print(
        f"\n{generator}, {args.workers} workers, {args.concurrency} connections, "
        f"{args.duration:.0f} s per target, cache {cache}, "
        f"{'shared socket' if args.shared_socket else 'a socket per worker'}"
        f"{', wrk restarted until spread' if args.rebalance else ''}, museion source {code}"
        + (
            f", orders {args.orders_per_second:g}/s on {args.order_connections} to "
            f"{args.order_max_connections} connections ({pool.get('dates', 0)} dates)"
            if args.orders_per_second > 0
            else ""
        )
        + "; ratio = req/s / mean trivial req/s, load = 1-minute load average before→after\n"
    )
    print(table(results, base_rps))
    summary = order_summary(results)
    if summary:
        print(f"\n{summary}")
    if args.json:
        write_json(args, generator, code, results, base_rps, pool)
    return 0


def report(r: Measurement) -> None:
    """One line of progress per measurement."""
    line = f"  {r.name}: " + ("" if orders_alone(r) else f"{r.rps:.1f} req/s, ")
    line += f"load {r.load_start:.1f}→{r.load_end:.1f}"
    if r.orders is not None:
        line += f", {r.orders.per_second:.1f} orders/s, {r.orders.failed} failed"
    print(line, flush=True)


def result_json(r: Measurement, base_rps: float) -> dict[str, Any]:
    entry = asdict(r) | {"rps": r.rps, "ratio": r.rps / base_rps if base_rps else 0.0}
    if r.orders is not None:
        entry["orders"]["per_second"] = r.orders.per_second
    return entry


def write_json(
    args: argparse.Namespace,
    generator: str,
    code: str,
    results: Sequence[Measurement],
    base_rps: float,
    pool: dict[str, int],
) -> None:
    payload = {
        "url": args.url,
        "generator": generator,
        "museion_source": code,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "cache_seconds": args.cache_seconds,
        "token": bool(args.token),
        "cache_store": "redis" if args.redis else "database",
        "listening": "shared socket" if args.shared_socket else "socket per worker",
        "rebalanced": args.rebalance,
        "at": datetime.now(ZONE).isoformat(timespec="seconds"),
        "trivial_rps": base_rps,
        "orders_per_second": args.orders_per_second,
        "order_connections": (
            [args.order_connections, args.order_max_connections]
            if args.orders_per_second > 0
            else None
        ),
        "order_dates": pool or None,  # bookable dates of the /dates targets, their seats
        "results": [result_json(r, base_rps) for r in results],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    sys.exit(main())
