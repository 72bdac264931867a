"""Binary documents: MessagePack, CBOR and Protocol Buffers frames read as documents.

A *format* turns one binary WebSocket frame into a document (the dictionaries and lists
that JSONPath reads, with ``bytes`` for binary strings) and a document into one frame::

    fmt = binary_format("msgpack")                   # MissingPackage when msgpack is absent
    fmt = binary_format("protobuf", proto="feed.proto", proto_message="feed.Trade")
    document = fmt.decode(frame)                     # never raises
    frame = fmt.encode({"price": 1})                 # EncodeError when it cannot be encoded

``decode`` never raises: a frame that does not decode gives the document
``{"type": "undecodable", "raw": <the frame>, "error": <why>}``, because whatever a peer
sends must reach the history and must not break the loop that received it. Hostile input is
bounded where it can be: containers nest at most :data:`MAX_DEPTH` deep, announced lengths
never allocate more than the frame holds, and references that could make a small frame
expand into a large document (CBOR's shared values and string references) are refused.

The module imports neither asyncio nor robot, and each format imports its package when it is
constructed, so that a missing package fails ``Connect`` with the command that adds it.
"""

from __future__ import annotations

import base64
import datetime
import importlib
import io
import json
from collections.abc import Mapping
from functools import partial
from typing import Any, ClassVar

from ..protocols.base import ProtocolError

__all__ = [
    "MAX_DEPTH",
    "BinaryFormat",
    "Cbor",
    "EncodeError",
    "FORMATS",
    "MessagePack",
    "MissingPackage",
    "binary_format",
    "json_text",
    "undecodable",
]

#: How deep containers may nest in a decoded document. Protocol Buffers' own parsers stop at
#: 100 too; deeper documents would only reach the recursion limits of JSONPath and logging.
MAX_DEPTH = 100

#: The command that installs each package a format needs. The Protocol Buffers packages
#: come with the library's ``protobuf`` extra.
INSTALL = {
    "msgpack": "pip install msgpack",
    "cbor2": "pip install cbor2",
    "google.protobuf": "pip install 'robotframework-websocket[protobuf]'",
    "grpc_tools": "pip install 'robotframework-websocket[protobuf]'",
}


class EncodeError(ProtocolError):
    """A document that the format cannot encode, or a format that cannot be set up (a
    ``.proto`` file that does not compile, an unknown message type); the message says why."""


class MissingPackage(ImportError, ProtocolError):
    """The package a format needs is not installed; the message gives the ``pip install``
    command. It is both an ``ImportError`` and the codecs' ``ProtocolError``, so that
    ``Connect`` reports it as it reports any unusable argument."""


def require(module: str, what: str) -> Any:
    """Import ``module`` for ``what``, or raise :class:`MissingPackage` saying how to add it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingPackage(
            f"{what} needs the Python package {module.split('.')[0]!r}, which is not "
            f"installed: {INSTALL[module]}"
        ) from error


def undecodable(frame: bytes, error: BaseException | str) -> dict[str, Any]:
    """The document of a frame that does not decode: the frame is kept, never raised."""
    if isinstance(error, BaseException):
        error = str(error) or type(error).__name__
    return {"type": "undecodable", "raw": bytes(frame), "error": error}


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        # Base64, as the JSON mappings of Protocol Buffers and of SignalR write bytes.
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if type(value).__name__ == "UndefinedType":
        return None
    return str(value)


def json_text(document: Any) -> str:
    """The document as JSON text, for the log and for ``regex=``: bytes as Base64, dates
    in ISO 8601, anything else JSON lacks as its text. Never raises."""
    try:
        return json.dumps(document, ensure_ascii=False, default=_json_default)
    except (ValueError, TypeError, RecursionError) as error:
        # Integers too long to write as decimal text (CBOR bignums), keys JSON cannot have.
        return json.dumps({"unprintable": str(error)})


class BinaryFormat:
    """One binary format: :meth:`decode` frames into documents, :meth:`encode` documents."""

    #: The value of ``binary_format=``.
    name: ClassVar[str] = ""

    def decode(self, frame: bytes) -> Any:
        """The document of ``frame``; never raises (see :func:`undecodable`)."""
        raise NotImplementedError

    def encode(self, document: Any) -> bytes:
        """The frame of ``document``; :class:`EncodeError` when it cannot be encoded."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def _plain(value: Any) -> Any:
    """``value`` with Robot ``Secret`` objects replaced by their text (found by duck typing,
    as this module must not import robot) and tuples made lists."""
    if type(value).__name__ == "Secret" and isinstance(getattr(value, "value", None), str):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether containers nest deeper than ``limit`` in ``value``, found without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if type(item) is dict else item
        if depth > limit:
            return True
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
    return False


#: Every byte but those that can start a MessagePack map or array: a frame with fewer of
#: those than MAX_DEPTH cannot nest deeper, which spares most frames the walk.
_NOT_CONTAINER_HEAD = bytes(b for b in range(256) if not (0x80 <= b <= 0x9F or b >= 0xDC))
_CONTAINER_HEAD = b"\x80\x90\xdc\xdd\xde\xdf"


class MessagePack(BinaryFormat):
    """``binary_format=msgpack``: maps and arrays become dictionaries and lists, binary
    strings ``bytes``, timestamps aware ``datetime`` objects (UTC) and other extension types
    ``{"ext": code, "data": bytes}``."""

    name = "msgpack"

    def __init__(self) -> None:
        msgpack = require("msgpack", "MessagePack")
        self._unpackb = msgpack.unpackb
        self._packb = msgpack.packb
        self._ext = msgpack.ExtType

    def decode(self, frame: bytes) -> Any:
        try:
            document = self._unpackb(
                frame,
                raw=False,
                strict_map_key=False,
                timestamp=3,
                ext_hook=_ext_document,
            )
        except Exception as error:  # noqa: BLE001
            # msgpack raises ValueError, TypeError (a map key that is an array), StackError
            # and its own errors; whatever a peer sends must become a document.
            return undecodable(frame, error)
        if len(frame) > MAX_DEPTH and isinstance(document, (dict, list)):
            heads = len(frame.translate(None, _NOT_CONTAINER_HEAD))
            if heads > MAX_DEPTH and _too_deep(document):
                return undecodable(frame, f"containers nest deeper than {MAX_DEPTH} levels")
        return document

    def encode(self, document: Any) -> bytes:
        try:
            return self._packb(_plain(document), use_bin_type=True, datetime=True)  # type: ignore[no-any-return]
        except (TypeError, ValueError, OverflowError) as error:
            raise EncodeError(f"The document cannot be encoded as MessagePack: {error}.") from None


def _ext_document(code: int, data: bytes) -> dict[str, Any]:
    return {"ext": code, "data": data}


class Cbor(BinaryFormat):
    """``binary_format=cbor``: maps and arrays become dictionaries and lists, byte strings
    ``bytes``, date tags ``datetime`` objects, bignums integers (up to 1024 bits) and other
    tags ``{"tag": number, "value": ...}``."""

    name = "cbor"

    def __init__(self) -> None:
        cbor2 = require("cbor2", "CBOR")
        self._cbor2 = cbor2
        self._error = cbor2.CBORDecodeError
        self._semantic = {
            2: partial(self._bignum, False),
            3: partial(self._bignum, True),
            # Shared values and string references let a small frame stand for a document
            # far larger than itself (or one that contains itself): refused.
            25: self._refused,
            29: self._refused,
            # A regular expression or a MIME message from a peer is not compiled or parsed.
            35: partial(self._tagged, 35),
            36: partial(self._tagged, 36),
        }

    def decode(self, frame: bytes) -> Any:
        buffer = io.BytesIO(frame)
        try:
            decoder = self._cbor2.CBORDecoder(
                buffer,
                tag_hook=_tag_document,
                semantic_decoders=self._semantic,
                max_depth=MAX_DEPTH,
            )
            document = decoder.decode()
        except Exception as error:  # noqa: BLE001
            # CBORDecodeError, and whatever a tag's decoder raises for a value it rejects.
            cause = error.__cause__ or error
            return undecodable(frame, f"{error}: {cause}" if cause is not error else error)
        if buffer.tell() != len(frame):
            return undecodable(frame, f"{len(frame) - buffer.tell()} bytes after the CBOR item")
        return document

    def _bignum(self, negative: bool, value: Any, immutable: bool) -> int:
        if not isinstance(value, bytes):
            raise self._error("a bignum is a byte string")
        if len(value) > 128:
            raise self._error(f"a bignum of {len(value) * 8} bits is longer than 1024 bits")
        number = int.from_bytes(value, "big")
        return -1 - number if negative else number

    def _refused(self, value: Any, immutable: bool) -> Any:
        raise self._error("shared values and string references are not accepted")

    @staticmethod
    def _tagged(tag: int, value: Any, immutable: bool) -> Any:
        return (tag, value) if immutable else {"tag": tag, "value": _thaw(value)}

    def encode(self, document: Any) -> bytes:
        try:
            return self._cbor2.dumps(_plain(document), datetime_as_timestamp=False)  # type: ignore[no-any-return]
        except Exception as error:  # noqa: BLE001
            # CBOREncodeError, and TypeError or ValueError for values CBOR has no type for.
            raise EncodeError(f"The document cannot be encoded as CBOR: {error}.") from None


def _thaw(value: Any) -> Any:
    """A tag's content as a document: cbor2 gives it as tuples and frozen mappings."""
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    if isinstance(value, Mapping) and not isinstance(value, dict):
        return {key: _thaw(item) for key, item in value.items()}
    return value


def _tag_document(tag: Any, immutable: bool) -> Any:
    if immutable:
        # A tagged map key: a tuple is hashable where a dictionary is not.
        return (tag.tag, tag.value)
    return {"tag": tag.tag, "value": _thaw(tag.value)}


#: ``binary_format=`` value -> (module, class), imported on first use.
FORMATS: dict[str, tuple[str, str]] = {
    "msgpack": ("", "MessagePack"),
    "cbor": ("", "Cbor"),
    "protobuf": (".protobuf", "Protobuf"),
}


def binary_format(
    name: str, proto: str | None = None, proto_message: str | None = None
) -> BinaryFormat:
    """The format named ``name`` (``msgpack``, ``cbor`` or ``protobuf``), set up to decode
    and encode. :class:`MissingPackage` when its package is absent, :class:`EncodeError`
    for an unknown name or an unusable ``proto``/``proto_message``."""
    key = str(name).strip().lower()
    if key not in FORMATS:
        raise EncodeError(f"unknown binary_format {name!r}: use one of {', '.join(FORMATS)}")
    if key != "protobuf" and (proto is not None or proto_message is not None):
        raise EncodeError(f"proto and proto_message apply to binary_format=protobuf, not {key}")
    module, cls = FORMATS[key]
    if not module:
        return globals()[cls]()  # type: ignore[no-any-return]
    found = getattr(importlib.import_module(module, __name__), cls)
    return found(proto=proto, proto_message=proto_message)  # type: ignore[no-any-return]
