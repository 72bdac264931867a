"""Socket.IO 5 packets over Engine.IO 4: their types, how they are read and written, and
binary attachments taken out of and put back into their data.

Pure functions and constants that :mod:`.socketio` (both roles of the session) builds on.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from .base import ProtocolError, json_document, plain

#: Socket.IO packet types, by the digit that starts the packet.
CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK = range(7)
_SCHEMES = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
_ENGINE_PATH = "/socket.io/"
_PLACEHOLDER = "_placeholder"
#: The most binary attachments one packet may announce. Their bytes are bounded by
#: ``max_size`` in total; this bounds their number, which empty frames would not.
MAX_ATTACHMENTS = 10_000


def compact(value: Any) -> str:
    """JSON as JavaScript's ``JSON.stringify`` writes it, which is what servers expect."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def deconstruct(value: Any, attachments: list[bytes]) -> Any:
    """``value`` with each bytes object moved to ``attachments`` and a placeholder left."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        attachments.append(bytes(value))
        return {_PLACEHOLDER: True, "num": len(attachments) - 1}
    if isinstance(value, dict):
        return {key: deconstruct(item, attachments) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [deconstruct(item, attachments) for item in value]
    return value


def reconstruct(value: Any, attachments: list[bytes]) -> Any:
    """``value`` with each placeholder replaced by the attachment it points at."""
    if isinstance(value, dict):
        if value.get(_PLACEHOLDER) is True and isinstance(value.get("num"), int):
            if not 0 <= value["num"] < len(attachments):
                raise ValueError(f"placeholder for missing attachment {value['num']}")
            return attachments[value["num"]]
        return {key: reconstruct(item, attachments) for key, item in value.items()}
    if isinstance(value, list):
        return [reconstruct(item, attachments) for item in value]
    return value


def engine_url(url: str) -> tuple[str, str]:
    """The Engine.IO WebSocket URL to open for a Socket.IO URL, and its namespace (the
    URL's path). A URL whose query has ``EIO`` names the engine endpoint itself."""
    parts = urlsplit(url)
    scheme = _SCHEMES.get(parts.scheme.lower())
    if scheme is None:
        raise ProtocolError(
            f"A Socket.IO URL starts with http://, https://, ws:// or wss://, not {url!r}."
        )
    if "EIO" in parse_qs(parts.query):
        # The user named the engine endpoint, on a path of their server's choosing.
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, "")), "/"
    query = f"{parts.query}&" if parts.query else ""
    query += "EIO=4&transport=websocket"
    return urlunsplit((scheme, parts.netloc, _ENGINE_PATH, query, "")), parts.path or "/"


#: What a request that is not a WebSocket upgrade on Engine.IO's WebSocket transport gets,
#: in Engine.IO's own error form (code 0 is "Transport unknown").
POLLING_REFUSED = compact(
    {
        "code": 0,
        "message": "Transport unknown: this Socket.IO server serves only the WebSocket "
        "transport; connect with transports: ['websocket']",
    }
)
#: Engine.IO protocol versions other than 4 (code 5 is "Unsupported protocol version").
VERSION_REFUSED = compact(
    {"code": 5, "message": "Unsupported protocol version: this server speaks Engine.IO 4 (EIO=4)"}
)


def engine_refusal(path: str, upgrade: bool) -> tuple[int, str] | None:
    """HTTP 400 and Engine.IO's error for a request to ``path`` that a server of the
    WebSocket transport alone cannot serve (``upgrade``: it asks for a WebSocket)."""
    query = parse_qs(urlsplit(path).query)
    if query.get("EIO", ["4"])[-1] != "4":
        return 400, VERSION_REFUSED
    if query.get("transport", ["websocket"])[-1] != "websocket" or not upgrade:
        return 400, POLLING_REFUSED
    return None


def parse_packet(text: str) -> tuple[int, int, str, int | None, Any]:
    """Split a Socket.IO packet into type, attachment count, namespace, ack id and data;
    :class:`ValueError` when it is not one."""
    if not text or text[0] not in "0123456":
        raise ValueError("not a Socket.IO packet: it must start with a digit from 0 to 6")
    kind, rest = int(text[0]), text[1:]
    attachments = 0
    if kind in (BINARY_EVENT, BINARY_ACK):
        count, dash, rest = rest.partition("-")
        if not dash or not count.isdigit():
            raise ValueError("a binary packet must give its attachment count as 'N-'")
        attachments = int(count)
    namespace = "/"
    if rest.startswith("/"):
        namespace, _, rest = rest.partition(",")
    digits = len(rest) - len(rest.lstrip("0123456789"))
    ack_id = int(rest[:digits]) if digits else None
    data = json_document(rest[digits:]) if rest[digits:] else None
    return kind, attachments, namespace, ack_id, data


def document_of(document: Any) -> dict[str, Any] | list[Any]:
    """The document to send as a dictionary or list: JSON text is parsed first."""
    document = plain(document)
    if isinstance(document, str):
        try:
            document = json_document(document)
        except ValueError as error:
            raise ProtocolError(
                f"A Socket.IO document is a dictionary, a list or JSON text of one; "
                f"this text is not JSON ({error}). Use raw=True to send it as it is."
            ) from None
    if isinstance(document, tuple):
        document = list(document)
    if not isinstance(document, (dict, list)):
        raise ProtocolError(
            f"A Socket.IO document is a dictionary or a list, not {type(document).__name__}."
        )
    return document


def refusal(data: Any) -> str:
    """The server's words in a ``connect_error``: its ``message``, else the data as text."""
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return data["message"]
    if isinstance(data, str):
        return data
    return compact(data)


# -- socket.io-msgpack-parser -------------------------------------------------------------
#
# With the msgpack parser each Socket.IO packet is one binary Engine.IO message (a binary
# WebSocket frame, no type digit) holding a MessagePack map: ``type`` (0 to 4: binary
# events and acks do not exist, bytes travel inside the map as bin values), ``nsp``,
# ``data`` (absent on a bare connect or a disconnect) and ``id`` (with an ack).

#: notepack.io, the parser's MessagePack library, writes ``undefined`` as this extension.
_UNDEFINED = (0, b"\x00")


def _ext_value(code: int, data: bytes) -> Any:
    # notepack writes an ArrayBuffer as extension 0 holding its bytes, and undefined as a
    # one-byte extension 0 (which an ArrayBuffer of one zero byte cannot be told from).
    if (code, data) == _UNDEFINED:
        return None
    if code == 0:
        return data
    return {"ext": code, "data": data}


def unpack_packet(msgpack: Any, frame: bytes) -> tuple[int, int, str, int | None, Any]:
    """Read a MessagePack Socket.IO packet as :func:`parse_packet` reads a text one (with
    no attachments); :class:`ValueError` when it is not one."""
    try:
        packet = msgpack.unpackb(
            frame, raw=False, strict_map_key=False, timestamp=3, ext_hook=_ext_value
        )
    except Exception as error:  # noqa: BLE001
        # msgpack raises ValueError, TypeError, StackError and its own errors.
        raise ValueError(f"not MessagePack: {error}") from None
    if not isinstance(packet, dict):
        raise ValueError("a MessagePack Socket.IO packet is a map")
    kind, namespace, ack_id = packet.get("type"), packet.get("nsp", "/"), packet.get("id")
    if type(kind) is not int or not CONNECT <= kind <= CONNECT_ERROR:
        raise ValueError(f"invalid packet type {kind!r}")
    if not isinstance(namespace, str) or not namespace.startswith("/"):
        raise ValueError(f"invalid namespace {namespace!r}")
    if ack_id is not None and (type(ack_id) is not int or ack_id < 0):
        raise ValueError(f"invalid packet id {ack_id!r}")
    return kind, 0, namespace, ack_id, packet.get("data")


def pack_packet(
    msgpack: Any, kind: int, namespace: str, ack_id: int | None = None, data: Any = None
) -> bytes:
    """The MessagePack Socket.IO packet (``data`` left out when ``None``);
    :class:`ProtocolError` when the data cannot be written."""
    packet: dict[str, Any] = {"type": kind, "nsp": namespace}
    if data is not None:
        packet["data"] = data
    if ack_id is not None:
        packet["id"] = ack_id
    try:
        return msgpack.packb(packet, use_bin_type=True, datetime=True)  # type: ignore[no-any-return]
    except (TypeError, ValueError, OverflowError) as error:
        raise ProtocolError(f"The packet cannot be written as MessagePack: {error}.") from None
