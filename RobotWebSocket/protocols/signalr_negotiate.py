"""SignalR's negotiate step, as pure functions: the request's URL and the response read.

``POST <hub>/negotiate?negotiateVersion=1`` (TransportProtocols.md in dotnet/aspnetcore)
answers a ``connectionToken`` to put in the WebSocket URL as ``id``, or a redirect (``url``
and ``accessToken``, as Azure SignalR answers) to negotiate again, or an ``error``. The HTTP
request itself is the connection layer's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .base import ProtocolError

_WS = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}


def negotiate_url(url: str) -> str:
    """The negotiate request's URL for the hub at ``url``:
    ``POST <hub>/negotiate?negotiateVersion=1``, keeping the hub URL's query."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ProtocolError(f"SignalR negotiates over http:// or https://, not {parts.scheme}://")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "id"]
    query.append(("negotiateVersion", "1"))
    path = parts.path.rstrip("/") + "/negotiate"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def negotiate_path(url: str) -> str:
    """The negotiate request's target (path and query), for an HTTP request line."""
    parts = urlsplit(negotiate_url(url))
    return f"{parts.path}?{parts.query}"


@dataclass(frozen=True)
class Negotiated:
    """What a negotiate response says: connect (``connection_token``) or negotiate again at
    ``redirect`` with ``access_token`` as the bearer token (Azure SignalR)."""

    connection_token: str | None = None
    connection_id: str | None = None
    negotiate_version: int = 0
    redirect: str | None = None
    access_token: str | None = None
    transports: list[str] = field(default_factory=list)


def parse_negotiate(body: bytes | str) -> Negotiated:
    """Read a negotiate response body. :class:`ProtocolError` with the server's ``error``,
    for a body that is not one, or when the server does not offer WebSockets."""
    try:
        response = json.loads(body)
    except ValueError as error:
        raise ProtocolError(f"the negotiate response is not JSON: {error}") from None
    if not isinstance(response, dict):
        raise ProtocolError("the negotiate response is not a JSON object")
    if response.get("error") is not None:
        raise ProtocolError(f"the server refused to negotiate: {response['error']}")
    if isinstance(response.get("url"), str):
        token = response.get("accessToken")
        return Negotiated(redirect=response["url"], access_token=token)
    version = response.get("negotiateVersion", 0)
    token = response.get("connectionToken") if version else response.get("connectionId")
    if not isinstance(token, str):
        key = "connectionToken" if version else "connectionId"
        raise ProtocolError(f"the negotiate response has no {key}")
    transports = [
        t.get("transport") for t in response.get("availableTransports") or [] if isinstance(t, dict)
    ]
    if transports and "WebSockets" not in transports:
        raise ProtocolError(
            f"the server does not offer the WebSockets transport, only {', '.join(map(str, transports))}"
        )
    return Negotiated(
        connection_token=token,
        connection_id=response.get("connectionId"),
        negotiate_version=version,
        transports=[str(t) for t in transports],
    )


def websocket_url(url: str, negotiated: Negotiated | None = None) -> str:
    """The WebSocket URL of the hub at ``url`` (http, https, ws or wss), with the negotiated
    connection token as ``id``."""
    parts = urlsplit(url)
    if parts.scheme not in _WS:
        raise ProtocolError(f"a SignalR hub URL is http(s):// or ws(s)://, not {parts.scheme}://")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "id"]
    if negotiated is not None and negotiated.connection_token:
        query.append(("id", negotiated.connection_token))
    return urlunsplit((_WS[parts.scheme], parts.netloc, parts.path, urlencode(query), ""))
