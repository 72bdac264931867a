"""Connect, Disconnect, Disconnect All, Wait Until Closed, Get Connection Info."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from robot.api.deco import keyword

from .._client import Connection
from .._robot import ROBOT_CONTROL
from ..arguments import (
    binary_format_for,
    check_close_code,
    check_close_reason,
    check_headers,
    check_subprotocols,
    check_url,
    seconds,
)
from ..asyncapi import describe_channels
from ..binary import BinaryFormat
from ..connecting import (
    client_codec,
    connect_error,
    query_secrets,
    ssl_context,
    websocket_options,
)
from ..deadline import Deadline
from ..errors import ConnectionAlreadyOpen, WebSocketError
from ..history import History
from ..masking import is_secret, is_sensitive, mask_headers, sensitive_values
from ..protocols import Codec
from ..registry import ClientEntry
from ..waiting import Watch
from .base import DEBUG_WINDOW, STOP_LIMIT, ContextAware
from .contracts import check_violations, load_contract, log_notes, take_contract

_DEFAULT_PING = timedelta(seconds=20)


class ConnectionKeywords(ContextAware):
    """Connect, Disconnect, Disconnect All, Wait Until Closed, Get Connection Info."""

    @keyword
    def connect(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        alias: str | None = None,
        timeout: timedelta | None = None,
        subprotocols: list[str] | str | None = None,
        verify: bool = True,
        ca_file: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        proxy: str | None = None,
        compression: bool = True,
        max_size: int | None = 1048576,
        ping_interval: timedelta | None = _DEFAULT_PING,
        protocol: str | None = None,
        init: Any = None,
        binary_format: str | None = None,
        proto: str | None = None,
        proto_message: str | None = None,
        asyncapi: str | None = None,
        violations: str = "fail",
    ) -> str:
        """Opens a WebSocket connection to ``url`` and returns its name.

        The connection is named by ``alias`` when given, else by ``url`` exactly as written,
        query string included. From the moment it opens, every message the server sends is
        kept in the connection's history, also while the test does other things.

        | =Argument= | =Meaning= |
        | ``url`` | ``ws://`` or ``wss://`` URL (``http(s)://`` for Socket.IO and for a SignalR hub, which is negotiated first). |
        | ``headers`` | Dictionary of headers for the HTTP upgrade request. Values may be Robot ``Secret`` values; credential headers are masked in the log. |
        | ``alias`` | Name for the connection, to open the same URL more than once. |
        | ``timeout`` | Limit for TCP connect, TLS and the upgrade. Default: the library's ``connect_timeout``. |
        | ``subprotocols`` | List of offered subprotocols (or a comma-separated string). The chosen one is in `Get Connection Info`. |
        | ``verify`` | ``False`` accepts any server certificate (self-signed test servers) and logs a warning. |
        | ``ca_file`` | CA bundle (PEM) to trust for ``wss://``. |
        | ``client_cert``, ``client_key`` | Client certificate and key (PEM) for mutual TLS. |
        | ``proxy`` | ``http://host:port`` of an HTTP proxy (CONNECT). Default: no proxy. |
        | ``compression`` | Offer permessage-deflate. |
        | ``max_size`` | Largest incoming message in bytes; a larger one closes the connection with 1009. |
        | ``ping_interval`` | Keepalive ping period; ``0`` or ``None`` turns pings off. |
        | ``protocol`` | Speak a protocol's session layer: ``socketio``, ``graphql-transport-ws``, ``graphql-ws``, ``stomp``, ``mqtt``, ``ocpp1.6``, ``ocpp2.0.1``, ``ocpp2.1`` or ``signalr``; see `Protocols` and `SignalR`. |
        | ``init`` | The protocol's session parameters (Socket.IO ``auth``, GraphQL ``connection_init`` payload, STOMP CONNECT headers, MQTT ``client_id``/``username``/``password``/``keepalive``/``clean_session``, SignalR ``keepAliveIntervalInMilliseconds``/``serverTimeoutInMilliseconds``). Values under credential names (``password``, ``passcode``, ``token``, ``auth``, ...) and Robot ``Secret`` values are masked in the log, as header values are. |
        | ``binary_format`` | ``msgpack``, ``cbor`` or ``protobuf``: binary frames received become documents, and a dictionary or list given to `Send` is encoded as one binary frame; see `Binary documents`. With ``protocol=signalr``, ``msgpack`` selects the MessagePack hub protocol; with ``protocol=socketio``, the ``socket.io-msgpack-parser`` encoding. |
        | ``proto`` | With ``binary_format=protobuf``: a ``.proto`` file (compiled here, with the imports beside it) or a descriptor set. Without it, frames are decoded like ``protoc --decode_raw``. |
        | ``proto_message`` | The full name of the Protocol Buffers type of received frames and sent dictionaries (``feed.Trade``); a sent dictionary names another with ``@type``. |
        | ``asyncapi`` | Path of the API's AsyncAPI document (2.0-2.6 or 3.0-3.1, YAML or JSON): every message sent and received is checked against it; see `Contracts`. |
        | ``violations`` | What a received message that breaks the document does: ``fail`` (the next keyword that uses the connection, or the one waiting on it, fails), ``warn`` (a WARN each) or ``keep`` (only counted for `Validate Messages` and `Get Contract Coverage`). |

        With ``protocol``, `Connect` returns once the session is up, and a refusal fails
        it at once with the server's own words.

        When the server selects none of the offered ``subprotocols``, the connection is
        kept and a warning names what was offered; ``subprotocol`` is then ``None``.

        Fails, naming the URL and the cause, when the connection is refused (``refused``),
        the host is unknown, the server rejects the upgrade (the HTTP status as a number
        and the start of the body), TLS fails (``certificate``/``SSL``) or the time runs out
        (``timed out``). Connecting a name that is open fails; `Disconnect` it first or use
        ``alias``. Connecting a closed name opens it again with a new, empty history.

        Connections opened while a suite runs are closed when that suite ends.

        With ``asyncapi``, a document that cannot be read, a ``$ref`` that does not
        resolve, or a URL that matches no channel of the document fails `Connect` at once,
        naming the file and what is wrong. A `Send` of a message that conforms to no
        definition the server receives fails before anything is sent (``raw=True`` sends
        it unchecked).

        Example:
        | `Connect` | ws://localhost:8765/chat |
        | &{auth}= | `Create Dictionary` | Authorization=Bearer ${TOKEN} |
        | `Connect` | wss://shop.example.com/orders?userId=1 | headers=${auth} | timeout=5s |
        | `Connect` | ws://localhost:8765/chat | alias=alice |
        | `Connect` | ws://localhost:8765/chat | alias=bob | subprotocols=${{["chat.v2"]}} |
        | `Connect` | wss://localhost:8443/ws | verify=False |
        | `Connect` | ws://localhost:8765/feed | binary_format=msgpack |
        | `Connect` | https://localhost:5001/chathub | protocol=signalr | headers=${auth} |
        | `Connect` | wss://ws.kraken.com/ | asyncapi=${CURDIR}/kraken.asyncapi.yml | violations=warn |
        """
        binary = self._binary_format(binary_format, proto, proto_message, protocol)
        codec: Codec | None = None
        if protocol not in (None, ""):
            value = self.context.plain(init, nested=True)
            codec = client_codec(protocol, value, max_size, binary_format)
            # Masked as headers are: values under credential names, and Robot Secrets
            # (which plain remembered).
            for secret in sensitive_values(value):
                self.context.remember_secret(secret)
        mode = check_violations(violations)
        if (
            codec is not None
            and codec.name in ("socketio", "signalr")
            and str(url).startswith("http")
        ):
            check_url("ws" + str(url)[4:])  # Socket.IO and SignalR URLs may be http(s)://.
        else:
            url = check_url(url)
        name = url if alias is None or alias == "" else str(alias)
        existing = self._registry.find(name)
        if existing is not None and existing.live:
            raise ConnectionAlreadyOpen(
                f"Connection '{self._show(name)}' is already open. Disconnect it first, or "
                "give another 'alias'."
            )
        pairs = check_headers(headers)
        for (header_name, value), raw in zip(pairs, (headers or {}).values(), strict=True):
            if is_sensitive(header_name) or is_secret(raw):
                self.context.remember_secret(value)
        protocols = check_subprotocols(subprotocols)
        limit = seconds(timeout, "timeout")
        limit = self.context.connect_timeout if limit is None else limit
        options = websocket_options(
            pairs, protocols, compression, max_size, ping_interval, self._timeout, proxy
        )
        if url.startswith(("wss://", "https://")) or codec is not None and codec.name == "signalr":
            # A SignalR hub may redirect to https://, or negotiate to wss://.
            options["ssl"] = ssl_context(verify, ca_file, client_cert, client_key)
        for query_secret in query_secrets(url):
            self.context.remember_secret(query_secret)
        contract = None
        if asyncapi not in (None, ""):
            contract = load_contract(asyncapi, url, codec.name if codec else None)
        connection = Connection(
            name=name,
            url=url,
            alias=None if name == url else name,
            history=History(self.context.buffer_size, self.context.buffer_bytes),
            display_url=self._show(url),
            options=options,
            rulesets=[self._registry.ruleset(name)],
            codec=codec,
            binary=binary,
        )
        connection.owner = self.context.suite_id()
        if contract is not None:
            take_contract(self.context, connection, contract, mode)
        try:
            self._loop.run(connection.open(options, limit))
        except ROBOT_CONTROL:
            raise  # A Robot timeout or stop is Robot's to report, not a failed connection.
        except BaseException as error:
            for learned in connection.learned_secrets:
                self.context.remember_secret(learned)
            raise connect_error(
                error, connection.display_url, limit, codec.name if codec else None, self._show
            ) from error
        for learned in connection.learned_secrets:
            self.context.remember_secret(learned)
        self._registry.add(ClientEntry(connection))
        if url.startswith("wss://") and not verify:
            self._warn(
                f"Connection '{name}' does not verify the server's certificate (verify=False)."
            )
        self._log_connected(connection, headers, protocols)
        if contract is not None:
            self._log(
                f"'{name}' is checked against the AsyncAPI document {contract.document.path} "
                f"(violations={mode}): channels {describe_channels(contract.channels)}."
            )
            log_notes(self.context, contract)
        return name

    def _log_connected(
        self, connection: Connection, headers: Any, protocols: list[str] | None
    ) -> None:
        ws, codec, name = connection.ws, connection.codec, connection.name
        assert ws is not None
        self._log(
            f"Connected to {connection.display_url}"
            + (f" as '{name}'" if connection.alias else "")
            + f" in {connection.connect_time:.3f} s"
            + (f", subprotocol '{ws.subprotocol}'" if ws.subprotocol else "")
            + (f", {codec.name} session {codec.session!r}" if codec is not None else "")
            + (f", headers {mask_headers(headers)}" if headers else "")
            + "."
        )
        if protocols and ws.subprotocol is None:
            self._warn(
                f"The server of '{name}' selected none of the offered subprotocols "
                f"({', '.join(protocols)}); the connection goes on without one."
            )

    def _binary_format(
        self, name: Any, proto: Any, proto_message: Any, protocol: Any = None
    ) -> BinaryFormat | None:
        """The binary format ``binary_format=`` names, set up here, on the keyword's thread
        (a ``.proto`` file is compiled in a child process); ``None`` without one, and with
        a protocol, which speaks the format itself (SignalR, Socket.IO)."""
        return binary_format_for(name, proto, proto_message, protocol)

    @keyword
    def disconnect(
        self, connection: str, code: int = 1000, reason: str = "", timeout: timedelta | None = None
    ) -> None:
        """Closes ``connection`` with a close ``code`` and ``reason``; does nothing if it is
        already closed.

        Waits for the server's answer to the close handshake at most ``timeout`` (default:
        the library's ``timeout``), then drops the TCP connection. The history stays
        readable. At ``--loglevel DEBUG`` the log shows the connection's whole transcript.

        | =Argument= | =Meaning= |
        | ``connection`` | URL or alias. |
        | ``code`` | Close code: 1000, another RFC 6455 code, or 3000-4999. |
        | ``reason`` | Close reason text. |
        | ``timeout`` | Limit for the close handshake. |

        Example:
        | `Disconnect` | ${WS} |
        | `Disconnect` | alice | code=4000 | reason=bye |
        """
        conn = self._get(connection)
        close_code = check_close_code(code)
        reason = check_close_reason(reason)
        limit = self._timeout_or_default(seconds(timeout, "timeout"))
        self._report_recorded(conn)  # What rules did is logged before the connection goes.
        if conn.ws is None or conn.state == "closed":
            conn.closed_by_us = True
            return
        self._loop.run(conn.close(close_code, str(reason), limit))
        self._log(
            f"Disconnected '{conn.name}': close code {conn.close_code}"
            + (f" ({conn.close_reason})" if conn.close_reason else "")
            + f"; {conn.history.total} received, {conn.sent} sent."
        )
        self._log_transcript(conn)

    def _log_transcript(self, conn: Connection) -> None:
        """At DEBUG level, the connection's received messages (the newest
        ``DEBUG_WINDOW``)."""
        if not self.context.logs("DEBUG"):
            return
        messages = conn.history.last(DEBUG_WINDOW)
        if messages:
            total = conn.history.total
            title = f"transcript: {len(messages)} newest of {total} received"
            self.context.log_html(
                self.context.table([("received", m) for m in messages], None, title),
                "DEBUG",
            )

    @keyword
    def disconnect_all(self, timeout: timedelta | None = None) -> None:
        """Closes every open connection, at once and within ``timeout``; put it in a suite
        teardown.

        Also stops every mock server, closing its clients with 1001.

        Example:
        | *** Settings *** |
        | Suite Teardown | `Disconnect All` |
        """
        limit = self._timeout_or_default(seconds(timeout, "timeout"))
        closed = self.context.close(self._registry.entries(), limit, min(limit, STOP_LIMIT))
        for conn in self._registry.connections():
            conn.closed_by_us = True
        if closed:
            self._log(f"Disconnected {len(closed)} connection(s).")

    @keyword
    def wait_until_closed(
        self, connection: str, timeout: timedelta | None = None
    ) -> dict[str, Any]:
        """Waits until ``connection`` is closed and returns the close ``code`` and ``reason``.

        The code is the one the server sent, or 1006 when the TCP connection dropped without
        a close frame, 1007 when a text message was not valid UTF-8, or 1009 when a message
        was larger than ``max_size`` or came in more than 4096 fragments. Fails when the
        connection is still open after ``timeout`` (default: the library's ``timeout``).

        Example:
        | `Send` | ${WS} | {"op": "quit"} |
        | ${close}= | `Wait Until Closed` | ${WS} | timeout=5s |
        | `Should Be Equal As Integers` | ${close}[code] | 1000 |
        """
        conn = self._get(connection)
        deadline = Deadline(self._timeout_or_default(seconds(timeout, "timeout")))
        history = conn.history
        for _ in Watch(history, deadline, history.total):
            pass  # Messages may still arrive; only the close ends this wait.
        if not history.closed:
            raise WebSocketError(
                f"Connection '{self._show(conn.name)}' is still {conn.state} after "
                f"waiting {deadline.timeout:g} s for it to close (timed out)."
            )
        self._report_recorded(conn)
        result = {"code": conn.close_code, "reason": conn.close_reason or ""}
        self._log(f"Connection '{conn.name}' closed: {result}.")
        return result

    @keyword
    def get_connection_info(self, connection: str) -> dict[str, Any]:
        """Returns a dictionary describing ``connection``.

        Keys: ``url``, ``alias``, ``state`` (``open``, ``closing``, ``closed``),
        ``subprotocol``, ``response_headers`` (credential values masked), ``close_code``,
        ``close_reason``, ``received`` and ``sent`` (message counts), ``connect_time``
        (seconds), ``dropped`` (messages dropped from the history past ``buffer_size``),
        ``ignored`` (messages `Ignore Messages` kept out of the history), ``auto_sent``
        (automatic replies and heartbeats, also counted in ``sent``), ``protocol`` and
        ``session`` (see `Protocols`).

        A mock server's client also has ``path`` (the request path with its query
        string), ``request_headers`` (credential values masked) and the ``subprotocol``
        the server selected.

        Example:
        | ${info}= | `Get Connection Info` | ${WS} |
        | `Should Be Equal` | ${info}[state] | open |
        | `Should Be Equal` | ${info}[subprotocol] | chat.v2 |
        """
        entry = self._registry.get(connection)
        conn = entry.connection
        assert conn is not None
        self._report_recorded(conn)
        ws = conn.ws
        response = ws.response if ws is not None else None
        headers = {name: value for name, value in response.headers.raw_items()} if response else {}
        state = conn.state
        info = {
            "url": conn.display_url,
            "alias": conn.alias,
            "state": state,
            "subprotocol": ws.subprotocol if ws is not None else None,
            "response_headers": mask_headers(headers),
            "close_code": conn.close_code if state == "closed" else None,
            "close_reason": conn.close_reason if state == "closed" else None,
            "received": conn.history.total,
            "sent": conn.sent,
            "connect_time": conn.connect_time,
            "dropped": conn.history.dropped,
            "ignored": conn.ignored,
            "auto_sent": conn.auto_sent,
            "protocol": conn.codec.name if conn.codec is not None else None,
            "session": conn.codec.session if conn.codec is not None else None,
        }
        info.update(entry.info())
        return info
