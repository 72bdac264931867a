"""Ignore Messages, Reply To Messages, Start Heartbeat, Remove Message Rules, Send Ping."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator
from robot.api.deco import keyword

from .._client import Connection
from ..arguments import positive_int, seconds
from ..errors import InvalidArgument, ReceiveFailed
from ..query import Query
from ..registry import MockServerEntry
from ..rules import Rule, RuleSet, Template
from .base import ContextAware


class RuleKeywords(ContextAware):
    def _ruleset(self, connection: str) -> RuleSet:
        if not isinstance(connection, str) or not connection:
            raise InvalidArgument(
                f"Connection name must be a non-empty string, got {connection!r}."
            )
        return self._rules.setdefault(connection, RuleSet())

    def _using(self, ruleset: RuleSet) -> list[Connection]:
        """The open connections that ``ruleset`` applies to."""
        return self._registry.using(ruleset)

    def _add_rule(self, connection: str, rule: Rule) -> str:
        ruleset = self._ruleset(connection)
        ruleset.add(rule)
        self._log(f"Rule {rule.describe()} on '{connection}'.")
        return rule.id

    @keyword
    def ignore_messages(
        self,
        connection: str,
        expression: str,
        assertion_operator: AssertionOperator | None = None,
        expected: Any = None,
    ) -> str:
        """Keeps messages that match ``expression`` (and its assertion) out of the history
        of ``connection``, and returns the rule's id.

        Ignored messages never reach windows, `Get Message Count`, `Should Not Receive` or
        any wait; `Get Connection Info` counts them as ``ignored``. A message is judged on
        its own, as in `Should Not Receive`. The rule runs on the event loop as each message
        arrives, whatever the test is doing, and belongs to the name: set before `Connect`,
        it applies from the first message, and it stays through `Disconnect` and a later
        `Connect`. On a mock server's name it applies to every client. Reply rules are
        applied first, so an ignored message can still be answered. A message the rule
        cannot judge (``$.n  >  5`` on ``{"n": null}``) is not ignored, and the next
        keyword that reads the connection warns about it once per rule.

        | =Argument= | =Meaning= |
        | ``connection`` | URL, alias or mock server name; it need not be open yet. |
        | ``expression``, ``assertion_operator``, ``expected`` | Which messages, as in `Receive`; any operator but ``validate`` and ``then``, which need Robot's evaluation and so cannot run on the event loop. |

        Keeping heartbeats out of a ``last=10`` window:

        Example:
        | `Ignore Messages` | ${WS} | $.type | == | heartbeat |
        | `Connect` | ${WS} |
        | `Receive` | ${WS} | $[?(@.id == "42")].status | == | FILLED | last=10 |
        | `Ignore Messages` | ${WS} | regex=^\\\\d+$ | | | # bare counters |
        """
        query = Query.build(expression, assertion_operator, self._plain(expected))
        return self._add_rule(connection, Rule("ignore", query))

    @keyword
    def reply_to_messages(
        self,
        connection: str,
        expression: str,
        assertion_operator: AssertionOperator | None = None,
        expected: Any = None,
        *more: Any,
        reply: Any = None,
        binary: bool = False,
        times: int | None = None,
    ) -> str:
        """Answers every message that matches ``expression`` (and its assertion) with
        ``reply``, automatically, and returns the rule's id.

        The reply is sent on the event loop as soon as the triggering message has arrived,
        before the next message is handled and whatever keyword (or `Sleep`) the test is
        in, so servers that drop a client that does not answer their pings keep it.
        ``{{expression}}`` in ``reply`` is replaced by the first value that JSONPath finds
        in the triggering message: a string as its text, any other value as JSON (so a
        string id in a JSON reply is written ``"{{$.id}}"``, a number ``{{$.n}}``). When a
        placeholder finds nothing, nothing is sent and the next keyword warns. Replies
        count in ``sent`` and ``auto_sent``. Rules belong to the name, as in
        `Ignore Messages`.

        | =Argument= | =Meaning= |
        | ``connection`` | URL, alias or mock server name; it need not be open yet. |
        | ``expression``, ``assertion_operator``, ``expected`` | Which messages, as in `Receive`; any operator but ``validate`` and ``then``, which need Robot's evaluation and so cannot run on the event loop. |
        | ``reply`` | Required, and named only (``reply=...``). Text, or a dictionary or list sent as JSON; on a protocol connection, a document. |
        | ``binary`` | Send the reply as UTF-8 bytes in a binary frame. |
        | ``times`` | Reply at most this many times. Default: always. |
        | ``more`` | Nothing: a fifth positional argument is taken for a ``reply`` written without its name, and fails saying to write ``reply=`` (likewise ``binary=`` and ``times=``). |

        Heartbeats that servers expect answered:

        Example:
        | `Reply To Messages` | ${WS} | $.type | == | ping | reply={"type": "pong", "id": "{{$.id}}"} |
        | `Reply To Messages` | ${ENGINE_IO} | regex=^2$ | reply=3 | | # Engine.IO ping, on a raw connection |
        | `Reply To Messages` | ${GQL} | $.type | == | ping | reply={"type": "pong"} | # graphql-transport-ws on a raw connection |
        | `Reply To Messages` | ${WS} | $.op | == | hello | reply=welcome | times=1 |
        | `Reply To Messages` | ${CSMS}/CP-1 | $[2] | == | Reset | reply=[3, "{{$[1]}}", {"status": "Accepted"}] |
        """
        if more:
            raise InvalidArgument(
                f"Reply To Messages takes reply, binary and times by name: write "
                f"reply={self._show(str(more[0]))[:60]} (got {len(more)} more positional "
                "argument(s) after the expected value)."
            )
        if reply is None:
            raise InvalidArgument("Reply To Messages needs the reply to send: write reply=...")
        query = Query.build(expression, assertion_operator, self._plain(expected))
        template = Template.compile(self._plain(reply))
        limit = None if times in (None, "", "None") else positive_int(times, "times")
        return self._add_rule(connection, Rule("reply", query, template, bool(binary), limit))

    @keyword
    def start_heartbeat(
        self,
        connection: str,
        message: Any,
        interval: timedelta = timedelta(seconds=25),
        binary: bool = False,
    ) -> str:
        """Sends ``message`` every ``interval`` while ``connection`` is open, and returns
        the rule's id. The first one goes an ``interval`` after this keyword (or after
        `Connect`, for a name not open yet). On a mock server's name, to each client.
        Heartbeats count in ``sent`` and ``auto_sent``; `Remove Message Rules` stops them.

        | =Argument= | =Meaning= |
        | ``connection`` | URL, alias or mock server name. |
        | ``message`` | Text, or a dictionary or list sent as JSON (a document on a protocol connection). |
        | ``interval`` | Time between heartbeats. |
        | ``binary`` | Send the message as UTF-8 bytes in a binary frame. |

        Example:
        | `Start Heartbeat` | ${WS} | {"op": "keepalive"} | interval=10s |
        """
        every = seconds(interval, "interval", allow_none=False)
        if not every:
            raise InvalidArgument("Argument 'interval' must be more than 0 s.")
        template = Template(Template.compile(self._plain(message)).text, [])
        rule = Rule("heartbeat", None, template, bool(binary), interval=every)
        rule_id = self._add_rule(connection, rule)
        ruleset = self._rules[connection]
        servers = [e.server for e in self._registry.entries() if isinstance(e, MockServerEntry)]
        self._loop.wait(
            self._loop.call(_start_heartbeat, rule, ruleset, self._using(ruleset), servers)
        )
        return rule_id

    @keyword
    def remove_message_rules(self, connection: str, rule: str | None = None) -> int:
        """Removes the rule with id ``rule`` from ``connection``, or all its rules, and
        returns how many were removed. Heartbeats stop.

        Example:
        | ${id}= | `Ignore Messages` | ${WS} | $.type | == | tick |
        | ${n}= | `Remove Message Rules` | ${WS} | ${id} |
        | `Remove Message Rules` | ${WS} | | # all of them |
        """
        ruleset = self._rules.get(connection) if isinstance(connection, str) else None
        removed = ruleset.remove(rule or None) if ruleset is not None else []
        self._log(f"Removed {len(removed)} rule(s) from '{connection}'.")
        return len(removed)

    @keyword
    def send_ping(
        self, connection: str, payload: Any = "", timeout: timedelta | None = None
    ) -> float:
        """Sends a WebSocket ping and returns its round-trip time in seconds (the pong
        never enters the history).

        | =Argument= | =Meaning= |
        | ``connection`` | URL or alias. |
        | ``payload`` | Ping payload (text or bytes, at most 125 bytes). |
        | ``timeout`` | How long to wait for the pong. Default: the library's ``timeout``. |

        Example:
        | ${rtt}= | `Send Ping` | ${WS} |
        | `Should Be True` | ${rtt} < 0.5 |
        """
        conn = self._get(connection)
        if not conn.is_open:
            raise self._closed_error(conn, "ping")
        limit = self._timeout_or_default(seconds(timeout, "timeout"))
        data = self._plain(payload)
        if data is None:
            data = ""
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            data = str(data)
        if not isinstance(data, (str, bytes, bytearray)):
            raise InvalidArgument(
                f"A ping payload must be text or bytes, got {type(data).__name__}."
            )
        size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
        if size > 125:
            raise InvalidArgument(f"A ping payload is at most 125 bytes, got {size}.")
        if isinstance(data, bytearray):
            data = bytes(data)
        try:
            rtt: float = self._loop.run(conn.ping(data, limit))
        except (asyncio.TimeoutError, TimeoutError) as error:
            raise ReceiveFailed(
                f"Send Ping on '{self._show(conn.name)}': no pong arrived (timed out after "
                f"{limit:g} s)."
            ) from error
        except Exception as error:
            if not conn.is_open:
                raise self._closed_error(conn, "ping") from error
            raise
        self._report_recorded(conn)
        self._log(f"Ping on '{conn.name}': pong after {rtt * 1000:.2f} ms.")
        return rtt


def _start_heartbeat(
    rule: Rule, ruleset: RuleSet, registered: list[Connection], servers: list[Any]
) -> None:
    """Start ``rule`` on every open connection ``ruleset`` applies to, in one loop step (on
    the loop): the registered ones and every mock server's clients, also those the registry
    has not adopted yet. A client that connects later starts its name's heartbeats itself;
    one whose handshake ran while the rule was being added is in its server's list by now,
    so no client misses the heartbeat."""
    candidates = list(registered)
    for server in servers:
        with server.condition:
            candidates.extend(server.clients)
    for conn in candidates:
        if ruleset in conn.rulesets and conn.is_open:
            conn.start_heartbeats(rule)
