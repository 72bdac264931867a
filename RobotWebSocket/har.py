"""A connection's conversation as a HAR 1.2 document (HTTP Archive), as browsers save it.

Pure: no asyncio, no Robot. One entry holds the upgrade request and its ``101`` response,
with Chrome's ``_webSocketMessages`` extension: every message sent and received, in time
order, ``type`` ``send`` or ``receive``, ``time`` in epoch seconds, ``opcode`` 1 (text) or
2 (binary) and ``data``, binary data as base64. Credential headers keep their names and
read ``***``; credential query parameters of the URL are masked too.
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


def websocket_message(direction: str, message: Message) -> dict[str, Any]:
    """One entry of ``_webSocketMessages``: ``direction`` is ``send`` or ``receive``."""
    data = message.data
    if isinstance(data, bytes):
        return {
            "type": direction,
            "time": message.time,
            "opcode": 2,
            "data": base64.b64encode(data).decode("ascii"),
        }
    return {"type": direction, "time": message.time, "opcode": 1, "data": data}


def messages_in_time_order(
    sent: Iterable[Message], received: Iterable[Message]
) -> list[dict[str, Any]]:
    """Sent and received messages merged by time; at equal times, in the order given
    (sent first), since a reply cannot come before what it answers."""
    tagged = [("send", m) for m in sent] + [("receive", m) for m in received]
    tagged.sort(key=lambda pair: pair[1].time)
    return [websocket_message(direction, message) for direction, message in tagged]


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
) -> dict[str, Any]:
    """The HAR document of one WebSocket conversation.

    ``started`` is the upgrade request's epoch time, ``connect_time`` how long the upgrade
    took in seconds.
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
        "_webSocketMessages": messages_in_time_order(sent, received),
    }
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": {"name": "RobotWebSocket", "version": creator_version},
            "pages": [],
            "entries": [entry],
        }
    }
