"""The server role of each protocol codec against that protocol's official client, run as a
child process: socket.io-client 4, the graphql-ws client, @stomp/stompjs 7, mqtt.js 5 and the
``ocpp`` package's charge points (1.6 and 2.0.1).

A small harness serves websockets on 127.0.0.1:0 and drives one server codec per connection
as the mock server will (``opened``, ``receive``, ``tick``, ``encode``, ``request``, with the
class's ``refuse_request`` and ``select_subprotocol`` as its hooks); an application callback
per protocol plays the server's part. Each client stays connected for longer than its
keep-alive interval, and prints JSON lines of what it saw; the test asserts those and what
the server codec holds.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed, InvalidStatus

from RobotWebSocket.protocols import Codec, Output, codec_class

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "atest" / "resources" / "clients"
NODE_MODULES = ROOT / "atest" / "resources" / "node" / "node_modules"
#: How long each client stays connected: longer than every keep-alive interval set here.
STAY = 2.5


def node_client(package: str) -> pytest.MarkDecorator:
    reason = None
    if shutil.which("node") is None:
        reason = "node is not installed"
    elif not (NODE_MODULES / package).is_dir():
        reason = f"{package} is not installed: run `npm ci` in atest/resources/node"
    return pytest.mark.skipif(reason is not None, reason=reason or "")


class Served:
    """One client connection of the harness, driving a server codec."""

    def __init__(self, codec: Codec, ws: ServerConnection) -> None:
        self.codec, self.ws = codec, ws
        self.documents: list[Any] = []
        self.replies: list[Any] = []
        self.tasks: list[asyncio.Task[Any]] = []
        self._waiting: list[tuple[Callable[[Any], bool], asyncio.Future[Any]]] = []
        self._ticker: asyncio.Task[None] | None = None

    async def carry(self, out: Output) -> None:
        for frame in out.send:
            await self.ws.send(frame)
        for received in out.documents:
            self.documents.append(received.document)
            for pending, future in list(self._waiting):
                if not future.done() and pending(received.document):
                    future.set_result(received.document)
        if self._ticker is None and self.codec.tick_interval:
            self._ticker = asyncio.create_task(self._tick(self.codec.tick_interval))
        if out.close is not None:
            await self.ws.close(*out.close)

    async def _tick(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.carry(self.codec.tick(time.monotonic()))

    async def send(self, document: Any) -> None:
        await self.carry(Output(send=self.codec.encode(document)))

    async def request(self, document: Any, timeout: float = 5.0) -> Any:
        frames, pending = self.codec.request(document)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append((pending, future))
        await self.carry(Output(send=frames))
        reply = await asyncio.wait_for(future, timeout)
        self.replies.append(reply)
        return reply

    def soon(self, work: Awaitable[Any]) -> None:
        """Run ``work`` beside the receive loop (a request waits for what it reads)."""
        self.tasks.append(asyncio.ensure_future(work))

    def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()


App = Callable[[Served, Any], None]


async def harness(
    name: str, init: Any, app: App, command: Callable[[str], list[str]], timeout: float = 20.0
) -> tuple[list[dict[str, Any]], list[Served], str]:
    """Serve ``name`` with ``app`` playing the server, run the client ``command(url)``; its
    JSON lines, the connections served, and its stderr."""
    cls = codec_class(name)
    served: list[Served] = []

    def process_request(connection: ServerConnection, request: Any) -> Any:
        refusal = cls.refuse_request(request.path, request.headers)
        return None if refusal is None else connection.respond(*refusal)

    def select_subprotocol(connection: ServerConnection, offered: Any) -> str | None:
        return cls.select_subprotocol(offered)

    async def handler(ws: ServerConnection) -> None:
        conn = Served(cls(init, server=True), ws)
        served.append(conn)
        await conn.carry(conn.codec.opened(ws.subprotocol, time.monotonic()))
        try:
            async for frame in ws:
                out = conn.codec.receive(frame, time.monotonic())
                await conn.carry(out)
                for received in out.documents:
                    app(conn, received.document)
        except ConnectionClosed:
            pass
        finally:
            conn.stop()

    async with serve(
        handler,
        "127.0.0.1",
        0,
        process_request=process_request,
        select_subprotocol=select_subprotocol,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
        process = await asyncio.create_subprocess_exec(
            *command(f"ws://127.0.0.1:{port}"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
        finally:
            if process.returncode is None:
                process.kill()
        for conn in served:
            await asyncio.gather(*conn.tasks, return_exceptions=True)
    lines = [json.loads(line) for line in stdout.decode().splitlines() if line.startswith("{")]
    return lines, served, stderr.decode()


def node(script: str, path: str = "") -> Callable[[str], list[str]]:
    return lambda url: ["node", str(CLIENTS / script), url + path, str(STAY)]


def seen(lines: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [line for line in lines if line.get("event") == event]


def only(lines: list[dict[str, Any]], event: str) -> dict[str, Any]:
    found = seen(lines, event)
    assert len(found) == 1, (event, lines)
    return found[0]


# -- Socket.IO: socket.io-client 4 -------------------------------------------------------------


def socketio_app(conn: Served, document: Any) -> None:
    if document.get("event") == "hello":
        conn.soon(
            conn.send({"type": "ack", "id": document["id"], "args": [{"got": document["args"]}]})
        )
        conn.soon(conn.send({"event": "news", "args": ["fresh", {"n": 1}]}))
        conn.soon(conn.request({"event": "ask", "args": ["ready?"]}))


@node_client("socket.io-client")
def test_socketio_client_against_the_server_role() -> None:
    init = {"pingInterval": 500, "pingTimeout": 1000}
    lines, [conn], errors = asyncio.run(
        harness("socketio", init, socketio_app, node("socketio_official_client.js"))
    )
    assert only(lines, "connect")["id"], errors
    assert only(lines, "ack")["answer"] == {"got": ["world", {"n": 1}]}
    assert only(lines, "news")["args"] == ["fresh", {"n": 1}]
    assert only(lines, "ask")["question"] == "ready?"
    done = only(lines, "done")
    assert done["connected"] is True and done["pings"] >= 3
    codec = conn.codec
    assert codec.session == {"token": "abc"} and codec.namespace == "/chat"
    assert conn.documents[:2] == [
        {
            "type": "event",
            "namespace": "/chat",
            "event": "hello",
            "args": ["world", {"n": 1}],
            "id": 0,
        },
        {"type": "event", "namespace": "/chat", "event": "plain", "args": [[1, 2]], "id": None},
    ]
    assert conn.replies == [
        {"type": "ack", "namespace": "/chat", "id": 0, "args": [{"ok": True, "question": "ready?"}]}
    ]
    assert conn.documents[-1] == {"type": "disconnect", "namespace": "/chat"}


def test_socketio_server_role_refuses_polling_with_400() -> None:
    async def poll() -> tuple[int, str]:
        cls = codec_class("socketio")

        def process_request(connection: ServerConnection, request: Any) -> Any:
            refusal = cls.refuse_request(request.path, request.headers)
            return None if refusal is None else connection.respond(*refusal)

        async with serve(
            lambda ws: None, "127.0.0.1", 0, process_request=process_request
        ) as server:
            port = server.sockets[0].getsockname()[1]
            url = f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling"
            try:
                await asyncio.to_thread(urllib.request.urlopen, url, timeout=5)
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode()
        raise AssertionError("a polling request was answered")

    status, body = asyncio.run(poll())
    assert status == 400 and "only the WebSocket transport" in json.loads(body)["message"]


# -- GraphQL: the graphql-ws client ------------------------------------------------------------


def graphql_app(conn: Served, document: Any) -> None:
    if document.get("type") == "subscribe":
        ident = document["id"]
        for n in (1, 2):
            conn.soon(
                conn.send(
                    {"type": "next", "id": ident, "payload": {"data": {"greetings": f"hi {n}"}}}
                )
            )
        conn.soon(conn.send({"type": "complete", "id": ident}))


@node_client("graphql-ws")
def test_graphql_ws_client_against_the_server_role() -> None:
    lines, [conn], errors = asyncio.run(
        harness(
            "graphql-transport-ws",
            {"server": "mock"},
            graphql_app,
            node("graphql_ws_official_client.js", "/graphql"),
        )
    )
    assert only(lines, "connected")["payload"] == {"server": "mock"}, errors
    assert [line["result"] for line in seen(lines, "next")] == [
        {"data": {"greetings": "hi 1"}},
        {"data": {"greetings": "hi 2"}},
    ]
    assert only(lines, "complete") and not seen(lines, "error")
    assert only(lines, "done")["pongs"] >= 3
    assert conn.codec.session == {"token": "abc"} and conn.codec.operations == set()
    [subscribe] = conn.documents
    assert subscribe["type"] == "subscribe" and subscribe["payload"] == {
        "query": "subscription { greetings }",
        "variables": {"n": 2},
    }


# -- STOMP: @stomp/stompjs 7 -------------------------------------------------------------------


def stomp_app(conn: Served, document: Any) -> None:
    if document.get("command") == "SUBSCRIBE":
        destination = document["headers"]["destination"]
        conn.soon(conn.request({"headers": {"destination": destination}, "body": {"n": 1}}))


@node_client("@stomp/stompjs")
def test_stompjs_client_against_the_server_role() -> None:
    lines, [conn], errors = asyncio.run(
        harness(
            "stomp", {"heart-beat": "500,500"}, stomp_app, node("stomp_official_client.js", "/ws")
        )
    )
    connected = only(lines, "connected")["headers"]
    assert connected["version"] == "1.2" and connected["heart-beat"] == "500,500", errors
    assert only(lines, "receipt")["headers"]["receipt-id"] == "r-1"
    message = only(lines, "message")
    assert json.loads(message["body"]) == {"n": 1}
    assert message["headers"]["subscription"] == "sub-0" and message["headers"]["ack"]
    done = only(lines, "done")
    assert done["connected"] and done["beats"]["sent"] >= 3 and done["beats"]["received"] >= 3
    assert not seen(lines, "error")
    assert conn.codec.session["login"] == "guest" and conn.codec.session["passcode"] == "secret"
    assert conn.codec.version == "1.2"
    commands = [document["command"] for document in conn.documents]
    assert commands[:1] == ["SUBSCRIBE"] and "SEND" in commands and commands[-1] == "DISCONNECT"
    send = next(document for document in conn.documents if document["command"] == "SEND")
    assert send["body"] == {"id": 7} and send["headers"]["destination"] == "/queue/orders"
    [ack] = conn.replies
    assert ack["command"] == "ACK" and ack["headers"]["id"] == message["headers"]["ack"]


# -- MQTT: mqtt.js 5 ---------------------------------------------------------------------------


def mqtt_app(conn: Served, document: Any) -> None:
    if document.get("type") == "subscribe":
        conn.soon(conn.request({"topic": "dev/1/cmd", "payload": {"go": 1}, "qos": 1}))
        conn.soon(conn.request({"topic": "dev/1/cmd", "payload": {"go": 2}, "qos": 2}))
        conn.soon(conn.send({"topic": "all/news", "payload": "plain"}))


@node_client("mqtt")
def test_mqtt_js_client_against_the_server_role() -> None:
    lines, [conn], errors = asyncio.run(
        harness("mqtt", None, mqtt_app, node("mqtt_official_client.js", "/mqtt"))
    )
    assert only(lines, "connect") == {"event": "connect", "sessionPresent": False, "code": 0}, (
        errors
    )
    assert [grant["qos"] for grant in only(lines, "suback")["granted"]] == [2, 1]
    assert sorted(line["qos"] for line in seen(lines, "published") if not line.get("error")) == [
        0,
        1,
        2,
    ]
    messages = {(line["topic"], line["payload"], line["qos"]) for line in seen(lines, "message")}
    assert messages == {
        ("dev/1/cmd", '{"go": 1}', 1),
        ("dev/1/cmd", '{"go": 2}', 2),
        ("all/news", "plain", 0),
    }
    done = only(lines, "done")
    assert done["connected"] and done["pings"]["sent"] >= 2 and done["pings"]["answered"] >= 2
    assert conn.codec.session == {
        "client_id": "dev-1", "username": "device", "password": "secret", "keepalive": 1,
        "clean_session": True,
    }  # fmt: skip
    publishes = [d for d in conn.documents if d["type"] == "publish"]
    assert sorted((d["qos"], d["payload"]["qos"]) for d in publishes) == [(0, 0), (1, 1), (2, 2)]
    subscribe = conn.documents[0]
    assert subscribe["type"] == "subscribe" and subscribe["topics"] == ["dev/+/cmd", "all/#"]
    assert sorted(reply["type"] for reply in conn.replies) == ["puback", "pubcomp"]
    assert conn.codec.wants({"topic": "dev/9/cmd"}) and not conn.codec.wants({"topic": "dev/9"})
    assert conn.documents[-1] == {"type": "disconnect"}


# -- OCPP: the ocpp package's charge points ----------------------------------------------------

HAS_OCPP = importlib.util.find_spec("ocpp") is not None


def ocpp_app(version: str) -> App:
    def app(conn: Served, document: Any) -> None:
        if document[0] != 2:
            return
        ident, action = document[1], document[2]
        if action == "BootNotification":
            result = {"status": "Accepted", "currentTime": "2026-01-01T00:00:00Z", "interval": 300}
            conn.soon(conn.send([3, ident, result]))
            reset = {"type": "Hard" if version == "ocpp1.6" else "Immediate"}
            conn.soon(conn.request(["Reset", reset]))
        elif action == "Heartbeat":
            conn.soon(conn.send([3, ident, {"currentTime": "2026-01-01T00:00:01Z"}]))

    return app


@pytest.mark.skipif(not HAS_OCPP, reason="the ocpp package is not installed (the test extra)")
@pytest.mark.parametrize("version", ["ocpp1.6", "ocpp2.0.1"])
def test_ocpp_charge_point_against_the_server_role(version: str) -> None:
    command = [sys.executable, str(CLIENTS / "ocpp_official_client.py")]
    lines, [conn], errors = asyncio.run(
        harness(version, None, ocpp_app(version), lambda url: [*command, url, version, "0.5"])
    )
    assert only(lines, "open")["subprotocol"] == version, errors
    assert only(lines, "boot")["status"] == "Accepted" and only(lines, "boot")["interval"] == 300
    assert only(lines, "heartbeat")["current_time"] == "2026-01-01T00:00:01Z"
    assert only(lines, "reset")["type"] in ("Hard", "Immediate") and only(lines, "done")
    assert conn.codec.session == version
    assert [document[2] for document in conn.documents if document[0] == 2] == [
        "BootNotification",
        "Heartbeat",
    ]
    [reply] = conn.replies
    assert reply[0] == 3 and reply[2] == {"status": "Accepted"}


def test_ocpp_server_role_refuses_a_client_that_does_not_offer_its_version() -> None:
    async def attempt(offered: list[str]) -> int:
        cls = codec_class("ocpp1.6")

        def process_request(connection: ServerConnection, request: Any) -> Any:
            refusal = cls.refuse_request(request.path, request.headers)
            return None if refusal is None else connection.respond(*refusal)

        async with serve(
            lambda ws: ws.wait_closed(), "127.0.0.1", 0, process_request=process_request
        ) as server:
            port = server.sockets[0].getsockname()[1]
            try:
                async with connect(f"ws://127.0.0.1:{port}/CP-1", subprotocols=offered or None):
                    return 101
            except InvalidStatus as error:
                return error.response.status_code

    assert asyncio.run(attempt([])) == 400
    assert asyncio.run(attempt(["ocpp2.0.1"])) == 400
    assert asyncio.run(attempt(["ocpp2.0.1", "ocpp1.6"])) == 101
