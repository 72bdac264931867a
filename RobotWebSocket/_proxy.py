"""Proxies on the loop thread: websockets' server for the clients, and for each client a
websockets client connection to the upstream server, joined by a :class:`._proxy_pair.Pair`.

The upstream connection is opened while the client's upgrade request waits
(``process_request``), so that a refusal is passed on with the server's own status, an
unreachable server gives 502, and the client is given the subprotocol the server chose.
Keyword threads never touch the proxy: they read ``clients`` under ``condition``, as for a
mock server, and hand starting, pausing and stopping to the loop. Nothing here logs.
"""

from __future__ import annotations

import asyncio
import http
import ssl
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from websockets.asyncio.client import connect
from websockets.asyncio.server import Server, ServerConnection
from websockets.exceptions import InvalidStatus
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from ._client import Connection
from ._proxy_pair import ClientFacing, Pair, ProxySide, ServerFacing
from ._server import ClientGroup, listen
from ._wire import WIRE_LOGGER
from .history import BUFFER_BYTES, History
from .masking import mask_url
from .rules import RuleSet

#: Request headers that belong to one hop's upgrade, never forwarded: websockets writes
#: its own (``Sec-WebSocket-Protocol`` is forwarded as the offered subprotocols).
HOP_HEADERS = frozenset(
    {
        "host",
        "connection",
        "upgrade",
        "sec-websocket-key",
        "sec-websocket-version",
        "sec-websocket-extensions",
        "sec-websocket-protocol",
        "sec-websocket-accept",
        "content-length",
        "transfer-encoding",
        "keep-alive",
        "te",
        "trailer",
        "proxy-connection",
    }
)


def upstream_url(upstream: str, path: str) -> str:
    """``upstream`` + the client's path and query: paths joined, queries both kept."""
    base, client = urlsplit(upstream), urlsplit(path)
    if client.path in ("", "/"):
        joined = base.path or "/"
    else:
        joined = base.path.rstrip("/") + "/" + client.path.lstrip("/")
    query = "&".join(q for q in (base.query, client.query) if q)
    return urlunsplit((base.scheme, base.netloc, joined, query, ""))


def offered_subprotocols(request: Request) -> list[str]:
    return [
        p.strip()
        for value in request.headers.get_all("Sec-WebSocket-Protocol")
        for p in value.split(",")
        if p.strip()
    ]


class Proxy(ClientGroup):
    """One proxy. ``clients`` (the clients' sides, ``<alias>#<n>``) grows on the loop, in
    connection order; keyword threads read it holding ``condition``, and its oldest closed
    clients are forgotten past ``closed_kept``, as a mock server's."""

    def __init__(
        self,
        alias: str,
        upstream: str,
        *,
        ruleset_for: Callable[[str], RuleSet],
        buffer_size: int,
        buffer_bytes: int = BUFFER_BYTES,
        ssl_context: ssl.SSLContext | None = None,
        verify: bool = True,
        open_timeout: float = 10.0,
        close_timeout: float = 5.0,
        owner: str | None = None,
    ) -> None:
        self.alias = alias
        self.upstream = upstream
        self.ruleset_for = ruleset_for
        self.ruleset = ruleset_for(alias)
        self.buffer_size, self.buffer_bytes = buffer_size, buffer_bytes
        self.ssl_context = ssl_context
        self.upstream_ssl: ssl.SSLContext | None = None
        if upstream.startswith("wss://"):
            self.upstream_ssl = ssl.create_default_context()
            if not verify:
                self.upstream_ssl.check_hostname = False
                self.upstream_ssl.verify_mode = ssl.CERT_NONE
        self.open_timeout = open_timeout
        self.close_timeout = close_timeout
        self.owner = owner
        self.url = ""
        super().__init__()
        self.pairs: list[Pair] = []
        self.rejected = 0
        #: The status of the last refusal passed on to a client, and why.
        self.refused_status: int | None = None
        self.refusals: list[str] = []
        self.stopped = self.finished = False
        self._numbered = 0
        self._server: Server | None = None

    def _side(self, upstream: bool) -> ProxySide:
        history = History(self.buffer_size, self.buffer_bytes)
        side = ProxySide(name="", url="", alias=None, history=history, display_url="")
        side.upstream = upstream
        if not upstream:
            side.early = None  # A client sends nothing before its upgrade is answered.
        return side

    async def start(self, host: str, port: int) -> str:
        self._server, self.url = await listen(
            self._handle,
            host,
            port,
            create=self._create,
            process_request=self._process_request,
            process_response=self._process_response,
            select_subprotocol=self._select_subprotocol,
            ssl_context=self.ssl_context,
            max_size=None,
            ping_interval=None,
            close_timeout=self.close_timeout,
        )
        return self.url

    def _create(self, *args: Any, **kwargs: Any) -> ClientFacing:
        return ClientFacing(*args, owner=self._side(upstream=False), **kwargs)

    async def _process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        client: ProxySide = ws.rws_owner  # type: ignore[attr-defined]
        target = upstream_url(self.upstream, request.path)
        headers = [(k, v) for k, v in request.headers.raw_items() if k.lower() not in HOP_HEADERS]
        upstream = self._side(upstream=True)
        upstream.url = target
        upstream.display_url = mask_url(target)
        pair = Pair(client, upstream)

        def create(*args: Any, **kwargs: Any) -> ServerFacing:
            return ServerFacing(*args, owner=upstream, **kwargs)

        options: dict[str, Any] = {"ssl": self.upstream_ssl} if self.upstream_ssl else {}
        subprotocols = [Subprotocol(p) for p in offered_subprotocols(request)]
        try:
            server_ws = await asyncio.wait_for(
                connect(
                    target,
                    create_connection=create,  # type: ignore[arg-type]
                    additional_headers=headers,
                    user_agent_header=None,
                    subprotocols=subprotocols or None,
                    max_size=None,
                    ping_interval=None,
                    close_timeout=self.close_timeout,
                    logger=WIRE_LOGGER,
                    **options,
                ),
                self.open_timeout,
            )
        except InvalidStatus as error:
            status = error.response.status_code
            body = bytes(error.response.body or b"").decode("utf-8", "replace")
            return self._refuse(ws, status, body or f"{http.HTTPStatus(status).phrase}\n")
        except Exception as error:  # noqa: BLE001 - whatever stops it is "unreachable"
            why = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            return self._refuse(ws, 502, f"Bad Gateway: cannot reach {target} ({why})\n")
        upstream._adopt(server_ws, ws.rws_started)  # type: ignore[attr-defined]
        with self.condition:
            self.pairs.append(pair)
        return None

    def _refuse(self, ws: ServerConnection, status: int, text: str) -> Response:
        self.rejected += 1
        self.refused_status = status
        self.refusals.append(f"HTTP {status}: {text.strip()[:200]}")
        try:
            phrase: Any = http.HTTPStatus(status)
        except ValueError:
            phrase = http.HTTPStatus.BAD_GATEWAY
        response = ws.respond(phrase, text)
        response.status_code = status
        return response

    def _select_subprotocol(
        self, ws: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        # The client gets what the server chose.
        chosen = ws.rws_owner.pair.upstream.ws.subprotocol  # type: ignore[attr-defined]
        return chosen if chosen in offered else None

    def _process_response(self, ws: ServerConnection, request: Request, response: Response) -> None:
        if response.status_code != http.HTTPStatus.SWITCHING_PROTOCOLS:
            return
        client: ProxySide = ws.rws_owner  # type: ignore[attr-defined]
        if self._server is None or not self._server.is_serving():
            return
        self._numbered += 1
        name = f"{self.alias}#{self._numbered}"
        upstream = client.pair.upstream
        client.url = self.url + request.path
        client.display_url = mask_url(client.url)
        for side, side_name in ((client, name), (upstream, f"{name}.upstream")):
            side.owner = self.owner
            side.rulesets = [self.ruleset_for(side_name), self.ruleset]
            side.name_it(side_name)

    async def _handle(self, ws: ServerConnection) -> None:
        client: ProxySide = ws.rws_owner  # type: ignore[attr-defined]
        pair: Pair = client.pair
        if not client.name or self.stopped:  # Upgraded while the proxy was stopping.
            await pair.close(1001, "", self.close_timeout)
            return
        client._adopt(ws, ws.rws_started)  # type: ignore[attr-defined]
        pair.start()
        with self.condition:
            self.clients.append(client)
            self.condition.notify_all()
        await ws.wait_closed()
        server_ws = pair.upstream.ws
        if server_ws is not None:
            try:
                await asyncio.wait_for(server_ws.wait_closed(), self.close_timeout + 1)
            except asyncio.TimeoutError:
                server_ws.transport.abort()

    def _closed(self, client: Connection) -> bool:
        # A pair is done with when both of its sides are closed.
        upstream = client.pair.upstream  # type: ignore[attr-defined]
        return client.history.closed and upstream.history.closed

    def forget_closed(self) -> list[Connection]:
        """Forget the oldest closed clients past :attr:`closed_kept`, with their pairs; the
        clients forgotten (their upstream sides are ``client.pair.upstream``)."""
        gone = super().forget_closed()
        if gone:
            dropped = {id(client.pair) for client in gone}  # type: ignore[attr-defined]
            with self.condition:
                self.pairs = [pair for pair in self.pairs if id(pair) not in dropped]
        return gone

    def pause(self, names: set[str] | None, which: str, paused: bool) -> int:
        """Pause or resume ``which`` direction(s) of the pairs named (all when ``None``)."""
        count = 0
        for pair in list(self.pairs):
            if names is None or pair.client.name in names:
                pair.pause(which, paused)
                count += 1
        return count

    async def stop(self, code: int, reason: str, timeout: float) -> None:
        """Stop listening; close the clients with ``code`` and ``reason`` and the servers
        with 1001, all within ``timeout`` (plus 1 s). Safe to interrupt and to repeat, as a
        mock server's stop."""
        with self.condition:
            self.stopped = True
            self.condition.notify_all()
        server = self._server
        if server is None or self.finished:
            return
        server.server.close()
        pairs = list(self.pairs)
        try:
            await asyncio.wait_for(
                asyncio.gather(*(p.close(code, reason, timeout) for p in pairs)), timeout + 1
            )
        except asyncio.TimeoutError:
            pass
        finally:
            for pair in pairs:
                for side in (pair.client, pair.upstream):
                    transport = side.ws.transport if side.ws is not None else None
                    if transport is not None and not transport.is_closing():
                        transport.abort()
        server.close()
        try:
            await asyncio.wait_for(server.wait_closed(), 1)
        except asyncio.TimeoutError:
            for ws in server.connections:
                ws.transport.abort()
        for pair in pairs:
            pair.client.history.close()
            pair.upstream.history.close()
        self.finished = True
