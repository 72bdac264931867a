"""The connection's own paths into websockets: messages delivered as their last frame is
parsed, and sends written at once from a loop callback (see ``RobotWebSocket/_client.py``).

These use a few of websockets' connection internals, so they run against the installed
websockets with servers that send fragmented, invalid and early messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import InProcessServer
from websockets.asyncio.server import ServerConnection

from RobotWebSocket import RobotWebSocket
from RobotWebSocket._loop import LOOP
from RobotWebSocket._wire import MAX_FRAGMENTS, READ_BIG, READ_SMALL, ClientSide
from RobotWebSocket.errors import SendFailed


async def handler(ws: ServerConnection) -> None:
    assert ws.request is not None
    path = ws.request.path
    if path == "/early":
        # Sent with the handshake response, before the client has the connection.
        await ws.send("welcome")
    elif path == "/fragments":
        await ws.send(["frag", "ment", "ed"])
        await ws.send([b"\x01", b"\x02", b"\x03"])
        await ws.send("single")
    elif path == "/bad-utf8":
        await ws.send("fine")
        await ws.send(b"\xff\xfe not utf-8", text=True)
    elif path == "/many-fragments":
        await ws.send(["x"] * (MAX_FRAGMENTS + 10))
    elif path == "/small":
        for n in range(2000):
            await ws.send(f"{n}")
    elif path == "/large":
        for _ in range(40):
            await ws.send("x" * 16384)
    elif path == "/deaf":
        # Never reads: websockets stops reading the socket once 16 messages are queued.
        await ws.wait_closed()
        return
    async for message in ws:
        await ws.send(message)


@pytest.fixture(scope="module")
def srv() -> Iterator[InProcessServer]:
    server = InProcessServer(handler, compression=None, close_timeout=1)
    yield server
    server.stop()


def test_a_message_sent_with_the_handshake_is_kept(
    srv: InProcessServer, lib: RobotWebSocket
) -> None:
    url = srv.url("/early")
    lib.connect(url)
    assert lib.receive(url) == "welcome"


def test_fragmented_messages_are_assembled_in_order(
    srv: InProcessServer, lib: RobotWebSocket
) -> None:
    url = srv.url("/fragments")
    lib.connect(url)
    lib.get_message_count(url, assertion_operator=">=", expected=3)
    assert lib.receive(url, last=3) == ["fragmented", b"\x01\x02\x03", "single"]
    assert lib.get_message_count(url) == 3


def test_invalid_utf8_in_a_text_message_closes_with_1007(
    srv: InProcessServer, lib: RobotWebSocket
) -> None:
    url = srv.url("/bad-utf8")
    lib.connect(url)
    closed = lib.wait_until_closed(url)
    assert closed["code"] == 1007, closed
    assert "invalid" in closed["reason"] or "utf-8" in closed["reason"].lower(), closed
    assert lib.receive(url, last=5) == ["fine"]


def test_too_many_fragments_close_with_1009(srv: InProcessServer, lib: RobotWebSocket) -> None:
    url = srv.url("/many-fragments")
    lib.connect(url, compression=False)
    closed = lib.wait_until_closed(url)
    assert closed["code"] == 1009, closed
    assert lib.get_message_count(url) == 0


def _write_now(lib: RobotWebSocket, url: str, data: Any) -> bool:
    ws = lib._context.registry.get(url).connection.ws
    assert isinstance(ws, ClientSide)

    async def write() -> bool:
        return ws.rws_write_now(data)

    return LOOP.run(write())


def test_an_open_connection_writes_at_once(srv: InProcessServer, lib: RobotWebSocket) -> None:
    """The installed websockets still has what the direct write uses."""
    url = srv.url("/echo")
    lib.connect(url)
    assert _write_now(lib, url, "direct") is True
    assert _write_now(lib, url, b"\x00bytes") is True
    lib.get_message_count(url, assertion_operator="==", expected=2)
    assert lib.receive(url, last=2) == ["direct", b"\x00bytes"]


def test_a_closed_connection_is_not_written_at_once(
    srv: InProcessServer, lib: RobotWebSocket
) -> None:
    url = srv.url("/echo")
    lib.connect(url)
    lib.disconnect(url)
    assert _write_now(lib, url, "late") is False


def test_a_full_write_buffer_makes_send_wait_and_time_out(
    srv: InProcessServer, lib: RobotWebSocket
) -> None:
    """Once the server stops reading, sends go through websockets' own send(), which waits
    for the buffer to drain: the limit is kept."""
    url = srv.url("/deaf")
    lib.connect(url, compression=False)
    chunk = "x" * 65536
    with pytest.raises(SendFailed, match="timed out after 0.3 s"):
        for _ in range(2000):  # at most 128 MiB; the kernel buffers hold a few MiB
            lib.send(url, chunk, timeout=0.3)
    assert _write_now(lib, url, "more") is False


@pytest.mark.parametrize(
    ("path", "count", "size"), [("/small", 2000, READ_SMALL), ("/large", 40, READ_BIG)]
)
def test_reads_are_sized_to_the_messages(
    srv: InProcessServer, lib: RobotWebSocket, path: str, count: int, size: int
) -> None:
    """Small messages are read 16 KiB at a time, so that parsing one read does not hold up
    the other connections for long; big ones 256 KiB at a time, for speed."""
    url = srv.url(path)
    lib.connect(url, compression=False)
    lib.get_message_count(url, assertion_operator="==", expected=count)
    ws = lib._context.registry.get(url).connection.ws
    assert ws is not None and ws.rws_sized
    assert ws.transport.max_size == size  # type: ignore[attr-defined]
