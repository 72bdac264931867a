"""Start Mock Server, Wait For Client, Stop Mock Server; and what the other keywords do on a
mock server's name and its clients."""

from __future__ import annotations

import asyncio
import http
import re
import ssl
from datetime import timedelta
from typing import Any

from robot.running.context import EXECUTION_CONTEXTS

from .._client import Connection
from .._server import MockServer, is_mock_client, request_headers
from ..arguments import (
    check_close_code,
    check_close_reason,
    check_path,
    check_port,
    check_subprotocols,
    optional_positive_int,
    seconds,
)
from ..deadline import Deadline
from ..errors import ConnectionFailed, InvalidArgument, WebSocketError
from ..masking import mask_headers
from ..rules import RuleSet
from .rules import RuleKeywords
from .sending import SendingKeywords

#: Longest a mock server stops for when its suite ends or at `Disconnect All`.
STOP_LIMIT = 5.0


def _with_note(keyword: Any, note: str) -> str:
    """The documentation of ``keyword`` with a paragraph about mock servers before its
    example, indented as the example is (docstrings are dedented from Python 3.13 on)."""
    doc = keyword.__doc__ or ""
    match = re.search(r"^([ \t]*)Example:", doc, re.M)
    if match is None:
        return doc + "\n\n" + note
    indent = match.group(1)
    return doc[: match.start()] + indent + note + "\n\n" + doc[match.start() :]


class MockKeywords(RuleKeywords):
    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        #: Mock servers by alias, the stopped ones too, until the alias is started again.
        self._servers: dict[str, MockServer] = {}

    def start_mock_server(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        alias: str = "mock",
        subprotocols: list[str] | str | None = None,
        certfile: str | None = None,
        keyfile: str | None = None,
        reject: int | None = None,
        max_size: int | None = 1048576,
    ) -> str:
        """Starts a WebSocket server inside the test and returns its URL.

        Each client that connects becomes a connection named ``<alias>#<n>``, numbered
        from 1 in connection order (again from 1 when the server is started again); get
        the names with `Wait For Client`. Every keyword works on a client's connection:
        `Send` sends to that client, `Receive` and the other receiving keywords read what
        it sent, `Disconnect` closes it, `Get Connection Info` adds its ``path``,
        ``request_headers`` and ``subprotocol``. `Send` to ``alias`` itself sends to every
        open client, and rules set on ``alias`` (`Reply To Messages`, `Ignore Messages`,
        `Start Heartbeat`) apply to every client, present and future.

        | =Argument= | =Meaning= |
        | ``port`` | TCP port; ``0`` picks a free one. |
        | ``host`` | Address to listen on. |
        | ``alias`` | The server's name; its clients are ``<alias>#1``, ``<alias>#2``... |
        | ``subprotocols`` | Subprotocols the server accepts, in order of preference. A client offering none of them is accepted without one. |
        | ``certfile``, ``keyfile`` | Certificate chain and private key (PEM) to serve ``wss://``. |
        | ``reject`` | An HTTP status (``401``, ``403``...) that refuses every upgrade. |
        | ``max_size`` | Largest incoming message in bytes; a larger one closes that client with 1009. |

        The server is stopped when the suite that started it ends, and by
        `Disconnect All` and `Stop Mock Server`.

        Example:
        | ${url}= | `Start Mock Server` | | |
        | `Start Mock Server` | alias=shop | subprotocols=${{["chat.v2", "chat.v1"]}} | |
        | `Start Mock Server` | certfile=${CERT} | keyfile=${KEY} | |
        | `Start Mock Server` | alias=locked | reject=401 | |
        """
        name = str(alias or "")
        if not name:
            raise InvalidArgument("Argument 'alias' must not be empty.")
        running = self._servers.get(name)
        if running is not None and running.stopped and not running.finished:
            # An interrupted stop: finish it before the alias is used again.
            self._stop_servers([running], 1001, "", STOP_LIMIT)
        if running is not None and not running.stopped:
            raise InvalidArgument(
                f"Mock server '{name}' is already running at {running.url}. "
                "Stop it first, or give another 'alias'."
            )
        status = None if reject in (None, "") else self._reject_status(reject)
        context = self._server_ssl(certfile, keyfile)
        size_limit = optional_positive_int(max_size, "max_size")
        listen_port = check_port(port)
        if not isinstance(host, str) or not host or len(host) > 253:
            raise InvalidArgument(
                f"Argument 'host' must be a host name or address, got {host!r:.80}."
            )
        suite = EXECUTION_CONTEXTS.current
        server = MockServer(
            name,
            ruleset_for=lambda n: self._rules.setdefault(n, RuleSet()),
            buffer_size=self._buffer_size,
            buffer_bytes=self._buffer_bytes,
            subprotocols=check_subprotocols(subprotocols),
            reject=status,
            ssl_context=context,
            max_size=size_limit,
            close_timeout=self._timeout,
            owner=suite.suite.id if suite is not None else None,
        )
        try:
            url = self._loop.run(server.start(host, listen_port))
        except (OSError, UnicodeError) as error:
            raise ConnectionFailed(
                f"Cannot start mock server '{name}' on {host}:{port}: "
                f"{getattr(error, 'strerror', None) or error}."
            ) from error
        self._servers[name] = server
        self._log(
            f"Mock server '{name}' listening at {url}"
            + (f", subprotocols {', '.join(server.subprotocols)}" if server.subprotocols else "")
            + (f", rejecting every upgrade with HTTP {status}" if status else "")
            + "."
        )
        return url

    @staticmethod
    def _reject_status(reject: Any) -> int:
        try:
            status = http.HTTPStatus(int(reject))
        except (TypeError, ValueError, OverflowError) as error:
            raise InvalidArgument(
                f"Argument 'reject' must be an HTTP status such as 401, got {reject!r}."
            ) from error
        if status < 200 or status == http.HTTPStatus.SWITCHING_PROTOCOLS:
            raise InvalidArgument(
                f"Argument 'reject' must be a status that refuses the upgrade, got {reject!r}."
            )
        return int(status)

    @staticmethod
    def _server_ssl(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
        if not certfile:
            if keyfile:
                raise InvalidArgument("Argument 'keyfile' needs 'certfile'.")
            return None
        certfile = check_path(certfile, "certfile")
        keyfile = None if not keyfile else check_path(keyfile, "keyfile")
        try:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile or None)
        except (OSError, ssl.SSLError) as error:
            raise InvalidArgument(f"Cannot load the TLS files: {error}.") from error
        return context

    def wait_for_client(self, server: str = "mock", timeout: timedelta | None = None) -> str:
        """Waits for the next client of mock server ``server`` not yet returned, and returns
        its connection name (``mock#1``, then ``mock#2``...).

        A client counts once its upgrade is accepted. Clients are returned one at a time,
        in connection order, each once; a client that connected before this keyword is
        returned at once. Fails with ``timed out`` when none connects within ``timeout``.

        | =Argument= | =Meaning= |
        | ``server`` | The mock server's alias. |
        | ``timeout`` | How long to wait. Default: the library's ``timeout``. |

        Example:
        | ${url}= | `Start Mock Server` | |
        | ${client}= | `Wait For Client` | timeout=10s |
        | `Receive` | ${client} | $.type | == | hello |
        """
        mock = self._mock(server)
        deadline = Deadline(self._timeout_or_default(seconds(timeout, "timeout")))
        with mock.condition:
            while mock.returned >= len(mock.clients):
                if mock.stopped:
                    raise WebSocketError(f"Mock server '{mock.alias}' is stopped.")
                if deadline.expired():
                    raise WebSocketError(
                        f"No new client connected to mock server '{mock.alias}' ({mock.url}) "
                        f"within {deadline.timeout:g} s (timed out)"
                        + (
                            f"; {mock.rejected} upgrade(s) were rejected with HTTP {mock.reject}"
                            if mock.rejected
                            else ""
                        )
                        + "."
                    )
                mock.condition.wait(deadline.slice())
            conn = mock.clients[mock.returned]
            mock.returned += 1
        self._adopt_clients()
        info = self._client_info(conn)
        self._log(
            f"Client '{conn.name}' connected to {info['path']}"
            + (f", subprotocol '{info['subprotocol']}'" if info["subprotocol"] else "")
            + f", headers {info['request_headers']}."
        )
        return conn.name

    def stop_mock_server(self, server: str = "mock", code: int = 1001, reason: str = "") -> None:
        """Stops mock server ``server``: it stops listening and closes its clients with
        ``code`` and ``reason``.

        Closing is bounded by the library's ``timeout``; a client that does not answer the
        close is dropped. The clients' connections stay readable, closed. Stopping a
        stopped server does nothing.

        | =Argument= | =Meaning= |
        | ``server`` | The mock server's alias. |
        | ``code`` | Close code sent to each client: 1001 (going away), another RFC 6455 code, or 3000-4999. |
        | ``reason`` | Close reason text. |

        Example:
        | `Stop Mock Server` | | |
        | `Stop Mock Server` | shop | code=1012 | reason=restarting |
        """
        mock = self._mock(server)
        close_code = check_close_code(code)
        reason = check_close_reason(reason)
        if mock.finished:
            self._log(f"Mock server '{mock.alias}' is already stopped.")
            return
        self._stop_servers([mock], close_code, str(reason), self._timeout)

    # -- the registry ----------------------------------------------------------------------

    def _mock(self, server: Any) -> MockServer:
        mock = self._servers.get(server) if isinstance(server, str) else None
        if mock is None:
            names = ", ".join(f"'{name}'" for name in self._servers) or "none"
            raise InvalidArgument(f"No mock server named '{server}'. Mock servers: {names}.")
        return mock

    def _adopt_clients(self) -> None:
        """Register the clients that connected since the last call. The loop only appends
        to a server's list; the registry is changed here, on Robot's thread."""
        for mock in list(self._servers.values()):
            with mock.condition:
                new = mock.clients[mock.adopted :]
                mock.adopted = len(mock.clients)
            for conn in new:
                self._connections[conn.name] = conn

    def _get(self, name: Any) -> Connection:
        self._adopt_clients()
        return super()._get(name)

    def _using(self, ruleset: RuleSet) -> list[Connection]:
        self._adopt_clients()
        return super()._using(ruleset)

    def _stop_servers(
        self, servers: list[MockServer], code: int, reason: str, limit: float
    ) -> None:
        servers = [s for s in servers if not s.finished]
        if not servers or not self._loop.running:
            return
        self._adopt_clients()
        self._loop.run(_stop_all(servers, code, reason, limit))
        for mock in servers:
            self._log(
                f"Stopped mock server '{mock.alias}' ({mock.url}); "
                f"{len(mock.clients)} client(s) closed with code {code}"
                + (f" ({reason})" if reason else "")
                + "."
            )

    # -- other keywords on mock servers and their clients -----------------------------------

    def send(
        self,
        connection: str,
        message: Any,
        binary: bool = False,
        headers: dict[str, Any] | None = None,
        timeout: timedelta | None = None,
        raw: bool = False,
    ) -> None:
        mock = self._servers.get(connection) if isinstance(connection, str) else None
        if mock is None:
            super().send(connection, message, binary, headers, timeout, raw)
            return
        self._adopt_clients()
        with mock.condition:
            clients = [c for c in mock.clients if c.is_open]
        limit = seconds(timeout, "timeout")
        value = self._plain(message)
        for conn in clients:
            if conn.is_open:  # It may have closed while the others were sent to.
                self._send_payload(conn, self._frames(conn, value, binary, raw), limit)
        self._log(f"Sent to {len(clients)} client(s) of mock server '{mock.alias}'.")

    send.__doc__ = _with_note(
        SendingKeywords.send,
        "`Send` to a mock server's name sends ``message`` to each of its open clients "
        "(see `Start Mock Server`).",
    )

    def _connection_for_send(self, connection: str, headers: dict[str, Any] | None) -> Connection:
        self._adopt_clients()
        conn = self._connections.get(connection) if isinstance(connection, str) else None
        if conn is not None and is_mock_client(conn) and not conn.is_open:
            # A mock server's client cannot be reopened from this side.
            raise self._closed_error(conn, "send on")
        return super()._connection_for_send(connection, headers)

    def get_connection_info(self, connection: str) -> dict[str, Any]:
        info = super().get_connection_info(connection)
        conn = self._get(connection)
        if is_mock_client(conn):
            info.update(self._client_info(conn))
        return info

    get_connection_info.__doc__ = _with_note(
        SendingKeywords.get_connection_info,
        "A mock server's client also has ``path`` (the request path with its query "
        "string), ``request_headers`` (credential values masked) and the ``subprotocol`` "
        "the server selected.",
    )

    @staticmethod
    def _client_info(conn: Connection) -> dict[str, Any]:
        ws = conn.ws
        request = getattr(ws, "request", None)
        return {
            "path": request.path if request is not None else None,
            "request_headers": mask_headers(dict(request_headers(conn))),
            "subprotocol": ws.subprotocol if ws is not None else None,
        }

    # -- lifetime ----------------------------------------------------------------------------

    def disconnect_all(self, timeout: timedelta | None = None) -> None:
        limit = self._timeout_or_default(seconds(timeout, "timeout"))
        self._stop_servers(list(self._servers.values()), 1001, "", min(limit, STOP_LIMIT))
        super().disconnect_all(timeout)

    disconnect_all.__doc__ = _with_note(
        SendingKeywords.disconnect_all,
        "Also stops every mock server, closing its clients with 1001.",
    )

    def _close_owned_by(self, suite_id: str) -> None:
        owned = [
            s
            for s in self._servers.values()
            if s.owner is not None and (s.owner == suite_id or s.owner.startswith(suite_id + "-"))
        ]
        self._stop_servers(owned, 1001, "", min(self._timeout, STOP_LIMIT))
        super()._close_owned_by(suite_id)

    async def _close_all_async(self) -> None:
        await _stop_all(list(self._servers.values()), 1001, "", 2.0)
        await super()._close_all_async()


async def _stop_all(servers: list[MockServer], code: int, reason: str, limit: float) -> None:
    await asyncio.gather(
        *(s.stop(code, reason, limit) for s in servers if not s.finished), return_exceptions=True
    )
