"""The one send path, on every selector Python has here, with peers that read.

Sends are written by the loop thread only. A keyword thread that wrote frames itself once
registered writers that a loop sleeping in ``select()`` or ``poll()`` never saw, so an
8 MiB Send And Receive timed out there while epoll took 0.06 s.
"""

from __future__ import annotations

import selectors
from collections.abc import Iterator

import pytest
from conftest import InProcessServer
from websockets.asyncio.server import ServerConnection

from RobotWebSocket import RobotWebSocket
from RobotWebSocket._loop import LoopThread
from RobotWebSocket._wire import _FRAGMENTING

SELECTORS = [
    name for name in ("SelectSelector", "PollSelector", "EpollSelector") if hasattr(selectors, name)
]
EIGHT_MIB = 8 * 1024 * 1024


async def sink(ws: ServerConnection) -> None:
    """Reads everything; answers short messages with themselves and big ones with their
    size, so a test can tell that every byte arrived."""
    async for message in ws:
        await ws.send(message if len(message) < 100 else f"got {len(message)}")


@pytest.fixture(scope="module")
def srv() -> Iterator[InProcessServer]:
    server = InProcessServer(sink, compression=None, max_size=None)
    yield server
    server.stop()


@pytest.fixture(params=SELECTORS)
def lib_on(request: pytest.FixtureRequest) -> Iterator[RobotWebSocket]:
    """The library on its own loop thread, forced onto one selector."""
    loop_thread = LoopThread(getattr(selectors, request.param))
    library = RobotWebSocket(timeout=20)
    library._context.loop = loop_thread
    yield library
    library.close()
    loop_thread.shutdown()


def test_an_8_mib_send_and_receive_completes_on_every_selector(
    srv: InProcessServer, lib_on: RobotWebSocket
) -> None:
    url = srv.url("/sink")
    lib_on.connect(url, compression=False)
    reply = lib_on.send_and_receive(url, "x" * EIGHT_MIB, "regex=^got (\\d+)$")
    assert reply == str(EIGHT_MIB)


def test_a_stream_of_large_sends_reaches_a_reading_peer_on_every_selector(
    srv: InProcessServer, lib_on: RobotWebSocket
) -> None:
    url = srv.url("/sink")
    lib_on.connect(url, compression=True)
    for n in range(20):
        lib_on.send(url, f"{n:07d}" + "y" * (1024 * 1024))
    assert lib_on.get_message_count(url, "regex=^got 1048583$", "==", 20) == 20
    assert lib_on.send_and_receive(url, "after the stream") == "after the stream"


def test_the_installed_websockets_names_its_fragmented_send_future(
    srv: InProcessServer, lib: RobotWebSocket
) -> None:
    """Writing at once is skipped while a fragmented send goes on; that check reads a
    websockets attribute whose name changed between versions, so one of the names must
    exist or the check would be skipped silently."""
    url = srv.url("/sink")
    lib.connect(url)
    ws = lib._context.registry.get(url).connection.ws
    assert any(hasattr(ws, name) for name in _FRAGMENTING)
