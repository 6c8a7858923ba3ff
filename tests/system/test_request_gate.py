"""The request gate (museion.web.RequestGate): reads take turns, writers never wait for them,
and a client that reads its answer slowly holds no turn."""

from __future__ import annotations

import asyncio

from starlette.types import Message, Receive, Scope, Send

from museion.web import RequestGate


def http(method: str, path: str = "/api/v4/dates") -> Scope:
    return {"type": "http", "method": method, "path": path, "headers": []}


async def nothing() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


class App:
    """Answers once released; counts the requests working at once."""

    def __init__(self) -> None:
        self.working = 0
        self.most = 0
        self.release = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.working += 1
        self.most = max(self.most, self.working)
        await self.release.wait()
        self.working -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


def test_reads_take_turns_and_writers_never_wait_for_them() -> None:
    async def scenario() -> tuple[int, bool]:
        app = App()
        gate = RequestGate(app, writers=1, readers=2)
        answers: list[Message] = []

        async def send(message: Message) -> None:
            answers.append(message)

        reads = [asyncio.create_task(gate(http("GET"), nothing, send)) for _ in range(6)]
        await asyncio.sleep(0.05)
        reading = app.working
        write = asyncio.create_task(gate(http("POST", "/api/v4/orders"), nothing, send))
        await asyncio.sleep(0.05)
        writer_in = app.working == reading + 1
        app.release.set()
        await asyncio.gather(*reads, write)
        return app.most, writer_in and reading == 2

    most, writer_went_ahead = asyncio.run(scenario())
    assert most == 3  # two readers, and the writer beside them
    assert writer_went_ahead


def test_a_slow_client_holds_no_turn() -> None:
    async def scenario() -> int:
        app = App()
        app.release.set()
        gate = RequestGate(app, writers=1, readers=1)
        stalled = asyncio.Event()

        async def slow_send(message: Message) -> None:
            if message["type"] == "http.response.body":
                await stalled.wait()  # a client that never reads its answer

        done: list[Message] = []

        async def send(message: Message) -> None:
            done.append(message)

        slow = [asyncio.create_task(gate(http("GET"), nothing, slow_send)) for _ in range(3)]
        await asyncio.sleep(0.05)
        await asyncio.wait_for(gate(http("GET"), nothing, send), timeout=2)
        stalled.set()
        await asyncio.gather(*slow)
        return len(done)

    assert asyncio.run(scenario()) == 2  # the fourth reader got its answer meanwhile


def test_paths_outside_the_api_take_no_turn() -> None:
    async def scenario() -> int:
        app = App()
        gate = RequestGate(app, writers=1, readers=1)

        async def send(message: Message) -> None:
            pass

        tasks = [
            asyncio.create_task(gate(http("GET", "/media/picture.jpg"), nothing, send))
            for _ in range(4)
        ]
        await asyncio.sleep(0.05)
        working = app.working
        app.release.set()
        await asyncio.gather(*tasks)
        return working

    assert asyncio.run(scenario()) == 4
