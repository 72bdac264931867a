"""STOMP frames: how they are escaped, written, read from a WebSocket message and shown as
documents.

Pure functions that :mod:`.stomp` (both roles of the session) builds on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..masking import reveal
from .base import Frame, ProtocolError, Received, json_document, undecodable

_ESCAPE = {"\\": "\\\\", "\r": "\\r", "\n": "\\n", ":": "\\c"}
_UNESCAPE = {"\\\\": "\\", "\\r": "\r", "\\n": "\n", "\\c": ":"}
_ESCAPE_SEQUENCE = re.compile(r"\\.?", re.DOTALL)
COMMAND = re.compile(r"[A-Z]+")
#: The handshake frames carry their headers unescaped, so that 1.0 peers can read them.
_VERBATIM_COMMANDS = {"CONNECT", "CONNECTED", "STOMP"}
DOCUMENT_KEYS = {"command", "headers", "body"}


@dataclass
class StompFrame:
    command: str
    headers: dict[str, str]
    body: bytes


def escape(value: str, version: str) -> str:
    """A header name or value as written on the wire for ``version``."""
    if version == "1.0":
        if "\n" in value or "\r" in value:
            raise ProtocolError(f"STOMP 1.0 cannot carry a line break in a header: {value!r}")
        return value
    specials = "\\\n:" if version == "1.1" else "\\\r\n:"
    return "".join(_ESCAPE[char] if char in specials else char for char in value)


def unescape(value: str) -> str:
    """A header name or value as read from the wire (STOMP 1.1 and 1.2)."""

    def replace(match: re.Match[str]) -> str:
        try:
            return _UNESCAPE[match.group()]
        except KeyError:
            raise ValueError(f"undefined escape sequence {match.group()!r} in header") from None

    return _ESCAPE_SEQUENCE.sub(replace, value)


def build_frame(frame: StompFrame, version: str) -> Frame:
    """The WebSocket message of one frame: text when it is UTF-8, else binary."""
    verbatim = frame.command in _VERBATIM_COMMANDS
    lines = [frame.command]
    for name, value in frame.headers.items():
        # Escaping as 1.0 writes the text unchanged and refuses line breaks in it.
        wire = "1.0" if verbatim else version
        lines.append(f"{escape(name, wire)}:{escape(value, wire)}")
    data = ("\n".join(lines) + "\n\n").encode() + frame.body + b"\0"
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def _skip_eols(data: bytes, pos: int) -> int:
    while True:
        if data.startswith(b"\n", pos):
            pos += 1
        elif data.startswith(b"\r\n", pos):
            pos += 2
        else:
            return pos


def _read_line(data: bytes, pos: int) -> tuple[str, int]:
    end = data.find(b"\n", pos)
    if end < 0:
        raise ValueError("frame ends before its headers do")
    return data[pos:end].rstrip(b"\r").decode("utf-8"), end + 1


def parse_frame(data: bytes, pos: int, version: str) -> tuple[StompFrame, int]:
    """The frame that starts at ``pos``, and where the next one may start."""
    command, pos = _read_line(data, pos)
    if not COMMAND.fullmatch(command):
        raise ValueError(f"{command[:40]!r} is not a STOMP command")
    headers: dict[str, str] = {}
    while True:
        line, pos = _read_line(data, pos)
        if not line:
            break
        name, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"header line without a colon: {line[:40]!r}")
        if version != "1.0" and command not in _VERBATIM_COMMANDS:
            name, value = unescape(name), unescape(value)
        # The specification says that the first of repeated headers is the one that counts.
        headers.setdefault(name, value)
    length = headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise ValueError(f"content-length {length!r} is not a number of octets")
        end = pos + int(length)
        if data[end : end + 1] != b"\0":
            raise ValueError(f"the body does not end with NUL after content-length {length}")
    else:
        end = data.find(b"\0", pos)
        if end < 0:
            raise ValueError("frame is not terminated by NUL")
    return StompFrame(command, headers, data[pos:end]), end + 1


def parse_message(message: Frame, version: str) -> list[Received]:
    """The documents of one WebSocket message: none for a heart-beat (end-of-lines alone).
    A frame that does not parse makes the rest of the message one undecodable document."""
    data = message.encode() if isinstance(message, str) else bytes(message)
    found: list[Received] = []
    pos = _skip_eols(data, 0)
    while pos < len(data):
        try:
            frame, end = parse_frame(data, pos, version)
        except (ValueError, UnicodeDecodeError) as error:
            found.append(undecodable(_raw(message, data[pos:]), error))
            break
        found.append(Received(document(frame), _raw(message, data[pos:end])))
        pos = _skip_eols(data, end)
    return found


def _raw(message: Frame, part: bytes) -> Frame:
    return part.decode("utf-8", "replace") if isinstance(message, str) else part


def document(frame: StompFrame) -> dict[str, Any]:
    """The history's view of a frame: the body parsed as JSON where it is JSON."""
    return {"command": frame.command, "headers": frame.headers, "body": decode_body(frame)}


def decode_body(frame: StompFrame) -> Any:
    try:
        text = frame.body.decode("utf-8")
    except UnicodeDecodeError:
        return frame.body
    content_type = frame.headers.get("content-type")
    if content_type is None and not text.lstrip().startswith(("{", "[")):
        return text
    if content_type is not None and "json" not in content_type.lower():
        return text
    try:
        parsed = json_document(text)
    except ValueError:
        return text
    # Without a content-type, only an object or array is taken for JSON: a bare number or
    # word in a text body is more likely meant as text.
    if content_type is None and not isinstance(parsed, (dict, list)):
        return text
    return parsed


def heart_beat(value: str | None) -> tuple[int, int]:
    try:
        send, receive = (int(part) for part in (value or "0,0").split(","))
    except ValueError:
        raise ValueError(f"heart-beat {value!r} is not two numbers as in 10000,10000") from None
    if send < 0 or receive < 0:
        raise ValueError(f"heart-beat {value!r} has a negative number")
    return send, receive


def header_text(name: Any, value: Any) -> tuple[str, str]:
    value = reveal(value)
    if isinstance(value, bool):
        value = "true" if value else "false"
    return str(name), str(value)


def frame_of(document: Any, default_command: str) -> StompFrame:
    """The frame a document (or JSON text of one) describes; ``command`` defaults to
    ``default_command``. :class:`ProtocolError` when it describes none."""
    if isinstance(document, (str, bytes)):
        try:
            document = json_document(document)
        except ValueError:
            raise ProtocolError(
                "a STOMP document is a dictionary (or its JSON) with command, headers, body"
            ) from None
    if not isinstance(document, dict):
        raise ProtocolError("a STOMP document is a dictionary with command, headers, body")
    unknown = sorted(set(document) - DOCUMENT_KEYS)
    if unknown:
        raise ProtocolError(
            f"a STOMP document has command, headers and body, not {', '.join(unknown)}"
        )
    command = str(document.get("command") or default_command).upper()
    if not COMMAND.fullmatch(command):
        raise ProtocolError(f"{command!r} is not a STOMP command")
    given = document.get("headers") or {}
    if not isinstance(given, dict):
        raise ProtocolError("STOMP headers must be a dictionary")
    headers = dict(header_text(name, value) for name, value in given.items())
    return StompFrame(command, headers, _body(document.get("body"), headers))


def _body(body: Any, headers: dict[str, str]) -> bytes:
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, (dict, list)) and "content-type" not in headers:
        headers["content-type"] = "application/json"
    try:
        return json.dumps(body).encode()
    except (TypeError, ValueError) as error:
        raise ProtocolError(f"STOMP body cannot be sent as JSON: {error}") from None


def init_headers(init: Any, frame: str = "CONNECT") -> dict[str, str]:
    """The headers ``init`` adds to the handshake ``frame`` (a dictionary, or JSON text of
    one)."""
    if isinstance(init, str):
        try:
            init = json_document(init)
        except ValueError:
            raise ProtocolError(f"STOMP init must be a dictionary of {frame} headers") from None
    if init is not None and not isinstance(init, dict):
        raise ProtocolError(f"STOMP init must be a dictionary of {frame} headers")
    headers: dict[str, str] = {}
    for name, value in (init or {}).items():
        name, value = header_text(name, value)
        if ":" in name or any(char in name + value for char in "\r\n\0"):
            raise ProtocolError(f"STOMP init header {name!r} cannot be sent in {frame}")
        headers[name] = value
    return headers
