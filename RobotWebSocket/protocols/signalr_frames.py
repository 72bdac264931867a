"""The MessagePack hub protocol's framing: hub messages as arrays, and the length prefixes
that put one or more of them in a binary frame (HubProtocol.md in dotnet/aspnetcore)."""

from __future__ import annotations

from typing import Any

from .base import ProtocolError

INVOCATION, STREAM_ITEM, COMPLETION, STREAM_INVOCATION, CANCEL, PING, CLOSE, ACK, SEQUENCE = range(
    1, 10
)
_ERROR, _VOID, _RESULT = 1, 2, 3


def to_array(document: dict[str, Any]) -> list[Any]:
    """The MessagePack array of a hub message's JSON form; ProtocolError for an unknown type."""
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
    return array


def from_array(array: Any) -> dict[str, Any]:
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


def split_binary(data: bytes) -> list[bytes]:
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


def length_prefix(length: int) -> bytes:
    out = bytearray()
    while True:
        byte = length & 0x7F
        length >>= 7
        out.append(byte | (0x80 if length else 0))
        if not length:
            return bytes(out)
