"""A small SignalR chat hub for ``11_signalr.robot`` (JSON hub protocol), an ASGI app under
uvicorn, written from Microsoft's HubProtocol.md and TransportProtocols.md.

Run as ``python chat_hub.py --port-file FILE``. It listens on a free port of 127.0.0.1 and
writes that port to FILE.

- ``POST /chat/negotiate?negotiateVersion=1`` needs ``Authorization: Bearer letmein`` and
  answers a connection token; ``/chat`` is the hub (``?id=<token>``).
- ``SendMessage(user, text)`` invokes ``ReceiveMessage(user, text)`` on every client;
  ``Add(a, b)`` returns the sum; ``Countdown(n)`` streams n..1; anything else fails.
- The hub pings every 15 seconds, as ASP.NET Core does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import uuid
from typing import Any
from urllib.parse import parse_qs

import uvicorn

RS = "\x1e"
TOKEN = "letmein"


class ChatHub:
    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.clients: set[Any] = set()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        if scope["type"] == "http":
            await self.negotiate(scope, headers, send)
        elif scope["type"] == "websocket":
            await self.hub(scope, receive, send)

    async def negotiate(self, scope: dict[str, Any], headers: dict[str, str], send: Any) -> None:
        status, body = 404, {"error": "not found"}
        if scope["path"] == "/chat/negotiate" and scope["method"] == "POST":
            status, body = 401, {"error": "Unauthorized"}
            if headers.get("authorization") == f"Bearer {TOKEN}":
                token = str(uuid.uuid4())
                self.tokens.add(token)
                transports = [{"transport": "WebSockets", "transferFormats": ["Text"]}]
                body = {"connectionId": str(uuid.uuid4()), "connectionToken": token}
                body.update(negotiateVersion=1, availableTransports=transports)
                status = 200
        data = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": data})

    async def hub(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        query = parse_qs(scope.get("query_string", b"").decode())
        if (await receive())["type"] != "websocket.connect":
            return
        if query.get("id", [""])[0] not in self.tokens:
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "websocket.accept"})
        await receive()  # the handshake request: {"protocol": "json", "version": 1}
        await send({"type": "websocket.send", "text": "{}" + RS})
        self.clients.add(send)
        pinger = asyncio.create_task(self.ping(send))
        try:
            while (event := await receive())["type"] == "websocket.receive":
                for record in (event.get("text") or "").split(RS):
                    if record:
                        await self.dispatch(json.loads(record), send)
        finally:
            pinger.cancel()
            self.clients.discard(send)

    async def ping(self, send: Any) -> None:
        while True:
            await asyncio.sleep(15)
            await write(send, {"type": 6})

    async def dispatch(self, message: dict[str, Any], send: Any) -> None:
        kind, ident = message.get("type"), message.get("invocationId")
        target, args = message.get("target"), message.get("arguments", [])
        if kind == 4 and target == "Countdown":
            for item in range(args[0], 0, -1):
                await write(send, {"type": 2, "invocationId": ident, "item": item})
            await write(send, {"type": 3, "invocationId": ident})
            return
        if kind != 1:
            return
        completion: dict[str, Any] = {"type": 3, "invocationId": ident}
        if target == "SendMessage":
            for client in list(self.clients):
                await write(client, {"type": 1, "target": "ReceiveMessage", "arguments": args})
        elif target == "Add":
            completion["result"] = args[0] + args[1]
        else:
            completion["error"] = f"Unknown hub method '{target}'"
        if ident is not None:
            await write(send, completion)


async def write(send: Any, message: dict[str, Any]) -> None:
    await send({"type": "websocket.send", "text": json.dumps(message) + RS})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port-file", required=True)
    port_file = parser.parse_args().port_file
    sock = socket.create_server(("127.0.0.1", 0))
    with open(port_file + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(str(sock.getsockname()[1]))
    os.replace(port_file + ".tmp", port_file)  # atomic: never read half-written
    config = uvicorn.Config(ChatHub(), log_level="warning", lifespan="off")
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


if __name__ == "__main__":
    main()
