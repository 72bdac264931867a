"""Start Proxy, Stop Proxy, Add Fault, Pause Proxy, Resume Proxy.

A proxy and its clients' two sides are entries of the registry (:mod:`..registry`); faults
are message rules on their names (:mod:`..faults`).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator
from robot.api.deco import keyword

from .._proxy import Proxy
from ..arguments import (
    check_close_code,
    check_close_reason,
    check_port,
    positive_int,
    seconds,
)
from ..errors import ConnectionFailed, InvalidArgument
from ..faults import ACTIONS, Fault
from ..query import Query
from ..registry import ProxyEntry, ProxySideEntry, close_entries
from ..rules import Template
from ..serving import server_ssl
from .base import STOP_LIMIT, ContextAware

_SIDE = re.compile(r"^(?P<alias>.+)#\d+(\.upstream)?$")


class ProxyKeywords(ContextAware):
    """Start Proxy, Stop Proxy, Add Fault, Pause Proxy, Resume Proxy."""

    @keyword
    def start_proxy(
        self,
        upstream: str,
        port: int = 0,
        host: str = "127.0.0.1",
        alias: str = "proxy",
        certfile: str | None = None,
        keyfile: str | None = None,
        verify: bool = True,
    ) -> str:
        """Starts a WebSocket proxy to ``upstream`` inside the test and returns its URL.

        A client that connects to the proxy's URL with path and query P is connected to
        ``upstream`` + P (the upstream URL's path joined with P, both queries kept), with
        the client's subprotocols and headers forwarded (``Host`` rewritten); the client
        gets the subprotocol the server chose. An upstream that refuses the upgrade refuses
        the client with the same HTTP status; one that cannot be reached gives HTTP 502.

        Each client becomes two connections: ``<alias>#<n>`` holds what the client sent,
        ``<alias>#<n>.upstream`` what the server sent. Every receiving keyword reads
        either; `Send` to ``<alias>#<n>`` sends to the client (as if from the server), to
        ``<alias>#<n>.upstream`` to the server (as if from the client); `Wait For Client`
        returns the next ``<alias>#<n>``. Messages are forwarded as they arrive, in order,
        with their frame type, unless a fault (`Add Fault`) applies or the direction is
        paused (`Pause Proxy`); close codes and reasons pass through both ways. Rules
        (`Reply To Messages`, `Ignore Messages`) work on either side and on ``alias``;
        `Save Conversation` of either side writes both, seen from the client.

        | =Argument= | =Meaning= |
        | ``upstream`` | The server's URL, ``ws://`` or ``wss://``, with a path and query that the clients' are joined to. |
        | ``port`` | TCP port to listen on; ``0`` picks a free one. |
        | ``host`` | Address to listen on. |
        | ``alias`` | The proxy's name; its clients are ``<alias>#1``, ``<alias>#2``... |
        | ``certfile``, ``keyfile`` | Certificate chain and key (PEM): the proxy serves ``wss://``. |
        | ``verify`` | ``False`` accepts any certificate of a ``wss://`` upstream. |

        The proxy is stopped when the suite that started it ends, and by `Disconnect All`
        and `Stop Proxy`.

        Example:
        | ${url}= | `Start Proxy` | ws://127.0.0.1:8765/api | |
        | `Connect` | ${url}/orders?user=1 | | # to ws://127.0.0.1:8765/api/orders?user=1 |
        | ${client}= | `Wait For Client` | proxy | |
        | `Receive` | ${client}.upstream | $.type | == | welcome |
        """
        target = str(upstream or "")
        if not target.startswith(("ws://", "wss://")):
            raise InvalidArgument(
                f"Argument 'upstream' must be a ws:// or wss:// URL, got {upstream!r:.200}."
            )
        name = str(alias or "")
        if not name or "#" in name:
            raise InvalidArgument(f"Argument 'alias' must be a name without '#', got {alias!r}.")
        taken = self._registry.find(name)
        if isinstance(taken, ProxyEntry) and taken.server.stopped:
            self._stop(taken, 1001, "", STOP_LIMIT)
        if taken is not None and taken.live:
            raise InvalidArgument(
                f"'{self._show(name)}' is already in use (a running proxy or mock server, or "
                "an open connection). Stop it first, or give another 'alias'."
            )
        if not isinstance(host, str) or not host or len(host) > 253:
            raise InvalidArgument(
                f"Argument 'host' must be a host name or address, got {host!r:.80}."
            )
        proxy = Proxy(
            name,
            target,
            ruleset_for=self._registry.ruleset,
            buffer_size=self.context.buffer_size,
            buffer_bytes=self.context.buffer_bytes,
            ssl_context=server_ssl(certfile, keyfile),
            verify=bool(verify),
            open_timeout=self.context.connect_timeout,
            close_timeout=self._timeout,
            owner=self.context.suite_id(),
        )
        listen_port = check_port(port)
        try:
            url = self._loop.run(proxy.start(host, listen_port))
        except (OSError, UnicodeError) as error:
            raise ConnectionFailed(
                f"Cannot start proxy '{name}' on {host}:{port}: "
                f"{getattr(error, 'strerror', None) or error}."
            ) from error
        self._registry.add(ProxyEntry(proxy))
        self._log(f"Proxy '{name}' listening at {url}, forwarding to {self._show(target)}.")
        return url

    @keyword
    def stop_proxy(self, proxy: str = "proxy", code: int = 1001, reason: str = "") -> None:
        """Stops proxy ``proxy``: it stops listening, closes its clients with ``code`` and
        ``reason`` and their servers with 1001.

        The clients' sides stay readable, closed. Stopping a stopped proxy does nothing.

        | =Argument= | =Meaning= |
        | ``proxy`` | The proxy's alias. |
        | ``code`` | Close code sent to each client. |
        | ``reason`` | Close reason sent to each client. |

        Example:
        | `Stop Proxy` | | |
        | `Stop Proxy` | proxy | code=1012 | reason=restarting |
        """
        entry = self._proxy(proxy)
        close_code = check_close_code(code)
        text = check_close_reason(reason)
        if not entry.live:
            self._log(f"Proxy '{entry.name}' is already stopped.")
            return
        self._stop(entry, close_code, str(text), self._timeout)

    def _stop(self, entry: ProxyEntry, code: int, reason: str, limit: float) -> None:
        if not entry.live or not self._loop.running:
            return
        self._loop.run(close_entries([entry], code, reason, limit))
        self._log(entry.closed_note(code, reason))

    @keyword
    def add_fault(
        self,
        connection: str,
        expression: str | None = None,
        assertion_operator: AssertionOperator | str | None = None,
        expected: Any = None,
        *,
        action: str,
        delay: timedelta | None = None,
        message: Any = None,
        code: int = 1011,
        reason: str = "",
        times: int | None = None,
    ) -> str:
        """Makes a proxy break the messages that match ``expression`` (and its assertion),
        every message when none is given, and returns the fault's id.

        On ``<alias>#<n>`` the fault acts on what the client sends, on
        ``<alias>#<n>.upstream`` on what the server sends, on the proxy's alias on both
        directions of every client, present and future. A fault is a message rule:
        `Remove Message Rules` removes it, and the first fault that matches a message is
        the one that acts on it. Dropped and replaced messages stay in the history (the
        log marks them, and `Save Conversation` writes ``"_dropped": true`` or
        ``"_replaced": true`` with the ``"_replacement"``).

        | =action= | =What happens to the message= |
        | ``drop`` | Not forwarded. |
        | ``delay`` | Forwarded after ``delay``; later messages in that direction wait behind it, so order is kept. |
        | ``duplicate`` | Forwarded twice. |
        | ``replace`` | Forwarded as ``message``, a template with ``{{expression}}`` placeholders as in `Reply To Messages`. |
        | ``close`` | Not forwarded; the client is closed with ``code`` and ``reason``, the server with 1001. |

        | =Argument= | =Meaning= |
        | ``connection`` | ``<alias>#<n>``, ``<alias>#<n>.upstream`` or the proxy's alias (clients need not have connected yet). |
        | ``expression``, ``assertion_operator``, ``expected`` | Which messages, as in `Reply To Messages`. |
        | ``action`` | Named only: ``drop``, ``delay``, ``duplicate``, ``replace`` or ``close``. |
        | ``delay`` | How long ``delay`` holds a message. |
        | ``message`` | The replacement (text, or a dictionary or list sent as JSON). |
        | ``code``, ``reason`` | What ``close`` sends the client. |
        | ``times`` | Act at most this many times. Default: always. |

        Example:
        | `Add Fault` | proxy#1.upstream | $.type | == | quote | action=drop |
        | `Add Fault` | proxy | action=delay | delay=500ms | | |
        | `Add Fault` | proxy#1 | $.op | == | buy | action=replace | message={"op": "buy", "qty": {{$.qty}}, "forged": true} |
        | `Add Fault` | proxy#1.upstream | action=close | code=4001 | reason=kicked | times=1 |
        """
        self._check_proxy_name(connection)
        if action not in ACTIONS:
            raise InvalidArgument(
                f"Argument 'action' must be one of {', '.join(ACTIONS)}, got {action!r}."
            )
        hold = seconds(delay, "delay")
        if action == "delay" and not hold:
            raise InvalidArgument("action=delay needs 'delay', a time above 0 s.")
        if action == "replace" and message is None:
            raise InvalidArgument("action=replace needs 'message', the replacement.")
        template = Template.compile(self._plain(message)) if action == "replace" else None
        query = None
        if expression not in (None, "") or assertion_operator is not None:
            query = Query.build(expression, assertion_operator, self._plain(expected))
        fault = Fault(
            "fault",
            query,
            template,
            times=None if times in (None, "", "None") else positive_int(times, "times"),
            action=action,
            delay=hold or 0.0,
            code=check_close_code(code),
            reason=str(check_close_reason(reason)),
        )
        self._registry.ruleset(connection).add(fault)
        self._log(f"Fault {fault.describe()} on '{connection}'.")
        return fault.id

    def _check_proxy_name(self, connection: Any) -> None:
        entry = self._registry.find(connection)
        if isinstance(entry, (ProxyEntry, ProxySideEntry)):
            return
        found = _SIDE.match(connection) if isinstance(connection, str) else None
        if found and isinstance(self._registry.find(found.group("alias")), ProxyEntry):
            return
        names = [e.name for e in self._registry.entries() if isinstance(e, ProxyEntry)]
        raise InvalidArgument(
            f"Faults work on a proxy's names (its alias, <alias>#<n>, <alias>#<n>.upstream), "
            f"got {connection!r:.200}. Proxies: {', '.join(names) or 'none'}."
        )

    @keyword
    def pause_proxy(self, connection: str, direction: str = "both") -> None:
        """Stops forwarding in ``direction`` and holds what arrives, until `Resume Proxy`.

        The side waiting for the held messages also gets no answer to its WebSocket pings,
        as from a stalled peer: the client for ``to_client``, the server for
        ``to_server``. So a client's or server's keep-alive can find the other dead.

        | =Argument= | =Meaning= |
        | ``connection`` | ``<alias>#<n>`` or ``<alias>#<n>.upstream`` (one client), or the proxy's alias (every client connected now). |
        | ``direction`` | ``to_server``, ``to_client`` or ``both``. |

        Example:
        | `Pause Proxy` | proxy#1 | to_client |
        | `Should Not Receive` | ${WS} | within=1s |
        | `Resume Proxy` | proxy#1 | to_client |
        """
        self._pause(connection, direction, True)

    @keyword
    def resume_proxy(self, connection: str, direction: str = "both") -> None:
        """Forwards what `Pause Proxy` held in ``direction``, in order, and forwards again
        as messages arrive; pings are answered again.

        | =Argument= | =Meaning= |
        | ``connection`` | As in `Pause Proxy`. |
        | ``direction`` | ``to_server``, ``to_client`` or ``both``. |

        Example:
        | `Resume Proxy` | proxy#1 |
        """
        self._pause(connection, direction, False)

    def _pause(self, connection: Any, direction: Any, paused: bool) -> None:
        if direction not in ("to_server", "to_client", "both"):
            raise InvalidArgument(
                f"Argument 'direction' must be to_server, to_client or both, got {direction!r}."
            )
        entry = self._registry.find(connection)
        if isinstance(entry, ProxyEntry):
            proxy, names = entry.server, None
        elif isinstance(entry, ProxySideEntry) and entry.connection is not None:
            pair = entry.connection.pair  # type: ignore[attr-defined]
            proxy, names = None, {pair.client.name}
            self._loop.wait(self._loop.call(pair.pause, direction, paused))
        else:
            self._check_proxy_name(connection)
            raise InvalidArgument(f"No client of a proxy is named {connection!r:.200} yet.")
        if proxy is not None:
            self._loop.wait(self._loop.call(proxy.pause, names, direction, paused))
        self._log(f"{'Paused' if paused else 'Resumed'} '{connection}' ({direction}).")

    def _proxy(self, name: Any) -> ProxyEntry:
        entry = self._registry.find(name)
        if not isinstance(entry, ProxyEntry):
            names = [e.name for e in self._registry.entries() if isinstance(e, ProxyEntry)]
            raise InvalidArgument(
                f"No proxy named '{name}'. Proxies: {', '.join(names) or 'none'}."
            )
        return entry
