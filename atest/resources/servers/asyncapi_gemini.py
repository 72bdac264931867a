"""A WebSocket server that behaves as the AsyncAPI example document for Gemini's market data
API says (atest/resources/asyncapi/websocket-gemini-asyncapi.yml, and its 2.6 twin), for
the contract acceptance tests.

``python asyncapi_gemini.py --port-file F`` listens on 127.0.0.1 on a free port and writes
the port number to ``F`` once it is listening.

``/v1/marketdata/{symbol}`` (any other path is refused with 404): on connecting, the server
sends the initial order book as one ``update`` (``reason: initial``), then two ``update``
messages of changes, each with ``socket_sequence`` counting from 0; with ``?heartbeat=true``
a ``{"type": "heartbeat", "socket_sequence": n}`` follows. Then it waits for the client to
leave. As the published document has it, every order-book side is ``bid`` (its ``side`` enum
is ``bid``/``side``), so everything this server sends conforms.

Query switches:

- ``?break=1``: the first change ``update`` lacks ``eventId``, so a client with the document
  reports ``closest marketData: /: 'eventId' is a required property``.
- ``?real=1``: sends what Gemini's own documentation shows: asks as ``"side": "ask"`` (which
  the published enum rejects) and prices and amounts as decimal strings (``"price":
  "3641.62"``, where the document says number), no timestamps in the initial message.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from RobotWebSocket.demo import run_until_stopped, write_port_file  # noqa: E402

PATH = re.compile(r"^/v1/marketdata/[^/?]+$")


def switches(ws: ServerConnection) -> dict[str, str]:
    assert ws.request is not None
    return {k: v[0] for k, v in parse_qs(urlsplit(ws.request.path).query).items()}


def change(price: float, amount: float, side: str, reason: str, real: bool) -> dict[str, Any]:
    if real:
        return {
            "type": "change",
            "reason": reason,
            "price": f"{price:.2f}",
            "delta": f"{amount}",
            "remaining": f"{amount}",
            "side": side,
        }
    return {
        "type": "change",
        "side": "bid",
        "price": price,
        "remaining": amount,
        "delta": amount,
        "reason": reason,
    }


def updates(args: dict[str, str]) -> list[dict[str, Any]]:
    real = bool(args.get("real"))
    initial: dict[str, Any] = {
        "type": "update",
        "eventId": 5375461993,
        "socket_sequence": 0,
        "events": [
            change(3641.61, 0.83372051, "bid", "initial", real),
            change(3641.62, 4.072, "ask", "initial", real),
        ],
    }
    if not real:
        initial |= {"timestamp": 1547760288, "timestampms": 1547760288001}
    result = [initial]
    for n in (1, 2):
        update: dict[str, Any] = {
            "type": "update",
            "eventId": 5375461993 + n,
            "timestamp": 1547760288 + n,
            "timestampms": 1547760288001 + 1000 * n,
            "socket_sequence": n,
            "events": [change(3641.62 + n, 0.5, "ask", "place", real)],
        }
        if args.get("break") and n == 1:
            del update["eventId"]
        result.append(update)
    return result


async def market_data(ws: ServerConnection) -> None:
    args = switches(ws)
    sequence = 0
    for update in updates(args):
        await ws.send(json.dumps(update))
        sequence = update["socket_sequence"] + 1
    if args.get("heartbeat") == "true":
        await ws.send(json.dumps({"type": "heartbeat", "socket_sequence": sequence}))
    async for _ in ws:
        pass  # market data takes no requests


async def handle(ws: ServerConnection) -> None:
    try:
        await market_data(ws)
    except ConnectionClosed:
        pass


def refuse_other_paths(connection: ServerConnection, request: Request) -> Response | None:
    path = request.path.split("?", 1)[0]
    if PATH.match(path):
        return None
    return connection.respond(
        404, f"No endpoint {path}; this server has /v1/marketdata/{{symbol}}.\n"
    )


async def main(port_file: str) -> None:
    server = await serve(
        handle, "127.0.0.1", 0, ping_interval=None, process_request=refuse_other_paths
    )
    write_port_file(port_file, str(server.sockets[0].getsockname()[1]))
    await run_until_stopped(server=server)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port-file", required=True)
    asyncio.run(main(parser.parse_args().port_file))
