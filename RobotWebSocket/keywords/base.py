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
from ..errors import ConnectionNotFound
from ..formatting import header, html_table, render
from ..history import Message
from ..masking import is_secret, mask_text, mask_url

#: At the default log level a receiving keyword shows at most this many of the messages it
#: examined (the newest); ``--loglevel DEBUG`` shows them all.
LOG_WINDOW = 10

Level = Literal["TRACE", "DEBUG", "INFO", "WARN"]


class LibraryBase:
    def __init__(
        self, timeout: float, connect_timeout: float, buffer_size: int, log_max_length: int
    ) -> None:
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        self._buffer_size = buffer_size
        self._log_max_length = log_max_length
        self._connections: dict[str, Connection] = {}
        self._secrets: list[str] = []
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
                f"No connection named '{self._show(str(name))}'. Open connections: {names}."
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
        """``text`` safe for the log: URL tokens and every known secret masked."""
        return mask_text(mask_url(text), self._secrets)

    # -- logging (Robot's thread only) -------------------------------------------------------

    @staticmethod
    def _in_robot() -> bool:
        return EXECUTION_CONTEXTS.current is not None

    def _log(self, text: str, level: Level = "INFO") -> None:
        if self._in_robot():
            logger.write(self._show(text), level)

    def _log_html(self, markup: str, level: Level = "INFO") -> None:
        if self._in_robot():
            logger.write(self._show(markup), level, html=True)

    def _warn(self, text: str) -> None:
        if self._in_robot():
            logger.warn(self._show(text))

    def _log_message(self, message: Message, direction: str, connection: Connection) -> None:
        if not self._in_robot():
            return
        title = html.escape(header(message, direction, connection.name))
        body = html.escape(render(message, self._log_max_length))
        self._log_html(f"{title}<pre style='margin:0;white-space:pre-wrap'>{body}</pre>")

    def _log_window(
        self,
        connection: Connection,
        messages: Sequence[Message],
        highlight: Message | None = None,
        title: str = "examined",
    ) -> None:
        if not self._in_robot() or not messages:
            return
        shown = messages[-LOG_WINDOW:]
        note = ""
        if len(messages) > len(shown):
            note = f" ({len(shown)} newest of {len(messages)} shown; --loglevel DEBUG shows all)"
        self._log_html(
            html_table(shown, connection.name, self._log_max_length, highlight, f"{title}{note}")
        )
        if len(messages) > len(shown):
            self._log_html(
                html_table(messages, connection.name, self._log_max_length, highlight, title),
                "DEBUG",
            )

    def _report_dropped(self, connection: Connection) -> None:
        dropped = connection.history.take_dropped()
        if dropped:
            self._warn(
                f"{dropped} message(s) were dropped from the history of '{connection.name}' "
                f"because it holds at most buffer_size={connection.history.maxlen} messages."
            )
