"""Throughput and latency of /dates and /events, relative to a trivial endpoint of the same server.

    .venv/bin/python bench/load.py --url sqlite:///bench/data/bench.db --workers 2 \
        --concurrency 32 --duration 15 --json bench/results/sqlite-c32.json

Starts `python -m museion serve --no-migrate` on a free port of 127.0.0.1 with the given database,
then loads each target for `--duration` seconds with `--concurrency` open connections (closed
loop: every connection sends its next request when the previous answer arrived), after a short
warm-up. The trivial target (GET /api/v4/locales) runs first and again last; the ratios use the
mean of the two, so drift during the run shows instead of skewing the result. `wrk` is used when
installed; otherwise a Python asyncio client (httpx2), which shares the CPU with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
ZONE = ZoneInfo("Europe/Berlin")
API = "/api/v4"
TRIVIAL = f"{API}/locales"
PAGES = range(1, 6)
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
# Idle: this many trivial requests in a row answer within IDLE_MS (they go to any worker).
IDLE_PROBES = 5
IDLE_MS = 20.0
DRAIN_TIMEOUT = 120.0
BALANCE_ATTEMPTS = 6
# Sent with every request of the run (`--token`): answers to tokens skip the response cache.
HEADERS: dict[str, str] = {}


@dataclass(frozen=True)
class Target:
    name: str
    paths: list[str]


@dataclass(frozen=True)
class Measurement:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    connections: str = "?"  # per worker process, e.g. "16/16"

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
# while every request still pays for the check (`--no-rate-limits`: no limiter at all).
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


def get(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """GET from our own server on 127.0.0.1: (status, body), also for 4xx and 5xx answers."""
    try:
        request = urllib.request.Request(url, headers=HEADERS)
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


def ids_from(base_url: str, path: str, key: str) -> list[int]:
    status, body = get(base_url + path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return [int(item["id"]) for item in json.loads(body)[key]]


def targets(base_url: str) -> list[Target]:
    museums = ids_from(base_url, f"{API}/museums?per_page=25", "museums")
    categories = ids_from(base_url, f"{API}/events/categories", "categories")
    first, last = next_month(datetime.now(ZONE).date())
    dates = f"{API}/dates?start_at={first}&end_at={last}&per_page=25"
    events = f"{API}/events?per_page=25"
    return [
        Target("locales (trivial)", [TRIVIAL]),
        Target(
            "dates, month, by museum",
            [f"{dates}&by_museum_ids%5B%5D={m}&page={p}" for p in PAGES for m in museums],
        ),
        Target("dates, month, all", [f"{dates}&page={p}" for p in PAGES]),
        Target("events", [f"{events}&page={p}" for p in PAGES]),
        Target(
            "events, by category",
            [f"{events}&by_category_ids%5B%5D={c}&page={p}" for p in PAGES for c in categories],
        ),
        Target("locales (trivial, again)", [TRIVIAL]),
    ]


def check(base_url: str, target: Target) -> None:
    """Every path must answer 200: a benchmark of error pages measures nothing."""
    for path in target.paths:
        status, _ = get(base_url + path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")


# --- Load generators --------------------------------------------------------------------------


def connections_per_worker(port: int) -> list[int]:
    """Open connections to `port` per server process, most first (empty without `ss`)."""
    if shutil.which("ss") is None:
        return []
    listing = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout
    return sorted(Counter(re.findall(r"pid=(\d+)", listing)).values(), reverse=True)


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
    if args.python:
        return run_python(base_url, target, args.concurrency, seconds)
    return run_wrk(base_url, target, args.concurrency, seconds, args)


# --- Report -----------------------------------------------------------------------------------


def baseline(results: Sequence[Measurement]) -> float:
    """Mean req/s of the trivial runs (first and last)."""
    trivial = [r.rps for r in results if r.name.startswith("locales")]
    return sum(trivial) / len(trivial) if trivial else 0.0


def table(results: Sequence[Measurement], base_rps: float) -> str:
    head = f"{'endpoint':<26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'errors':>6}"
    lines = [head + "  connections per worker"]
    for r in results:
        ratio = r.rps / base_rps if base_rps else 0.0
        lines.append(
            f"{r.name:<26} {r.rps:>8.1f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} "
            f"{ratio:>6.2f} {r.errors:>6}  {r.connections}"
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
    with running_server(
        url,
        args.workers,
        args.cache_seconds,
        args.redis,
        not args.no_rate_limits,
        args.shared_socket,
    ) as base_url:
        plan = targets(base_url)
        for target in plan:
            check(base_url, target)
        for target in plan:
            wait_until_idle(base_url)
            measure(args, base_url, target, args.warmup)
            wait_until_idle(base_url)
            results.append(measure(args, base_url, target, args.duration))
            print(f"  {target.name}: {results[-1].rps:.1f} req/s", flush=True)
    if code_fingerprint() != code:
        print("warning: the museion source changed during the run; the server ran the old one")
    base_rps = baseline(results)
    cache = "default" if args.cache_seconds is None else f"{args.cache_seconds:g} s"
    cache += " in Redis" if args.redis else " in the database"
    print(
        f"\n{generator}, {args.workers} workers, {args.concurrency} connections, "
        f"{args.duration:.0f} s per target, cache {cache}, "
        f"{'shared socket' if args.shared_socket else 'a socket per worker'}"
        f"{', wrk restarted until spread' if args.rebalance else ''}, museion source {code}; "
        "ratio = req/s / mean trivial req/s\n"
    )
    print(table(results, base_rps))
    if args.json:
        write_json(args, generator, code, results, base_rps)
    return 0


def write_json(
    args: argparse.Namespace,
    generator: str,
    code: str,
    results: Sequence[Measurement],
    base_rps: float,
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
        "results": [
            asdict(r) | {"rps": r.rps, "ratio": r.rps / base_rps if base_rps else 0.0}
            for r in results
        ],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    sys.exit(main())
