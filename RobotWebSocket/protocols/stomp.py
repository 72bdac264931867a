"""STOMP 1.2 (1.1 and 1.0 accepted) over WebSocket, as a sans-I/O codec.

Each WebSocket message carries zero or more STOMP frames (``COMMAND``, header lines, an
empty line, the body and a NUL), possibly followed by end-of-line characters; a message of
end-of-lines alone is a heart-beat. The handshake is ``CONNECT`` / ``CONNECTED`` (or
``ERROR``, a refusal), heart-beats are negotiated as the specification says, and a request
is correlated through a ``receipt`` header.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
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

#: The library's own CONNECT headers; ``init`` replaces any of them.
DEFAULT_CONNECT = {"accept-version": "1.2,1.1,1.0", "host": "/", "heart-beat": "10000,10000"}

#: A peer that sends nothing for this many agreed heart-beat intervals is considered gone.
#: Several intervals rather than one, because timers on both sides drift and networks lag.
SILENCE_FACTOR = 3.0

_ESCAPE = {"\\": "\\\\", "\r": "\\r", "\n": "\\n", ":": "\\c"}
_UNESCAPE = {"\\\\": "\\", "\\r": "\r", "\\n": "\n", "\\c": ":"}
_ESCAPE_SEQUENCE = re.compile(r"\\.?", re.DOTALL)
_COMMAND = re.compile(r"[A-Z]+")
#: The handshake frames carry their headers unescaped, so that 1.0 peers can read them.
_VERBATIM_COMMANDS = {"CONNECT", "CONNECTED", "STOMP"}
_DOCUMENT_KEYS = {"command", "headers", "body"}


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
    if not _COMMAND.fullmatch(command):
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


def _heart_beat(value: str | None) -> tuple[int, int]:
    try:
        send, receive = (int(part) for part in (value or "0,0").split(","))
    except ValueError:
        raise ValueError(f"heart-beat {value!r} is not two numbers as in 10000,10000") from None
    if send < 0 or receive < 0:
        raise ValueError(f"heart-beat {value!r} has a negative number")
    return send, receive


def _header_text(name: Any, value: Any) -> tuple[str, str]:
    value = reveal(value)
    if isinstance(value, bool):
        value = "true" if value else "false"
    return str(name), str(value)


class Stomp(Codec):
    """STOMP 1.2, 1.1 and 1.0: ``init`` is headers added to ``CONNECT``."""

    name = "stomp"
    subprotocols = ("v12.stomp", "v11.stomp", "v10.stomp")

    def __init__(self, init: Any = None, *, max_size: int | None = DEFAULT_MAX_SIZE) -> None:
        super().__init__(init, max_size=max_size)
        self._init_headers = self._parse_init(init)
        self.connect_headers = {**DEFAULT_CONNECT, **self._init_headers}
        try:
            self._offered = _heart_beat(self.connect_headers.get("heart-beat"))
        except ValueError as error:
            raise ProtocolError(f"STOMP init: {error}") from None
        self.version = "1.2"
        self._ids = itertools.count(1)
        self._send_every = 0.0
        self._expect_every = 0.0
        self._last_sent = 0.0
        self._last_received = 0.0

    @staticmethod
    def _parse_init(init: Any) -> dict[str, str]:
        if isinstance(init, str):
            try:
                init = json_document(init)
            except ValueError:
                raise ProtocolError("STOMP init must be a dictionary of CONNECT headers") from None
        if init is not None and not isinstance(init, dict):
            raise ProtocolError("STOMP init must be a dictionary of CONNECT headers")
        headers: dict[str, str] = {}
        for name, value in (init or {}).items():
            name, value = _header_text(name, value)
            if ":" in name or any(char in name + value for char in "\r\n\0"):
                raise ProtocolError(f"STOMP init header {name!r} cannot be sent in CONNECT")
            headers[name] = value
        return headers

    def opened(self, subprotocol: str | None, now: float) -> Output:
        self._last_received = self._last_sent = now
        frame = StompFrame("CONNECT", self.connect_headers, b"")
        return Output(send=[build_frame(frame, self.version)])

    def receive(self, message: Frame, now: float) -> Output:
        self._last_received = now
        try:
            found = parse_message(message, self.version)
            if self.ready:
                return Output(documents=found)
            return self._handshake(found, now)
        except Exception as error:  # noqa: BLE001
            # Whatever a server sends must reach the history, so no input may raise here.
            return Output(documents=[undecodable(message, error)])

    def _handshake(self, found: list[Received], now: float) -> Output:
        """The frames received before ``CONNECTED``: it (or ``ERROR``) ends the handshake."""
        out = Output()
        for index, item in enumerate(found):
            command = item.document.get("command")
            if command == "CONNECTED":
                # The handshake frame stays out of the history; what follows it does not.
                self._connected(item.document["headers"], now)
                out.ready = True
                out.documents.extend(found[index + 1 :])
                break
            if command == "ERROR":
                out.refused = self._refusal(item.document)
                break
            out.documents.append(item)
        return out

    def _connected(self, headers: dict[str, str], now: float) -> None:
        """Take the session up, with heart-beats agreed as the specification says: each
        side's rate is the slower of what the sender can do and what the receiver wants."""
        self.ready = True
        self.session = headers
        self.version = headers.get("version", "1.0")
        try:
            server_send, server_wants = _heart_beat(headers.get("heart-beat"))
        except ValueError:
            server_send = server_wants = 0
        client_send, client_wants = self._offered
        if client_send and server_wants:
            self._send_every = max(client_send, server_wants) / 1000
        if server_send and client_wants:
            self._expect_every = max(server_send, client_wants) / 1000
        intervals = [every for every in (self._send_every, self._expect_every) if every]
        self.tick_interval = min(intervals) if intervals else None
        self._last_sent = self._last_received = now

    @staticmethod
    def _refusal(error: dict[str, Any]) -> str:
        message = error["headers"].get("message", "").strip()
        body = error["body"]
        if not isinstance(body, str):
            try:
                body = json.dumps(body, default=repr)
            except (ValueError, RecursionError):
                body = "(a JSON body nested too deeply to show)"
        body = body.strip()
        return ": ".join(part for part in (message, body) if part) or "ERROR frame without reason"

    def tick(self, now: float) -> Output:
        out = Output()
        silent = now - self._last_received
        if self._expect_every and silent > SILENCE_FACTOR * self._expect_every:
            reason = (
                f"STOMP heart-beat missed: nothing from the server for {silent:.1f} s "
                f"(agreed every {self._expect_every:g} s)"
            )
            out.close = (1002, reason)
            return out
        # Ticks come at the faster of the two rates, so send only when our own is due;
        # the slack absorbs a timer that fires a little early.
        if self._send_every and now - self._last_sent >= 0.9 * self._send_every:
            out.send.append("\n")
            self._last_sent = now
        return out

    def _frame(self, document: Any) -> StompFrame:
        if isinstance(document, (str, bytes)):
            try:
                document = json_document(document)
            except ValueError:
                raise ProtocolError(
                    "a STOMP document is a dictionary (or its JSON) with command, headers, body"
                ) from None
        if not isinstance(document, dict):
            raise ProtocolError("a STOMP document is a dictionary with command, headers, body")
        unknown = sorted(set(document) - _DOCUMENT_KEYS)
        if unknown:
            raise ProtocolError(
                f"a STOMP document has command, headers and body, not {', '.join(unknown)}"
            )
        command = str(document.get("command") or "SEND").upper()
        if not _COMMAND.fullmatch(command):
            raise ProtocolError(f"{command!r} is not a STOMP command")
        given = document.get("headers") or {}
        if not isinstance(given, dict):
            raise ProtocolError("STOMP headers must be a dictionary")
        headers = dict(_header_text(name, value) for name, value in given.items())
        return StompFrame(command, headers, self._body(document.get("body"), headers))

    @staticmethod
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

    def _build(self, frame: StompFrame) -> list[Frame]:
        if frame.body or frame.command == "SEND":
            frame.headers["content-length"] = str(len(frame.body))
        return [build_frame(frame, self.version)]

    def encode(self, document: Any) -> list[Frame]:
        return self._build(self._frame(document))

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        frame = self._frame(document)
        number = next(self._ids)
        receipt = frame.headers.setdefault("receipt", f"rws-{number}")
        if frame.command == "SUBSCRIBE":
            frame.headers.setdefault("id", f"rws-sub-{number}")

        def is_reply(reply: Any) -> bool:
            if not isinstance(reply, dict) or not isinstance(reply.get("headers"), dict):
                return False
            # Brokers do not always copy receipt-id into an ERROR, so an ERROR without one
            # answers the request too; a MESSAGE may carry the receipt header and must not.
            if reply.get("command") == "RECEIPT":
                return reply["headers"].get("receipt-id") == receipt
            if reply.get("command") == "ERROR":
                return reply["headers"].get("receipt-id", receipt) == receipt
            return False

        return self._build(frame), is_reply
