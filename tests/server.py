"""Start a real `museion serve` process for tests that need real HTTP and real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx2 as httpx
from sqlalchemy.orm import Session

from museion.db import Database, session_scope
from museion.tokens.service import create_token

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def museion_env(database_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSEION_")}
    env |= {"MUSEION_DATABASE_URL": database_url, "MUSEION_MEDIA_DIR": str(workdir / "media")}
    return env | extra


def run_museion(
    *args: str, database_url: str, workdir: Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the `museion` command line in its own process, as an operator would."""
    result = subprocess.run(
        [sys.executable, "-m", "museion", *args],
        env=museion_env(database_url, workdir),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"museion {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@contextmanager
def running_server(
    database_url: str,
    workdir: Path,
    *,
    workers: int = 1,
    command: str = "serve",
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """`museion serve` on a free port; yields its base URL and stops it afterwards."""
    port = free_port()
    log = (workdir / f"server-{port}.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "museion",
            command,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=museion_env(database_url, workdir, **(env or {})),
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process, workdir / f"server-{port}.log")
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/api/v4/version", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"server did not start within 60 s:\n{log.read_text()}")


def prepare_database(
    database_url: str,
    workdir: Path,
    build: Callable[[Session], T],
    *,
    reseller_secret: str | None = None,
) -> T:
    """Migrate a fresh database as an operator would, then commit what `build` makes (and a
    reseller token with that secret); returns what `build` returned."""
    run_museion("db", "upgrade", database_url=database_url, workdir=workdir)
    database = Database(database_url)
    try:
        with session_scope(database) as session:
            if reseller_secret is not None:
                create_token(session, access="reseller", name="reseller", secret=reseller_secret)
            return build(session)
    finally:
        database.dispose()
