"""Schemathesis against the OpenAPI document, once per token kind: no server error, and no
status code that the document does not list for the operation.

Starts `museion demo` data on a fresh database and `museion serve --workers 2` on a free port of
127.0.0.1, then runs `schemathesis run` (examples, coverage and fuzzing phases, positive and
negative data) with each demo token and without one. Rate limits are lifted for the run (they
would answer most requests 429 and hide the rest); everything else is as configured.

    .venv/bin/pip install "schemathesis>=4.3,<5"   # not a dependency of museion itself
    .venv/bin/python bench/fuzz.py --url sqlite:///bench/data/fuzz.db --max-time 120
    .venv/bin/python bench/fuzz.py --url postgresql://postgres@127.0.0.1:5432/museion_fuzz

Summary lines go to standard output and, with --json, to a file; the full schemathesis output of
each run goes to bench/results/fuzz-<kind>.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
KINDS = {
    "public": None,
    "reseller": "demo-reseller",
    "cashpoint": "demo-cashpoint",
    "user": "demo-user",
    "entry": "demo-entry",
    "museum-limited reseller": "demo-reseller-kunsthalle",
}
CHECKS = "not_a_server_error,status_code_conformance"


def _fresh_database(url: str) -> str:
    """Empties the database; returns its URL with a SQLite path made absolute (the server runs
    in a folder of its own)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "fuzz.db").resolve()
        path.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    admin = create_engine(
        parsed.set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _summary(output: str) -> dict[str, object]:
    cases = re.search(r"Test cases:\s*\n?\s*(\d+) generated(?:, (\d+) passed)?", output)
    failures = re.findall(r"^_{3,} (\w+ \S+) _{3,}$", output, re.M)
    server_errors = len(re.findall(r"Server error", output))
    undocumented = len(re.findall(r"Undocumented HTTP status code", output))
    return {
        "generated": int(cases.group(1)) if cases else None,
        "failed_operations": failures,
        "server_errors": server_errors,
        "undocumented_statuses": undocumented,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="sqlite:///bench/data/fuzz.db")
    parser.add_argument("--max-time", type=int, default=120, help="seconds per token kind")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma separated")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--schemathesis", help="its command, if not in this environment")
    args = parser.parse_args()
    schemathesis = args.schemathesis or shutil.which(
        "schemathesis", path=str(Path(sys.executable).parent)
    )
    if schemathesis is None:
        print('install it first: .venv/bin/pip install "schemathesis>=4.3,<5"')
        return 2
    url = _fresh_database(args.url)
    workdir = Path(tempfile.mkdtemp(prefix="museion-fuzz-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSEION_")}
    env |= {
        "MUSEION_DATABASE_URL": url,
        "MUSEION_MEDIA_DIR": str(workdir / "media"),
        "MUSEION_RATE_LIMIT_ENABLED": "false",
    }
    museion = [sys.executable, "-m", "museion"]
    subprocess.run([*museion, "demo", "--no-serve"], env=env, cwd=workdir, check=True)
    port = _free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = (RESULTS / f"fuzz-server-{port}.log").open("w")
    server = subprocess.Popen(
        [*museion, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, object] = {}
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v4/version", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        for kind in args.kinds.split(","):
            token = KINDS[kind]
            command = [
                schemathesis, "run", f"{base}/api/openapi.json", "--checks", CHECKS,
                "--mode", "all", "--max-time", str(args.max_time), "--workers", "1",
                "--phases", "examples,coverage,fuzzing", "--no-color",
                "--suppress-health-check", "all", "--generation-database", "none",
            ]  # fmt: skip
            if token:
                command += ["-H", f"Authorization: Bearer {token}"]
            started = time.monotonic()
            run = subprocess.run(command, capture_output=True, text=True, check=False)
            output = run.stdout + run.stderr
            (RESULTS / f"fuzz-{kind.replace(' ', '-')}.txt").write_text(output)
            summary = _summary(output) | {
                "exit_code": run.returncode,
                "seconds": round(time.monotonic() - started),
            }
            results[kind] = summary
            print(f"{kind}: {json.dumps(summary)}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    if args.json:
        args.json.write_text(json.dumps({"url": args.url, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
