"""Several server processes, each with a listening socket of its own (`SO_REUSEPORT`).

uvicorn's `--workers` lets all processes accept from one shared socket. Whichever process is
waiting in `accept()` first gets the next connection, so a burst of connections (a load balancer
or a client opening its keep-alive pool at once) can land on one process: 29-32 of 32 in 10 of 44
measured runs, while the other process idled. With `SO_REUSEPORT` (Linux 3.9+) every process has
its own socket on the same address and the kernel hands each new connection to one of them by a
hash of its addresses and ports, so the processes get about equal shares however fast they accept.

The supervisor binds the sockets itself and passes one to each process, so a process that dies is
replaced on the same socket: connections the kernel queued there wait for the replacement instead
of being reset. SIGTERM or SIGINT stops every process (each finishes its open requests, as
uvicorn does) and then the supervisor. Where `SO_REUSEPORT` is missing, `museion serve` keeps
uvicorn's shared socket.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

logger = logging.getLogger("uvicorn.error")

STOP_SECONDS = 30.0  # a process still running this long after SIGTERM is killed
RESTART_PAUSE = 1.0  # at most one restart per process slot in this time: no hot crash loop


def reuse_port_available() -> bool:
    """SO_REUSEPORT that spreads connections over the sockets (Linux); BSD's keeps the last."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _ensure_port_free(host: str, port: int) -> None:
    """Refuse a port something else listens on, as a shared socket would. Sockets with
    SO_REUSEPORT may share a port with any other process of the same user that sets it too: a
    second museion started by mistake on the same port would silently take half the traffic."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR as uvicorn sets it: connections of a previous run in TIME_WAIT don't count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def bind_reuse_port(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` listening sockets on one address, each with SO_REUSEPORT; port 0 picks one."""
    if port:
        _ensure_port_free(host, port)
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(_family(host), socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]
            sock.set_inheritable(True)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _stop_when_orphaned(supervisor: int) -> None:
    """A supervisor killed outright (SIGKILL, OOM) cannot stop its workers: they stop themselves
    instead of serving on, unsupervised, on a port nobody will free."""
    while os.getppid() == supervisor:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's handler: finish open requests, then exit


def _serve_one(options: dict[str, Any], sock: socket.socket, supervisor: int) -> None:
    """A worker process: uvicorn serving on the socket it was given."""
    threading.Thread(target=_stop_when_orphaned, args=(supervisor,), daemon=True).start()
    config = uvicorn.Config(**options)
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(STARTUP_FAILURE)  # the app cannot start: restarting would fail the same way


@dataclass
class Supervisor:
    """Keeps one process per socket running until SIGTERM or SIGINT."""

    options: dict[str, Any]  # uvicorn.Config keyword arguments (app as an import string)
    sockets: list[socket.socket]
    processes: list[BaseProcess] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    exit_code: int = 0

    def _start(self, sock: socket.socket) -> BaseProcess:
        # spawn, as uvicorn does: a fresh interpreter per process, no forked locks or threads.
        context = multiprocessing.get_context("spawn")
        process = context.Process(target=_serve_one, args=(self.options, sock, os.getpid()))
        process.start()
        logger.info("Started worker process [%s]", process.pid)
        return process

    def _stop_signal(self, signum: int, _frame: FrameType | None) -> None:
        logger.info("Received %s, stopping the workers", signal.Signals(signum).name)
        self.stopping.set()

    def run(self) -> int:
        """Serve until a stop signal; returns the exit code for the command line."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._stop_signal)
        self.processes = [self._start(sock) for sock in self.sockets]
        started = [time.monotonic()] * len(self.processes)
        while not self.stopping.wait(0.5):
            for slot, process in enumerate(self.processes):
                if process.is_alive() or time.monotonic() - started[slot] < RESTART_PAUSE:
                    continue
                process.join()
                if process.exitcode == STARTUP_FAILURE:
                    logger.error("Worker [%s] could not start; stopping", process.pid)
                    self.exit_code = STARTUP_FAILURE
                    self.stopping.set()
                    break
                logger.warning("Worker [%s] died (exit %s); restarting", *_ended(process))
                self.processes[slot] = self._start(self.sockets[slot])
                started[slot] = time.monotonic()
        self._stop_all()
        return self.exit_code

    def _stop_all(self) -> None:
        for process in self.processes:
            if process.is_alive() and process.pid is not None:
                process.terminate()  # SIGTERM: uvicorn finishes open requests, then exits
        deadline = time.monotonic() + STOP_SECONDS
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                logger.warning("Worker [%s] did not stop in time; killing it", process.pid)
                process.kill()
                process.join()
        for sock in self.sockets:
            sock.close()
        logger.info("All workers stopped")


def _ended(process: BaseProcess) -> tuple[int | None, int | None]:
    return process.pid, process.exitcode


def serve_reuse_port(options: dict[str, Any], host: str, port: int, workers: int) -> int:
    """Serve the app in `workers` processes with a SO_REUSEPORT socket each; the exit code."""
    uvicorn.Config(**options)  # sets up uvicorn's logging: the supervisor logs like the workers
    try:
        sockets = bind_reuse_port(host, port, workers)
    except OSError as error:
        logger.error("Cannot listen on %s:%s: %s", host, port, error)
        return STARTUP_FAILURE
    logger.info(
        "Listening on http://%s:%s with %d worker processes, one SO_REUSEPORT socket each",
        host,
        sockets[0].getsockname()[1],
        workers,
    )
    return Supervisor(options, sockets).run()
