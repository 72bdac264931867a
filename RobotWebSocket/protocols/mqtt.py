"""MQTT 3.1.1 over WebSocket, as a sans-I/O codec for both sides of a connection.

MQTT runs over binary WebSocket messages as a byte stream: a packet may span messages and
one message may hold several packets, so received bytes are buffered and cut into packets by
their remaining length. A packet that announces more than ``max_size`` bytes is undecodable
at once, never waited for; after a malformed packet, reading starts again at the next
message, since the stream cannot be resynchronised otherwise. The handshake is ``CONNECT`` / ``CONNACK``, the keep-alive is
``PINGREQ`` / ``PINGRESP`` every ``keepalive`` seconds, the codec acknowledges QoS 1 and 2
publishes itself, and a request is correlated through its packet id. The server role
(:class:`MqttServer`) answers ``CONNECT``, ``SUBSCRIBE``, ``UNSUBSCRIBE`` and ``PINGREQ``
and publishes to the client; :mod:`.mqtt_packets` reads and writes packets for both.
"""

from __future__ import annotations

import struct
from typing import Any, ClassVar

from .base import (
    DEFAULT_MAX_SIZE,
    NOTHING,
    Codec,
    Frame,
    Output,
    Pending,
    ProtocolError,
    Received,
    undecodable,
)
from .mqtt_packets import (  # noqa: F401  (REFUSALS is read from here)
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
    REFUSALS,
    SUBACK,
    SUBSCRIBE,
    UNSUBACK,
    UNSUBSCRIBE,
    MalformedPacket,
    connect_packet,
    decode_connect,
    decode_filters,
    decode_publish,
    document_of,
    flag,
    init_options,
    number,
    packet,
    packet_id,
    publish_packet,
    qos0_publish,
    split_packet,
    topic_matches,
    topics_of,
    utf8,
    valid_filter,
)

#: The acknowledgement that answers each kind of document a request may send.
_REPLIES: dict[str, tuple[str, ...]] = {"subscribe": ("suback",), "unsubscribe": ("unsuback",)}
INIT_KEYS = ("client_id", "username", "password", "keepalive", "clean_session")


class Mqtt(Codec):
    """MQTT 3.1.1: ``init`` has ``client_id``, ``username``, ``password``, ``keepalive`` and
    ``clean_session``."""

    name = "mqtt"
    subprotocols = ("mqtt",)

    #: The keys ``init`` may have.
    init_keys: ClassVar[tuple[str, ...]] = INIT_KEYS

    def __init__(
        self, init: Any = None, *, max_size: int | None = DEFAULT_MAX_SIZE, server: bool = False
    ) -> None:
        super().__init__(init, max_size=max_size)
        self._configure(init_options(init, self.init_keys))
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
        #: When the peer was last heard from (the server role's keep-alive reads it).
        self._last_heard = 0.0

    def _configure(self, options: dict[str, Any]) -> None:
        self._options = options
        self.keepalive = number(options.get("keepalive", 60), "keepalive", 0, 0xFFFF)
        self.client_id, self._connect = connect_packet(options, self.keepalive)

    def opened(self, subprotocol: str | None, now: float) -> Output:
        return Output(send=[self._connect])

    def receive(self, message: Frame, now: float) -> Output:
        self._last_heard = now
        if isinstance(message, str):
            return Output(documents=[undecodable(message, "MQTT is sent in binary messages")])
        if self._pieces:
            self._pieces.append(message)
            self._held += len(message)
            if self._held < self._wanted:
                # Clients such as mqtt.js write a packet in several messages: the pieces
                # before the last cost no more than keeping them.
                return NOTHING
            data = b"".join(self._pieces)
            self._pieces, self._held = [], 0
        else:
            # Most messages hold whole packets: they are read in place.
            data = message
        if self.ready and len(data) > 4 and data[0] & 0xF6 == 0x30:
            # One QoS 0 PUBLISH, as a broker sends them, is read without the general steps.
            document = qos0_publish(data, self._limit)
            if document is not None:
                return Output(documents=[Received(document, data)])
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
                if not pos:
                    return NOTHING  # The message is the start of a packet, and no more.
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

    def _packet(self, document: dict[str, Any], ident: int | None) -> bytes:
        kind = document["type"]
        if kind == "publish":
            return publish_packet(document, ident, self._fresh_id)
        if kind == "subscribe":
            qos = number(document.get("qos", 0), "qos", 0, 2)
            body = b"".join(utf8(topic) + bytes([qos]) for topic in topics_of(document))
            return packet(SUBSCRIBE, 2, struct.pack("!H", ident or self._fresh_id()) + body)
        if kind == "unsubscribe":
            body = b"".join(utf8(topic) for topic in topics_of(document))
            return packet(UNSUBSCRIBE, 2, struct.pack("!H", ident or self._fresh_id()) + body)
        if kind in ("pingreq", "disconnect"):
            return packet(PINGREQ if kind == "pingreq" else DISCONNECT, 0, b"")
        raise ProtocolError(
            f"MQTT cannot send type {kind!r}: use publish, subscribe, unsubscribe, "
            "pingreq or disconnect"
        )

    def encode(self, document: Any) -> list[Frame]:
        return [self._packet(document_of(document), None)]

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        document = document_of(document)
        kind = document["type"]
        replies = _REPLIES.get(kind)
        if kind == "publish":
            qos = number(document.get("qos", 0), "qos", 0, 2)
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


class MqttServer(Mqtt):
    """The broker's side of ``protocol=mqtt`` (``Mqtt(..., server=True)``): ``init`` has
    ``code`` (the CONNACK return code, 0 by default: another one refuses the client, then
    closes) and ``session_present`` (false by default; never with a clean session).

    The client's first packet must be ``CONNECT`` (MQTT 3.1.1, or 3.1's ``MQIsdp``; else
    CONNACK 1); its fields are :attr:`session`. ``SUBSCRIBE`` is granted the QoS asked for
    (0x80 for a filter that is not one), ``UNSUBSCRIBE`` and ``PINGREQ`` answered, QoS 1
    and 2 publishes acknowledged as on a client; a client silent for 1.5 keep-alive
    periods is closed. :attr:`subscriptions` maps each filter to its granted QoS. Packets
    are documents as on a client, and ``subscribe``, ``unsubscribe`` and ``disconnect``
    documents: ``{"type": "subscribe", "id": 1, "topics": ["a/#"], "qos": [1]}``. The
    server sends ``publish`` documents only, as they are (a publish is not downgraded to
    the QoS granted)."""

    server = True
    init_keys = ("code", "session_present")

    def _configure(self, options: dict[str, Any]) -> None:
        self._code = number(options.get("code", 0), "code", 0, 255)
        self._present = flag(options.get("session_present", False), "session_present")
        self.keepalive = 0
        self.subscriptions: dict[str, int] = {}

    def opened(self, subprotocol: str | None, now: float) -> Output:
        # The client speaks first, with CONNECT.
        self._last_heard = now
        return Output()

    def _handle(self, kind: int, flags: int, body: bytes, raw: bytes, out: Output) -> None:
        name = PACKET_NAMES.get(kind, f"packet type {kind}")
        if kind == CONNECT and not self.ready and self.session is None:
            self._accept(body, out)
        elif not self.ready or kind == CONNECT:
            out.documents.append(undecodable(raw, f"{name} where CONNECT is the first packet"))
            out.close = (1002, f"MQTT protocol error: {name} after the session began or failed")
        elif kind == PUBLISH:
            self._publish(flags, body, raw, out)
        elif kind in (SUBSCRIBE, UNSUBSCRIBE):
            self._subscription(kind, body, raw, out)
        elif kind == PINGREQ:
            out.send.append(packet(PINGRESP, 0, b""))
        elif kind == DISCONNECT:
            out.documents.append(Received({"type": "disconnect"}, raw))
            out.close = (1000, "")
        elif kind in (PUBACK, PUBREC, PUBREL, PUBCOMP):
            super()._handle(kind, flags, body, raw, out)
        else:
            out.documents.append(undecodable(raw, f"a client does not send {name}"))

    def _accept(self, body: bytes, out: Output) -> None:
        fields = decode_connect(body)
        protocol, level = fields.pop("protocol"), fields.pop("level")
        if fields["will"] is None:
            del fields["will"]
        self.session = fields
        code = self._code
        if (protocol, level) not in (("MQTT", 4), ("MQIsdp", 3)):
            code = 1
        elif not fields["client_id"] and not fields["clean_session"]:
            code = 2
        present = self._present and not fields["clean_session"] and not code
        out.send.append(packet(CONNACK, 0, bytes([present, code])))
        if code:
            refusal = REFUSALS.get(code, f"return code {code}")
            out.close = (1000, f"MQTT CONNACK refused the client: {refusal}")
            return
        self.ready = out.ready = True
        self.keepalive = fields["keepalive"]
        if self.keepalive:
            self.tick_interval = max(self.keepalive / 4, 0.1)

    def _subscription(self, kind: int, body: bytes, raw: bytes, out: Output) -> None:
        ident, filters, levels = decode_filters(body, kind == SUBSCRIBE)
        if kind == UNSUBSCRIBE:
            for topic_filter in filters:
                self.subscriptions.pop(topic_filter, None)
            out.send.append(packet(UNSUBACK, 0, struct.pack("!H", ident)))
            document = {"type": "unsubscribe", "id": ident, "topics": filters}
            out.documents.append(Received(document, raw))
            return
        granted = []
        for topic_filter, qos in zip(filters, levels, strict=True):
            grant = qos if qos <= 2 and valid_filter(topic_filter) else 0x80
            if grant != 0x80:
                self.subscriptions[topic_filter] = grant
            granted.append(grant)
        out.send.append(packet(SUBACK, 0, struct.pack("!H", ident) + bytes(granted)))
        document = {"type": "subscribe", "id": ident, "topics": filters, "qos": levels}
        out.documents.append(Received(document, raw))

    def tick(self, now: float) -> Output:
        silent = now - self._last_heard
        if self.keepalive and silent > 1.5 * self.keepalive:
            reason = f"MQTT keep-alive: nothing from the client for {silent:.1f} s"
            return Output(close=(1002, f"{reason} (keepalive {self.keepalive} s)"))
        return Output()

    def _packet(self, document: dict[str, Any], ident: int | None) -> bytes:
        if document["type"] != "publish":
            raise ProtocolError(
                f"an MQTT server sends publish packets, not {document['type']!r} "
                "(the codec answers the rest; raw=True sends any bytes)"
            )
        return super()._packet(document, ident)

    def wants(self, document: Any) -> bool:
        """Whether a publish matches one of the client's filters (anything else goes to
        every client)."""
        try:
            document = document_of(document)
        except ProtocolError:
            return True
        topic = document.get("topic")
        if document["type"] != "publish" or not isinstance(topic, str):
            return True
        return any(topic_matches(topic_filter, topic) for topic_filter in self.subscriptions)


Mqtt.server_class = MqttServer
