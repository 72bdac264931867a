"""A small GraphQL server for ``07_graphql.robot``, built on strawberry.

Run as ``python graphql_server.py --port-file FILE [--ping-interval S]``. It serves
``/graphql`` on a free port of 127.0.0.1, speaking both ``graphql-transport-ws`` and the
legacy ``graphql-ws``, and writes its port to FILE.

The schema:

- ``hello(name)``: a query returning ``"Hello, <name>!"``;
- ``addItem(name)``: a mutation returning the new item ``{id, name}``;
- ``count(to, delay)``: a subscription yielding 1, 2, ... ``to``, ``delay`` seconds apart.

``connection_init`` must carry ``{"token": "letmein"}``: any other payload closes the
socket with 4403 Forbidden (``graphql-transport-ws``) or answers ``connection_error``
(``graphql-ws``). ``connection_ack`` carries ``{"user": ...}``, the payload's ``user``.

Keep-alives: on ``graphql-transport-ws`` the server sends ``ping`` every ``--ping-interval``
seconds and closes the socket (4408) when the ``pong`` has not come by the next one;
on ``graphql-ws`` it sends ``ka`` at that interval.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
import uvicorn
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

TOKEN = "letmein"
ITEM_IDS = itertools.count(1)


@strawberry.type
class Item:
    id: int
    name: str


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"Hello, {name}!"


@strawberry.type
class Mutation:
    @strawberry.mutation
    def add_item(self, name: str) -> Item:
        return Item(id=next(ITEM_IDS), name=name)


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def count(self, to: int = 3, delay: float = 0.0) -> AsyncGenerator[int, None]:
        for value in range(1, to + 1):
            await asyncio.sleep(delay)
            yield value


class PingingHandler(BaseGraphQLTransportWSHandler):
    """``graphql-transport-ws`` with server pings, as the ``graphql-ws`` library's
    ``keepAlive`` option does: a client that has not answered by the next ping is dropped."""

    ping_interval = 10.0
    awaiting_pong = False

    async def handle(self) -> None:
        pinger = asyncio.create_task(self.keep_alive())
        try:
            await super().handle()
        finally:
            pinger.cancel()

    async def keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self.ping_interval)
            if self.awaiting_pong:
                await self.websocket.close(code=4408, reason="Pong timeout")
                return
            if self.connection_acknowledged:
                self.awaiting_pong = True
                await self.send_message({"type": "ping"})

    async def handle_pong(self, message: Any) -> None:
        self.awaiting_pong = False


class App(GraphQL):
    """The ASGI app: checks the token of ``connection_init``."""

    graphql_transport_ws_handler_class = PingingHandler

    async def on_ws_connect(self, context: dict[str, Any]) -> Any:
        params = context.get("connection_params")
        if not isinstance(params, dict) or params.get("token") != TOKEN:
            raise ConnectionRejectionError({"message": "invalid token"})
        return {"user": params.get("user", "anonymous")}


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
    parser.add_argument("--ping-interval", type=float, default=10)
    options = parser.parse_args()
    PingingHandler.ping_interval = options.ping_interval
    schema = strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription)
    app = App(
        schema,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
        keep_alive=True,
        keep_alive_interval=options.ping_interval,
    )
    serve(app, options.port_file)


if __name__ == "__main__":
    main()
