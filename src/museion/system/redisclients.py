"""asyncio Redis clients for the shared stores (response cache, rate limit counters)."""

from __future__ import annotations

import asyncio

import redis.asyncio


class LoopClients:
    """One client per event loop: an asyncio client belongs to the loop it first ran in (the
    server has one loop per process; tests and the command line start several)."""

    def __init__(self, url: str, *, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self._clients: dict[asyncio.AbstractEventLoop, redis.asyncio.Redis] = {}

    def get(self) -> redis.asyncio.Redis:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = redis.asyncio.Redis.from_url(
                self.url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout
            )
            self._clients = {
                known: other for known, other in self._clients.items() if not known.is_closed()
            }
            self._clients[loop] = client
        return client

    async def close(self) -> None:
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()
