"""What the keyword components share: one :class:`Context` (the settings, the loop, the
registry of named connections, masking and logging) and :class:`Component`, the short names
each component uses for it.

Logging happens here, on Robot's thread, and only here: the loop thread records, keywords
write (Robot drops log calls made from other threads).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, Literal

from robot.api import logger
from robot.running.context import EXECUTION_CONTEXTS

from .._client import Connection
from .._loop import LOOP, LoopThread
from .._robot import LEVELS
from ..contracts import report_text
from ..errors import ConnectionClosed, ContractViolated
from ..formatting import Highlight, Row, cut, html_table
from ..masking import mask_text, reveal, sensitive_values
from ..registry import Entry, Registry, close_entries
from ..rules import RuleSet

#: At the default log level a receiving keyword shows at most this many of the messages it
#: examined (the newest); ``--loglevel DEBUG`` shows them all.
LOG_WINDOW = 10

#: At ``--loglevel DEBUG``, the most messages one log entry shows (the newest).
DEBUG_WINDOW = 1000

#: Longest a mock server stops for when its suite ends or at `Disconnect All`.
STOP_LIMIT = 5.0

Level = Literal["TRACE", "DEBUG", "INFO", "WARN"]


class Context:
    """One per library instance, shared by all its components."""

    def __init__(
        self,
        timeout: float,
        connect_timeout: float,
        buffer_size: int,
        log_max_length: int,
        buffer_bytes: int,
    ) -> None:
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.buffer_size = buffer_size
        self.buffer_bytes = buffer_bytes
        self.log_max_length = log_max_length
        self.secrets: list[str] = []
        self.formatters: dict[str, list[Any]] = {}
        self.loop: LoopThread = LOOP
        self.registry = Registry(self.show)

    def timeout_or_default(self, value: float | None) -> float:
        return self.timeout if value is None else value

    def suite_id(self) -> str | None:
        """The suite running now (what it opens is closed when it ends)."""
        context = EXECUTION_CONTEXTS.current
        return context.suite.id if context is not None else None

    # -- closing ------------------------------------------------------------------------------

    def close(self, entries: list[Entry], limit: float, group_limit: float) -> list[Connection]:
        """Close the live ``entries``: groups first (a mock server stops its clients with
        1001, within ``group_limit``, and says so in the log), then the connections still
        open (1000, within ``limit``, at once). Returns those connections."""
        groups = [e for e in entries if e.connection is None and e.live]
        if groups and self.loop.running:
            self.loop.run(close_entries(groups, 1001, "", group_limit))
            for group in groups:
                note = group.closed_note(1001, "")
                if note:
                    self.log(note)
        open_ones = [e for e in entries if e.connection is not None and e.live]
        closing = [e.connection for e in open_ones if e.connection is not None]
        for conn in closing:
            conn.closed_by_us = True
        if open_ones and self.loop.running:
            self.loop.run(close_entries(open_ones, 1000, "", limit))
        return closing

    def close_owned_by(self, suite_id: str) -> None:
        """Close what was opened while suite ``suite_id`` (or a child of it) ran."""
        owned = [
            e
            for e in self.registry.entries()
            if e.owner is not None and (e.owner == suite_id or e.owner.startswith(suite_id + "-"))
        ]
        limit = min(self.timeout, STOP_LIMIT)
        self.close(owned, limit, limit)

    async def close_at_exit(self) -> None:
        """Close everything, on the loop, as the interpreter exits (nothing is logged)."""
        entries = self.registry.snapshot()
        await close_entries([e for e in entries if e.connection is None and e.live], 1001, "", 2.0)
        await close_entries(
            [e for e in entries if e.connection is not None and e.live], 1000, "", 2.0
        )

    def closed_error(self, conn: Connection, action: str) -> ConnectionClosed:
        code = conn.close_code
        if code is None and conn.ws is not None:
            code = conn.ws.close_code
        reason = conn.close_reason or ""
        return ConnectionClosed(
            f"Cannot {action} '{self.show(conn.name)}': the connection is closed "
            f"(close code {code}" + (f", reason '{reason}'" if reason else "") + ")."
        )

    # -- masking -----------------------------------------------------------------------------

    def remember_secret(self, value: str) -> None:
        if value and value not in self.secrets:
            self.secrets.append(value)
            self.secrets.sort(key=len, reverse=True)

    def plain(self, value: Any, nested: bool = False) -> Any:
        """The value of a Robot ``Secret`` (remembered, so it is masked from now on); with
        ``nested``, every ``Secret`` in dictionaries and lists too."""
        return reveal(value, nested, self.remember_secret)

    def show(self, text: str) -> str:
        """``text`` safe for the log: every known secret masked (credential headers, Secret
        values, and URL query tokens, which `Connect` registers)."""
        return mask_text(text, self.secrets)

    # -- logging (Robot's thread only) -------------------------------------------------------

    @staticmethod
    def in_robot() -> bool:
        return EXECUTION_CONTEXTS.current is not None

    @staticmethod
    def logs(level: Level) -> bool:
        """Whether Robot keeps messages of ``level``, so that big log entries (a whole
        window, a transcript) are only built when they will be written."""
        context = EXECUTION_CONTEXTS.current
        if context is None:
            return False
        try:
            return LEVELS[level] >= context.output.log_level.priority
        except AttributeError:  # Robot's internals moved: log, and let Robot filter.
            return True

    def log(self, text: str, level: Level = "INFO") -> None:
        if self.in_robot():
            logger.write(self.show(text), level)

    def log_html(self, markup: str, level: Level = "INFO") -> None:
        """Log ``markup``, built from text already masked with :meth:`show` (masking
        after escaping would miss a secret that escaping changed, such as ``a&b``)."""
        if self.in_robot():
            logger.write(markup, level, html=True)

    def table(
        self,
        rows: Sequence[Row],
        highlight: Highlight = None,
        title: str = "",
        failed: bool = False,
    ) -> str:
        return html_table(rows, self.log_max_length, highlight, title, self.show, failed)

    def warn(self, text: str) -> None:
        if self.in_robot():
            logger.warn(self.show(text))

    def log_rows(
        self,
        summary: str,
        rows: Sequence[Row],
        highlight: Highlight = None,
        failed: bool = False,
    ) -> None:
        """One log entry: ``summary`` and a table of the messages sent and examined (the
        newest :data:`LOG_WINDOW` at INFO, up to :data:`DEBUG_WINDOW` more at DEBUG);
        ``highlight`` marks the message(s) that matched, in red when ``failed``."""
        if not self.logs("INFO"):
            return
        shown = rows[-LOG_WINDOW:]
        note = ""
        if len(rows) > len(shown):
            note = f" ({len(shown)} newest of {len(rows)} shown; --loglevel DEBUG shows up to {DEBUG_WINDOW})"
        self.log_html(
            self.table(shown, highlight, summary + note, failed)
            if shown
            else html.escape(self.show(summary), quote=False)
        )
        if len(rows) > len(shown) and self.logs("DEBUG"):
            self.log_html(self.table(rows[-DEBUG_WINDOW:], highlight, summary, failed), "DEBUG")

    def report_recorded(self, connection: Connection) -> None:
        """What the loop recorded on ``connection`` since the previous keyword read it: what
        its rules did, and messages dropped past ``buffer_size``. Every keyword that reads a
        connection calls this first."""
        codec = connection.codec
        if codec is not None and codec.server and codec.session is not None:
            # A mock server's client sent credentials in its handshake (MQTT's password,
            # STOMP's passcode, a Socket.IO auth token): the log never shows them.
            for secret in sensitive_values(codec.session):
                self.remember_secret(secret)
        self.report_rules(connection)
        dropped = connection.history.take_dropped()
        if dropped:
            self.warn(
                f"{dropped} message(s) were dropped from the history of '{connection.name}' "
                f"because it holds at most buffer_size={connection.history.maxlen} messages "
                f"and buffer_bytes={connection.history.max_bytes} bytes of their data."
            )
        self.report_contract(connection)

    def report_contract(self, connection: Connection) -> None:
        """Finish checking what ``connection`` received against its AsyncAPI contract, and
        fail (``violations=fail``), warn (``warn``) or only count (``keep``) each message
        that breaks it. Called by every keyword that reads the connection, and by waits as
        messages arrive."""
        checking = connection.contract
        if checking is None:
            return
        reports = checking.settle()
        if not reports or checking.mode == "keep":
            return
        if checking.mode == "warn":
            for number, verdict in reports:
                self.warn(
                    f"'{connection.name}': a message breaks the AsyncAPI contract of "
                    f"{checking.document}: {verdict.format(number)}"
                )
            return
        raise ContractViolated(self.show(report_text(connection.name, checking.document, reports)))

    def watch_contract(self, connection: Connection) -> None:
        """Make waits on ``connection`` check its contract as messages arrive."""
        connection.history.inspect = lambda: self.report_contract(connection)

    def report_rules(self, connection: Connection) -> None:
        """One INFO line of what rules did since the previous keyword (exact counts, and
        the first automatic reply with the rule it came from), each event at DEBUG, and a
        warning for each problem the loop recorded (a reply that could not be sent, a rule
        that could not judge a message)."""
        counts = connection.event_counts
        reported = connection.reported_counts
        new = {kind: counts[kind] - reported[kind] for kind in counts}
        if not any(new.values()):
            return
        reported.update(counts)
        events = connection.events
        taken: list[tuple[str, str]] = []
        while events:
            try:
                taken.append(events.popleft())
            except IndexError:  # The loop thread appends; only this thread takes.
                break
        parts = [f"{new[kind]} {word}" for kind, word in _EVENT_WORDS.items() if new[kind]]
        if parts:
            first = next((text for kind, text in taken if kind == "replied"), None)
            self.log(
                f"Rules on '{connection.name}' since the previous keyword: {', '.join(parts)}"
                + (f"; the first: {cut(first, 300)}" if first else ".")
            )
        for kind, text in taken:
            if kind == "warn":
                self.warn(f"'{connection.name}': {text}")
            else:
                self.log(text, "DEBUG")
        if len(taken) < sum(new.values()):
            self.log(
                f"({sum(new.values()) - len(taken)} older rule event(s) of '{connection.name}' "
                "are counted above but not listed: the newest are kept.)",
                "DEBUG",
            )


class ContextAware:
    """What keyword components (and the helpers they share) hold: the library's
    :class:`Context`, and short names for what keywords use of it most. Components neither
    inherit from nor know each other; what two of them need is in the context, or in a
    helper both are given (:class:`~.sending.Sender`, :class:`~.waiting.Waits`)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    @property
    def _loop(self) -> LoopThread:
        return self.context.loop

    @property
    def _registry(self) -> Registry:
        return self.context.registry

    @property
    def _rules(self) -> dict[str, RuleSet]:
        return self.context.registry.rules

    @property
    def _formatters(self) -> dict[str, list[Any]]:
        return self.context.formatters

    @property
    def _timeout(self) -> float:
        return self.context.timeout

    def _get(self, name: Any) -> Connection:
        """The one connection ``name`` stands for; fails, listing the open ones."""
        connection = self.context.registry.get(name).connection
        assert connection is not None
        return connection

    def _timeout_or_default(self, value: float | None) -> float:
        return self.context.timeout_or_default(value)

    def _plain(self, value: Any) -> Any:
        return self.context.plain(value)

    def _show(self, text: str) -> str:
        return self.context.show(text)

    def _log(self, text: str, level: Level = "INFO") -> None:
        self.context.log(text, level)

    def _warn(self, text: str) -> None:
        self.context.warn(text)

    def _log_rows(
        self,
        summary: str,
        rows: Sequence[Row],
        highlight: Highlight = None,
        failed: bool = False,
    ) -> None:
        self.context.log_rows(summary, rows, highlight, failed)

    def _report_recorded(self, connection: Connection) -> None:
        self.context.report_recorded(connection)

    def _report_rules(self, connection: Connection) -> None:
        self.context.report_rules(connection)

    def _closed_error(self, conn: Connection, action: str) -> ConnectionClosed:
        return self.context.closed_error(conn, action)


_EVENT_WORDS = {
    "ignored": "message(s) ignored",
    "replied": "automatic reply(ies) sent",
    "heartbeat": "heartbeat(s) sent",
    "fault": "fault(s) applied",
}
