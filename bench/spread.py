"""How evenly the server's workers get a load generator's connections, without rearranging them.

    .venv/bin/python bench/spread.py --url sqlite:///bench/data/spread.db --runs 10
    .venv/bin/python bench/spread.py --url sqlite:///bench/data/spread.db --runs 10 --shared-socket

Starts `museion serve --workers W` (migrating the database first), then `--runs` times opens
`--concurrency` keep-alive connections at once with wrk against GET /api/v4/locales, reads with
`ss` which worker process holds each connection, and lets the run finish. wrk is never restarted:
the spread is what the server's listening set-up made of the connections. `--shared-socket`
measures uvicorn's one socket for all workers (MUSEION_REUSE_PORT=false), the default a
SO_REUSEPORT socket per worker.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from load import (
    TRIVIAL,
    ZONE,
    absolute_url,
    connections_per_worker,
    running_server,
    server_env,
    wait_until_idle,
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database URL (migrated here if needed)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=3.0, help="wrk duration per run")
    parser.add_argument("--shared-socket", action="store_true", help="MUSEION_REUSE_PORT=false")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    return parser.parse_args(argv)


def migrate(url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "museion", "db", "upgrade"],
        env=server_env(url, None),
        check=True,
        capture_output=True,
    )


def one_run(base_url: str, concurrency: int, seconds: float) -> tuple[list[int], float]:
    """(connections per worker, most first; req/s) of one wrk run."""
    port = int(base_url.rsplit(":", 1)[1])
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds:.0f}s", base_url + TRIVIAL]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    time.sleep(min(1.0, seconds / 3))
    spread = connections_per_worker(port)
    stdout, _ = process.communicate(timeout=seconds + 60)
    found = re.search(r"Requests/sec:\s+([0-9.]+)", stdout)
    return spread, float(found.group(1)) if found else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = absolute_url(args.url)
    migrate(url)
    runs: list[tuple[list[int], float]] = []
    with running_server(url, args.workers, None, shared_socket=args.shared_socket) as base_url:
        time.sleep(5)  # every worker up, not only the first that answered
        for n in range(1, args.runs + 1):
            wait_until_idle(base_url)
            spread, rps = one_run(base_url, args.concurrency, args.seconds)
            runs.append((spread, rps))
            print(f"  run {n:>2}: {'/'.join(map(str, spread)):>8}  {rps:8.0f} req/s", flush=True)
    largest = [spread[0] if spread else 0 for spread, _ in runs]
    fair = args.concurrency / args.workers
    # load.py --rebalance restarts wrk below 3/4 of the fair share; 29+ of 32 was the old worst.
    uneven = sum(1 for spread, _ in runs if len(spread) < args.workers or spread[-1] < 0.75 * fair)
    crowded = sum(1 for top in largest if top >= 0.9 * args.concurrency)
    setup = "one shared socket" if args.shared_socket else "a SO_REUSEPORT socket per worker"
    print(
        f"\n{setup}, {args.workers} workers, {args.concurrency} connections, {args.runs} runs: "
        f"largest share {min(largest)}-{max(largest)} of {args.concurrency}; {uneven} runs with "
        f"a worker below 3/4 of its fair share; {crowded} runs with 90 % or more on one worker"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "at": datetime.now(ZONE).isoformat(timespec="seconds"),
            "listening": setup,
            "workers": args.workers,
            "concurrency": args.concurrency,
            "runs": [{"spread": spread, "rps": rps} for spread, rps in runs],
            "runs_below_three_quarters": uneven,
            "runs_with_90_percent_on_one": crowded,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
