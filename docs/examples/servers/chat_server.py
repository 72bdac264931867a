"""A small Socket.IO chat server for ``06_socketio.robot``, built on python-socketio.

Run as ``python chat_server.py --port-file FILE [--ping-interval S] [--ping-timeout S]``.
It listens on a free port of 127.0.0.1 and writes that port to FILE.

The root namespace ``/`` is the chat. A client says who it is in its auth object,
``{"name": "alice"}``, and then:

- ``join(room)`` enters a room and acknowledges with ``{"ok": true, "room": room}``;
- ``say(room, text)`` sends ``message`` ``{"room", "from", "text"}`` to everyone in the room.

The ``/admin`` namespace refuses a client whose auth is not ``{"token": "letmein"}`` with
the message "invalid token". There ``announce(room, text)`` sends ``message`` from
``admin`` to the room's members and acknowledges with ``{"ok": true}``.

Engine.IO pings every ``--ping-interval`` seconds and drops a client that has not
answered within ``--ping-timeout`` more.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
from typing import Any

import socketio
import uvicorn

TOKEN = "letmein"


def build(ping_interval: float, ping_timeout: float) -> socketio.AsyncServer:
    sio = socketio.AsyncServer(
        async_mode="asgi", ping_interval=ping_interval, ping_timeout=ping_timeout
    )

    @sio.on("connect")
    async def connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
        name = auth.get("name", "anonymous") if isinstance(auth, dict) else "anonymous"
        await sio.save_session(sid, {"name": name})

    @sio.on("join")
    async def join(sid: str, room: str) -> dict[str, Any]:
        await sio.enter_room(sid, room)
        return {"ok": True, "room": room}  # the returned value is the ack

    @sio.on("say")
    async def say(sid: str, room: str, text: str) -> None:
        session = await sio.get_session(sid)
        message = {"room": room, "from": session["name"], "text": text}
        await sio.emit("message", message, room=room)

    @sio.on("connect", namespace="/admin")
    async def admin_connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
        if not isinstance(auth, dict) or auth.get("token") != TOKEN:
            raise socketio.exceptions.ConnectionRefusedError("invalid token")

    @sio.on("announce", namespace="/admin")
    async def announce(sid: str, room: str, text: str) -> dict[str, Any]:
        message = {"room": room, "from": "admin", "text": text}
        await sio.emit("message", message, room=room, namespace="/")
        return {"ok": True}

    return sio


def serve(app: Any, port_file: str) -> None:
    """Serves ``app`` on a free port of 127.0.0.1 and writes the port to ``port_file``.

    The socket listens before the port is written, so a client that connects while
    uvicorn is still starting waits in the backlog instead of being refused.
    """
    sock = socket.create_server(("127.0.0.1", 0))
    with open(port_file + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(str(sock.getsockname()[1]))
    os.replace(port_file + ".tmp", port_file)  # atomic: never read half-written
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


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
