"""The benchmark's Socket.IO server (python-socketio under uvicorn), in its own process:
``python bench/sio_server.py --port-file F``.

| event from the client | what the server does |
|---|---|
| ``flood`` with ``[count, size]`` | emits ``tick`` ``count`` times to that client, each with one JSON object of about ``size`` bytes (the last, and only it, has ``"n": count - 1``) |
| ``echo`` with any arguments | acknowledges with the same arguments |
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

sio = socketio.AsyncServer(async_mode="asgi")


def payload(n: int, size: int) -> dict[str, Any]:
    head = len(json.dumps({"type": "tick", "n": n, "pad": ""}))
    return {"type": "tick", "n": n, "pad": "x" * max(0, size - head)}


@sio.on("flood")
async def flood(sid: str, count: int, size: int = 100) -> None:
    ticks = [payload(n, size) for n in range(min(count, 1000))]
    for n in range(count - 1):
        await sio.emit("tick", ticks[n % len(ticks)], to=sid)
    if count:
        await sio.emit("tick", payload(count - 1, size), to=sid)


@sio.on("echo")
async def echo(sid: str, *args: Any) -> list[Any]:
    return list(args)


class PortFileServer(uvicorn.Server):
    """Writes its port to a file once it accepts connections."""

    def __init__(self, config: uvicorn.Config, port_file: str, sock: socket.socket) -> None:
        super().__init__(config)
        self.port_file, self.sock = port_file, sock

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        with open(self.port_file + ".tmp", "w") as handle:
            handle.write(str(self.sock.getsockname()[1]))
        os.replace(self.port_file + ".tmp", self.port_file)


def main(port_file: str) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        socketio.ASGIApp(sio), log_level="warning", lifespan="off", ws="websockets-sansio"
    )
    asyncio.run(PortFileServer(config, port_file, sock).serve(sockets=[sock]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    main(parser.parse_args().port_file)
