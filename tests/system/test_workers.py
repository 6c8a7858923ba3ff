"""`museion serve --workers N` (museion.system.workers): every worker listens on a socket of its
own (SO_REUSEPORT), so the kernel spreads connections over the processes; a worker that dies is
replaced on its socket; SIGTERM stops them all. Linux only, like SO_REUSEPORT's spreading.

The servers here use a SQLite file: sockets and processes do not depend on the database.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from museion.system.workers import bind_reuse_port, reuse_port_available
from tests.server import free_port, museion_env, run_museion

pytestmark = pytest.mark.skipif(
    not reuse_port_available() or shutil.which("ss") is None,
    reason="needs Linux SO_REUSEPORT and `ss` to see which process holds a connection",
)

CONNECTIONS = 32
STARTED = "Application startup complete."
START_SECONDS = 120  # spawning workers on a loaded 2-core machine took up to a minute


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def started(self, count: int) -> None:
        """Wait until `count` worker processes have started serving. A worker inherits its
        socket when it is spawned, so `ss` shows it long before it accepts: the log tells."""
        deadline = time.monotonic() + START_SECONDS
        while self.log.read_text().count(STARTED) < count:
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.2)


@contextmanager
def serving(tmp_path: Path, **env: str) -> Iterator[Server]:
    """`museion serve --workers 2` on a free port, both workers serving."""
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    run_museion("db", "upgrade", database_url=url, workdir=tmp_path)
    port = free_port()
    log_path = tmp_path / f"server-{port}.log"
    command = [sys.executable, "-m", "museion", "serve", "--no-migrate", "--host", "127.0.0.1"]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--workers", "2"],
            env=museion_env(url, tmp_path, **env),
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = Server(process, port, log_path)
        try:
            server.started(2)
            yield server
        finally:
            process.terminate()  # the supervisor stops its workers
            try:
                process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                process.kill()  # its workers notice and stop on their own
                process.wait()


def ss(*args: str) -> str:
    return subprocess.run(["ss", "-nptH", *args], capture_output=True, text=True, check=True).stdout


def listening(port: int, supervisor: int) -> list[set[int]]:
    """One entry per listening socket on `port`: the worker pids accepting from it."""
    lines = ss("-l", f"( sport = :{port} )").splitlines()
    return [{int(p) for p in re.findall(r"pid=(\d+)", line)} - {supervisor} for line in lines]


def workers_listening(port: int, supervisor: int, count: int = 2) -> list[int]:
    """The workers' pids, when `count` sockets listen with one worker each."""
    sockets = listening(port, supervisor)
    assert len(sockets) == count, sockets
    assert all(len(pids) == 1 for pids in sockets), sockets
    return sorted(pid for pids in sockets for pid in pids)


def connections_per_pid(port: int) -> Counter[int]:
    listing = ss("state", "established", f"( sport = :{port} )")
    return Counter(int(pid) for pid in re.findall(r"pid=(\d+)", listing))


def open_keepalive_connections(port: int, stack: ExitStack) -> None:
    """CONNECTIONS connections, opened at once, each answering one request and staying open."""
    connections = [
        http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(CONNECTIONS)
    ]
    for connection in connections:
        stack.callback(connection.close)
        connection.connect()
    for connection in connections:
        connection.request("GET", "/api/v4/version")
    for connection in connections:
        response = connection.getresponse()
        assert response.status == 200
        assert response.read()
        assert not response.will_close  # kept alive: the connection stays with its worker


def assert_shared(port: int, workers: list[int]) -> None:
    with ExitStack() as stack:
        open_keepalive_connections(port, stack)
        spread = connections_per_pid(port)
    assert sum(spread.values()) == CONNECTIONS
    # A hash spreads 32 connections binomially: one worker without any has odds 2 in 2**32.
    assert sorted(spread) == workers, spread
    assert min(spread.values()) >= 1, spread


def test_each_worker_listens_on_its_own_socket_and_takes_a_share(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        workers = workers_listening(server.port, server.process.pid)
        assert_shared(server.port, workers)


def test_without_reuse_port_the_workers_share_one_socket(tmp_path: Path) -> None:
    """MUSEION_REUSE_PORT=false (and platforms without SO_REUSEPORT): uvicorn's shared socket."""
    with serving(tmp_path, MUSEION_REUSE_PORT="false") as server:
        (pids,) = listening(server.port, server.process.pid)  # one socket ...
        assert len(pids) == 2  # ... held by both workers


def test_a_worker_that_dies_is_replaced_on_its_socket(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        first, second = workers_listening(server.port, server.process.pid)
        os.kill(first, signal.SIGKILL)
        server.started(3)
        workers = workers_listening(server.port, server.process.pid)
        assert first not in workers
        assert second in workers
        assert_shared(server.port, workers)


def test_sigterm_stops_every_worker_and_frees_the_port(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        workers = workers_listening(server.port, server.process.pid)
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=45) == 0
        for pid in workers:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)  # gone, and reaped by the supervisor
        with socket.socket() as again:
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", server.port))


def test_workers_stop_when_the_supervisor_is_killed(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        workers = workers_listening(server.port, server.process.pid)
        server.process.kill()
        server.process.wait()
        deadline = time.monotonic() + 45
        while any(Path(f"/proc/{pid}").exists() for pid in workers):
            assert time.monotonic() < deadline, "orphaned workers kept running"
            time.sleep(0.2)


def test_sockets_share_one_port_but_refuse_a_port_in_use() -> None:
    sockets = bind_reuse_port("127.0.0.1", 0, 3)
    try:
        port = sockets[0].getsockname()[1]
        assert {s.getsockname()[1] for s in sockets} == {port}
        for sock in sockets:
            sock.listen()
        # Another museion (sockets with SO_REUSEPORT too) on the same port: refused, not joined.
        with pytest.raises(OSError, match="in use"):
            bind_reuse_port("127.0.0.1", port, 2)
    finally:
        for sock in sockets:
            sock.close()
