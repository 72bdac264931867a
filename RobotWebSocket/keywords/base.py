"""State shared by the keyword classes: the connection registry, settings, and logging.

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
from .._loop import LOOP
from .._robot import LEVELS
from ..errors import ConnectionNotFound
from ..formatting import Highlight, Row, cut, html_table
from ..masking import is_secret, mask_text, mask_url
from ..rules import RuleSet

#: At the default log level a receiving keyword shows at most this many of the messages it
#: examined (the newest); ``--loglevel DEBUG`` shows them all.
LOG_WINDOW = 10

#: At ``--loglevel DEBUG``, the most messages one log entry shows (the newest).
DEBUG_WINDOW = 1000

Level = Literal["TRACE", "DEBUG", "INFO", "WARN"]


class LibraryBase:
    def __init__(
        self,
        timeout: float,
        connect_timeout: float,
        buffer_size: int,
        log_max_length: int,
        buffer_bytes: int,
    ) -> None:
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        self._buffer_size = buffer_size
        self._buffer_bytes = buffer_bytes
        self._log_max_length = log_max_length
        self._connections: dict[str, Connection] = {}
        #: Message rules by connection (or mock server) name; they outlive connections.
        self._rules: dict[str, RuleSet] = {}
        self._secrets: list[str] = []
        self._formatters: dict[str, list[Any]] = {}
        self._loop = LOOP

    # -- the registry ------------------------------------------------------------------------

    def _get(self, name: Any) -> Connection:
        connection = self._connections.get(name) if isinstance(name, str) else None
        if connection is None:
            names = (
                ", ".join(self._show(n) for n, c in self._connections.items() if c.is_open)
                or "none"
            )
            raise ConnectionNotFound(
                f"No connection named '{self._show(mask_url(str(name)))}'. "
                f"Open connections: {names}."
            )
        return connection

    def _timeout_or_default(self, value: float | None) -> float:
        return self._timeout if value is None else value

    # -- masking -----------------------------------------------------------------------------

    def _remember_secret(self, value: str) -> None:
        if value and value not in self._secrets:
            self._secrets.append(value)
            self._secrets.sort(key=len, reverse=True)

    def _plain(self, value: Any) -> Any:
        """The value of a Robot ``Secret`` (remembered, so it is masked from now on)."""
        if is_secret(value):
            self._remember_secret(str(value.value))
            return value.value
        return value

    def _show(self, text: str) -> str:
        """``text`` safe for the log: every known secret masked (credential headers, Secret
        values, and URL query tokens, which `Connect` registers)."""
        return mask_text(text, self._secrets)

    # -- logging (Robot's thread only) -------------------------------------------------------

    @staticmethod
    def _in_robot() -> bool:
        return EXECUTION_CONTEXTS.current is not None

    @staticmethod
    def _logs(level: Level) -> bool:
        """Whether Robot keeps messages of ``level``, so that big log entries (a whole
        window, a transcript) are only built when they will be written."""
        context = EXECUTION_CONTEXTS.current
        if context is None:
            return False
        try:
            return LEVELS[level] >= context.output.log_level.priority
        except AttributeError:  # Robot's internals moved: log, and let Robot filter.
            return True

    def _log(self, text: str, level: Level = "INFO") -> None:
        if self._in_robot():
            logger.write(self._show(text), level)

    def _log_html(self, markup: str, level: Level = "INFO") -> None:
        """Log ``markup``, built from text already masked with :meth:`_show` (masking
        after escaping would miss a secret that escaping changed, such as ``a&b``)."""
        if self._in_robot():
            logger.write(markup, level, html=True)

    def _table(
        self,
        rows: Sequence[Row],
        highlight: Highlight = None,
        title: str = "",
        failed: bool = False,
    ) -> str:
        return html_table(rows, self._log_max_length, highlight, title, self._show, failed)

    def _warn(self, text: str) -> None:
        if self._in_robot():
            logger.warn(self._show(text))

    def _log_rows(
        self,
        summary: str,
        rows: Sequence[Row],
        highlight: Highlight = None,
        failed: bool = False,
    ) -> None:
        """One log entry: ``summary`` and a table of the messages sent and examined (the
        newest :data:`LOG_WINDOW` at INFO, up to :data:`DEBUG_WINDOW` more at DEBUG);
        ``highlight`` marks the message(s) that matched, in red when ``failed``."""
        if not self._logs("INFO"):
            return
        shown = rows[-LOG_WINDOW:]
        note = ""
        if len(rows) > len(shown):
            note = f" ({len(shown)} newest of {len(rows)} shown; --loglevel DEBUG shows up to {DEBUG_WINDOW})"
        self._log_html(
            self._table(shown, highlight, summary + note, failed)
            if shown
            else html.escape(self._show(summary), quote=False)
        )
        if len(rows) > len(shown) and self._logs("DEBUG"):
            self._log_html(self._table(rows[-DEBUG_WINDOW:], highlight, summary, failed), "DEBUG")

    def _report_dropped(self, connection: Connection) -> None:
        """What happened to ``connection`` since the previous keyword read it: messages
        dropped past ``buffer_size``, and what its rules did. Every keyword that reads a
        connection calls this first."""
        self._report_rules(connection)
        dropped = connection.history.take_dropped()
        if dropped:
            self._warn(
                f"{dropped} message(s) were dropped from the history of '{connection.name}' "
                f"because it holds at most buffer_size={connection.history.maxlen} messages "
                f"and buffer_bytes={connection.history.max_bytes} bytes of their data."
            )

    def _report_rules(self, connection: Connection) -> None:
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
            self._log(
                f"Rules on '{connection.name}' since the previous keyword: {', '.join(parts)}"
                + (f"; the first: {cut(first, 300)}" if first else ".")
            )
        for kind, text in taken:
            if kind == "warn":
                self._warn(f"'{connection.name}': {text}")
            else:
                self._log(text, "DEBUG")
        if len(taken) < sum(new.values()):
            self._log(
                f"({sum(new.values()) - len(taken)} older rule event(s) of '{connection.name}' "
                "are counted above but not listed: the newest are kept.)",
                "DEBUG",
            )


_EVENT_WORDS = {
    "ignored": "message(s) ignored",
    "replied": "automatic reply(ies) sent",
    "heartbeat": "heartbeat(s) sent",
}
