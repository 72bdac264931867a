"""A hostile WebSocket server: it speaks just enough of each protocol for ``Connect`` to
succeed, then sends, on command, the frames a broken or malicious server sends.

``python hostile_server.py --port-file F`` listens on 127.0.0.1 on a free port and writes the
port number to ``F`` once it is listening.

| path | protocol | handshake it answers |
|---|---|---|
| ``/plain`` | none | none |
| ``/ocpp`` | OCPP-J | selects the first subprotocol offered |
| ``/stomp`` | STOMP | ``CONNECT`` gets ``CONNECTED`` (no heart-beats) |
| ``/mqtt`` | MQTT 3.1.1 | ``CONNECT`` gets ``CONNACK`` accepted, ``PINGREQ`` ``PINGRESP`` |
| ``/graphql`` | graphql-transport-ws | ``connection_init`` gets ``connection_ack``, ``ping`` ``pong`` |
| ``/socket.io/`` | Socket.IO 5 | the Engine.IO open packet, then ``40`` gets ``40{"sid": ...}`` |

A text message ``{"send": NAME}`` (sent with ``raw=True`` on a protocol connection) makes the
server send the frames named ``NAME`` for the path's protocol:

| ``NAME`` | what is sent |
|---|---|
| ``normal`` | one well-formed message of the protocol, carrying ``"normal": true`` |
| ``deep-json`` | JSON nested 100,000 deep where the protocol carries JSON |
| ``bad-utf8`` | a text frame whose bytes are not UTF-8 (RFC 6455 says: fail the connection) |
| ``bad-utf8-binary`` | a binary frame with bytes that are not UTF-8 where text is expected |
| ``wrong-shape`` | OCPP-J: arrays of the wrong shape (a number as id, a bare list) |
| ``no-nul`` | STOMP: a frame without its terminating NUL |
| ``huge-length`` | MQTT: a PUBLISH announcing 268,435,455 bytes, with 64 KiB of them |
| ``million-attachments`` | Socket.IO: a binary event announcing 1,000,000 attachments, then 64 of 16 KiB |
| ``non-string-id`` | graphql-transport-ws: a ``next`` whose ``id`` is a number |
"""

from __future__ import annotations

import argparse
import asyncio
import json
import struct
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from RobotWebSocket.demo import run_until_stopped, write_port_file  # noqa: E402

DEEP = "[" * 100_000 + "]" * 100_000
#: (frame, text): ``text=True`` sends bytes as a text frame, unchecked.
Frames = list[tuple[str | bytes, bool | None]]


def mqtt_publish(topic: bytes, payload: bytes) -> bytes:
    body = struct.pack("!H", len(topic)) + topic + payload
    length, encoded = len(body), bytearray()
    while True:
        length, digit = divmod(length, 128)
        encoded.append(digit | (0x80 if length else 0))
        if not length:
            break
    return bytes([0x30]) + bytes(encoded) + body


def stomp_message(body: str, content_type: str = "application/json") -> str:
    headers = f"destination:/queue/h\nsubscription:s-1\nmessage-id:m\ncontent-type:{content_type}"
    return f"MESSAGE\n{headers}\n\n{body}\0"


_PLACEHOLDER = '{"_placeholder":true,"num":0}'

#: protocol -> NAME -> the frames to send.
FRAMES: dict[str, dict[str, Frames]] = {
    "plain": {
        "normal": [('{"id": 1, "normal": true}', None)],
        "deep-json": [(DEEP, None)],
    },
    "ocpp": {
        "normal": [('[2, "n-1", "Heartbeat", {"normal": true}]', None)],
        "deep-json": [(f'[2, "d-1", "DataTransfer", {DEEP}]', None)],
        "wrong-shape": [('[2, 5, {"a": 1}]', None), ('["2"]', None), ("[[], {}]", None)],
        "bad-utf8-binary": [(b'[2, "b-1", "Heartbeat\xff", {}]', None)],
    },
    "stomp": {
        "normal": [(stomp_message('{"normal": true}'), None)],
        "deep-json": [(stomp_message(DEEP), None)],
        "no-nul": [(stomp_message('{"a": 1}')[:-1], None)],
        "bad-utf8-binary": [(b"MESSAGE\ndestination:/queue/\xff\n\n{}\0", None)],
    },
    "mqtt": {
        "normal": [(mqtt_publish(b"t/normal", b'{"normal": true}'), None)],
        "deep-json": [(mqtt_publish(b"t/deep", DEEP.encode()), None)],
        "huge-length": [(b"\x30\xff\xff\xff\x7f\x00\x01t" + b"x" * 65_536, None)],
        "bad-utf8-binary": [(mqtt_publish(b"t/\xff", b"{}"), None)],
    },
    "graphql": {
        "normal": [('{"type": "next", "id": "1", "payload": {"data": {"normal": true}}}', None)],
        "deep-json": [(f'{{"type": "next", "id": "1", "payload": {DEEP}}}', None)],
        "non-string-id": [('{"type": "next", "id": 5, "payload": {"data": {"n": 1}}}', None)],
        "bad-utf8-binary": [(b'{"type": "next", "id": "\xff"}', None)],
    },
    "socketio": {
        "normal": [('42["normal",{"normal":true}]', None)],
        "deep-json": [(f'42["deep",{DEEP}]', None)],
        "million-attachments": [
            (f'451000000-["files",{_PLACEHOLDER}]', None),
            *[(b"\x00" * 16_384, None)] * 64,
        ],
    },
}
ROUTES = {
    "/plain": "plain",
    "/ocpp": "ocpp",
    "/stomp": "stomp",
    "/mqtt": "mqtt",
    "/graphql": "graphql",
    "/socket.io/": "socketio",
}
SIO_OPEN = '0{"sid":"h","upgrades":[],"pingInterval":300000,"pingTimeout":20000}'


def command(message: str | bytes) -> str | None:
    if not isinstance(message, str) or not message.startswith("{"):
        return None
    try:
        document = json.loads(message)
    except ValueError:
        return None
    name = document.get("send") if isinstance(document, dict) else None
    return name if isinstance(name, str) else None


def handshake(protocol: str, message: str | bytes) -> str | bytes | None:
    """The server's answer to one of the client's handshake or keep-alive frames."""
    if protocol == "stomp" and isinstance(message, str) and message.startswith("CONNECT"):
        return "CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0"
    if protocol == "mqtt" and isinstance(message, bytes) and message[:1] == b"\x10":
        return b"\x20\x02\x00\x00"
    if protocol == "mqtt" and isinstance(message, bytes) and message[:1] == b"\xc0":
        return b"\xd0\x00"
    if protocol == "socketio" and message == "40":
        return '40{"sid":"h-ns"}'
    if protocol == "graphql" and isinstance(message, str):
        kind = json.loads(message).get("type")
        if kind == "connection_init":
            return '{"type": "connection_ack"}'
        if kind == "ping":
            return '{"type": "pong"}'
    return None


async def hostile(ws: ServerConnection) -> None:
    try:
        await _serve(ws)
    except ConnectionClosed:
        # The client fails the connection on purpose after some frames (invalid UTF-8).
        pass


async def _serve(ws: ServerConnection) -> None:
    assert ws.request is not None
    protocol = ROUTES.get(urlsplit(ws.request.path).path)
    if protocol is None:
        await ws.close(4004, "no such path")
        return
    if protocol == "socketio":
        await ws.send(SIO_OPEN)
    async for message in ws:
        name = command(message)
        if name is None:
            answer = handshake(protocol, message)
            if answer is not None:
                await ws.send(answer)
        elif name == "bad-utf8":
            # Bytes sent as a text frame are not checked: this one is not UTF-8.
            await ws.send(b'{"a": "\xff\xfe"}', text=True)
        else:
            frames = FRAMES[protocol].get(name)
            if frames is None:
                await ws.send(f"hostile server: no {name!r} frames for {protocol}")
                continue
            for frame, text in frames:
                await ws.send(frame, text=text)


def select_subprotocol(connection: Any, offered: list[str]) -> str | None:
    return offered[0] if offered else None


async def main(port_file: str) -> None:
    server = await serve(
        hostile,
        "127.0.0.1",
        0,
        select_subprotocol=select_subprotocol,
        ping_interval=None,
        max_size=None,
    )
    write_port_file(port_file, str(server.sockets[0].getsockname()[1]))
    await run_until_stopped(server=server)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port-file", required=True)
    asyncio.run(main(parser.parse_args().port_file))
