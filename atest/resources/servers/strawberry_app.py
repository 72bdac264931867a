"""A strawberry GraphQL server for the GraphQL over WebSocket acceptance tests.

Run as ``python strawberry_app.py --port-file FILE [--keep-alive-interval S]``: it serves
``/graphql`` on a free port of 127.0.0.1, speaking both ``graphql-transport-ws`` and the
legacy ``graphql-ws`` (whose ``ka`` keep-alive it sends every S seconds), and writes
``{"port": N}`` to FILE once it accepts connections.

The schema is the one ``node/graphql_ws_server.js`` serves, so that the same tests run
against both servers:

- ``hello(name)``: a query; ``addItem(name)``: a mutation returning ``{id, name}``.
- ``count(to, delay)``: a subscription yielding 1 to ``to``.
- ``failing(after)``: a subscription yielding 1 to ``after``, then failing with "boom".

``connection_init`` with a ``token`` other than "letmein" is refused; with the right one,
``connection_ack`` carries ``{"user": ...}`` (the payload's ``user``, else "anonymous").
Without a token the session is accepted with no ack payload.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from socketio_app import serve
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types.unset import UNSET

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

    @strawberry.subscription
    async def failing(self, after: int = 1) -> AsyncGenerator[int, None]:
        for value in range(1, after + 1):
            yield value
        raise RuntimeError("boom")


class App(GraphQL):
    """The ASGI app, refusing ``connection_init`` payloads with a wrong token."""

    async def on_ws_connect(self, context: dict[str, Any]) -> Any:
        params = context.get("connection_params")
        if not isinstance(params, dict) or "token" not in params:
            return UNSET
        if params["token"] != TOKEN:
            raise ConnectionRejectionError({"message": "invalid token"})
        return {"user": params.get("user", "anonymous")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--keep-alive-interval", type=float, default=1.0)
    options = parser.parse_args()
    schema = strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription)
    app = App(
        schema,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
        keep_alive=True,
        keep_alive_interval=options.keep_alive_interval,
    )

    async def route(scope: dict[str, Any], receive: Any, send: Any) -> None:
        # Only /graphql is served, so a test that gets the path wrong hears about it.
        if scope["type"] in ("http", "websocket") and scope["path"] != "/graphql":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4404})
                return
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b"not found"})
            return
        await app(scope, receive, send)

    serve(route, options.port_file)


if __name__ == "__main__":
    main()
