"""SignalR's negotiate request, on the loop: ``POST <hub>/negotiate?negotiateVersion=1``
before the WebSocket opens (TransportProtocols.md in dotnet/aspnetcore).

The request goes the way ``Connect``'s upgrade goes, with websockets' own parts: its
HTTP/1.1 response parser (``Content-Length``, chunked and read-to-close bodies, the same
size limits), its HTTP CONNECT tunnel for ``proxy``, and the connection's TLS context
(``verify``, ``ca_file``, client certificates) on an asyncio connection. No other HTTP
client is needed (docs/decisions.md). The pure parts, the negotiate URL and reading the
answer, are the codec module's (:mod:`.protocols.signalr_negotiate`).
"""

from __future__ import annotations

import asyncio
import ssl as ssl_module
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from websockets.headers import build_host
from websockets.http11 import USER_AGENT, Response

try:
    from websockets.proxy import parse_proxy
except ImportError:  # websockets 15: the same function, in websockets.uri
    from websockets.uri import parse_proxy  # type: ignore[no-redef,attr-defined]
from websockets.streams import StreamReader
from websockets.uri import parse_uri

from .protocols.signalr_negotiate import (
    Negotiated,
    negotiate_url,
    parse_negotiate,
    websocket_url,
)

__all__ = ["NegotiateFailed", "Negotiation", "negotiate"]

Headers = Sequence[tuple[str, str]]


class NegotiateFailed(Exception):
    """The negotiate request was answered with an HTTP error status, or with a body that
    is not a negotiate response; the message says which, with the server's words."""


@dataclass
class Negotiation:
    """Where to open the WebSocket, with which headers, and the access token a redirect
    gave (a credential: the caller masks it)."""

    url: str
    headers: list[tuple[str, str]]
    access_token: str | None = None


async def negotiate(
    url: str, headers: Headers, context: ssl_module.SSLContext | None, proxy: str | None
) -> Negotiation:
    """Negotiate with the hub at ``url`` (``http://`` or ``https://``) and follow one
    redirect (Azure SignalR's ``url`` and ``accessToken``): the WebSocket URL to open, with
    ``id=<connectionToken>``, and the headers for its upgrade."""
    sent = list(headers)
    answer = await _negotiate_once(url, sent, context, proxy)
    if answer.redirect is None:
        return Negotiation(websocket_url(url, answer), sent)
    target = answer.redirect
    token = answer.access_token
    if token:
        sent = [(k, v) for k, v in sent if k.lower() != "authorization"]
        sent.append(("Authorization", f"Bearer {token}"))
    again = await _negotiate_once(target, sent, context, proxy)
    if again.redirect is not None:
        raise NegotiateFailed(
            f"the negotiate request at {urlsplit(target).path} was redirected again; "
            "the library follows one redirect"
        )
    return Negotiation(websocket_url(target, again), sent, token)


async def _negotiate_once(
    url: str, headers: Headers, context: ssl_module.SSLContext | None, proxy: str | None
) -> Negotiated:
    target = negotiate_url(url)
    response = await post(target, headers, context, proxy)
    body = bytes(response.body)
    if not 200 <= response.status_code < 300:
        text = body.decode("utf-8", "replace").strip()[:200]
        raise NegotiateFailed(
            f"the negotiate request was answered with HTTP {response.status_code} "
            f"{response.reason_phrase}" + (f": {text}" if text else "")
        )
    try:
        return parse_negotiate(body)
    except ValueError as error:
        raise NegotiateFailed(str(error)) from None


async def post(
    url: str, headers: Headers, context: ssl_module.SSLContext | None, proxy: str | None
) -> Response:
    """An empty ``POST`` to ``url`` and its response, through ``proxy`` when given."""
    uri = parse_uri("ws" + url[4:])  # http -> ws, https -> wss: the same host rules.
    lines = [
        f"POST {uri.resource_name} HTTP/1.1",
        f"Host: {build_host(uri.host, uri.port, uri.secure)}",
        "Content-Length: 0",
        "Content-Type: text/plain;charset=UTF-8",
        "X-Requested-With: XMLHttpRequest",
        f"User-Agent: {USER_AGENT}",
        "Connection: close",
        *(f"{name}: {value}" for name, value in headers),
    ]
    exchange = _Exchange(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
    loop = asyncio.get_running_loop()
    if uri.secure and context is None:
        context = ssl_module.create_default_context()
    tls = context if uri.secure else None
    transport: Any
    if proxy:
        from websockets.asyncio.client import connect_http_proxy

        transport = await connect_http_proxy(parse_proxy(proxy), uri)
        transport.set_protocol(exchange)
        if tls is not None:
            transport = await loop.start_tls(transport, exchange, tls, server_hostname=uri.host)
        exchange.connection_made(transport)
    else:
        transport, _ = await loop.create_connection(
            lambda: exchange,
            uri.host,
            uri.port,
            ssl=tls,
            server_hostname=uri.host if tls is not None else None,
        )
    try:
        return await exchange.response
    finally:
        transport.close()


class _Exchange(asyncio.Protocol):
    """Writes one request and parses its response with websockets' HTTP/1.1 parser."""

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.reader = StreamReader()
        self.parser = Response.parse(
            self.reader.read_line, self.reader.read_exact, self.reader.read_to_eof
        )
        self.response: asyncio.Future[Response] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        self.reader.feed_data(data)
        self._parse()

    def eof_received(self) -> None:
        self._end()

    def connection_lost(self, exc: Exception | None) -> None:
        self._end()

    def _end(self) -> None:
        if not self.reader.eof:
            self.reader.feed_eof()
        self._parse()

    def _parse(self) -> None:
        if self.response.done():
            return
        try:
            next(self.parser)
        except StopIteration as done:
            self.response.set_result(done.value)
        except Exception as error:  # noqa: BLE001 - the caller reports it
            self.response.set_exception(error)
