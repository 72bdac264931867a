"""MQTT 3.1.1 over WebSocket, as a sans-I/O codec.

MQTT runs over binary WebSocket messages as a byte stream: a packet may span messages and
one message may hold several packets, so received bytes are buffered and cut into packets by
their remaining length. A packet that announces more than ``max_size`` bytes is undecodable
at once, never waited for; after a malformed packet, reading starts again at the next
message, since the stream cannot be resynchronised otherwise. The handshake is ``CONNECT`` / ``CONNACK``, the keep-alive is
``PINGREQ`` / ``PINGRESP`` every ``keepalive`` seconds, the codec acknowledges QoS 1 and 2
publishes itself, and a request is correlated through its packet id.
"""

from __future__ import annotations

import json
import secrets
import struct
from typing import Any

from ..masking import reveal
from .base import (
    DEFAULT_MAX_SIZE,
    Codec,
    Frame,
    Output,
    Pending,
    ProtocolError,
    Received,
    json_document,
    undecodable,
)
from .mqtt_packets import (
    CONNACK,
    CONNECT,
    DISCONNECT,
    MAX_REMAINING,
    PACKET_NAMES,
    PINGREQ,
    PINGRESP,
    PUBACK,
    PUBCOMP,
    PUBLISH,
    PUBREC,
    PUBREL,
    SUBACK,
    SUBSCRIBE,
    UNSUBACK,
    UNSUBSCRIBE,
    MalformedPacket,
    decode_publish,
    packet,
    packet_id,
    split_packet,
    utf8,
)

#: CONNACK return codes, as Connect reports a refusal.
REFUSALS = {
    1: "unacceptable protocol version",
    2: "identifier rejected",
    3: "server unavailable",
    4: "bad user name or password",
    5: "not authorized",
}
#: The acknowledgement that answers each kind of document a request may send.
_REPLIES: dict[str, tuple[str, ...]] = {"subscribe": ("suback",), "unsubscribe": ("unsuback",)}
INIT_KEYS = ("client_id", "username", "password", "keepalive", "clean_session")


def _flag(value: Any, name: str) -> bool:
    value = reveal(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    if isinstance(value, (bool, int)):
        return bool(value)
    raise ProtocolError(f"MQTT {name} must be true or false, not {value!r}")


def _number(value: Any, name: str, low: int, high: int) -> int:
    value = reveal(value)
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if isinstance(value, bool) or str(number) != str(value).strip() or not low <= number <= high:
        raise ProtocolError(f"MQTT {name} must be a whole number from {low} to {high}")
    return number


def _payload(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if value is None:
        return b""
    try:
        return json.dumps(value).encode("utf-8")
    except (TypeError, ValueError) as error:
        raise ProtocolError(f"MQTT payload cannot be sent as JSON: {error}") from None


def _topics(document: dict[str, Any]) -> list[str]:
    topics = document.get("topics", document.get("topic"))
    if isinstance(topics, str):
        topics = [topics]
    if (
        not topics
        or not isinstance(topics, list)
        or not all(isinstance(topic, str) and topic for topic in topics)
    ):
        raise ProtocolError(f"MQTT {document['type']} needs topics: a list of topic filters")
    return topics


class Mqtt(Codec):
    """MQTT 3.1.1: ``init`` has ``client_id``, ``username``, ``password``, ``keepalive`` and
    ``clean_session``."""

    name = "mqtt"
    subprotocols = ("mqtt",)

    def __init__(self, init: Any = None, *, max_size: int | None = DEFAULT_MAX_SIZE) -> None:
        super().__init__(init, max_size=max_size)
        if isinstance(init, str):
            try:
                init = json_document(init)
            except ValueError:
                init = None
        if self.init is not None and not isinstance(init, dict):
            raise ProtocolError(f"MQTT init must be a dictionary with {', '.join(INIT_KEYS)}")
        options = {key: reveal(value) for key, value in (init or {}).items()}
        self._options = options
        unknown = sorted(set(options) - set(INIT_KEYS))
        if unknown:
            raise ProtocolError(
                f"MQTT init has no {', '.join(unknown)}: use {', '.join(INIT_KEYS)}"
            )
        self.keepalive = _number(options.get("keepalive", 60), "keepalive", 0, 0xFFFF)
        self._connect = self._connect_packet(options)
        self._limit = MAX_REMAINING if max_size is None else max_size
        # A packet that goes on in later messages, kept as the pieces that came, so that
        # each byte is copied once however many messages the packet takes; ``_wanted`` is
        # its whole size (0 while its length has not come).
        self._pieces: list[bytes] = []
        self._held = 0
        self._wanted = 0
        self._next_id = 0
        #: Ids of QoS 2 publishes received and not yet released: a resent one is not new.
        self._receiving: set[int] = set()
        self._ping_sent: float | None = None

    def _connect_packet(self, options: dict[str, Any]) -> bytes:
        # A client id of 23 letters and digits at most is one every server must accept.
        client_id = options.get("client_id")
        client_id = f"rws{secrets.token_hex(8)}" if client_id is None else str(client_id)
        self.client_id = client_id
        username, password = options.get("username"), options.get("password")
        if password is not None and username is None:
            raise ProtocolError("MQTT 3.1.1 cannot send a password without a username")
        flags = 0x02 if _flag(options.get("clean_session", True), "clean_session") else 0
        payload = utf8(client_id)
        if username is not None:
            flags |= 0x80
            payload += utf8(str(username))
        if password is not None:
            flags |= 0x40
            data = password if isinstance(password, bytes) else str(password).encode()
            payload += struct.pack("!H", len(data)) + data
        header = utf8("MQTT") + bytes([4, flags]) + struct.pack("!H", self.keepalive)
        return packet(CONNECT, 0, header + payload)

    def opened(self, subprotocol: str | None, now: float) -> Output:
        return Output(send=[self._connect])

    def receive(self, message: Frame, now: float) -> Output:
        if isinstance(message, str):
            return Output(documents=[undecodable(message, "MQTT is sent in binary messages")])
        if self._pieces:
            self._pieces.append(message)
            self._held += len(message)
            if self._held < self._wanted:
                return Output()
            data = b"".join(self._pieces)
            self._pieces, self._held = [], 0
        else:
            # Most messages hold whole packets: they are read in place.
            data = message
        out = Output()
        pos = 0
        while pos < len(data):
            try:
                found = split_packet(data, pos, self._limit)
            except Exception as error:  # noqa: BLE001
                # Whatever a server sends must reach the history, so no input may raise.
                out.documents.append(undecodable(data[pos:], error))
                break
            kind, flags, body, end = found or (0, 0, None, pos)
            if body is None:
                # The packet goes on in the next message: keep its start, and how long it
                # is once its length has come.
                rest = data[pos:] if pos else data
                self._pieces, self._held, self._wanted = [rest], len(rest), end - pos
                break
            raw = data if pos == 0 and end == len(data) else data[pos:end]
            pos = end
            try:
                self._handle(kind, flags, body, raw, out)
            except Exception as error:  # noqa: BLE001
                out.documents.append(undecodable(raw, f"{PACKET_NAMES.get(kind)}: {error}"))
        return out

    def _handle(self, kind: int, flags: int, body: bytes, raw: bytes, out: Output) -> None:
        """Add what one packet calls for to ``out``."""
        if kind == PUBLISH:
            self._publish(flags, body, raw, out)
        elif kind == CONNACK:
            out.extend(self._connack(body, raw))
        elif kind == PUBREC:
            # The second step of our own QoS 2 publish: release it.
            out.send.append(packet(PUBREL, 2, struct.pack("!H", packet_id(body))))
        elif kind == PUBREL:
            ident = packet_id(body)
            self._receiving.discard(ident)
            out.send.append(packet(PUBCOMP, 0, struct.pack("!H", ident)))
        elif kind == PINGRESP:
            self._ping_sent = None
        elif kind in (PUBACK, PUBCOMP, UNSUBACK):
            document = {"type": PACKET_NAMES[kind].lower(), "id": packet_id(body)}
            out.documents.append(Received(document, raw))
        elif kind == SUBACK:
            document = {"type": "suback", "id": packet_id(body), "granted": list(body[2:])}
            out.documents.append(Received(document, raw))
        else:
            name = PACKET_NAMES.get(kind, f"packet type {kind}")
            out.documents.append(undecodable(raw, f"a server does not send {name}"))

    def _connack(self, body: bytes, raw: bytes) -> Output:
        if len(body) != 2:
            raise MalformedPacket("CONNACK is two bytes long")
        present, code = bool(body[0] & 1), body[1]
        if self.ready:
            document = {"type": "connack", "session_present": present, "code": code}
            return Output(documents=[Received(document, raw)])
        if code:
            return Output(refused=REFUSALS.get(code, f"CONNACK return code {code}"))
        self.ready, self.session = True, present
        self.tick_interval = float(self.keepalive) if self.keepalive else None
        return Output(ready=True)

    def _publish(self, flags: int, body: bytes, raw: bytes, out: Output) -> None:
        document = decode_publish(flags, body)
        ident = document["id"]
        if document["qos"] == 1:
            out.send.append(packet(PUBACK, 0, struct.pack("!H", ident)))
        elif document["qos"] == 2:
            out.send.append(packet(PUBREC, 0, struct.pack("!H", ident)))
            # A QoS 2 publish is delivered once: a resend before PUBREL is not a new message.
            if ident in self._receiving:
                return
            self._receiving.add(ident)
        out.documents.append(Received(document, raw))

    def tick(self, now: float) -> Output:
        if self._ping_sent is not None and now - self._ping_sent >= self.keepalive:
            silent = now - self._ping_sent
            return Output(close=(1002, f"MQTT server did not answer PINGREQ in {silent:.1f} s"))
        if self._ping_sent is None:
            self._ping_sent = now
        return Output(send=[packet(PINGREQ, 0, b"")])

    def _fresh_id(self) -> int:
        self._next_id = self._next_id % 0xFFFF + 1
        return self._next_id

    def _document(self, document: Any) -> dict[str, Any]:
        if isinstance(document, (str, bytes)):
            try:
                document = json_document(document)
            except ValueError:
                document = None
        if not isinstance(document, dict):
            raise ProtocolError("an MQTT document is a dictionary (or its JSON) with a type")
        document = {"type": "publish", **document}
        document["type"] = str(document["type"]).lower()
        return document

    def _packet(self, document: dict[str, Any], ident: int | None) -> bytes:
        kind = document["type"]
        if kind == "publish":
            return self._publish_packet(document, ident)
        if kind == "subscribe":
            qos = _number(document.get("qos", 0), "qos", 0, 2)
            body = b"".join(utf8(topic) + bytes([qos]) for topic in _topics(document))
            return packet(SUBSCRIBE, 2, struct.pack("!H", ident or self._fresh_id()) + body)
        if kind == "unsubscribe":
            body = b"".join(utf8(topic) for topic in _topics(document))
            return packet(UNSUBSCRIBE, 2, struct.pack("!H", ident or self._fresh_id()) + body)
        if kind in ("pingreq", "disconnect"):
            return packet(PINGREQ if kind == "pingreq" else DISCONNECT, 0, b"")
        raise ProtocolError(
            f"MQTT cannot send type {kind!r}: use publish, subscribe, unsubscribe, "
            "pingreq or disconnect"
        )

    def _publish_packet(self, document: dict[str, Any], ident: int | None) -> bytes:
        topic = document.get("topic")
        if not isinstance(topic, str) or not topic or "#" in topic or "+" in topic:
            raise ProtocolError(f"MQTT publish needs a topic without wildcards, not {topic!r}")
        qos = _number(document.get("qos", 0), "qos", 0, 2)
        flags = qos << 1 | _flag(document.get("retain", False), "retain")
        if _flag(document.get("dup", False), "dup"):
            flags |= 8
        body = utf8(topic)
        if qos:
            if ident is None and document.get("id") is not None:
                ident = _number(document["id"], "id", 1, 0xFFFF)
            body += struct.pack("!H", ident or self._fresh_id())
        return packet(PUBLISH, flags, body + _payload(document.get("payload")))

    def encode(self, document: Any) -> list[Frame]:
        return [self._packet(self._document(document), None)]

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        document = self._document(document)
        kind = document["type"]
        replies = _REPLIES.get(kind)
        if kind == "publish":
            qos = _number(document.get("qos", 0), "qos", 0, 2)
            if not qos:
                raise ProtocolError(
                    "an MQTT publish with QoS 0 has no reply: use Send, or give qos 1 or 2"
                )
            # A broker without QoS 2 (RabbitMQ) grants QoS 1 and answers with PUBACK.
            replies = ("puback",) if qos == 1 else ("pubcomp", "puback")
        if replies is None:
            raise ProtocolError(f"an MQTT {kind} has no reply to wait for")
        ident = self._fresh_id()
        frames: list[Frame] = [self._packet(document, ident)]

        def is_reply(reply: Any) -> bool:
            return (
                isinstance(reply, dict)
                and reply.get("type") in replies
                and reply.get("id") == ident
            )

        return frames, is_reply
