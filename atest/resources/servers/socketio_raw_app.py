"""A python-socketio server that drops silent clients fast, for the raw Engine.IO rule test.

``python socketio_raw_app.py --port-file F`` serves Socket.IO under uvicorn on 127.0.0.1 on a
free port and writes the port number to ``F`` once it accepts connections.

The server sends Engine.IO ping ``2`` every second and drops a client that has not answered
``3`` within a second (``ping_interval=1, ping_timeout=1``): with nothing answering, a client
is gone about 2 s after it opens. The event ``echo`` is emitted back to its sender as it came.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket

import socketio
import uvicorn

sio = socketio.AsyncServer(async_mode="asgi", ping_interval=1, ping_timeout=1)
app = socketio.ASGIApp(sio)


@sio.event
async def echo(sid: str, *args: object) -> None:
    await sio.emit("echo", list(args) if len(args) != 1 else args[0], to=sid)


async def main(port_file: str) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws="websockets-sansio", lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if serving.done():
            serving.result()  # Raises what stopped the server before it started.
            return
        await asyncio.sleep(0.02)
    # Written atomically, so the waiting test never reads half a file.
    with open(f"{port_file}.tmp", "w", encoding="utf-8") as handle:
        handle.write(str(port))
    os.replace(f"{port_file}.tmp", port_file)
    await serving


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port-file", required=True)
    asyncio.run(main(parser.parse_args().port_file))
