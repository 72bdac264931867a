"""A WebSocket server that behaves as the AsyncAPI example document for Kraken's WebSocket API
says (atest/resources/asyncapi/kraken-websocket-request-reply-multiple-channels-asyncapi.yml),
for the contract acceptance tests.

``python asyncapi_kraken.py --port-file F`` listens on 127.0.0.1 on a free port and writes the
port number to ``F`` once it is listening. Every path is the one endpoint ``/``.

| the client sends | the server sends |
|---|---|
| (connecting) | ``{"event": "systemStatus", "connectionID": 8628615390848610000, "status": "online", "version": "1.9.0"}`` |
| ``{"event": "ping", "reqid": N}`` | ``{"event": "pong", "reqid": N}`` |
| ``{"event": "subscribe", "reqid": N, "pair": [P...], "subscription": {"name": S}}`` | for each pair a ``subscriptionStatus``, then three ``currencyInfo`` messages per pair, then ``{"event": "heartbeat"}`` |
| ``{"event": "unsubscribe", ...}`` | for each pair a ``subscriptionStatus`` |
| anything else | nothing |

``reqid`` is echoed when the request has one. As the published document has it, a
``subscriptionStatus`` carries ``pair`` as a list and a ``status`` from the system-status
enum (``online``), and the ticker data comes as ``{"event": "currencyInfo", "reqid": N,
"data": {...}}`` (the document's ``dummyCurrencyInfo``): everything this server sends conforms.

Query switches:

- ``?break=1``: each ``subscriptionStatus`` says ``"status": "subscribd"``, so a client with
  the document reports ``closest subscriptionStatus: /status: 'subscribd' is not one of
  ['online', 'maintenance', 'cancel_only', 'limit_only', 'post_only']``.
- ``?real=1``: replies as Kraken's real API does: ``subscriptionStatus`` with ``"status":
  "subscribed"`` and ``"pair": "XBT/USD"`` (which the published document rejects, at ``/pair``
  and ``/status``), and ticker updates as arrays ``[channelID, {...}, "ticker", "XBT/USD"]``
  (which it does not describe at all).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from RobotWebSocket.demo import run_until_stopped, write_port_file  # noqa: E402

CHANNEL_IDS = itertools.count(10001)


def switches(ws: ServerConnection) -> dict[str, str]:
    assert ws.request is not None
    return {k: v[0] for k, v in parse_qs(urlsplit(ws.request.path).query).items()}


def with_reqid(message: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    if "reqid" in request:
        message["reqid"] = request["reqid"]
    return message


def subscription_status(
    request: dict[str, Any], pair: str, status: str, mode: str
) -> dict[str, Any]:
    subscription = request.get("subscription") or {}
    name = str(subscription.get("name", "ticker"))
    message: dict[str, Any] = {
        "channelID": next(CHANNEL_IDS),
        "channelName": name,
        "event": "subscriptionStatus",
        "pair": pair if mode == "real" else [pair],
        "status": {"real": status, "break": "subscribd"}.get(mode, "online"),
        "subscription": {"name": name},
    }
    return with_reqid(message, request)


def ticker(n: int, channel_id: int, pair: str, request: dict[str, Any], mode: str) -> Any:
    price = f"{5525.4 + n:.5f}"
    data = {
        "a": [price, 1, "1.000"],
        "b": [f"{5525.1 + n:.5f}", 1, "1.000"],
        "c": [price, "0.00398963"],
    }
    if mode == "real":
        return [channel_id, data, "ticker", pair]
    return with_reqid({"event": "currencyInfo", "data": {"pair": pair, **data}}, request)


async def kraken(ws: ServerConnection) -> None:
    args = switches(ws)
    mode = "break" if args.get("break") else "real" if args.get("real") else "document"
    await ws.send(
        json.dumps(
            {
                "connectionID": 8628615390848610000,
                "event": "systemStatus",
                "status": "online",
                "version": "1.9.0",
            }
        )
    )
    async for raw in ws:
        try:
            request = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(request, dict):
            continue
        event = request.get("event")
        pairs = request.get("pair") if isinstance(request.get("pair"), list) else ["XBT/USD"]
        if event == "ping":
            await ws.send(json.dumps(with_reqid({"event": "pong"}, request)))
        elif event == "subscribe":
            statuses = [subscription_status(request, str(p), "subscribed", mode) for p in pairs]
            for status in statuses:
                await ws.send(json.dumps(status))
            for n in range(3):
                for status, pair in zip(statuses, pairs, strict=True):
                    await ws.send(
                        json.dumps(ticker(n, status["channelID"], str(pair), request, mode))
                    )
            await ws.send(json.dumps({"event": "heartbeat"}))
        elif event == "unsubscribe":
            for pair in pairs:
                await ws.send(
                    json.dumps(subscription_status(request, str(pair), "unsubscribed", mode))
                )


async def handle(ws: ServerConnection) -> None:
    try:
        await kraken(ws)
    except ConnectionClosed:
        pass


async def main(port_file: str) -> None:
    server = await serve(handle, "127.0.0.1", 0, ping_interval=None)
    write_port_file(port_file, str(server.sockets[0].getsockname()[1]))
    await run_until_stopped(server=server)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port-file", required=True)
    asyncio.run(main(parser.parse_args().port_file))
