"""Protocol Buffers without a schema: the wire format read as ``protoc --decode_raw`` reads it.

A message is a sequence of fields, each a key (field number and wire type, as a varint)
and a value. Without the ``.proto`` nothing says what a value means, so the document keeps
what the wire tells:

- keys are the field numbers as text (``"1"``, ``"2"``); a number that occurs more than
  once gives a list of its values, in order;
- varints (wire type 0) are unsigned integers, as ``protoc --decode_raw`` prints them (a
  negative ``int64`` is 2**64 minus its magnitude; ``sint`` values stay zigzag-encoded);
- fixed64 and fixed32 values (wire types 1 and 5) are unsigned integers too;
- groups (wire types 3 and 4) are nested documents;
- a length-delimited value (wire type 2) is ``""`` when empty, a nested document when it
  parses as a message to its last byte (see below), else text when it is UTF-8 without
  control characters other than tab, line feed and carriage return, else ``bytes``.

Almost any short bytes parse as *some* message: ``"hi"`` is field 13 with the varint 105.
So printable text is taken as a message only when that message holds a length-delimited
field or a group, whose lengths must match the bytes exactly, which text does by chance
only rarely; bytes that are not printable text are taken as a message whenever they parse.
This reads ``{"name": "a long name ..."}`` nested in a message as a document (its first
bytes, a field 1 tag and a length of 32 or more, are printable) and ``"hi"`` as text. A
nested message made only of numbers whose bytes happen to be printable (``"(A"``, field 5
with 65) reads as text: the wire cannot tell them apart. Packed repeated numbers come out as
a nested document or as bytes.

Nesting is bounded by :data:`MAX_DEPTH` (deeper values stay bytes) and every length is
checked against what the frame holds, so a frame's decoding costs time in proportion to its
size and depth, and never more memory than it holds.
"""

from __future__ import annotations

import re
from typing import Any

#: The deepest nesting tried as messages; protoc's own default limit is 100 too.
MAX_DEPTH = 100
_MAX_FIELD = (1 << 29) - 1
_VARINT, _FIXED64, _LENGTH, _START, _END, _FIXED32 = range(6)
#: Control characters that text does not hold (tab, line feed and carriage return it does).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class WireError(ValueError):
    """Bytes that are not a Protocol Buffers message; the message says where and why."""


def _varint(data: bytes, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= end:
            raise WireError(f"varint cut short at byte {pos}")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if result >> 64:
                raise WireError(f"varint at byte {pos} is longer than 64 bits")
            return result, pos
        shift += 7
        if shift >= 70:
            raise WireError(f"varint at byte {pos} is longer than 10 bytes")


def _message(
    data: bytes, pos: int, end: int, depth: int, group: int = 0
) -> tuple[dict[str, Any], int, bool]:
    """Parse fields from ``pos`` to ``end`` (or to the end of ``group``): the document, the
    position after it, and whether it holds a length-delimited field or a group.
    :class:`WireError` when the bytes are not a message."""
    if depth > MAX_DEPTH:
        raise WireError(f"messages nest deeper than {MAX_DEPTH} levels")
    document: dict[str, Any] = {}
    repeated: set[str] = set()
    structured = False
    value: Any
    while pos < end:
        key, pos = _varint(data, pos, end)
        number, wire = key >> 3, key & 7
        if not 1 <= number <= _MAX_FIELD:
            raise WireError(f"field number {number} is out of range")
        if wire == _VARINT:
            value, pos = _varint(data, pos, end)
        elif wire == _FIXED64:
            if pos + 8 > end:
                raise WireError(f"fixed64 field {number} cut short")
            value = int.from_bytes(data[pos : pos + 8], "little")
            pos += 8
        elif wire == _FIXED32:
            if pos + 4 > end:
                raise WireError(f"fixed32 field {number} cut short")
            value = int.from_bytes(data[pos : pos + 4], "little")
            pos += 4
        elif wire == _LENGTH:
            size, pos = _varint(data, pos, end)
            if size > end - pos:
                raise WireError(f"field {number} announces {size} bytes, {end - pos} are left")
            value = _length_delimited(data, pos, pos + size, depth)
            pos += size
            structured = True
        elif wire == _START:
            value, pos, _ = _message(data, pos, end, depth + 1, group=number)
            structured = True
        elif wire == _END:
            if number != group:
                raise WireError(f"end of group {number} that was not started")
            return document, pos, structured
        else:
            raise WireError(f"wire type {wire} of field {number} does not exist")
        name = str(number)
        if name in repeated:
            document[name].append(value)
        elif name in document:
            document[name] = [document[name], value]
            repeated.add(name)
        else:
            document[name] = value
    if group:
        raise WireError(f"group {group} is not ended")
    return document, pos, structured


def _length_delimited(data: bytes, start: int, end: int, depth: int) -> Any:
    if start == end:
        return ""
    chunk = data[start:end]
    try:
        text: str | None = chunk.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and _CONTROL.search(text):
        text = None
    if depth < MAX_DEPTH:
        try:
            nested, _, structured = _message(data, start, end, depth + 1)
        except WireError:
            pass
        else:
            if text is None or structured:
                return nested
    return chunk if text is None else text


def decode_raw(frame: bytes) -> dict[str, Any]:
    """The document of a message read without its schema; :class:`WireError` when the
    frame is not a Protocol Buffers message."""
    data = bytes(frame)
    document, _, _ = _message(data, 0, len(data), 1)
    return document


def encode_raw(document: Any) -> bytes:
    """A message from a document keyed by field numbers, the inverse of :func:`decode_raw`
    for what the wire can tell: non-negative integers as varints (a negative one as
    ``int64``), text and bytes as length-delimited values, dictionaries as nested messages,
    lists as repeated fields. :class:`ValueError` for anything else."""
    out = bytearray()
    _write_message(out, document, "$", 0)
    return bytes(out)


def _write_varint(out: bytearray, value: int) -> None:
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return


def _write_message(out: bytearray, document: Any, path: str, depth: int) -> None:
    if not isinstance(document, dict):
        raise ValueError(
            f"{path}: without a schema a message is a dictionary keyed by field numbers, "
            f"not {type(document).__name__}"
        )
    if depth > MAX_DEPTH:
        raise ValueError(f"{path}: messages nest deeper than {MAX_DEPTH} levels")
    for key, value in document.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= _MAX_FIELD or isinstance(key, bool):
            raise ValueError(
                f"{path}: without a schema (proto=) field names are numbers from 1 to "
                f"{_MAX_FIELD}, not {key!r}"
            )
        for item in value if isinstance(value, list) else [value]:
            _write_field(out, number, item, f"{path}.{number}", depth)


def _write_field(out: bytearray, number: int, value: Any, path: str, depth: int) -> None:
    if isinstance(value, bool) or (isinstance(value, int) and -(1 << 63) <= value < 1 << 64):
        _write_varint(out, number << 3 | _VARINT)
        _write_varint(out, int(value) & ((1 << 64) - 1))
        return
    if isinstance(value, str):
        value = value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        payload = bytes(value)
    elif isinstance(value, dict):
        nested = bytearray()
        _write_message(nested, value, path, depth + 1)
        payload = bytes(nested)
    elif isinstance(value, float):
        raise ValueError(
            f"{path}: a number with a fraction needs a schema (proto=) to tell float from "
            "double; without one, send its bits as an integer"
        )
    elif isinstance(value, int):
        raise ValueError(f"{path}: {value} does not fit in 64 bits")
    else:
        raise ValueError(
            f"{path}: without a schema a value is an integer, text, bytes or a dictionary, "
            f"not {type(value).__name__}"
        )
    _write_varint(out, number << 3 | _LENGTH)
    _write_varint(out, len(payload))
    out += payload
