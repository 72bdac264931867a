"""Fixtures: the test server's routes served in-process on a free port, in its own thread."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "atest" / "resources"))
sys.path.insert(0, str(ROOT))

import testserver  # noqa: E402
from websockets.asyncio.server import serve  # noqa: E402

from RobotWebSocket import RobotWebSocket  # noqa: E402
from RobotWebSocket.demo import router  # noqa: E402


def robot_command(outputdir: Path, *options: str) -> list[str]:
    """``robot`` in this interpreter, finding the library in the checkout."""
    return [
        sys.executable, "-m", "robot", "--pythonpath", str(ROOT),
        "--outputdir", str(outputdir), *options,
    ]  # fmt: skip


class InProcessServer:
    """A websockets server in its own thread: the test server's routes, or ``handler``
    with ``options`` for ``serve``."""

    def __init__(self, handler: Any = None, **options: Any) -> None:
        if handler is None:
            handler = router(testserver.TEST_ROUTES)
            options = {
                "process_request": testserver.process_request,
                "select_subprotocol": testserver.select_subprotocol,
                **options,
            }
        self.handler, self.options = handler, options
        self.loop = asyncio.new_event_loop()
        self.port = 0
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(10)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            self.server = await serve(self.handler, "127.0.0.1", 0, **self.options)
            self.port = self.server.sockets[0].getsockname()[1]
            ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    def url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="session")
def server() -> Iterator[InProcessServer]:
    srv = InProcessServer()
    yield srv
    srv.stop()


@pytest.fixture
def lib() -> Iterator[RobotWebSocket]:
    library = RobotWebSocket(timeout=3)
    yield library
    library.close()
