"""Socket.IO's server role for the mock server: the server's side of :class:`.socketio.SocketIO`
(``SocketIO(init, server=True)``), which opens the Engine.IO session, pings, and accepts
namespace connects.

Events and acks read and write the same on both sides, so this role only adds the open
packet, the pings and the namespaces to the client's codec. The ``socketio`` row of the
codec table names this module, so that the server role is set whenever the protocol is used.
"""

from __future__ import annotations

import secrets
from typing import Any

from .base import DEFAULT_MAX_SIZE, Frame, Output, ProtocolError, Received, object_init
from .socketio import SocketIO
from .socketio_packets import CONNECT, CONNECT_ERROR, DISCONNECT, compact, document_of

__all__ = ["SocketIO", "SocketIOServer"]


class SocketIOServer(SocketIO):
    """The server's side of ``protocol=socketio`` (``SocketIO(..., server=True)``).

    ``init`` holds fields for the Engine.IO open packet, over ``sid`` (random),
    ``upgrades`` (``[]``: the WebSocket transport is the only one), ``pingInterval`` (25000)
    and ``pingTimeout`` (20000, both in milliseconds, as the packet has them) and
    ``maxPayload`` (``max_size``). Every namespace connect is accepted: the first one is
    the handshake (its ``auth`` is :attr:`session`, its namespace the one documents are
    sent on by default); later ones enter the history as ``connect`` documents.
    :attr:`namespaces` holds each connected namespace's ``auth``."""

    server = True

    def __init__(
        self,
        init: Any = None,
        *,
        max_size: int | None = DEFAULT_MAX_SIZE,
        server: bool = True,
        msgpack: bool = False,
    ) -> None:
        super().__init__(None, max_size=max_size, msgpack=msgpack)
        what = "A Socket.IO server's init is fields of the Engine.IO open packet"
        self.init = object_init(init, what)
        fields: dict[str, Any] = {
            "sid": secrets.token_urlsafe(15),
            "upgrades": [],
            "pingInterval": 25000,
            "pingTimeout": 20000,
            "maxPayload": max_size or 1_000_000,
            **(self.init or {}),
        }
        timing = (fields["pingInterval"], fields["pingTimeout"])
        if not all(type(ms) in (int, float) and 0 < ms < 2**31 for ms in timing):
            raise ProtocolError(f"{what}: pingInterval and pingTimeout are milliseconds above 0")
        self._open = "0" + compact(fields)
        self.sid = fields["sid"]
        self._interval, self._timeout = timing[0] / 1000, timing[1] / 1000
        self.namespaces: dict[str, Any] = {}
        self._last_ping = 0.0
        self._ping_sent: float | None = None

    def opened(self, subprotocol: str | None, now: float) -> Output:
        # Pings start with the open packet, before any namespace connects.
        self._last_heard = self._last_ping = now
        self.tick_interval = max(min(self._interval, self._timeout) / 2, 0.05)
        return Output(send=[self._open])

    def _engine(self, text: str, now: float) -> Output:
        kind, data = text[:1], text[1:]
        if kind == "4":
            return self._socketio(text, data)
        if kind == "3":
            self._ping_sent = None
            return Output()
        if kind == "2":
            # Engine.IO 3 clients ping the server; answering costs nothing.
            return Output(send=["3" + data])
        if kind in ("5", "6"):
            return Output()
        if kind == "1":
            return Output(close=(1000, "the Engine.IO client sent close"))
        raise ValueError(f"a client does not send Engine.IO packet type {kind!r}")

    def _document(
        self, raw: Frame, packet: tuple[int, int, str, int | None, Any], frames: list[bytes]
    ) -> Output:
        kind, _, namespace, _, data = packet
        if kind == CONNECT:
            return self._connect(raw, namespace, data)
        if kind == CONNECT_ERROR:
            raise ValueError("a client does not send connect_error")
        if kind == DISCONNECT:
            self.namespaces.pop(namespace, None)
        return super()._document(raw, packet, frames)

    def _connect(self, raw: Frame, namespace: str, auth: Any) -> Output:
        if auth is not None and not isinstance(auth, dict):
            raise ValueError("a namespace connect's auth is a JSON object")
        self.namespaces[namespace] = auth
        out = Output(send=[self._packet(CONNECT, namespace, {"sid": self._new_sid()})])
        if self.ready:
            document = {"type": "connect", "namespace": namespace, "data": auth}
            out.documents.append(Received(document, raw))
        else:
            self.ready = out.ready = True
            self.namespace, self.session = namespace, auth
        return out

    @staticmethod
    def _new_sid() -> str:
        return secrets.token_urlsafe(15)

    def tick(self, now: float) -> Output:
        if self._ping_sent is not None:
            if now - self._ping_sent > self._timeout:
                late = f"{self._timeout:g} s"
                return Output(close=(1000, f"ping timeout: the client sent no pong in {late}"))
            return Output()
        # Ticks come at half the shorter period: the slack absorbs a timer a little early.
        if now - self._last_ping >= self._interval - self.tick_interval / 4:  # type: ignore[operator]
            self._last_ping = self._ping_sent = now
            return Output(send=["2"])
        return Output()

    def encode(self, document: Any) -> list[Frame]:
        document = document_of(document)
        if isinstance(document, dict) and document.get("type") == "connect_error":
            namespace = document.get("namespace", self.namespace)
            if not isinstance(namespace, str) or not namespace.startswith("/"):
                raise ProtocolError(f"A Socket.IO namespace starts with '/', not {namespace!r}.")
            data = document.get("data", {"message": "Not authorized"})
            return [self._packet(CONNECT_ERROR, namespace, data)]
        return super().encode(document)

    def wants(self, document: Any) -> bool:
        """Whether the client is connected to the document's namespace (the default one
        when the document names none)."""
        try:
            document = document_of(document)
        except ProtocolError:
            return True
        namespace = self.namespace
        if isinstance(document, dict):
            namespace = document.get("namespace", namespace)
        return namespace in self.namespaces


SocketIO.server_class = SocketIOServer
