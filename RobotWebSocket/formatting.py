"""How messages read in log.html and in failure messages. Pure."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from lxml import etree

from .binary import json_text
from .history import NOT_PARSED, Message


def cut(text: str, max_length: int) -> str:
    """``text`` cut at ``max_length`` characters, with a visible marker."""
    if len(text) <= max_length:
        return text
    return f"{text[:max_length]}... [cut: {len(text) - max_length} more characters]"


def hexdump(data: bytes, max_bytes: int) -> str:
    """Hex with printable text beside it, 16 bytes a line."""
    lines = []
    for offset in range(0, min(len(data), max_bytes), 16):
        chunk = data[offset : offset + 16]
        hex_part = " ".join(f"{byte:02x}" for byte in chunk)
        text_part = "".join(chr(byte) if 32 <= byte < 127 else "." for byte in chunk)
        lines.append(f"{offset:08x}  {hex_part:<47}  |{text_part}|")
    if len(data) > max_bytes:
        lines.append(f"... [cut: {len(data) - max_bytes} more bytes]")
    return "\n".join(lines)


#: Text messages up to this many characters are shown as they came, on one line; longer
#: JSON is pretty-printed and longer XML indented. (Pretty-printing runs Python's pure JSON
#: encoder, twice as slow as the C one, for no gain on one line.)
PRETTY_FROM = 100


def render(message: Message, max_length: int) -> str:
    """The content of a message for a reader: short text as it came, longer JSON
    pretty-printed and XML indented, binary as hex, cut at ``max_length`` characters."""
    data = message.data
    if isinstance(data, bytes):
        frame = hexdump(data, max(16, max_length // 4))
        if message.document is NOT_PARSED:
            return frame
        # A decoded binary frame: its document, then the frame it came from.
        document = json_text(message.document)
        if len(document) > PRETTY_FROM and len(document) <= max_length * 4:
            try:
                document = json.dumps(json.loads(document), indent=2, ensure_ascii=False)
            except (ValueError, RecursionError):
                pass
        return f"{cut(document, max_length)}\n{frame}"
    text = data
    if len(text) <= PRETTY_FROM:
        return cut(text, max_length)
    if len(text) > max_length * 4:
        # Too big to be worth pretty-printing: show the start as it came.
        return cut(text, max_length)
    doc = message.json
    if doc is not NOT_PARSED and isinstance(doc, (dict, list)):
        text = json.dumps(doc, indent=2, ensure_ascii=False)
    elif text.lstrip().startswith("<") and message.xml is not NOT_PARSED:
        text = etree.tostring(message.xml, pretty_print=True, encoding=str).rstrip()
    return cut(text, max_length)


def one_line(message: Message, max_length: int) -> str:
    """A message on one line, for failure messages."""
    if message.binary:
        data: bytes = message.data  # type: ignore[assignment]
        if message.document is not NOT_PARSED:
            document = cut(json_text(message.document), max_length)
            return (
                f"#{message.seq} binary {len(data)} B: {document} (frame {cut(data.hex(' '), 60)})"
            )
        return f"#{message.seq} binary {len(data)} B: {cut(data.hex(' '), max_length)}"
    return f"#{message.seq}: {cut(message.data, max_length)}"  # type: ignore[arg-type]


_second: list[Any] = [None, ""]


def timestamp(epoch: float) -> str:
    """``HH:MM:SS.mmm`` local time. The formatted second is reused: a keyword's messages
    mostly share it, and strftime is the dear part."""
    second = int(epoch)
    if _second[0] != second:
        _second[0], _second[1] = second, datetime.fromtimestamp(second).strftime("%H:%M:%S")
    return f"{_second[1]}.{int((epoch - second) * 1000):03d}"


Row = tuple[str, Message]


def _escape(text: str) -> str:
    """``text`` for HTML element content (quotes need no escaping there)."""
    return html.escape(text, quote=False)


_TABLE = (
    "<table style='border-collapse:collapse;font-size:smaller' border='1'>"
    "<tr><th></th><th>#</th><th>time</th><th>type</th><th>bytes</th><th>content</th></tr>"
)


def _same(text: str) -> str:
    return text


#: Row colours: the message a value came from, and a message that made a keyword fail.
MATCH_COLOUR, FAILURE_COLOUR = "#dfd", "#fdd"

#: The message(s) a log table highlights.
Highlight = Message | Sequence[Message] | None


def html_table(
    rows: Sequence[Row],
    max_length: int,
    highlight: Highlight = None,
    title: str = "",
    mask: Callable[[str], str] = _same,
    failed: bool = False,
) -> str:
    """A compact table for log.html: one row a message, with its direction (``sent`` or
    ``received``), sequence number, time, type, size and content; ``highlight`` is the
    message (or messages) the value came from, green, or red when ``failed`` (a message
    that must not arrive). ``mask`` is applied to the title and each content before they
    are escaped, so that a secret is found as it was given."""
    marked = {id(highlight)} if isinstance(highlight, Message) else {id(m) for m in highlight or ()}
    colour = f" bgcolor={FAILURE_COLOUR if failed else MATCH_COLOUR}"
    parts = [f"{_escape(mask(title))}<br>" if title else "", _TABLE]
    for direction, message in rows:
        parts.append(
            f"<tr{colour if id(message) in marked else ''}>"
            f"<td>{'&rarr; sent' if direction == 'sent' else '&larr; received'}{_fault_mark(message, max_length, mask)}</td>"
            f"<td>{message.seq}</td><td>{timestamp(message.time)}</td>"
            f"<td>{'binary' if message.binary else 'text'}</td><td>{message.size}</td>"
            f"<td><pre style='margin:0;white-space:pre-wrap;overflow-wrap:anywhere;max-height:20em;overflow:auto'>{_escape(mask(render(message, max_length)))}</pre></td></tr>"
        )
    parts.append("</table>")
    return "".join(parts)


def _fault_mark(message: Message, max_length: int, mask: Callable[[str], str]) -> str:
    """What a proxy's fault did to the message (see faults.Marked), for its log row."""
    mark = getattr(message, "mark", "")
    if not mark:
        return ""
    replacement = getattr(message, "replacement", None)
    shown = f": {_escape(mask(cut(replacement, max_length)))}" if replacement is not None else ""
    return f"<br><b>{mark}</b>{shown}"


def value_text(value: Any, max_length: int) -> str:
    """An extracted value for messages: JSON for structures, repr for strings."""
    if isinstance(value, (dict, list)):
        try:
            return cut(json.dumps(value, ensure_ascii=False), max_length)
        except (TypeError, ValueError):
            pass
    return cut(repr(value), max_length)
