"""Boundaries: what a peer sends, or a rule or codec that raises, never costs a connection,
and a reply is never a message from before its request was written."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import InProcessServer, robot_command
from websockets.sync.client import connect as sync_connect

from RobotWebSocket import RobotWebSocket
from RobotWebSocket._client import Connection
from RobotWebSocket.history import History, Message
from RobotWebSocket.rules import RuleSet


async def stream(ws: Any) -> None:
    """Sends {"n": 1}, {"n": 2}... as fast as the client reads, whatever it sends."""

    async def drain() -> None:
        async for _ in ws:
            pass

    reader = asyncio.ensure_future(drain())
    n = 0
    try:
        while not reader.done():
            n += 1
            await ws.send(json.dumps({"n": n}))
            if n % 8 == 0:
                await asyncio.sleep(0.0005)
    finally:
        reader.cancel()


async def echo(ws: Any) -> None:
    async for message in ws:
        await ws.send(message)


@pytest.fixture(scope="module")
def streaming() -> Iterator[InProcessServer]:
    srv = InProcessServer(stream)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def ocpp_echo() -> Iterator[InProcessServer]:
    srv = InProcessServer(echo, subprotocols=["ocpp1.6"])
    yield srv
    srv.stop()


def _written_at(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record, on the loop, the history's total as each send's first frame is written,
    after a message that arrives just before the write (``{"n": -1}``): the stream's own
    messages fall into that gap now and then; this one falls into it every time."""
    totals: list[int] = []
    original = Connection.send_frames

    def send_frames(self: Connection, *args: Any) -> Any:
        self.history.append_message(Message(0, time.time(), '{"n": -1}'))
        totals.append(self.history.total)
        return original(self, *args)

    monkeypatch.setattr(Connection, "send_frames", send_frames)
    return totals


def _seq_of(conn: Connection, data: str) -> int:
    """The sequence number of the newest message holding ``data``."""
    return next(m.seq for m in reversed(conn.history.all()) if m.data == data)


def test_send_and_receive_never_returns_a_message_from_before_the_write(
    lib: RobotWebSocket, streaming: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = streaming.url("/")
    lib.connect(url)
    conn = lib._context.registry.get(url).connection
    totals = _written_at(monkeypatch)
    for _ in range(300):
        reply = lib.send_and_receive(url, "next")
        assert reply != '{"n": -1}'
        assert _seq_of(conn, reply) > totals[-1], (reply, totals[-1])


def test_receive_until_judges_only_messages_after_its_send_was_written(
    lib: RobotWebSocket, streaming: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = streaming.url("/until")
    lib.connect(url)
    conn = lib._context.registry.get(url).connection
    totals = _written_at(monkeypatch)
    for _ in range(150):
        n = lib.receive_until(url, "$.n", "!=", "0", send="next", max_iterations=1)
        assert n != -1
        assert _seq_of(conn, json.dumps({"n": n})) > totals[-1], (n, totals[-1])


def test_a_codec_that_raises_gives_an_undecodable_document_and_the_connection_stays_open(
    lib: RobotWebSocket, ocpp_echo: InProcessServer
) -> None:
    url = ocpp_echo.url("/cp-1")
    lib.connect(url, protocol="ocpp1.6")
    conn = lib._context.registry.get(url).connection
    assert conn.codec is not None
    good = conn.codec.receive

    def broken(data: Any, now: float) -> Any:
        if "boom" in str(data):
            raise RuntimeError("a bug in the codec")
        return good(data, now)

    conn.codec.receive = broken  # type: ignore[method-assign]
    lib.send(url, '[2, "1", "boom", {}]', raw=True)
    document = lib.receive(url, "$.type", "==", "undecodable")
    assert document == "undecodable"
    assert "RuntimeError: a bug in the codec" in lib.receive(url, "$.error")
    assert lib.get_connection_info(url)["state"] == "open"
    # The next message is read normally.
    lib.send(url, '[3, "7", {"ok": true}]', raw=True)
    assert lib.receive(url, "$[2].ok", "==", "true") is True
    assert conn.event_counts["warn"] == 1


def test_rules_that_raise_keep_the_message_and_the_connection(
    lib: RobotWebSocket, server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server.url("/echo")
    lib.ignore_messages(url, "$.type", "==", "noise")
    lib.connect(url)

    def react(self: RuleSet, message: Any, reaction: Any) -> Any:
        raise RecursionError("a rule went too deep")

    warnings: list[str] = []
    monkeypatch.setattr(RuleSet, "react", react)
    monkeypatch.setattr(lib._context, "warn", warnings.append)
    lib.send(url, '{"type": "noise"}')
    assert lib.receive(url, "$.type") == "noise"
    assert lib.get_connection_info(url)["state"] == "open"
    assert any("RecursionError: a rule went too deep" in text for text in warnings), warnings


def test_deep_json_on_a_plain_connection_is_text_and_a_failure_says_why(
    lib: RobotWebSocket, server: Any
) -> None:
    url = server.url("/echo")
    lib.connect(url)
    deep = "[" * 100_000 + "]" * 100_000
    lib.send(url, deep)
    assert lib.receive(url) == deep
    with pytest.raises(AssertionError) as failure:
        lib.receive(url, "$.id", timeout=0.2)
    assert "is not JSON: nested too deeply" in str(failure.value)
    assert lib.get_connection_info(url)["state"] == "open"
    lib.send(url, '{"id": 7}')
    assert lib.receive(url, "$.id") == 7


def test_the_history_keeps_at_most_its_byte_bound_and_always_the_newest() -> None:
    history = History(maxlen=1000, max_bytes=10_000)
    for n in range(100):
        history.append_message(Message(0, time.time(), "x" * 1000 + str(n % 10)))
    assert history.bytes <= 10_000
    assert len(history) == 9
    assert history.dropped == 91
    assert history.last(1)[0].seq == 100
    # Bigger than the bound alone: kept, as the only one.
    history.append_message(Message(0, time.time(), "y" * 50_000))
    assert len(history) == 1 and history.bytes == 50_000
    history.clear()
    assert history.bytes == 0


def test_the_byte_bound_is_an_import_argument(server: Any) -> None:
    library = RobotWebSocket(timeout=3, buffer_bytes=4096)
    try:
        url = server.url("/echo")
        library.connect(url)
        for n in range(10):
            library.send(url, f"{n}" * 1000)
        library.get_message_count(url, "==", "4")
        assert library._context.registry.get(url).connection.history.max_bytes == 4096
    finally:
        library.close()


STOP_SUITE = """
*** Settings ***
Library           RobotWebSocket    timeout=3s
Library           helpers.py

*** Test Cases ***
A Test Timeout Interrupts Stop Mock Server
    [Timeout]    0.5s
    ${url}=    Start Mock Server    alias=stuck
    Set Suite Variable    ${URL}    ${url}
    Open Silent Client    ${url}
    Wait For Client    stuck
    # The client never answers the close: the stop would wait 3 s.
    Stop Mock Server    stuck

The Next Stop Finishes The Job
    Stop Mock Server    stuck
    Should Not Accept    ${URL}
    Stop Mock Server    stuck
"""

HELPERS = """
import socket

_kept = []

def open_silent_client(url):
    host, port = url.removeprefix("ws://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        b"GET /stuck HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\n"
        b"Connection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\n"
        b"Sec-WebSocket-Version: 13\\r\\n\\r\\n"
    )
    assert b" 101 " in sock.recv(4096)
    _kept.append(sock)

def should_not_accept(url):
    host, port = url.removeprefix("ws://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return
    raise AssertionError(f"{url} still accepts connections")
"""


def test_an_interrupted_stop_mock_server_is_finished_by_the_next_stop(tmp_path: Path) -> None:
    (tmp_path / "stop.robot").write_text(STOP_SUITE)
    (tmp_path / "helpers.py").write_text(HELPERS)
    run = subprocess.run(
        [*robot_command(tmp_path, "--pythonpath", str(tmp_path)), str(tmp_path / "stop.robot")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    tests = {
        test.get("name"): (test.find("status").get("status"), test.find("status").text or "")
        for test in ET.parse(tmp_path / "output.xml").iter("test")
    }
    first = tests["A Test Timeout Interrupts Stop Mock Server"]
    assert first[0] == "FAIL" and "timeout" in first[1].lower(), first
    assert tests["The Next Stop Finishes The Job"] == ("PASS", ""), (tests, run.stdout)


TIMEOUT_SUITE = """
*** Settings ***
Library           RobotWebSocket    connect_timeout=20s

*** Test Cases ***
A Test Timeout During Connect Is Reported As Robot's
    [Timeout]    1s
    Connect    ws://127.0.0.1:{port}/never-answers
"""


def test_robots_test_timeout_passes_through_connect_unchanged(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # Connections complete in the backlog; nobody ever answers.
    try:
        port = listener.getsockname()[1]
        (tmp_path / "timeout.robot").write_text(TIMEOUT_SUITE.format(port=port))
        subprocess.run(
            [*robot_command(tmp_path), str(tmp_path / "timeout.robot")],
            capture_output=True,
            timeout=60,
        )
    finally:
        listener.close()
    status = next(ET.parse(tmp_path / "output.xml").iter("test")).find("status")
    assert status is not None
    assert (status.get("status"), status.text) == ("FAIL", "Test timeout 1 second exceeded.")


def test_a_mock_server_forgets_its_oldest_closed_clients_past_its_limit(
    lib: RobotWebSocket,
) -> None:
    url = lib.start_mock_server(alias="many")
    server = lib._context.registry.find("many").server  # type: ignore[union-attr]
    server.closed_kept = 2
    for n in range(5):
        lib.connect(url, alias=f"client{n}")
        name = lib.wait_for_client("many")
        assert name == f"many#{n + 1}"
        lib.disconnect(f"client{n}")
        lib.wait_until_closed(name)
    lib.connect(url, alias="open one")
    assert lib.wait_for_client("many") == "many#6"
    # The three oldest closed clients are forgotten; the two newest and the open one kept.
    for gone in ("many#1", "many#2", "many#3"):
        with pytest.raises(AssertionError, match="No connection named"):
            lib.get_connection_info(gone)
    for kept in ("many#4", "many#5", "many#6"):
        assert lib.get_connection_info(kept)["url"].startswith(url)
    assert server.forgotten == 3
    assert len(server.clients) == 3


def test_a_proxy_forgets_its_oldest_closed_client_pairs_past_its_limit(
    lib: RobotWebSocket, server: InProcessServer
) -> None:
    url = lib.start_proxy(server.url("/echo"), alias="relay")
    proxy = lib._context.registry.find("relay").server  # type: ignore[union-attr]
    proxy.closed_kept = 2
    for n in range(5):
        lib.connect(url, alias=f"client{n}")
        name = lib.wait_for_client("relay")
        assert name == f"relay#{n + 1}"
        lib.disconnect(f"client{n}")
        lib.wait_until_closed(name)
        lib.wait_until_closed(f"{name}.upstream")
    lib.connect(url, alias="open one")
    assert lib.wait_for_client("relay") == "relay#6"
    # The three oldest closed pairs are forgotten, both sides; the two newest and the open
    # one kept.
    for gone in ("relay#1", "relay#2", "relay#3"):
        for side in (gone, f"{gone}.upstream"):
            with pytest.raises(AssertionError, match="No connection named"):
                lib.get_connection_info(side)
    for kept in ("relay#4", "relay#5", "relay#6"):
        assert lib.get_connection_info(kept)["url"].startswith(url)
        assert lib.get_connection_info(f"{kept}.upstream")["state"] in ("open", "closed")
    assert proxy.forgotten == 3
    assert len(proxy.clients) == 3 and len(proxy.pairs) == 3


def test_a_heartbeat_reaches_a_client_whose_handshake_runs_while_it_starts(
    lib: RobotWebSocket, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = lib.start_mock_server(alias="beating")
    entered = threading.Event()
    original = Connection.start_heartbeats

    def slow_start(self: Connection, only: Any = None) -> None:
        # The client's handshake step on the loop: its heartbeats are started, and only
        # then is it put in its server's list. Widen that gap.
        original(self, only)
        if only is None and self.name.startswith("beating#"):
            entered.set()
            time.sleep(0.5)

    monkeypatch.setattr(Connection, "start_heartbeats", slow_start)
    received: list[str] = []

    def client() -> None:
        with sync_connect(url + "/late", open_timeout=5) as ws:
            while len(received) < 1:
                received.append(str(ws.recv(timeout=5)))

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    assert entered.wait(5)
    lib.start_heartbeat("beating", "beat", interval=0.2)  # While the client's step runs.
    thread.join(10)
    assert received == ["beat"], received
