"""MQTT 3.1.1 packets: their types, lengths, strings, connects, subscriptions and publishes,
read and written, and topic filters matched.

Pure functions and constants that :mod:`.mqtt` (both roles of the session) builds on.
"""

from __future__ import annotations

import json
import secrets
import struct
from collections.abc import Callable
from typing import Any

from ..masking import reveal
from .base import ProtocolError, json_document

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT = range(8, 15)
_ORDER = "CONNECT CONNACK PUBLISH PUBACK PUBREC PUBREL PUBCOMP SUBSCRIBE SUBACK UNSUBSCRIBE"
PACKET_NAMES = dict(enumerate(f"{_ORDER} UNSUBACK PINGREQ PINGRESP DISCONNECT".split(), 1))

#: CONNACK return codes, as Connect reports a refusal.
REFUSALS = {
    1: "unacceptable protocol version",
    2: "identifier rejected",
    3: "server unavailable",
    4: "bad user name or password",
    5: "not authorized",
}
#: The largest remaining length that four length bytes can express.
MAX_REMAINING = 268_435_455


class MalformedPacket(ValueError):
    """The buffered bytes are not an MQTT packet; the stream cannot be resynchronised."""


def remaining_length(length: int) -> bytes:
    """The variable-length encoding of a packet's remaining length (1 to 4 bytes)."""
    if not 0 <= length <= MAX_REMAINING:
        raise ProtocolError(f"an MQTT packet cannot be {length} bytes long")
    encoded = bytearray()
    while True:
        length, digit = divmod(length, 128)
        encoded.append(digit | (0x80 if length else 0))
        if not length:
            return bytes(encoded)


def packet(kind: int, flags: int, body: bytes) -> bytes:
    return bytes([kind << 4 | flags]) + remaining_length(len(body)) + body


def utf8(text: str) -> bytes:
    data = text.encode("utf-8")
    if len(data) > 0xFFFF:
        raise ProtocolError(f"an MQTT string is at most 65535 bytes: {text[:40]!r}...")
    return struct.pack("!H", len(data)) + data


def split_packet(
    buffer: bytes | bytearray, pos: int = 0, limit: int = MAX_REMAINING
) -> tuple[int, int, bytes | None, int] | None:
    """The first packet in ``buffer`` from ``pos`` as (type, flags, body, end): ``body`` is
    ``None`` while the packet is incomplete (``end`` then says where it will end), and the
    result is ``None`` while even its length is. :class:`MalformedPacket` when the length is
    not valid, or more than ``limit`` bytes: the bytes of such a packet are never waited
    for."""
    length, multiplier = 0, 1
    for index in range(pos + 1, pos + 5):
        if index >= len(buffer):
            return None
        length += (buffer[index] & 0x7F) * multiplier
        multiplier *= 128
        if not buffer[index] & 0x80:
            break
    else:
        raise MalformedPacket("remaining length is longer than four bytes")
    if length > limit:
        raise MalformedPacket(f"the packet announces {length} bytes, more than max_size {limit}")
    start = index + 1
    end = start + length
    kind, flags = buffer[pos] >> 4, buffer[pos] & 0x0F
    if len(buffer) < end:
        return kind, flags, None, end
    return kind, flags, bytes(buffer[start:end]), end


def read_string(body: bytes, pos: int) -> tuple[str, int]:
    if len(body) < pos + 2:
        raise MalformedPacket("string length is cut short")
    (size,) = struct.unpack_from("!H", body, pos)
    end = pos + 2 + size
    if len(body) < end:
        raise MalformedPacket("string is cut short")
    try:
        return body[pos + 2 : end].decode("utf-8"), end
    except UnicodeDecodeError as error:
        raise MalformedPacket(f"string is not UTF-8: {error}") from None


def read_binary(body: bytes, pos: int) -> tuple[bytes, int]:
    if len(body) < pos + 2:
        raise MalformedPacket("data length is cut short")
    end = pos + 2 + (body[pos] << 8 | body[pos + 1])
    if len(body) < end:
        raise MalformedPacket("data is cut short")
    return body[pos + 2 : end], end


def packet_id(body: bytes, pos: int = 0) -> int:
    if len(body) < pos + 2:
        raise MalformedPacket("packet id is cut short")
    return int(struct.unpack_from("!H", body, pos)[0])


#: First bytes of a JSON text (the rest is never JSON, so no parse is tried).
_JSON_STARTS = frozenset(b'{["-0123456789tfn \t\r\n')


def decode_payload(payload: bytes) -> Any:
    """JSON when the payload is JSON, else text when it is UTF-8, else the bytes."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload
    if payload and payload[0] in _JSON_STARTS:
        try:
            return json_document(text)
        except ValueError:
            pass
    return text


def decode_publish(flags: int, body: bytes) -> dict[str, Any]:
    qos = flags >> 1 & 3
    if qos == 3:
        raise MalformedPacket("PUBLISH with QoS 3")
    if len(body) < 2:
        raise MalformedPacket("string length is cut short")
    pos = 2 + (body[0] << 8 | body[1])
    if len(body) < pos:
        raise MalformedPacket("string is cut short")
    try:
        topic = body[2:pos].decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedPacket(f"string is not UTF-8: {error}") from None
    ident = None
    if qos:
        ident, pos = packet_id(body, pos), pos + 2
    return {
        "type": "publish", "topic": topic, "payload": decode_payload(body[pos:]),
        "qos": qos, "retain": bool(flags & 1), "dup": bool(flags & 8), "id": ident,
    }  # fmt: skip


def flag(value: Any, name: str) -> bool:
    value = reveal(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    if isinstance(value, (bool, int)):
        return bool(value)
    raise ProtocolError(f"MQTT {name} must be true or false, not {value!r}")


def number(value: Any, name: str, low: int, high: int) -> int:
    value = reveal(value)
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if isinstance(value, bool) or str(number) != str(value).strip() or not low <= number <= high:
        raise ProtocolError(f"MQTT {name} must be a whole number from {low} to {high}")
    return number


def payload_bytes(value: Any) -> bytes:
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


def topics_of(document: dict[str, Any]) -> list[str]:
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


def decode_connect(body: bytes) -> dict[str, Any]:
    """The fields of a CONNECT packet: ``protocol`` and ``level`` (``MQTT`` 4 for 3.1.1),
    ``client_id``, ``username``, ``password`` (text when it is UTF-8), ``keepalive``,
    ``clean_session`` and ``will`` (its ``topic``, ``payload``, ``qos`` and ``retain``, or
    ``None``)."""
    protocol, pos = read_string(body, 0)
    if len(body) < pos + 4:
        raise MalformedPacket("CONNECT is cut short")
    level, flags = body[pos], body[pos + 1]
    keepalive = body[pos + 2] << 8 | body[pos + 3]
    if flags & 0x01:
        raise MalformedPacket("CONNECT sets its reserved flag")
    client_id, pos = read_string(body, pos + 4)
    will = None
    if flags & 0x04:
        topic, pos = read_string(body, pos)
        message, pos = read_binary(body, pos)
        qos, retain = flags >> 3 & 3, bool(flags & 0x20)
        will = {"topic": topic, "payload": decode_payload(message), "qos": qos, "retain": retain}
    username = password = None
    if flags & 0x80:
        username, pos = read_string(body, pos)
    if flags & 0x40:
        secret, pos = read_binary(body, pos)
        try:
            password = secret.decode("utf-8")
        except UnicodeDecodeError:
            password = secret  # type: ignore[assignment]
    return {
        "protocol": protocol, "level": level, "client_id": client_id, "username": username,
        "password": password, "keepalive": keepalive, "clean_session": bool(flags & 0x02),
        "will": will,
    }  # fmt: skip


def decode_filters(body: bytes, with_qos: bool) -> tuple[int, list[str], list[int]]:
    """The packet id, topic filters and (in a SUBSCRIBE) requested QoS of a SUBSCRIBE or
    UNSUBSCRIBE packet."""
    ident, pos = packet_id(body), 2
    filters: list[str] = []
    levels: list[int] = []
    while pos < len(body):
        topic, pos = read_string(body, pos)
        filters.append(topic)
        if with_qos:
            if pos >= len(body):
                raise MalformedPacket("requested QoS is cut short")
            levels.append(body[pos])
            pos += 1
    if not filters:
        raise MalformedPacket("a subscription packet names no topic filter")
    return ident, filters, levels


def valid_filter(topic_filter: str) -> bool:
    """Whether ``topic_filter`` is one: ``#`` only as the whole last level, ``+`` only as a
    whole level."""
    levels = topic_filter.split("/")
    if not topic_filter or "\0" in topic_filter:
        return False
    for index, level in enumerate(levels):
        if "#" in level and (level != "#" or index != len(levels) - 1):
            return False
        if "+" in level and level != "+":
            return False
    return True


def topic_matches(topic_filter: str, topic: str) -> bool:
    """Whether a publish to ``topic`` matches ``topic_filter`` (``+`` one level, ``#`` the
    level above and all below; a wildcard first level never matches a ``$`` topic)."""
    if topic.startswith("$") and topic_filter[:1] in ("+", "#"):
        return False
    wanted, levels = topic_filter.split("/"), topic.split("/")
    for index, level in enumerate(wanted):
        if level == "#":
            return True
        if index >= len(levels) or (level != "+" and level != levels[index]):
            return False
    return len(wanted) == len(levels)


def init_options(init: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """``init`` (a dictionary, or JSON text of one) as options, with ``keys`` only."""
    if isinstance(init, str):
        try:
            init = json_document(init)
        except ValueError:
            pass
    if init is not None and not isinstance(init, dict):
        raise ProtocolError(f"MQTT init must be a dictionary with {', '.join(keys)}")
    options = {key: reveal(value) for key, value in (init or {}).items()}
    unknown = sorted(set(options) - set(keys))
    if unknown:
        raise ProtocolError(f"MQTT init has no {', '.join(unknown)}: use {', '.join(keys)}")
    return options


def connect_packet(options: dict[str, Any], keepalive: int) -> tuple[str, bytes]:
    """A client's client id and CONNECT packet for its ``init`` options."""
    # A client id of 23 letters and digits at most is one every server must accept.
    client_id = options.get("client_id")
    client_id = f"rws{secrets.token_hex(8)}" if client_id is None else str(client_id)
    username, password = options.get("username"), options.get("password")
    if password is not None and username is None:
        raise ProtocolError("MQTT 3.1.1 cannot send a password without a username")
    flags = 0x02 if flag(options.get("clean_session", True), "clean_session") else 0
    payload = utf8(client_id)
    if username is not None:
        flags |= 0x80
        payload += utf8(str(username))
    if password is not None:
        flags |= 0x40
        data = password if isinstance(password, bytes) else str(password).encode()
        payload += struct.pack("!H", len(data)) + data
    header = utf8("MQTT") + bytes([4, flags]) + struct.pack("!H", keepalive)
    return client_id, packet(CONNECT, 0, header + payload)


def document_of(document: Any) -> dict[str, Any]:
    """A document to send as a dictionary with a lower-case ``type`` (``publish`` when it
    names none); JSON text is parsed first."""
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


def publish_packet(document: dict[str, Any], ident: int | None, fresh: Callable[[], int]) -> bytes:
    """The PUBLISH packet of a document; a QoS 1 or 2 one takes ``ident``, else the
    document's ``id``, else ``fresh()``."""
    topic = document.get("topic")
    if not isinstance(topic, str) or not topic or "#" in topic or "+" in topic:
        raise ProtocolError(f"MQTT publish needs a topic without wildcards, not {topic!r}")
    qos = number(document.get("qos", 0), "qos", 0, 2)
    flags = qos << 1 | flag(document.get("retain", False), "retain")
    if flag(document.get("dup", False), "dup"):
        flags |= 8
    body = utf8(topic)
    if qos:
        if ident is None and document.get("id") is not None:
            ident = number(document["id"], "id", 1, 0xFFFF)
        body += struct.pack("!H", ident or fresh())
    return packet(PUBLISH, flags, body + payload_bytes(document.get("payload")))


def qos0_publish(data: bytes, limit: int) -> dict[str, Any] | None:
    """The document of ``data`` when it is exactly one valid QoS 0 PUBLISH whose remaining
    length takes one or two bytes, as :func:`decode_publish` reads it; ``None``
    for anything else, which the general reading takes (and explains, when it is wrong)."""
    length, start = data[1], 2
    if length & 0x80:
        if data[2] & 0x80:
            return None
        length, start = length & 0x7F | data[2] << 7, 3
    if start + length != len(data) or length > limit or length < 2:
        return None
    end = start + 2 + (data[start] << 8 | data[start + 1])
    if end > len(data):
        return None
    try:
        topic = data[start + 2 : end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    # The payload as decode_payload reads it: JSON, else text, else bytes.
    payload: Any = data[end:]
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if payload and payload[0] in _JSON_STARTS:
            try:
                payload = json_document(text)
            except ValueError:
                payload = text
        else:
            payload = text
    flags = data[0]
    return {
        "type": "publish", "topic": topic, "payload": payload,
        "qos": 0, "retain": bool(flags & 1), "dup": bool(flags & 8), "id": None,
    }  # fmt: skip
