"""A demo WebSocket server for the examples: ``python -m RobotWebSocket.demo``.

All endpoints share one port and are chosen by the request path (the query string is
ignored); ``--help`` lists them. A path that names no endpoint is refused at the upgrade with
HTTP 404, so a typo in a URL fails at ``Connect``. ``--port 0`` picks a free port;
``--port-file F`` writes the port to ``F`` once listening.
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
from websockets.http11 import Request, Response

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

#: One line per endpoint, for ``--help``.
DESCRIPTIONS: dict[str, str] = {
    "/echo": "sends back every message, text or binary, as it came",
    "/orders": '{"op": "place", "id", "qty"} streams NEW, PARTIAL, FILLED amid heartbeats; '
    '{"op": "get", "id"} answers the order',
    "/poll": '{"op": "status"} is answered pending twice, then done',
    "/chat": "every text message is sent to every client on /chat",
    "/ticks": 'pushes {"type": "tick", "n": i} every 50 ms',
}


def route(routes: dict[str, Handler], path: str) -> Handler | None:
    """The handler for a request path: the exact path, else its first segment
    (``/echo/x`` is ``/echo``); the query string is ignored."""
    path = path.split("?", 1)[0]
    return routes.get(path) or routes.get("/" + path.strip("/").split("/", 1)[0])


def router(routes: dict[str, Handler]) -> Handler:
    """A handler that dispatches on the request path (query string ignored).

    A path with no endpoint is closed with 4004 once connected; serve with
    `refuse_unknown_paths` as ``process_request`` to refuse it with 404 at the upgrade.
    """

    async def handle(ws: ServerConnection) -> None:
        assert ws.request is not None
        handler = route(routes, ws.request.path)
        if handler is None:
            await ws.close(4004, f"no endpoint {ws.request.path.split('?', 1)[0]}")
            return
        try:
            await handler(ws)
        except ConnectionClosed:
            pass

    return handle


def refuse_unknown_paths(
    routes: dict[str, Handler],
) -> Callable[[ServerConnection, Request], Response | None]:
    """A ``process_request`` hook that answers 404 to a path with no endpoint, so that the
    client's upgrade fails instead of a connection that opens and closes at once."""

    def process_request(connection: ServerConnection, request: Request) -> Response | None:
        if route(routes, request.path) is not None:
            return None
        path = request.path.split("?", 1)[0]
        return connection.respond(
            404, f"No endpoint {path}; this server has {', '.join(routes)}.\n"
        )

    return process_request


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
    server = await serve(router(ROUTES), host, port, process_request=refuse_unknown_paths(ROUTES))
    actual = server.sockets[0].getsockname()[1]
    print(f"RobotWebSocket demo server on ws://{host}:{actual}/ (Ctrl-C stops it)", flush=True)
    write_port_file(port_file, str(actual))
    await run_until_stopped(server=server)


def endpoint_list() -> str:
    """The endpoints, one line each, as ``--help`` shows them."""
    width = max(len(path) for path in ROUTES)
    return "\n".join(f"  {path:<{width}}  {DESCRIPTIONS[path]}" for path in ROUTES)


def cli(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m RobotWebSocket.demo",
        description="A demo WebSocket server for the RobotWebSocket examples.",
        epilog="endpoints (chosen by path; any other path is refused with HTTP 404):\n"
        + endpoint_list(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=8765, help="port to listen on; 0 picks a free port"
    )
    parser.add_argument("--port-file", help="write the port to this file once listening")
    args = parser.parse_args(argv)
    asyncio.run(main(args.host, args.port, args.port_file))


if __name__ == "__main__":
    cli()
