"""MQTT 3.1.1 packets: their types, lengths, strings and publishes, read and written.

Pure functions and constants that :mod:`.mqtt` (the session codec) builds on.
"""

from __future__ import annotations

import struct
from typing import Any

from .base import ProtocolError, json_document

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT = range(8, 15)
_ORDER = "CONNECT CONNACK PUBLISH PUBACK PUBREC PUBREL PUBCOMP SUBSCRIBE SUBACK UNSUBSCRIBE"
PACKET_NAMES = dict(enumerate(f"{_ORDER} UNSUBACK PINGREQ PINGRESP DISCONNECT".split(), 1))

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
