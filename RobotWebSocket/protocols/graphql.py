"""GraphQL over WebSocket, in both of its protocols, as sans-I/O codecs.

Each message is a JSON object with a ``type``. The client opens with ``connection_init``
and may subscribe once the server has answered ``connection_ack``; each operation has an
``id`` that the server's results for it carry.

- ``graphql-transport-ws`` (the ``graphql-ws`` library): ``subscribe``, then ``next``...
  ``complete`` or ``error``; either side may send ``ping``, which the other answers with
  ``pong``. A refusal is a close with code 4403 (or another 44xx), which the connection
  layer reports.
- ``graphql-ws`` (Apollo's legacy ``subscriptions-transport-ws``): ``start``, then
  ``data``... ``complete`` or ``error``; the server sends ``ka`` keep-alives and refuses a
  session with ``connection_error``.

Keep-alives are answered here and never enter the history; every other message becomes a
document as it is. The server roles (:class:`GraphQLTransportWSServer`,
:class:`GraphQLWSServer`) acknowledge ``connection_init`` and read the client's operations;
what the server sends back is up to the test.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from .base import (
    DEFAULT_MAX_SIZE,
    Codec,
    Frame,
    Output,
    Pending,
    ProtocolError,
    Received,
    json_document,
    object_init,
    plain,
    undecodable,
)

#: Message types that answer an operation, by the operation's ``id``.
_REPLIES = frozenset({"next", "data", "error", "complete"})


class GraphQLCodec(Codec):
    """What both GraphQL protocols share; subclasses name their keep-alive messages."""

    #: The ``type`` of a message that starts an operation.
    start: ClassVar[str] = ""
    #: Message types the server sends only to keep the session alive: dropped.
    dropped: ClassVar[frozenset[str]] = frozenset()
    #: Whether a server's ``ping`` is answered with a ``pong``.
    answers_ping: ClassVar[bool] = False

    def __init__(
        self, init: Any = None, *, max_size: int | None = DEFAULT_MAX_SIZE, server: bool = False
    ) -> None:
        init = object_init(init, f"{self.name} init is the connection_init payload")
        super().__init__(init, max_size=max_size)
        self._used_ids: set[str] = set()
        self._counter = 0

    def opened(self, subprotocol: str | None, now: float) -> Output:
        if subprotocol != self.subprotocols[0]:
            # A server that did not agree on the protocol would take our messages for
            # something else; saying so is clearer than the timeout that would follow.
            return Output(refused=f"the server did not select subprotocol {self.name}")
        init: dict[str, Any] = {"type": "connection_init"}
        if self.init is not None:
            init["payload"] = self.init
        return Output(send=[json.dumps(init)])

    def receive(self, message: Frame, now: float) -> Output:
        try:
            document = json_document(message)
            if not isinstance(document, dict) or not isinstance(document.get("type"), str):
                raise ValueError(
                    "a GraphQL over WebSocket message is a JSON object with a string 'type'"
                )
            return self._handle(document, message)
        except Exception as error:  # noqa: BLE001
            # Whatever a server sends must reach the history, so no input may raise here.
            return Output(documents=[undecodable(message, error)])

    def _handle(self, document: dict[str, Any], raw: Frame) -> Output:
        kind = document["type"]
        if kind == "connection_ack" and not self.ready:
            self.ready = True
            self.session = document.get("payload")
            return Output(ready=True)
        if kind == "ping" and self.answers_ping:
            pong: dict[str, Any] = {"type": "pong"}
            if "payload" in document:
                pong["payload"] = document["payload"]
            return Output(send=[json.dumps(pong)])
        if kind in self.dropped:
            return Output()
        if kind == "connection_error" and not self.ready:
            return Output(refused=_refusal(document.get("payload")))
        return Output(documents=[Received(document, raw)])

    def encode(self, document: Any) -> list[Frame]:
        document = self._message(document)
        if not isinstance(document.get("type"), str):
            raise ProtocolError(
                f"A {self.name} message needs a string 'type', such as "
                f'{{"type": "{self.start}", "id": "1", "payload": {{"query": "..."}}}}; '
                "use Request to have the type and id added, or raw=True to send it as it is."
            )
        if document["type"] == self.start and isinstance(document.get("id"), str):
            self._used_ids.add(document["id"])
        return [_dumps(document)]

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        document = self._message(document)
        if "type" not in document and "payload" not in document:
            document = {"payload": document}
        document = {"type": self.start, **document}
        if document["type"] != self.start:
            raise ProtocolError(
                f"Only a {self.start!r} message has replies on {self.name}, "
                f"not {document['type']!r}: use Send for it."
            )
        if "id" not in document:
            document["id"] = self._fresh_id()
        operation = document["id"]
        frames = self.encode(document)

        def is_reply(received: Any) -> bool:
            return (
                isinstance(received, dict)
                and received.get("type") in _REPLIES
                and received.get("id") == operation
            )

        return frames, is_reply

    def _fresh_id(self) -> str:
        """An operation id that this connection has not sent yet."""
        while True:
            self._counter += 1
            candidate = str(self._counter)
            if candidate not in self._used_ids:
                return candidate

    def _message(self, document: Any) -> dict[str, Any]:
        """The message to send as a dictionary: JSON text is parsed first."""
        document = plain(document)
        if isinstance(document, (bytes, bytearray)):
            raise ProtocolError(
                f"{self.name} messages are JSON text, not bytes; use raw=True to send bytes."
            )
        if isinstance(document, str):
            try:
                document = json_document(document)
            except ValueError as error:
                raise ProtocolError(
                    f"A {self.name} message is a dictionary or JSON object text; this text "
                    f"is not JSON ({error}). Use raw=True to send it as it is."
                ) from None
        if not isinstance(document, dict):
            raise ProtocolError(
                f"A {self.name} message is a JSON object, not {type(document).__name__}."
            )
        return dict(document)


class GraphQLTransportWS(GraphQLCodec):
    """``protocol=graphql-transport-ws``: the protocol of the ``graphql-ws`` library."""

    name = "graphql-transport-ws"
    subprotocols = ("graphql-transport-ws",)
    start = "subscribe"
    dropped = frozenset({"pong"})
    answers_ping = True


class GraphQLWS(GraphQLCodec):
    """``protocol=graphql-ws``: Apollo's legacy ``subscriptions-transport-ws`` protocol."""

    name = "graphql-ws"
    subprotocols = ("graphql-ws",)
    start = "start"
    dropped = frozenset({"ka"})


class GraphQLServer(GraphQLCodec):
    """What the server roles of both GraphQL protocols share: ``init`` is the
    ``connection_ack`` payload. The ``connection_init`` payload becomes :attr:`session`;
    :attr:`operations` holds the ids of the client's operations not yet completed or
    stopped. Subclasses name their protocol's rules."""

    server = True
    #: The ``type`` a client stops an operation with.
    stop: ClassVar[str] = ""
    #: Close codes for what the protocol forbids a client, or ``None`` where it forbids
    #: nothing: a second ``connection_init``, an operation before it, a reused id.
    too_many_inits: ClassVar[tuple[int, str] | None] = None
    unauthorized: ClassVar[tuple[int, str] | None] = None
    #: Seconds between ``ka`` keep-alives, or ``None`` for none.
    keep_alive: float | None = None

    def __init__(
        self, init: Any = None, *, max_size: int | None = DEFAULT_MAX_SIZE, server: bool = True
    ) -> None:
        init = object_init(init, f"{self.name} server init is the connection_ack payload")
        super().__init__(init, max_size=max_size)
        self.operations: set[str] = set()

    def opened(self, subprotocol: str | None, now: float) -> Output:
        # The client speaks first, with connection_init.
        return Output()

    def _handle(self, document: dict[str, Any], raw: Frame) -> Output:
        kind, ident = document["type"], document.get("id")
        # Ids are strings; another id is kept as it is and tracks nothing.
        ident = ident if isinstance(ident, str) else None
        if kind == "connection_init":
            if not self.ready:
                return self._acknowledge(document.get("payload"))
            return Output(documents=[Received(document, raw)], close=self.too_many_inits)
        if kind == "ping" and self.answers_ping:
            return super()._handle(document, raw)
        if kind == "pong" and self.answers_ping:
            return Output()
        out = Output(documents=[Received(document, raw)])
        if kind == self.start:
            if not self.ready:
                out.close = self.unauthorized
            elif ident in self.operations and self.unauthorized is not None:
                out.close = (4409, f"Subscriber for {ident} already exists")
            elif ident is not None:
                self.operations.add(ident)
        elif kind == self.stop and ident is not None:
            self.operations.discard(ident)
        elif kind == "connection_terminate":
            out.close = (1000, "")
        return out

    def _acknowledge(self, payload: Any) -> Output:
        self.ready, self.session = True, payload
        ack: dict[str, Any] = {"type": "connection_ack"}
        if self.init is not None:
            ack["payload"] = self.init
        out = Output(send=[json.dumps(ack)], ready=True)
        if self.keep_alive:
            out.send.append(_KA)
            self.tick_interval = self.keep_alive
        return out

    def tick(self, now: float) -> Output:
        return Output(send=[_KA] if self.keep_alive else [])

    def encode(self, document: Any) -> list[Frame]:
        frames = super().encode(document)
        message = self._message(document)
        if message.get("type") in ("complete", "error") and isinstance(message.get("id"), str):
            self.operations.discard(message["id"])
        return frames

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        raise ProtocolError(
            f"A {self.name} server makes no requests: Send the client's operations their "
            'results as messages, such as {"type": "next", "id": "1", "payload": {...}}.'
        )


class GraphQLTransportWSServer(GraphQLServer, GraphQLTransportWS):
    """The server's side of ``graphql-transport-ws``: pings answered with pongs, and a
    client that breaks the protocol closed with its codes (4429 a second
    ``connection_init``, 4401 a ``subscribe`` before it, 4409 an id in use)."""

    stop = "complete"
    too_many_inits = (4429, "Too many initialisation requests")
    unauthorized = (4401, "Unauthorized")


class GraphQLWSServer(GraphQLServer, GraphQLWS):
    """The server's side of the legacy ``graphql-ws``: ``ka`` right after
    ``connection_ack`` and every ``keep_alive`` seconds (10 by default; legacy clients drop a
    server whose keep-alives stop), and ``connection_terminate`` closes the connection."""

    stop = "stop"

    def __init__(
        self,
        init: Any = None,
        *,
        max_size: int | None = DEFAULT_MAX_SIZE,
        server: bool = True,
        keep_alive: float | None = 10.0,
    ) -> None:
        super().__init__(init, max_size=max_size)
        self.keep_alive = keep_alive


GraphQLTransportWS.server_class = GraphQLTransportWSServer
GraphQLWS.server_class = GraphQLWSServer
_KA = json.dumps({"type": "ka"})


def _dumps(document: Any) -> str:
    try:
        return json.dumps(document, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise ProtocolError(f"The message cannot be written as JSON: {error}.") from None


def _refusal(payload: Any) -> str:
    """The server's words in a ``connection_error``: its ``message``, else the payload."""
    if isinstance(payload, dict) and isinstance(payload.get("message"), str):
        return payload["message"]
    if isinstance(payload, str):
        return payload
    return json.dumps(payload, ensure_ascii=False)
