"""A connection's conversation as a HAR 1.2 document (HTTP Archive), as browsers save it.

Pure: no asyncio, no Robot. One entry holds the upgrade request and its ``101`` response,
with Chrome's ``_webSocketMessages`` extension: every message sent and received, in time
order, ``type`` ``send`` or ``receive``, ``time`` in epoch seconds, ``opcode`` 1 (text) or
2 (binary) and ``data``, binary data as base64. Credential headers keep their names and
read ``***``; credential query parameters of the URL are masked too. Frames that keywords
do not see are there too, marked (:data:`MARKS`), and a mock server's client's file is
written as the client saw the conversation.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .history import Message
from .masking import MASK, is_sensitive, mask_url

HAR_VERSION = "1.2"


def header_list(headers: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """HAR's header list, credential values masked."""
    return [
        {"name": name, "value": MASK if is_sensitive(name) else value} for name, value in headers
    ]


#: Marks of the frames that are on the wire but not in a keyword's view: frames the
#: library sent by itself (handshakes, keep-alives, acknowledgements, rule replies,
#: heartbeats), messages rules ignored, and received frames a protocol consumed.
MARKS = ("auto", "ignored", "protocol")


def websocket_message(direction: str, message: Message, mark: str = "") -> dict[str, Any]:
    """One entry of ``_webSocketMessages``: ``direction`` is ``send`` or ``receive``;
    ``mark`` one of :data:`MARKS` (``"_auto": true``...) or empty."""
    data = message.data
    if isinstance(data, bytes):
        entry: dict[str, Any] = {
            "type": direction,
            "time": message.time,
            "opcode": 2,
            "data": base64.b64encode(data).decode("ascii"),
        }
    else:
        entry = {"type": direction, "time": message.time, "opcode": 1, "data": data}
    if mark:
        entry[f"_{mark}"] = True
    # A proxy's message that a fault acted on (see faults.Marked).
    fault_mark = getattr(message, "mark", "")
    if fault_mark:
        entry[f"_{fault_mark}"] = True
        replacement = getattr(message, "replacement", None)
        if replacement is not None:
            entry["_replacement"] = replacement
    return entry


def messages_in_time_order(
    sent: Iterable[Message],
    received: Iterable[Message],
    marked: Iterable[tuple[str, Message, str]] = (),
    client_view: bool = True,
) -> list[dict[str, Any]]:
    """Sent, received and ``marked`` (direction, message, mark) messages merged by time;
    at equal times in the order given (sent first), since a reply cannot come before what
    it answers. With ``client_view`` false the connection is the server's side (a mock
    server's client): the directions are turned round, so that the file reads as the
    client saw the conversation, as browsers write HAR files."""
    tagged = [("send", m, "") for m in sent] + [("receive", m, "") for m in received]
    tagged.extend(marked)
    tagged.sort(key=lambda item: item[1].time)
    if client_view:
        return [websocket_message(d, m, mark) for d, m, mark in tagged]
    turned = {"send": "receive", "receive": "send"}
    return [websocket_message(turned[d], m, mark) for d, m, mark in tagged]


def _iso(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def conversation(
    url: str,
    request_headers: Sequence[tuple[str, str]],
    response_headers: Sequence[tuple[str, str]],
    sent: Iterable[Message],
    received: Iterable[Message],
    *,
    started: float,
    connect_time: float | None = None,
    creator_version: str = "",
    marked: Iterable[tuple[str, Message, str]] = (),
    client_view: bool = True,
) -> dict[str, Any]:
    """The HAR document of one WebSocket conversation.

    ``started`` is the upgrade request's epoch time, ``connect_time`` how long the upgrade
    took in seconds; ``marked`` and ``client_view`` as in :func:`messages_in_time_order`.
    """
    shown_url = mask_url(url)
    query = urlsplit(shown_url).query
    wait = round((connect_time or 0.0) * 1000, 3)
    entry = {
        "startedDateTime": _iso(started),
        "time": wait,
        "request": {
            "method": "GET",
            "url": shown_url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": header_list(request_headers),
            "queryString": [
                {"name": name, "value": value}
                for name, value in parse_qsl(query, keep_blank_values=True)
            ],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": 101,
            "statusText": "Switching Protocols",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": header_list(response_headers),
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": 0,
        },
        "cache": {},
        "timings": {"send": 0, "wait": wait, "receive": 0},
        "_resourceType": "websocket",
        "_webSocketMessages": messages_in_time_order(sent, received, marked, client_view),
    }
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": {"name": "RobotWebSocket", "version": creator_version},
            "pages": [],
            "entries": [entry],
        }
    }
