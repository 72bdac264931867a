"""ASP.NET Core SignalR's hub protocol (JSON and MessagePack), as a sans-I/O codec for both
sides of a connection.

Facts from Microsoft's specification (HubProtocol.md and TransportProtocols.md in
dotnet/aspnetcore):

- The client's first message is the handshake request ``{"protocol":"json","version":1}``
  (or ``"messagepack"``), the server's the handshake response ``{}``, or ``{"error": ...}``
  before it closes the connection. Both are JSON text ending with the record separator
  0x1E, whatever the protocol; messages may follow the response in the same frame.
- JSON messages are objects, each ending with 0x1E, one or more to a text frame. MessagePack
  messages are arrays, each after its length as a varint (at most 5 bytes), one or more to a
  binary frame.
- Message types: 1 invocation, 2 stream item, 3 completion (``result`` or ``error``), 4
  stream invocation, 5 cancel invocation, 6 ping, 7 close (``error``, ``allowReconnect``),
  8 ack and 9 sequence (stateful reconnect).
- Either side pings when it has been quiet; a peer silent for 30 s is gone (the servers'
  ``ClientTimeoutInterval`` and the clients' ``serverTimeoutInMilliseconds``).

Documents are the JSON form of the messages in both protocols, so a test reads them the same
way: a MessagePack ``[3, {}, "7", 3, 42]`` is ``{"type": 3, "invocationId": "7", "result":
42}``. Handshakes and pings never enter the history; a close message does, and closes the
connection with its error as the reason.

The negotiate request (``POST <hub>/negotiate?negotiateVersion=1``) is HTTP, made by the
connection layer before the WebSocket opens; :func:`negotiate_url` and
:func:`parse_negotiate` (in :mod:`.signalr_negotiate`) are its pure parts.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

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
from .signalr_frames import (  # noqa: F401  (the message types are part of this interface)
    ACK,
    CANCEL,
    CLOSE,
    COMPLETION,
    INVOCATION,
    PING,
    SEQUENCE,
    STREAM_INVOCATION,
    STREAM_ITEM,
    from_array,
    length_prefix,
    split_binary,
    to_array,
)
from .signalr_negotiate import (  # noqa: F401  (part of this module's interface)
    Negotiated,
    negotiate_path,
    negotiate_url,
    parse_negotiate,
    websocket_url,
)

RS = "\x1e"
#: The longest close reason a WebSocket close frame carries, in bytes.
_REASON_BYTES = 123
_PING_MSGPACK = b"\x02\x91\x06"


class SignalR(Codec):
    """``protocol=signalr``. ``server=True`` speaks the hub's side (for the mock server):
    it waits for the handshake request and answers it, accepting the protocols in
    ``accept``. ``messagepack=True`` makes a client ask for the MessagePack protocol.
    ``keep_alive`` is the ping interval and ``timeout`` how long a silent peer is kept."""

    name = "signalr"
    subprotocols = ()
    #: ``http(s)://`` hub URLs are negotiated by the connection layer before the WebSocket
    #: opens (:mod:`RobotWebSocket._negotiate`).
    negotiates = True

    def __init__(
        self,
        init: Any = None,
        *,
        max_size: int | None = DEFAULT_MAX_SIZE,
        server: bool = False,
        messagepack: bool = False,
        accept: tuple[str, ...] = ("json", "messagepack"),
        keep_alive: float = 15.0,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(init, max_size=max_size)
        self.server = server
        self.protocol = "messagepack" if messagepack else "json"
        self.accept = accept
        if not server:
            keep_alive, timeout = _client_timing(init, keep_alive, timeout)
        self.keep_alive = keep_alive
        self.timeout = timeout
        self.tick_interval = keep_alive
        self._msgpack: Any = None
        if messagepack or (server and "messagepack" in accept):
            from ..binary import require

            self._msgpack = require("msgpack", "SignalR's MessagePack protocol")
        self._last_sent = self._last_received = 0.0
        self._counter = 0

    def connect_url(self, url: str) -> str:
        # ws(s):// hub URLs are opened as they are; http(s):// ones are negotiated first.
        return url if url.startswith(("http://", "https://")) else websocket_url(url)

    # -- the session ---------------------------------------------------------------------

    def opened(self, subprotocol: str | None, now: float) -> Output:
        self._last_sent = self._last_received = now
        if self.server:
            return Output()
        request = json.dumps({"protocol": self.protocol, "version": 1}, separators=(",", ":"))
        return Output(send=[request + RS])

    def receive(self, message: Frame, now: float) -> Output:
        self._last_received = now
        try:
            if not self.ready:
                return self._handshake(message)
            return self._messages(message, now)
        except Exception as error:  # noqa: BLE001
            # Whatever a peer sends must reach the history; no input may raise here.
            return Output(documents=[undecodable(message, error)])

    def tick(self, now: float) -> Output:
        if not self.ready:
            return Output()
        silent = now - self._last_received
        if silent >= self.timeout:
            peer = "client" if self.server else "server"
            return Output(close=(1000, f"SignalR {peer} sent nothing for {silent:.0f} s"))
        return self._ping(now)

    def _ping(self, now: float) -> Output:
        self._last_sent = now
        ping: Frame = _PING_MSGPACK if self._binary else json.dumps({"type": PING}) + RS
        return Output(send=[ping])

    @property
    def _binary(self) -> bool:
        return self.protocol == "messagepack"

    def _handshake(self, message: Frame) -> Output:
        text, rest = _first_record(message)
        try:
            response = json_document(text)
        except ValueError:
            response = None
        if not isinstance(response, dict):
            what = "request" if self.server else "response"
            return Output(documents=[undecodable(message, f"not a SignalR handshake {what}")])
        if self.server:
            return self._answer(response, message, rest)
        if response.get("error") is not None:
            return Output(refused=str(response["error"]))
        self.ready = True
        self.session = response
        out = Output(ready=True)
        if rest:
            out.extend(self._messages(rest, self._last_received))
        return out

    def _answer(self, request: dict[str, Any], raw: Frame, rest: Frame) -> Output:
        protocol, version = request.get("protocol"), request.get("version")
        if protocol not in self.accept or version != 1:
            error = f"Requested protocol '{protocol}' is not available."
            if protocol in self.accept:
                error = (
                    f"The server does not support version {version} of the '{protocol}' protocol."
                )
            answer = json.dumps({"error": error}) + RS
            return Output(send=[answer], close=(1000, error[:_REASON_BYTES]))
        self.protocol = protocol
        self.ready = True
        self.session = request
        answer = "{}" + RS
        out = Output(send=[answer.encode() if self._binary else answer], ready=True)
        if rest:
            out.extend(self._messages(rest, self._last_received))
        return out

    def _messages(self, message: Frame, now: float) -> Output:
        out = Output()
        documents: list[tuple[dict[str, Any] | Received, Frame]]
        if self._binary:
            if isinstance(message, str):
                raise ValueError("a text frame on a MessagePack SignalR connection")
            bodies = [(body, body) for body in split_binary(message)]
            documents = [(self._from_array(body), raw) for body, raw in bodies]
        else:
            text = message if isinstance(message, str) else bytes(message).decode("utf-8")
            if not text.endswith(RS):
                raise ValueError("a SignalR JSON message ends with the record separator 0x1E")
            documents = []
            for record in text[:-1].split(RS):
                documents.append((_json_message(record), record + RS))
        for document, raw in documents:
            if isinstance(document, Received):
                out.documents.append(document)
                continue
            kind = document["type"]
            if kind == PING:
                if now - self._last_sent >= self.keep_alive:
                    out.extend(self._ping(now))
                continue
            out.documents.append(Received(document, raw))
            if kind == CLOSE:
                reason = document.get("error") or "the SignalR peer sent a close message"
                out.close = (1000, _truncate(str(reason)))
                break
        return out

    # -- sending -------------------------------------------------------------------------

    def encode(self, document: Any) -> list[Frame]:
        document = _message(document)
        if "type" not in document:
            if "target" not in document:
                raise ProtocolError(
                    'A SignalR message has a "type"; an invocation may leave it out: '
                    '{"target": "SendMessage", "arguments": ["hi"]}.'
                )
            document = {"type": INVOCATION, **document}
        if document["type"] in (INVOCATION, STREAM_INVOCATION):
            document.setdefault("arguments", [])
        if self._binary:
            body = self._to_array(document)
            return [length_prefix(len(body)) + body]
        try:
            text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=_b64)
        except (TypeError, ValueError) as error:
            raise ProtocolError(f"The message cannot be written as JSON: {error}.") from None
        return [text + RS]

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        document = _message(document)
        kind = document.setdefault("type", INVOCATION)
        if kind not in (INVOCATION, STREAM_INVOCATION) or "target" not in document:
            raise ProtocolError(
                "A SignalR request is an invocation (type 1, the default) or a stream "
                'invocation (type 4) with a "target"; use Send for other messages.'
            )
        if document.get("invocationId") is None:
            self._counter += 1
            document["invocationId"] = f"{self._counter}-{uuid.uuid4().hex[:8]}"
        ident = str(document["invocationId"])
        document["invocationId"] = ident
        frames = self.encode(document)

        def is_reply(reply: Any) -> bool:
            return (
                isinstance(reply, dict)
                and reply.get("type") == COMPLETION
                and reply.get("invocationId") == ident
            )

        return frames, is_reply

    # -- MessagePack arrays <-> documents ----------------------------------------------------

    def _from_array(self, body: bytes) -> dict[str, Any] | Received:
        try:
            array = self._msgpack.unpackb(body, raw=False, strict_map_key=False, timestamp=3)
            return from_array(array)
        except Exception as error:  # noqa: BLE001
            return undecodable(body, error)

    def _to_array(self, document: dict[str, Any]) -> bytes:
        array = to_array(document)
        try:
            return self._msgpack.packb(array, use_bin_type=True, datetime=True)  # type: ignore[no-any-return]
        except (TypeError, ValueError, OverflowError) as error:
            raise ProtocolError(f"The message cannot be written as MessagePack: {error}.") from None


def _json_message(record: str) -> dict[str, Any] | Received:
    try:
        document = json_document(record)
    except ValueError as error:
        return undecodable(record + RS, error)
    if not isinstance(document, dict) or not isinstance(document.get("type"), int):
        return undecodable(record + RS, "a SignalR message is a JSON object with a number 'type'")
    return document


def _first_record(message: Frame) -> tuple[str, Frame]:
    """The handshake's JSON text, and what follows its record separator."""
    if isinstance(message, str):
        text, separator, rest = message.partition(RS)
        if not separator:
            raise ValueError("the SignalR handshake ends with the record separator 0x1E")
        return text, rest
    head, mark, tail = bytes(message).partition(b"\x1e")
    if not mark:
        raise ValueError("the SignalR handshake ends with the record separator 0x1E")
    return head.decode("utf-8"), tail


def _message(document: Any) -> dict[str, Any]:
    document = plain(document)
    if isinstance(document, str):
        try:
            document = json_document(document.rstrip(RS))
        except ValueError as error:
            raise ProtocolError(
                f"A SignalR message is a dictionary or JSON object text; this text is not "
                f"JSON ({error}). Use raw=True to send it as it is."
            ) from None
    if not isinstance(document, dict):
        raise ProtocolError(f"A SignalR message is a JSON object, not {type(document).__name__}.")
    return dict(document)


#: ``init`` of a client: Microsoft's client's option names, in milliseconds.
_TIMING = {
    "keepAliveIntervalInMilliseconds": "keep_alive",
    "serverTimeoutInMilliseconds": "timeout",
}


def _client_timing(init: Any, keep_alive: float, timeout: float) -> tuple[float, float]:
    """The ping interval and the server timeout (seconds) a client's ``init`` sets."""
    what = (
        "SignalR init is a dictionary of keepAliveIntervalInMilliseconds and "
        "serverTimeoutInMilliseconds"
    )
    options = object_init(init, what) or {}
    unknown = sorted(set(options) - set(_TIMING))
    if unknown:
        raise ProtocolError(f"{what}, not {', '.join(unknown)}")
    values = {"keep_alive": keep_alive, "timeout": timeout}
    for key, name in _TIMING.items():
        if key in options:
            value = options[key]
            if type(value) not in (int, float) or not 0 < value < 2**31:
                raise ProtocolError(f"{what}: {key} is a number of milliseconds above 0")
            values[name] = value / 1000
    return values["keep_alive"], values["timeout"]


def _b64(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")  # .NET's byte[] in JSON
    raise TypeError(f"{type(value).__name__} is not JSON")


def _truncate(reason: str) -> str:
    encoded = reason.encode("utf-8")[:_REASON_BYTES]
    return encoded.decode("utf-8", "ignore")
