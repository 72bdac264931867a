"""Checking and converting keyword arguments. Pure: no asyncio, no Robot."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from websockets.frames import EXTERNAL_CLOSE_CODES

from .errors import InvalidArgument
from .masking import mask_url, reveal

#: The longest time any argument may give (a week): every wait is bounded.
MAX_SECONDS = 7 * 86400

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def seconds(value: Any, name: str = "timeout", allow_none: bool = True) -> float | None:
    """Seconds from a ``timedelta``, a number, or a Robot time string (``5s``, ``1 min``)."""
    if value is None or (isinstance(value, str) and value.strip().upper() in ("NONE", "")):
        if allow_none:
            return None
        raise InvalidArgument(f"Argument '{name}' is required.")
    if isinstance(value, timedelta):
        result = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        result = float(value)
    elif isinstance(value, str):
        from robot.utils import timestr_to_secs  # Robot's own time format.

        try:
            result = float(timestr_to_secs(value))
        except ValueError as error:
            raise InvalidArgument(
                f"Argument '{name}' got {value!r}, which is not a time such as '5s', "
                "'500ms' or '1 min 30 s'."
            ) from error
    else:
        raise InvalidArgument(f"Argument '{name}' must be a time, got {type(value).__name__}.")
    if result != result or result < 0:  # NaN is not equal to itself.
        raise InvalidArgument(f"Argument '{name}' must not be negative, got {value!r}.")
    if result > MAX_SECONDS:
        raise InvalidArgument(
            f"Argument '{name}' must be at most {MAX_SECONDS // 86400:g} days, got {value!r}: "
            "every wait is bounded."
        )
    return result


#: The largest whole number an argument takes (a count, a size, a window).
MAX_INT = 2**31 - 1


def positive_int(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise InvalidArgument(
            f"Argument '{name}' must be a whole number, got {value!r:.80}."
        ) from error
    if number < 1 or isinstance(value, bool):
        raise InvalidArgument(f"Argument '{name}' must be a positive number, got {value!r:.80}.")
    if number > MAX_INT:
        raise InvalidArgument(f"Argument '{name}' must be at most {MAX_INT}, got {value!r:.80}.")
    return number


def optional_positive_int(value: Any, name: str) -> int | None:
    """:func:`positive_int`, or ``None`` for ``None`` (or ``NONE`` written in Robot)."""
    if value is None or (isinstance(value, str) and value.strip().upper() in ("", "NONE")):
        return None
    return positive_int(value, name)


def check_port(value: Any) -> int:
    """A TCP port to listen on: 0 (any free one) to 65535."""
    try:
        port = int(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise InvalidArgument(f"Argument 'port' must be a number, got {value!r:.80}.") from error
    if isinstance(value, bool) or not 0 <= port <= 65535:
        raise InvalidArgument(
            f"Argument 'port' must be from 0 (any free port) to 65535, got {value!r:.80}."
        )
    return port


def check_close_reason(reason: Any) -> str:
    """A close reason: text of at most 123 bytes in UTF-8 (RFC 6455)."""
    if reason is None:
        return ""
    if not isinstance(reason, (str, int, float)) or isinstance(reason, bool):
        raise InvalidArgument(f"A close reason must be text, got {type(reason).__name__}.")
    text = str(reason)
    if len(text.encode("utf-8", "surrogatepass")) > 123:
        raise InvalidArgument(
            f"A close reason is at most 123 bytes in UTF-8, got {len(text.encode('utf-8', 'surrogatepass'))}."
        )
    return text


def check_path(value: Any, name: str) -> str:
    """A file path: text (or a path object), not empty."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgument(f"Argument '{name}' must be a file path, got {value!r:.80}.")
    return value


def check_url(url: Any) -> str:
    """A ``ws://`` or ``wss://`` URL with a host, else a clear error."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidArgument(f"URL must be a non-empty string, got {url!r}.")
    shown = mask_url(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as error:
        raise InvalidArgument(f"Invalid URL '{shown}': {error}.") from error
    if parts.scheme not in ("ws", "wss"):
        raise InvalidArgument(
            f"Invalid URL '{shown}': the scheme must be ws:// or wss://, "
            f"not {parts.scheme + '://' if parts.scheme else 'missing'}."
        )
    if not parts.hostname:
        raise InvalidArgument(f"Invalid URL '{shown}': it has no host.")
    if any(char in url for char in "\r\n\t "):
        raise InvalidArgument(f"Invalid URL '{shown}': it contains white space.")
    return url


def check_headers(headers: Any) -> list[tuple[str, str]]:
    """Header pairs for the upgrade request; names are tokens, values have no CR/LF."""
    if headers is None:
        return []
    if not isinstance(headers, Mapping):
        raise InvalidArgument(
            "Argument 'headers' must be a dictionary (&{headers} or Create Dictionary), "
            f"got {type(headers).__name__}."
        )
    pairs = []
    for name, raw in headers.items():
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise InvalidArgument(f"Invalid header name {name!r} in 'headers'.")
        value = reveal(raw)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InvalidArgument(
                f"Header '{name}' must have a string value, got {type(value).__name__}."
            )
        value = str(value)
        if "\r" in value or "\n" in value or "\0" in value:
            raise InvalidArgument(
                f"Header '{name}' has a line break in its value, which could inject headers."
            )
        pairs.append((name, value))
    return pairs


def check_subprotocols(subprotocols: Any) -> list[str] | None:
    if subprotocols is None:
        return None
    if isinstance(subprotocols, str):
        subprotocols = [item.strip() for item in subprotocols.split(",") if item.strip()]
    if not isinstance(subprotocols, (list, tuple)):
        raise InvalidArgument(
            f"Argument 'subprotocols' must be a list, got {type(subprotocols).__name__}."
        )
    for item in subprotocols:
        if not isinstance(item, str) or not _TOKEN.match(item):
            raise InvalidArgument(f"Invalid subprotocol name {item!r} in 'subprotocols'.")
    return list(subprotocols)


def check_close_code(code: Any) -> int:
    try:
        number = int(code)
    except (TypeError, ValueError, OverflowError) as error:
        raise InvalidArgument(f"Close code must be a number, got {code!r:.80}.") from error
    if number not in EXTERNAL_CLOSE_CODES and not 3000 <= number <= 4999:
        raise InvalidArgument(
            f"Close code {number} cannot be sent: use 1000, another code that RFC 6455 lets "
            "an endpoint send (1001-1003, 1007-1014), or a code from 3000 to 4999."
        )
    return number


#: Protocols that speak MessagePack themselves with ``binary_format=msgpack``: the codec's
#: keyword argument that turns it on.
MSGPACK_PROTOCOLS = {"signalr": "messagepack", "socketio": "msgpack"}


def binary_format_for(name: Any, proto: Any, proto_message: Any, protocol: Any = None) -> Any:
    """The binary format ``binary_format=`` names, set up (a ``.proto`` file is compiled
    here); ``None`` without one, and with a protocol that speaks MessagePack itself."""
    from .binary import binary_format
    from .protocols import ProtocolError

    if name in (None, ""):
        if proto not in (None, "") or proto_message not in (None, ""):
            raise InvalidArgument(
                "Arguments 'proto' and 'proto_message' need binary_format=protobuf."
            )
        return None
    key = str(name).strip().lower()
    if protocol not in (None, ""):
        wanted = str(protocol).strip().lower()
        if key == "msgpack" and wanted in MSGPACK_PROTOCOLS and proto in (None, ""):
            return None
        raise InvalidArgument(
            f"Argument 'binary_format={name}' cannot be used with protocol={protocol}: a "
            "protocol reads the frames itself; only binary_format=msgpack with protocol="
            "signalr (the MessagePack hub protocol) or protocol=socketio "
            "(socket.io-msgpack-parser)."
        )
    try:
        proto_path = None if proto in (None, "") else os.fspath(proto)
        message = None if proto_message in (None, "") else str(proto_message)
        return binary_format(key, proto_path, message)
    except (ProtocolError, TypeError) as error:
        raise InvalidArgument(f"Cannot use binary_format {name!r}: {error}") from error


def codec_options(codec_class: Any, name: Any) -> dict[str, Any]:
    """The codec's keyword arguments for ``binary_format=name`` (checked already)."""
    option = MSGPACK_PROTOCOLS.get(getattr(codec_class, "name", ""))
    return {option: True} if option and str(name).strip().lower() == "msgpack" else {}


def check_init(value: Any) -> Any:
    """A protocol's ``init``: JSON text of an object or a list is read, anything else is
    kept as it is (the codec checks it)."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError as error:
            raise InvalidArgument(f"Argument 'init' is not valid JSON: {error}.") from error
    return value
