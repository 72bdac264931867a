"""A python-socketio server for the ``protocol=socketio`` acceptance tests.

Run as ``python socketio_app.py --port-file FILE [--ping-interval S] [--ping-timeout S]``:
it listens on a free port of 127.0.0.1 and writes ``{"port": N}`` to FILE once it accepts
connections.

On the root namespace ``/``:

- ``echo``: emits ``echo`` back with the same arguments (bytes included, so binary
  attachments travel both ways), and acks with them when asked.
- ``add``: acks with ``{"sum": a + b}``, or ``{"error": ...}`` when the arguments are not
  numbers (an error reply a test can assert on).
- ``ask``: emits ``question`` with the given text and an ack request; when the client acks,
  emits ``answered`` with what the client acked.
- ``join`` / ``shout``: enter a room; emit ``shouted`` to everyone else in it.
- ``file``: emits ``file`` with a name and a few bytes (a binary event from the server).
- ``kick``: disconnects the client from the server side.

The ``/private`` namespace refuses a client whose auth lacks ``{"token": "letmein"}`` with
the ``connect_error`` message "invalid token", and greets the others with ``welcome``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
from typing import Any

import socketio
import uvicorn

TOKEN = "letmein"
FILE_BYTES = b"\x00\x01\x02\xfe\xff"


def build(ping_interval: float, ping_timeout: float) -> socketio.AsyncServer:
    sio = socketio.AsyncServer(
        async_mode="asgi", ping_interval=ping_interval, ping_timeout=ping_timeout
    )

    @sio.on("echo")
    async def echo(sid: str, *args: Any) -> list[Any]:
        await sio.emit("echo", args, to=sid)
        return list(args)

    @sio.on("add")
    async def add(sid: str, a: Any = None, b: Any = None) -> dict[str, Any]:
        numbers = (int, float)
        if not isinstance(a, numbers) or not isinstance(b, numbers):
            return {"error": f"add needs two numbers, got {a!r} and {b!r}"}
        return {"sum": a + b}

    @sio.on("ask")
    async def ask(sid: str, text: str) -> None:
        async def answered(*reply: Any) -> None:
            await sio.emit("answered", reply, to=sid)

        await sio.emit("question", text, to=sid, callback=answered)

    @sio.on("join")
    async def join(sid: str, room: str) -> str:
        await sio.enter_room(sid, room)
        return room

    @sio.on("shout")
    async def shout(sid: str, room: str, text: str) -> None:
        await sio.emit("shouted", {"room": room, "text": text}, room=room, skip_sid=sid)

    @sio.on("file")
    async def file(sid: str) -> None:
        await sio.emit("file", {"name": "blob.bin", "data": FILE_BYTES}, to=sid)

    @sio.on("kick")
    async def kick(sid: str) -> None:
        await sio.disconnect(sid)

    @sio.on("connect", namespace="/private")
    async def private_connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
        if not isinstance(auth, dict) or auth.get("token") != TOKEN:
            raise socketio.exceptions.ConnectionRefusedError("invalid token")
        await sio.emit(
            "welcome", {"user": auth.get("user", "anonymous")}, to=sid, namespace="/private"
        )

    @sio.on("whoami", namespace="/private")
    async def whoami(sid: str) -> dict[str, str]:
        return {"sid": sid}

    return sio


class PortFileServer(uvicorn.Server):
    """A uvicorn server that writes its port to a file once it accepts connections, so
    that whoever started it waits for the file instead of guessing."""

    def __init__(self, config: uvicorn.Config, port_file: str, sock: socket.socket) -> None:
        super().__init__(config)
        self.port_file, self.sock = port_file, sock

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        port = self.sock.getsockname()[1]
        with open(self.port_file + ".tmp", "w", encoding="utf-8") as handle:
            json.dump({"port": port}, handle)
        # A rename is atomic, so the reader never sees a half-written file.
        os.replace(self.port_file + ".tmp", self.port_file)


def serve(app: Any, port_file: str, **options: Any) -> None:
    """Serve ``app`` on a free port of 127.0.0.1 and announce the port in ``port_file``;
    ``options`` go to uvicorn's ``Config`` (TLS files)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", ws="websockets-sansio", **options
    )
    server = PortFileServer(config, port_file, sock)
    asyncio.run(server.serve(sockets=[sock]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--ping-interval", type=float, default=25)
    parser.add_argument("--ping-timeout", type=float, default=20)
    options = parser.parse_args()
    sio = build(options.ping_interval, options.ping_timeout)
    serve(socketio.ASGIApp(sio), options.port_file)


if __name__ == "__main__":
    main()
