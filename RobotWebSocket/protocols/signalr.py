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

from .base import Codec, Frame, Output, Pending, ProtocolError, Received, plain, undecodable
from .signalr_negotiate import (  # noqa: F401  (part of this module's interface)
    Negotiated,
    negotiate_path,
    negotiate_url,
    parse_negotiate,
    websocket_url,
)

RS = "\x1e"
INVOCATION, STREAM_ITEM, COMPLETION, STREAM_INVOCATION, CANCEL, PING, CLOSE, ACK, SEQUENCE = range(
    1, 10
)
_ERROR, _VOID, _RESULT = 1, 2, 3
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

    def __init__(
        self,
        init: Any = None,
        *,
        server: bool = False,
        messagepack: bool = False,
        accept: tuple[str, ...] = ("json", "messagepack"),
        keep_alive: float = 15.0,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(init)
        self.server = server
        self.protocol = "messagepack" if messagepack else "json"
        self.accept = accept
        self.keep_alive = keep_alive
        self.timeout = timeout
        self.tick_interval = keep_alive
        self._msgpack: Any = None
        if messagepack or (server and "messagepack" in accept):
            from ..binary import require

            self._msgpack = require("msgpack", "SignalR's MessagePack protocol")
        self._last_sent = self._last_received = 0.0
        self._counter = 0

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
            response = json.loads(text)
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
            bodies = [(body, body) for body in _split_binary(message)]
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
            return [_length_prefix(len(body)) + body]
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
            return _document(array)
        except Exception as error:  # noqa: BLE001
            return undecodable(body, error)

    def _to_array(self, document: dict[str, Any]) -> bytes:
        kind = document.get("type")
        headers = document.get("headers") or {}
        ident = document.get("invocationId")
        if kind in (INVOCATION, STREAM_INVOCATION):
            array = [kind, headers, ident, document.get("target"), document.get("arguments")]
            array.append(document.get("streamIds") or [])
        elif kind == STREAM_ITEM:
            array = [kind, headers, ident, document.get("item")]
        elif kind == COMPLETION:
            if document.get("error") is not None:
                array = [kind, headers, ident, _ERROR, document["error"]]
            elif "result" in document:
                array = [kind, headers, ident, _RESULT, document["result"]]
            else:
                array = [kind, headers, ident, _VOID]
        elif kind == CANCEL:
            array = [kind, headers, ident]
        elif kind == PING:
            array = [kind]
        elif kind == CLOSE:
            array = [kind, document.get("error")]
            if "allowReconnect" in document:
                array.append(bool(document["allowReconnect"]))
        elif kind in (ACK, SEQUENCE):
            array = [kind, document.get("sequenceId")]
        else:
            raise ProtocolError(f"SignalR has no message type {kind!r}: use 1 to 9.")
        try:
            return self._msgpack.packb(array, use_bin_type=True, datetime=True)  # type: ignore[no-any-return]
        except (TypeError, ValueError, OverflowError) as error:
            raise ProtocolError(f"The message cannot be written as MessagePack: {error}.") from None


def _document(array: Any) -> dict[str, Any]:
    """The JSON form of a MessagePack hub message; ValueError naming what is wrong."""
    if not isinstance(array, list) or not array or not isinstance(array[0], int):
        raise ValueError("a SignalR MessagePack message is an array that starts with its type")
    kind, size = array[0], len(array)
    least = {1: 5, 2: 4, 3: 4, 4: 5, 5: 3, 6: 1, 7: 2, 8: 2, 9: 2}.get(kind)
    if least is None:
        raise ValueError(f"SignalR has no message type {kind}")
    if size < least:
        raise ValueError(f"a message of type {kind} has at least {least} items, not {size}")
    document: dict[str, Any] = {"type": kind}
    if kind == PING:
        return document
    if kind == CLOSE:
        if array[1] is not None:
            document["error"] = array[1]
        if size > 2:
            document["allowReconnect"] = array[2]
        return document
    if kind in (ACK, SEQUENCE):
        document["sequenceId"] = array[1]
        return document
    headers = array[1]
    if not isinstance(headers, dict):
        raise ValueError(f"the headers of a type {kind} message are not a map")
    if headers:
        document["headers"] = headers
    if array[2] is not None:
        document["invocationId"] = array[2]
    if kind in (INVOCATION, STREAM_INVOCATION):
        document["target"] = array[3]
        document["arguments"] = array[4]
        if size > 5 and array[5]:
            document["streamIds"] = array[5]
    elif kind == STREAM_ITEM:
        document["item"] = array[3]
    elif kind == COMPLETION:
        result_kind = array[3]
        if result_kind in (_ERROR, _RESULT) and size < 5:
            raise ValueError(f"a completion of result kind {result_kind} has 5 items")
        if result_kind == _ERROR:
            document["error"] = array[4]
        elif result_kind == _RESULT:
            document["result"] = array[4]
        elif result_kind != _VOID:
            raise ValueError(f"completion result kind {result_kind!r} is not 1, 2 or 3")
    return document


def _json_message(record: str) -> dict[str, Any] | Received:
    try:
        document = json.loads(record)
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


def _split_binary(data: bytes) -> list[bytes]:
    """The bodies of the length-prefixed messages in one binary frame."""
    bodies, pos, end = [], 0, len(data)
    while pos < end:
        length = shift = 0
        for count in range(5):
            if pos >= end:
                raise ValueError("a MessagePack message's length is cut short")
            byte = data[pos]
            pos += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
            if count == 4:
                raise ValueError("a MessagePack message's length is longer than 5 bytes")
        if length > end - pos:
            raise ValueError(f"a MessagePack message announces {length} bytes, {end - pos} follow")
        bodies.append(data[pos : pos + length])
        pos += length
    return bodies


def _length_prefix(length: int) -> bytes:
    out = bytearray()
    while True:
        byte = length & 0x7F
        length >>= 7
        out.append(byte | (0x80 if length else 0))
        if not length:
            return bytes(out)


def _message(document: Any) -> dict[str, Any]:
    document = plain(document)
    if isinstance(document, str):
        try:
            document = json.loads(document.rstrip(RS))
        except ValueError as error:
            raise ProtocolError(
                f"A SignalR message is a dictionary or JSON object text; this text is not "
                f"JSON ({error}). Use raw=True to send it as it is."
            ) from None
    if not isinstance(document, dict):
        raise ProtocolError(f"A SignalR message is a JSON object, not {type(document).__name__}.")
    return dict(document)


def _b64(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")  # .NET's byte[] in JSON
    raise TypeError(f"{type(value).__name__} is not JSON")


def _truncate(reason: str) -> str:
    encoded = reason.encode("utf-8")[:_REASON_BYTES]
    return encoded.decode("utf-8", "ignore")
