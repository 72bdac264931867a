"""Start Mock Server, Wait For Client, Stop Mock Server.

A server and its clients are entries of the registry (:mod:`..registry`): the other
keywords reach them through it, as any other name.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator
from robot.api.deco import keyword

from .._client import Connection
from .._server import MockServer, request_headers
from ..arguments import (
    binary_format_for,
    check_close_code,
    check_close_reason,
    check_path,
    check_port,
    check_subprotocols,
    optional_positive_int,
    seconds,
)
from ..assertions import EVALUATING, check, describe, to_operator
from ..deadline import Deadline
from ..errors import ConnectionFailed, InvalidArgument, WebSocketError
from ..masking import is_secret, is_sensitive
from ..registry import MockServerEntry, ProxyEntry, close_entries
from ..replay import read_recording
from ..serving import reject_status, server_protocol, server_ssl
from .base import STOP_LIMIT, ContextAware
from .contracts import check_violations, load_contract, log_notes, take_contract


class MockKeywords(ContextAware):
    """Start Mock Server, Wait For Client, Stop Mock Server."""

    @keyword
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
        protocol: str | None = None,
        init: Any = None,
        replay: str | None = None,
        replay_timing: str = "recorded",
        binary_format: str | None = None,
        proto: str | None = None,
        proto_message: str | None = None,
        asyncapi: str | None = None,
        violations: str = "fail",
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
        | ``protocol`` | Do the server's side of a protocol for every client: ``socketio``, ``graphql-transport-ws``, ``graphql-ws``, ``stomp``, ``mqtt``, ``ocpp1.6``, ``ocpp2.0.1``, ``ocpp2.1`` or ``signalr``; see `Mock servers that speak a protocol`. |
        | ``init`` | What the server puts in its own side of the handshake (a dictionary, or JSON text of one): Socket.IO's open packet fields (``pingInterval``, ``pingTimeout`` in ms...), the GraphQL ``connection_ack`` payload, STOMP ``CONNECTED`` headers (``heart-beat``...), MQTT ``code`` and ``session_present`` of ``CONNACK``, SignalR ``keep_alive`` and ``timeout`` in seconds. OCPP takes none. |
        | ``replay`` | A conversation file (HAR, see `Replay Conversation`) served to every client: the messages the recording received before its first send at once, and after each message the client sends, those the recording received after the corresponding send. A client message that differs from the recorded one is a WARN and counts in `Get Connection Info`'s ``replay_mismatches``. |
        | ``replay_timing`` | ``recorded`` sends with the recorded gaps; ``fast`` without them. |
        | ``binary_format`` | ``msgpack``, ``cbor`` or ``protobuf``: the clients' binary frames are decoded into documents, and a dictionary or list given to `Send` is encoded as one binary frame; see `Binary documents`. With ``protocol=socketio``, ``msgpack`` serves clients of ``socket.io-msgpack-parser``. |
        | ``proto``, ``proto_message`` | With ``binary_format=protobuf``: the ``.proto`` file or descriptor set, and the full name of the message type. |
        | ``asyncapi`` | Path of an AsyncAPI document that describes this server: its clients' messages are checked against it, and it answers from its examples; see `Contracts`. |
        | ``violations`` | What a client's message that breaks the document does: ``fail``, ``warn`` or ``keep``, as in `Connect`. |

        With ``protocol``, the server answers each client's handshake and keep-alives
        itself, its clients' histories hold documents (Socket.IO events, STOMP frames,
        MQTT packets, OCPP arrays, SignalR hub messages), `Send` and `Request` take
        documents, and ``Get Connection Info`` has the client's ``session`` (credentials
        masked). The protocol's subprotocol is selected when the client offers it (unless
        ``subprotocols`` is given); OCPP refuses a client that does not offer its version,
        and Socket.IO a polling request, with HTTP 400.

        With ``asyncapi``, directions are those of the document's server: a client's
        messages must be messages the server receives, and what `Send` sends to a client
        messages it sends. Each client message that matches an operation with a ``reply``
        is answered with the first example of the reply's message, the correlation id
        copied in, after the server's rules: when a reply rule answers the message, the
        document does not. An operation whose reply message has no example is not
        answered, and the first such message logs a WARN. Every channel of the document
        applies, whatever path a client connects to.

        The server is stopped when the suite that started it ends, and by
        `Disconnect All` and `Stop Mock Server`.

        Example:
        | ${url}= | `Start Mock Server` | | |
        | `Start Mock Server` | alias=shop | subprotocols=${{["chat.v2", "chat.v1"]}} | |
        | `Start Mock Server` | certfile=${CERT} | keyfile=${KEY} | |
        | `Start Mock Server` | alias=locked | reject=401 | |
        | `Start Mock Server` | alias=csms | protocol=ocpp1.6 | |
        | `Start Mock Server` | alias=sio | protocol=socketio | init={"pingInterval": 1000, "pingTimeout": 2000} |
        | `Start Mock Server` | replay=${CURDIR}/orders.har | replay_timing=fast | |
        | `Start Mock Server` | alias=feed | binary_format=protobuf | proto=${CURDIR}/feed.proto | proto_message=feed.Trade |
        | `Start Mock Server` | alias=kraken | asyncapi=${CURDIR}/kraken.asyncapi.yml | |
        """
        name = str(alias or "")
        if not name:
            raise InvalidArgument("Argument 'alias' must not be empty.")
        taken = self._registry.find(name)
        if isinstance(taken, MockServerEntry) and taken.server.stopped:
            # An interrupted stop: finish it before the alias is used again.
            self._stop(taken, 1001, "", STOP_LIMIT)
        if isinstance(taken, MockServerEntry) and not taken.server.stopped:
            raise InvalidArgument(
                f"Mock server '{name}' is already running at {taken.server.url}. "
                "Stop it first, or give another 'alias'."
            )
        if taken is not None and taken.connection is not None and taken.live:
            raise InvalidArgument(
                f"'{self._show(name)}' names an open connection. Disconnect it first, or "
                "give another 'alias'."
            )
        status = None if reject in (None, "") else reject_status(reject)
        context = server_ssl(certfile, keyfile)
        size_limit = optional_positive_int(max_size, "max_size")
        binary = binary_format_for(binary_format, proto, proto_message, protocol)
        value = init if protocol in (None, "") else self.context.plain(init, nested=True)
        role, server_init, options = server_protocol(protocol, value, size_limit, binary_format)
        listen_port = check_port(port)
        if not isinstance(host, str) or not host or len(host) > 253:
            raise InvalidArgument(
                f"Argument 'host' must be a host name or address, got {host!r:.80}."
            )
        if replay_timing not in ("recorded", "fast"):
            raise InvalidArgument(
                f"Argument 'replay_timing' must be recorded or fast, got {replay_timing!r}."
            )
        recording = read_recording(check_path(replay, "replay")) if replay else None
        mode = check_violations(violations)
        on_client = None
        if asyncapi not in (None, ""):
            contract = load_contract(asyncapi, None, protocol)
            log_notes(self.context, contract)
            library = self.context

            def on_client(conn: Connection) -> None:
                take_contract(library, conn, contract, mode, "server", answers=True)

        server = MockServer(
            name,
            ruleset_for=self._registry.ruleset,
            buffer_size=self.context.buffer_size,
            buffer_bytes=self.context.buffer_bytes,
            subprotocols=check_subprotocols(subprotocols),
            reject=status,
            ssl_context=context,
            max_size=size_limit,
            close_timeout=self._timeout,
            owner=self.context.suite_id(),
            codec_class=role,
            init=server_init,
            replay=recording,
            replay_fast=replay_timing == "fast",
            binary=binary,
            codec_options=options,
            on_client=on_client,
        )
        try:
            url = self._loop.run(server.start(host, listen_port))
        except (OSError, UnicodeError) as error:
            raise ConnectionFailed(
                f"Cannot start mock server '{name}' on {host}:{port}: "
                f"{getattr(error, 'strerror', None) or error}."
            ) from error
        self._registry.add(MockServerEntry(server))
        self._log(
            f"Mock server '{name}' listening at {url}"
            + (f", speaking {role.name}" if role is not None else "")
            + (f", subprotocols {', '.join(server.subprotocols)}" if server.subprotocols else "")
            + (f", rejecting every upgrade with HTTP {status}" if status else "")
            + (f", binary format {binary.name}" if binary is not None else "")
            + (
                f", AsyncAPI document {asyncapi} (violations={mode})"
                if on_client is not None
                else ""
            )
            + "."
        )
        return url

    @keyword
    def wait_for_client(self, server: str = "mock", timeout: timedelta | None = None) -> str:
        """Waits for the next client of mock server (or proxy) ``server`` not yet returned,
        and returns its connection name (``mock#1``, then ``mock#2``...).

        A client counts once its upgrade is accepted. Clients are returned one at a time,
        in connection order, each once; a client that connected before this keyword is
        returned at once. Fails with ``timed out`` when none connects within ``timeout``.

        | =Argument= | =Meaning= |
        | ``server`` | The mock server's alias, or a proxy's (`Start Proxy`): its clients are ``<alias>#<n>``, their servers' sides ``<alias>#<n>.upstream``. |
        | ``timeout`` | How long to wait. Default: the library's ``timeout``. |

        Example:
        | ${url}= | `Start Mock Server` | |
        | ${client}= | `Wait For Client` | timeout=10s |
        | `Receive` | ${client} | $.type | == | hello |
        """
        found = self._registry.find(server)
        # A proxy's clients are waited for as a mock server's.
        mock: Any = found.server if isinstance(found, ProxyEntry) else self._mock(server).server
        kind = "Proxy" if isinstance(found, ProxyEntry) else "Mock server"
        deadline = Deadline(self._timeout_or_default(seconds(timeout, "timeout")))
        with mock.condition:
            while mock.returned >= len(mock.clients):
                if mock.stopped:
                    raise WebSocketError(f"{kind} '{mock.alias}' is stopped.")
                if deadline.expired():
                    raise WebSocketError(
                        f"No new client connected to {kind.lower()} '{mock.alias}' ({mock.url}) "
                        f"within {deadline.timeout:g} s (timed out)"
                        + (
                            f"; {mock.rejected} upgrade(s) were rejected with HTTP {mock.refused_status}"
                            + (
                                f" (the last: {mock.refusals[-1]})"
                                if getattr(mock, "refusals", None)
                                else ""
                            )
                            if mock.rejected
                            else ""
                        )
                        + "."
                    )
                mock.condition.wait(deadline.slice())
            conn = mock.clients[mock.returned]
            mock.returned += 1
        info = self._registry.get(conn.name).info()
        self._log(
            f"Client '{conn.name}' connected to {info['path']}"
            + (f", subprotocol '{info['subprotocol']}'" if info["subprotocol"] else "")
            + f", headers {info['request_headers']}."
        )
        return conn.name

    @keyword
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
        entry = self._mock(server)
        close_code = check_close_code(code)
        reason = check_close_reason(reason)
        if not entry.live:
            self._log(f"Mock server '{entry.name}' is already stopped.")
            return
        self._stop(entry, close_code, str(reason), self._timeout)

    def _stop(self, entry: MockServerEntry, code: int, reason: str, limit: float) -> None:
        if not entry.live or not self._loop.running:
            return
        self._loop.run(close_entries([entry], code, reason, limit))
        self._log(entry.closed_note(code, reason))

    def _mock(self, server: Any) -> MockServerEntry:
        entry = self._registry.find(server)
        if not isinstance(entry, MockServerEntry):
            names = ", ".join(
                f"'{e.name}'" for e in self._registry.entries() if isinstance(e, MockServerEntry)
            )
            raise InvalidArgument(
                f"No mock server named '{server}'. Mock servers: {names or 'none'}."
            )
        return entry

    @keyword
    def request_header_should_be(
        self,
        connection: str,
        name: str,
        assertion_operator: AssertionOperator | None = None,
        expected: Any = None,
    ) -> None:
        """Checks a header of ``connection``'s upgrade request, without writing a
        credential's value anywhere.

        On a mock server's client it is a header the client sent (a page's
        ``Authorization`` token); on a library connection, one the library sent. The
        header's name is matched in any case. Without an operator, the keyword only checks
        that the header was sent. For a credential header (``Authorization``, ``Cookie``,
        names with ``token``, ``key``, ``secret``...) the log and the failure say only
        whether it matched, never the value or the expected value; other headers are shown.
        ``expected`` may be a Robot ``Secret``.

        | =Argument= | =Meaning= |
        | ``connection`` | A mock server's client (``mock#1``), a URL or an alias. |
        | ``name`` | The header's name. |
        | ``assertion_operator``, ``expected`` | An assertion on its value (``==``, ``!=``, ``contains``, ``starts``, ``ends``, ``matches``). |

        Example:
        | ${client}= | `Wait For Client` | | | |
        | `Request Header Should Be` | ${client} | Authorization | == | Bearer ${TOKEN} |
        | `Request Header Should Be` | ${client} | Origin | == | http://localhost:3000 |
        | `Request Header Should Be` | ${client} | X-Trace-Id | | |
        """
        conn = self._get(connection)
        if not isinstance(name, str) or not name.strip():
            raise InvalidArgument(f"Header name must be a non-empty string, got {name!r:.80}.")
        values = [v for n, v in request_headers(conn) if n.lower() == name.strip().lower()]
        secret = is_sensitive(name) or is_secret(expected)
        want = self._plain(expected)
        operator = to_operator(assertion_operator)
        if operator is not None and operator in EVALUATING:
            raise InvalidArgument(f"'{operator.value}' cannot check a request header.")
        if not values:
            raise WebSocketError(
                f"'{self._show(conn.name)}''s upgrade request has no '{name}' header."
            )
        value = values[-1]
        if operator is None:
            self._log(f"'{conn.name}''s upgrade request has a '{name}' header.")
            return
        holds, _, complaint = check(value, operator, want)
        shown = describe(operator, "***" if secret else want)
        if holds:
            self._log(f"Request header '{name}' of '{conn.name}' matched: {shown}.")
            return
        raise WebSocketError(
            self._show(
                f"Request header '{name}' of '{conn.name}' does not match: {shown}"
                + (" (a credential: its value is not shown)." if secret else f": {complaint}.")
            )
        )
