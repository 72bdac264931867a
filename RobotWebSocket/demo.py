"""A demo WebSocket server for the examples: ``python -m RobotWebSocket.demo``.

Endpoints (all on one port, chosen by path):

| path | behaviour |
|---|---|
| ``/echo`` | sends back every message, text or binary, as it came |
| ``/orders`` | ``{"op": "place", "id": ..., "qty": ...}`` streams ``NEW``, ``PARTIAL``, ``FILLED`` for that order between heartbeats and other orders; ``{"op": "get", "id": ...}`` answers the order |
| ``/poll`` | ``{"op": "status"}`` answers ``pending`` twice, then ``done`` |
| ``/chat`` | every text message is sent to every client on ``/chat`` |
| ``/ticks`` | pushes ``{"type": "tick", "n": i}`` every 50 ms |

``--port 0`` picks a free port; ``--port-file F`` writes the port to ``F`` once listening.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

Handler = Callable[[ServerConnection], Awaitable[None]]


async def echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


async def _order_stream(ws: ServerConnection, order_id: str, qty: int) -> None:
    other = itertools.count(1000)
    try:
        for status in ("NEW", "PARTIAL", "FILLED"):
            await ws.send(json.dumps({"type": "heartbeat"}))
            await ws.send(json.dumps({"id": f"other-{next(other)}", "status": status}))
            await asyncio.sleep(0.02)
            await ws.send(json.dumps({"id": order_id, "status": status, "qty": qty}))
            await asyncio.sleep(0.02)
        await ws.send(json.dumps({"type": "heartbeat"}))
    except ConnectionClosed:
        pass  # The client left before its order was filled.


async def orders(ws: ServerConnection) -> None:
    book: dict[str, int] = {}
    tasks = set()
    async for raw in ws:
        try:
            request = json.loads(raw)
        except ValueError:
            await ws.send(json.dumps({"type": "error", "error": "not JSON"}))
            continue
        if request.get("op") == "place":
            book[str(request["id"])] = int(request.get("qty", 1))
            task = asyncio.create_task(
                _order_stream(ws, str(request["id"]), book[str(request["id"])])
            )
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        elif request.get("op") == "get":
            order_id = str(request.get("id"))
            if order_id in book:
                await ws.send(json.dumps({"id": order_id, "qty": book[order_id], "state": "open"}))
            else:
                await ws.send(json.dumps({"type": "error", "error": f"unknown order {order_id}"}))
        else:
            await ws.send(json.dumps({"type": "error", "error": "unknown op"}))


async def poll(ws: ServerConnection) -> None:
    asked = 0
    async for raw in ws:
        if json.loads(raw).get("op") == "status":
            asked += 1
            await ws.send(json.dumps({"status": "pending" if asked < 3 else "done", "n": asked}))


_chat_clients: set[ServerConnection] = set()


async def chat(ws: ServerConnection) -> None:
    _chat_clients.add(ws)
    try:
        async for message in ws:
            broadcast(_chat_clients, message)
    finally:
        _chat_clients.discard(ws)


async def ticks(ws: ServerConnection) -> None:
    for n in itertools.count(1):
        await ws.send(json.dumps({"type": "tick", "n": n}))
        await asyncio.sleep(0.05)


ROUTES: dict[str, Handler] = {
    "/echo": echo,
    "/orders": orders,
    "/poll": poll,
    "/chat": chat,
    "/ticks": ticks,
}


def router(routes: dict[str, Handler]) -> Handler:
    """A handler that dispatches on the request path (query string ignored)."""

    async def handle(ws: ServerConnection) -> None:
        assert ws.request is not None
        path = ws.request.path.split("?", 1)[0]
        handler = routes.get(path) or routes.get("/" + path.strip("/").split("/", 1)[0])
        if handler is None:
            await ws.close(4004, f"no endpoint {path}")
            return
        try:
            await handler(ws)
        except ConnectionClosed:
            pass

    return handle


def write_port_file(path: str | None, content: Any) -> None:
    """Write atomically, so a reader never sees half a file."""
    if not path:
        return
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(content if isinstance(content, str) else json.dumps(content))
    os.replace(temporary, path)


async def run_until_stopped(**servers: Any) -> None:
    """Keep the servers running until SIGINT or SIGTERM."""
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    await stop
    for server in servers.values():
        server.close()
        await server.wait_closed()


async def main(host: str, port: int, port_file: str | None) -> None:
    server = await serve(router(ROUTES), host, port)
    actual = server.sockets[0].getsockname()[1]
    print(f"RobotWebSocket demo server on ws://{host}:{actual}/ (Ctrl-C stops it)", flush=True)
    write_port_file(port_file, str(actual))
    await run_until_stopped(server=server)


def cli(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m RobotWebSocket.demo", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--port-file")
    args = parser.parse_args(argv)
    asyncio.run(main(args.host, args.port, args.port_file))


if __name__ == "__main__":
    cli()
