"""Mock servers on the loop thread: each client that completes the upgrade becomes a
:class:`~RobotWebSocket._client.Connection` named ``<alias>#<n>``.

The server is websockets' own (``serve``); its connections mix in :class:`._wire.DirectPaths`,
so a client's messages go through :meth:`Connection.deliver` (rules, then the history)
exactly as a library client's do. With a protocol, each client's connection drives the
protocol codec's server role (``codec_class(name)(init, server=True)``) as a library
client drives its client role; the codec class answers the upgrade hooks (refusals, the
subprotocol, plain HTTP requests such as SignalR's negotiate). Nothing here knows a
protocol. Keyword threads never touch the server: they read
``clients`` under ``condition``, which the loop notifies as each client arrives, and hand
starting and stopping over to the loop. Nothing here logs.
"""

from __future__ import annotations

import asyncio
import http
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from ._client import Connection
from ._mock_replay import ReplayingConnection
from ._wire import WIRE_LOGGER, DirectPaths
from .history import BUFFER_BYTES, History
from .masking import mask_url
from .protocols import Codec
from .rules import RuleSet


class _ServerSide(DirectPaths, ServerConnection):
    """websockets' asyncio server connection, wired to one :class:`Connection`."""

    def __init__(self, *args: Any, owner: Connection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rws_setup(owner)
        self.rws_started = time.perf_counter()
        #: When the client's upgrade request came (epoch seconds), for conversation files.
        self.rws_opened_at = time.time()


def is_mock_client(connection: Connection) -> bool:
    """Whether ``connection`` is a mock server's client (and not a library client)."""
    return isinstance(connection.ws, _ServerSide)


def request_headers(connection: Connection) -> list[tuple[str, str]]:
    """The headers of the upgrade request: those the client sent to a mock server, or those
    a library client sent."""
    request = getattr(connection.ws, "request", None)
    headers: Headers | None = getattr(request, "headers", None)
    return list(headers.raw_items()) if headers is not None else []


#: Connections the kernel queues for a server before it accepts them (asyncio's default is
#: 100): past it, a client's connection attempt is dropped and retried a second later, so a
#: burst of clients opening at once took over a second more (docs/performance.md).
BACKLOG = 1024


async def listen(
    handler: Callable[[ServerConnection], Awaitable[None]],
    host: str,
    port: int,
    *,
    create: Callable[..., ServerConnection],
    process_request: Callable[..., Any],
    process_response: Callable[..., Any],
    select_subprotocol: Callable[..., Any],
    ssl_context: ssl.SSLContext | None,
    **options: Any,
) -> tuple[Server, str]:
    """Serve on ``host``:``port`` with websockets' ``serve``, its connections made by
    ``create`` and its upgrade answered by the hooks, logging to the wire logger; the
    server, and its URL: ``ws://`` or ``wss://``, the bound address (an IPv6 one in
    brackets) and port. A mock server and a proxy both listen so."""
    server = await serve(
        handler,
        host,
        port,
        create_connection=create,  # type: ignore[arg-type]
        process_request=process_request,
        process_response=process_response,
        select_subprotocol=select_subprotocol,
        ssl=ssl_context,
        logger=WIRE_LOGGER,
        backlog=BACKLOG,
        **options,
    )
    bound = server.sockets[0].getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    scheme = "wss" if ssl_context is not None else "ws"
    return server, f"{scheme}://{shown}:{bound[1]}"


class ClientGroup:
    """What a mock server and a proxy share: ``clients`` grows on the loop, in connection
    order, and keyword threads read it holding ``condition``; the oldest closed clients
    are forgotten past :attr:`closed_kept`."""

    def __init__(self) -> None:
        self.condition = threading.Condition(threading.Lock())
        self.clients: list[Connection] = []
        #: How many clients `Wait For Client` has returned, and how many are registered.
        self.returned = 0
        self.adopted = 0
        #: Closed clients forgotten past ``closed_kept``.
        self.forgotten = 0

    #: Closed clients a server keeps (their names, histories and conversations); past it the
    #: oldest closed ones that `Wait For Client` already returned are forgotten.
    closed_kept = 1000

    def forget_closed(self) -> list[Connection]:
        """Forget the oldest closed clients past :attr:`closed_kept` (Robot's thread); the
        clients forgotten, for the registry to forget their names."""
        with self.condition:
            if len(self.clients) <= self.closed_kept:
                return []
            seen = min(self.returned, self.adopted)
            closed = [c for c in self.clients[:seen] if self._closed(c)]
            excess = len(closed) - self.closed_kept
            if excess <= 0:
                return []
            gone = closed[:excess]
            dropped = {id(c) for c in gone}
            self.clients = [c for c in self.clients if id(c) not in dropped]
            self.returned -= excess
            self.adopted -= excess
            self.forgotten += excess
        return gone

    def _closed(self, client: Connection) -> bool:
        """Whether ``client`` is closed for good (its history will not grow)."""
        return client.history.closed


class MockServer(ClientGroup):
    """One mock server. ``clients`` grows on the loop, in connection order; keyword threads
    read it holding ``condition``."""

    def __init__(
        self,
        alias: str,
        *,
        ruleset_for: Callable[[str], RuleSet],
        buffer_size: int,
        buffer_bytes: int = BUFFER_BYTES,
        subprotocols: Sequence[str] | None = None,
        reject: int | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_size: int | None = 1048576,
        close_timeout: float = 5.0,
        owner: str | None = None,
        codec_class: type[Codec] | None = None,
        init: Any = None,
        replay: Any = None,
        replay_fast: bool = False,
        binary: Any = None,
        codec_options: dict[str, Any] | None = None,
        on_client: Callable[[Connection], None] | None = None,
    ) -> None:
        self.alias = alias
        #: A recording (:class:`.replay.Recording`) each client is served, and whether
        #: without its gaps.
        self.replay = replay
        self.replay_fast = replay_fast
        self.ruleset_for = ruleset_for
        self.ruleset = ruleset_for(alias)
        self.buffer_size = buffer_size
        self.buffer_bytes = buffer_bytes
        self.subprotocols = list(subprotocols or [])
        self.reject = reject
        self.ssl_context = ssl_context
        self.max_size = max_size
        self.close_timeout = close_timeout
        #: The binary format its clients' binary frames are decoded with (formats hold no
        #: per-connection state, so the clients share it).
        self.binary = binary
        #: The suite that started the server; it is stopped when that suite ends.
        self.owner = owner
        #: The protocol every client speaks (its codec class), and the server's ``init``.
        self.codec_class = codec_class
        self.init = init
        #: The server codec's keyword arguments (Socket.IO's msgpack parser).
        self.codec_options = codec_options or {}
        #: Where the upgrade hooks are: the server role's class (which inherits them).
        self._role = None if codec_class is None else codec_class.server_class or codec_class
        #: Called on the loop as each client is named (the AsyncAPI contract is taken on).
        self.on_client = on_client
        self.url = ""
        super().__init__()
        self.rejected = 0
        #: The HTTP status of the last upgrade refused (``reject``, or the protocol's).
        self.refused_status: int | None = None
        self.stopped = False
        #: Whether a stop ran to its end (the socket closed, every client gone).
        self.finished = False
        self._numbered = 0
        self._server: Server | None = None

    # -- on the loop ---------------------------------------------------------------------------

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
            max_size=self.max_size,
            close_timeout=self.close_timeout,
        )
        return self.url

    def _create(self, *args: Any, **kwargs: Any) -> _ServerSide:
        # The connection exists before the upgrade (it receives the request), so its owner
        # does too; it is named, and counted, only once the upgrade is accepted.
        cls = self.codec_class
        history = History(self.buffer_size, self.buffer_bytes)
        options = self.codec_options
        codec = (
            None if cls is None else cls(self.init, max_size=self.max_size, server=True, **options)
        )
        kind = Connection if self.replay is None else ReplayingConnection
        owner = kind(
            name="", url="", alias=None, history=history, display_url="", codec=codec,
            binary=self.binary,
        )  # fmt: skip
        if self.replay is not None:
            owner.recording, owner.fast = self.replay, self.replay_fast  # type: ignore[attr-defined]
        return _ServerSide(*args, owner=owner, **kwargs)

    def _process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        if self.reject is not None:
            self.rejected += 1
            self.refused_status = self.reject
            status = http.HTTPStatus(self.reject)
            return ws.respond(status, f"{status.phrase}\n")
        cls = self._role
        if cls is None:
            return None
        # websockets 16 and newer hand over requests of any method; 15 reads GET only.
        method = getattr(request, "method", "GET")
        if method != "GET":
            answer = cls.answer_request(method, request.path, request.headers)
            if answer is None:
                return None
            response = ws.respond(answer[0], answer[2])
            del response.headers["Content-Type"]
            response.headers["Content-Type"] = answer[1]
            return response
        refusal = cls.refuse_request(request.path, request.headers)
        if refusal is None:
            return None
        self.rejected += 1
        self.refused_status = refusal[0]
        return ws.respond(*refusal)

    def _select_subprotocol(
        self, ws: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        # The server's preference wins; a client offering none of them is still accepted.
        for subprotocol in self.subprotocols:
            if subprotocol in offered:
                return Subprotocol(subprotocol)
        if self._role is not None and not self.subprotocols:
            selected = self._role.select_subprotocol(offered)
            return None if selected is None else Subprotocol(selected)
        return None

    def _process_response(self, ws: ServerConnection, request: Request, response: Response) -> None:
        # Named here, before the 101 is written, so that rules apply from the client's
        # first message, which may be parsed before the connection handler runs.
        if response.status_code != http.HTTPStatus.SWITCHING_PROTOCOLS:
            return
        if self._server is None or not self._server.is_serving():
            return
        conn: Connection = ws.rws_owner  # type: ignore[attr-defined]
        self._numbered += 1
        name = f"{self.alias}#{self._numbered}"
        conn.name = conn.alias = name
        conn.url = self.url + request.path
        conn.display_url = mask_url(conn.url)
        conn.owner = self.owner
        conn.rulesets = [self.ruleset_for(name), self.ruleset]
        if self.on_client is not None:
            self.on_client(conn)

    async def _handle(self, ws: ServerConnection) -> None:
        conn: Connection = ws.rws_owner  # type: ignore[attr-defined]
        if not conn.name:  # Upgraded while the server was stopping.
            return
        conn._adopt(ws, ws.rws_started)  # type: ignore[attr-defined]
        conn.start_heartbeats()
        if isinstance(conn, ReplayingConnection):
            conn.start_replay()
        with self.condition:
            self.clients.append(conn)
            self.condition.notify_all()
        await ws.wait_closed()

    async def stop(self, code: int, reason: str, timeout: float) -> None:
        """Stop listening and close the clients with ``code`` and ``reason``, all within
        ``timeout`` (plus 1 s); clients that do not answer the close are dropped.

        Safe to interrupt and to repeat: ``stopped`` means no new client is taken, and
        ``finished`` that the socket is closed and every client is gone. A stop that was
        cancelled (a Robot timeout during `Stop Mock Server`) leaves ``finished`` false, so
        the next stop, or the end of the suite, does the rest."""
        with self.condition:
            self.stopped = True
            clients = list(self.clients)
            self.condition.notify_all()
        for conn in clients:
            conn.closed_by_us = True
            conn._stop_timers()
        server = self._server
        if server is None or self.finished:
            return
        # Listening stops first (asyncio's server), so that no client arrives while the
        # others are closed.
        server.server.close()
        # The clients are closed here, with our code: websockets 15's Server.close() takes
        # no code and always sends 1001.
        open_ones = list(server.connections)
        for ws in open_ones:
            ws.close_timeout = timeout
        try:
            await asyncio.wait_for(
                asyncio.gather(*(ws.close(code, reason) for ws in open_ones)), timeout + 1
            )
        except asyncio.TimeoutError:
            for ws in open_ones:
                ws.transport.abort()
        finally:
            # Also when the stop is cancelled: nobody waits for these clients any more.
            for ws in open_ones:
                if ws.transport is not None and not ws.transport.is_closing():
                    ws.transport.abort()
        server.close()
        try:
            await asyncio.wait_for(server.wait_closed(), 1)
        except asyncio.TimeoutError:
            for ws in server.connections:
                ws.transport.abort()
        for conn in clients:
            conn.history.close()
        self.finished = True
