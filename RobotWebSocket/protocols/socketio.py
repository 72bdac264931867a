"""Socket.IO 5 over Engine.IO 4, on the WebSocket transport, as a sans-I/O codec for both
sides of a connection.

Every WebSocket text frame is one Engine.IO packet: a digit for its type, then its data.
Type ``4`` (message) carries a Socket.IO packet, written as::

    <type>[<attachments>-][/<namespace>,][<ack id>][<JSON data>]

so ``42["chat","hi"]`` is an event on the root namespace and ``451-/chat,7["up",{...}]`` is
a binary event on ``/chat`` asking for ack 7, whose one attachment follows as a binary frame
(:mod:`.socketio_packets` reads and writes them).

The server opens with the Engine.IO open packet (``0{"sid", "pingInterval", ...}``), then
pings (``2``) every ``pingInterval``; the client must answer (``3``) within
``pingTimeout``, whatever the test is doing, so the client codec answers on the spot and the
server codec (:class:`SocketIOServer`) closes a client that does not. Pings never enter the
history. Events and acks read and write the same on both sides.
"""

from __future__ import annotations

from typing import Any

from .base import (
    DEFAULT_MAX_SIZE,
    Codec,
    Frame,
    Output,
    Pending,
    ProtocolError,
    Received,
    header_value,
    json_document,
    object_init,
    undecodable,
)
from .socketio_packets import (  # noqa: F401  (parse_packet and compact are read from here)
    ACK,
    BINARY_ACK,
    BINARY_EVENT,
    CONNECT,
    CONNECT_ERROR,
    DISCONNECT,
    EVENT,
    MAX_ATTACHMENTS,
    compact,
    deconstruct,
    document_of,
    engine_refusal,
    engine_url,
    pack_packet,
    parse_packet,
    reconstruct,
    refusal,
    unpack_packet,
)


class SocketIO(Codec):
    """``protocol=socketio``: one Socket.IO namespace, over the WebSocket transport."""

    name = "socketio"
    subprotocols = ()

    def __init__(
        self,
        init: Any = None,
        *,
        max_size: int | None = DEFAULT_MAX_SIZE,
        server: bool = False,
        msgpack: bool = False,
    ) -> None:
        init = object_init(init, "Socket.IO init is the auth object")
        super().__init__(init, max_size=max_size)
        self.namespace = "/"
        # With socket.io-msgpack-parser: Socket.IO packets are MessagePack binary frames.
        self._msgpack: Any = None
        if msgpack:
            from ..binary import require

            self._msgpack = require("msgpack", "Socket.IO's msgpack parser")
        self._next_id = 0
        # A binary packet waits here for its attachments: (header frame, packet, frames).
        self._partial: tuple[str, tuple[int, int, str, int | None, Any], list[bytes]] | None = None
        self._attached = 0  # bytes of the attachments in _partial
        self._last_heard = 0.0
        self._silence_limit: float | None = None

    @classmethod
    def refuse_request(cls, path: str, headers: Any) -> tuple[int, str] | None:
        """Engine.IO's polling transport and other versions than 4 get HTTP 400."""
        return engine_refusal(path, "websocket" in header_value(headers, "Upgrade").lower())

    def connect_url(self, url: str) -> str:
        url, self.namespace = engine_url(url)
        return url

    def opened(self, subprotocol: str | None, now: float) -> Output:
        # The server speaks first, with the Engine.IO open packet.
        self._last_heard = now
        return Output()

    def _prefix(self, kind: int, namespace: str | None = None) -> str:
        namespace = self.namespace if namespace is None else namespace
        return f"4{kind}" if namespace == "/" else f"4{kind}{namespace},"

    def _packet(self, kind: int, namespace: str | None = None, data: Any = None) -> Frame:
        """A packet with no ack id and no attachments, in the parser's encoding."""
        if self._msgpack is not None:
            namespace = self.namespace if namespace is None else namespace
            return pack_packet(self._msgpack, kind, namespace, None, data)
        return self._prefix(kind, namespace) + ("" if data is None else compact(data))

    def receive(self, message: Frame, now: float) -> Output:
        self._last_heard = now
        try:
            if isinstance(message, (bytes, bytearray)):
                if self._msgpack is not None:
                    packet = unpack_packet(self._msgpack, bytes(message))
                    return self._document(bytes(message), packet, [])
                return self._attachment(bytes(message))
            out = Output()
            if self._partial is not None:
                # The attachments never came: keep what arrived and start over.
                header, _, _ = self._partial
                self._partial = None
                out.documents.append(undecodable(header, "binary attachments missing"))
            return out.extend(self._engine(message, now))
        except Exception as error:  # noqa: BLE001
            # Whatever a server sends must reach the history, so no input may raise here.
            return Output(documents=[undecodable(message, error)])

    def _engine(self, text: str, now: float) -> Output:
        """One Engine.IO packet."""
        kind, data = text[:1], text[1:]
        if kind == "0":
            handshake = json_document(data)
            interval = float(handshake["pingInterval"]) / 1000
            timeout = float(handshake["pingTimeout"]) / 1000
            # A server that stops pinging is gone; Socket.IO clients give it one interval
            # plus the timeout before they drop the connection, and so does this one.
            self._silence_limit = interval + timeout
            self.tick_interval = max(interval / 2, 0.5)
            return Output(send=[self._packet(CONNECT, None, self.init)])
        if kind == "2":
            return Output(send=["3" + data])
        if kind in ("3", "6"):
            return Output()
        if kind == "4":
            return self._socketio(text, data)
        if kind == "1":
            return Output(close=(1000, "the Engine.IO server sent close"))
        raise ValueError(f"unknown Engine.IO packet type {kind!r}")

    def _socketio(self, raw: str, text: str) -> Output:
        if self._msgpack is not None:
            raise ValueError("with the msgpack parser, Socket.IO packets come as binary frames")
        packet = parse_packet(text)
        if packet[1]:
            if packet[0] not in (BINARY_EVENT, BINARY_ACK):
                raise ValueError("only binary events and acks carry attachments")
            if packet[1] > MAX_ATTACHMENTS:
                raise ValueError(
                    f"the packet announces {packet[1]} attachments, more than {MAX_ATTACHMENTS}"
                )
            self._partial, self._attached = (raw, packet, []), 0
            return Output()
        return self._document(raw, packet, [])

    def _attachment(self, data: bytes) -> Output:
        if self._partial is None:
            return Output(documents=[undecodable(data, "binary frame with no packet waiting")])
        raw, packet, frames = self._partial
        frames.append(data)
        self._attached += len(data)
        if self.max_size is not None and self._attached > self.max_size:
            self._partial = None
            size, limit = self._attached, self.max_size
            error = f"its attachments reach {size} bytes, more than max_size {limit}"
            return Output(documents=[undecodable(raw, error)])
        if len(frames) < packet[1]:
            return Output()
        self._partial = None
        return self._document(raw, packet, frames)

    def _document(
        self, raw: Frame, packet: tuple[int, int, str, int | None, Any], frames: list[bytes]
    ) -> Output:
        kind, _, namespace, ack_id, data = packet
        ours = namespace == self.namespace
        if kind == CONNECT:
            if ours and not self.ready:
                self.ready = True
                self.session = data.get("sid") if isinstance(data, dict) else None
                return Output(ready=True)
            document: dict[str, Any] = {"type": "connect", "namespace": namespace, "data": data}
        elif kind == CONNECT_ERROR:
            if ours and not self.ready:
                return Output(refused=refusal(data))
            document = {"type": "connect_error", "namespace": namespace, "data": data}
        elif kind == DISCONNECT:
            document = {"type": "disconnect", "namespace": namespace}
        elif kind in (EVENT, BINARY_EVENT):
            if not isinstance(data, list) or not data or not isinstance(data[0], str):
                raise ValueError("an event's data must be a list starting with its name")
            document = {
                "type": "event",
                "namespace": namespace,
                "event": data[0],
                "args": reconstruct(data[1:], frames),
                "id": ack_id,
            }
        else:
            if not isinstance(data, list) or ack_id is None:
                raise ValueError("an ack must have an id and a list of arguments")
            args = reconstruct(data, frames)
            document = {"type": "ack", "namespace": namespace, "id": ack_id, "args": args}
        return Output(documents=[Received(document, raw)])

    def tick(self, now: float) -> Output:
        if self._silence_limit is not None and now - self._last_heard > self._silence_limit:
            return Output(
                close=(1000, f"ping timeout: the server sent nothing for {self._silence_limit:g} s")
            )
        return Output()

    def encode(self, document: Any) -> list[Frame]:
        document = document_of(document)
        if isinstance(document, list):
            document = {"event": document[0] if document else None, "args": document[1:]}
        kind = document.get("type", "event")
        namespace = document.get("namespace", self.namespace)
        if not isinstance(namespace, str) or not namespace.startswith("/"):
            raise ProtocolError(f"A Socket.IO namespace starts with '/', not {namespace!r}.")
        if kind == "disconnect":
            return [self._packet(DISCONNECT, namespace)]
        if kind not in ("event", "ack"):
            raise ProtocolError(
                f"Socket.IO documents to send are events, acks or disconnects, not {kind!r}."
            )
        args = document.get("args", [])
        if not isinstance(args, (list, tuple)):
            raise ProtocolError(f"Socket.IO 'args' must be a list, not {type(args).__name__}.")
        ack_id = document.get("id")
        if ack_id is not None and (not isinstance(ack_id, int) or ack_id < 0):
            raise ProtocolError(f"A Socket.IO ack id is a number from 0 up, not {ack_id!r}.")
        if kind == "ack":
            if ack_id is None:
                raise ProtocolError("A Socket.IO ack needs the 'id' of the event it answers.")
            data: list[Any] = list(args)
        else:
            event = document.get("event")
            if not isinstance(event, str) or not event:
                raise ProtocolError(
                    'A Socket.IO event needs its name as a string: {"event": "chat", "args": []}.'
                )
            data = [event, *args]
            if ack_id is not None:
                self._next_id = max(self._next_id, ack_id + 1)
        return self._frames(kind == "ack", namespace, ack_id, data)

    def _frames(
        self, ack: bool, namespace: str, ack_id: int | None, data: list[Any]
    ) -> list[Frame]:
        if self._msgpack is not None:
            # Bytes stay in the MessagePack map as bin values: no attachments.
            return [pack_packet(self._msgpack, ACK if ack else EVENT, namespace, ack_id, data)]
        attachments: list[bytes] = []
        data = deconstruct(data, attachments)
        payload = ("" if ack_id is None else str(ack_id)) + compact(data)
        if not attachments:
            return [self._prefix(ACK if ack else EVENT, namespace) + payload]
        kind = BINARY_ACK if ack else BINARY_EVENT
        space = "" if namespace == "/" else f"{namespace},"
        return [f"4{kind}{len(attachments)}-{space}{payload}", *attachments]

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        document = document_of(document)
        if isinstance(document, list):
            document = {"event": document[0] if document else None, "args": document[1:]}
        if document.get("type", "event") != "event":
            raise ProtocolError("Only a Socket.IO event can be a request: acks have no reply.")
        ack_id = self._next_id
        document = {**document, "id": ack_id}
        frames = self.encode(document)
        namespace = document.get("namespace", self.namespace)

        def is_reply(received: Any) -> bool:
            return (
                isinstance(received, dict)
                and received.get("type") == "ack"
                and received.get("id") == ack_id
                and received.get("namespace") == namespace
            )

        return frames, is_reply
