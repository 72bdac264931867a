"""Replay Conversation: a recorded conversation sent again, and the replies compared."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from robot.api.deco import keyword

from ..arguments import seconds
from ..deadline import Deadline
from ..errors import ReceiveFailed
from ..history import Message
from ..replay import Recorded, compile_ignores, differences, read_recording, shown
from ..waiting import Watch
from .base import Context, ContextAware
from .sending import Sender

#: Differences of one message listed in a failure, at most.
SHOWN_DIFFERENCES = 10


class ReplayKeywords(ContextAware):
    """Replay Conversation."""

    def __init__(self, context: Context, sender: Sender) -> None:
        super().__init__(context)
        self._sender = sender

    @keyword
    def replay_conversation(
        self,
        path: str,
        connection: str,
        ignore: list[str] | str | None = None,
        timeout: timedelta | None = None,
    ) -> int:
        """Sends a recorded conversation's messages again over ``connection`` and compares
        what arrives with what was recorded; returns the number of messages compared.

        ``path`` is a conversation file: `Save Conversation`'s HAR, or one saved from a
        browser's developer tools (Chrome's ``_webSocketMessages``). Its ``send`` messages
        are sent in order; after each, the keyword waits (up to ``timeout``) for as many
        messages as the recording received before its next send, and compares them, in
        order, with the recorded ones. Messages the recording received before its first
        send (a greeting) are compared with the first messages of the connection's
        history. JSON is compared by value (member order aside; the JSONPaths in
        ``ignore`` are left out, for timestamps and ids), anything else as text, binary
        as bytes. Frames the library sent or consumed by itself (``_auto``,
        ``_protocol``) and messages a proxy dropped are left out; a message a proxy
        replaced counts as its replacement.

        Fails with the first message that differs (or did not arrive): its number among
        the recording's received messages, and each difference as path, recorded and
        received value.

        | =Argument= | =Meaning= |
        | ``path`` | The conversation file (HAR). |
        | ``connection`` | An open connection, to the server (or a mock server's client) that should answer as recorded. |
        | ``ignore`` | A JSONPath, or a list of them, left out of the comparison. |
        | ``timeout`` | Wait for each reply at most this long. Default: the library's ``timeout``. |

        Example:
        | `Save Conversation` | ${WS} | ${OUTPUT_DIR}/orders.har | |
        | `Connect` | ${WS} | alias=again | |
        | ${n}= | `Replay Conversation` | ${OUTPUT_DIR}/orders.har | again | ignore=${{["$.ts", "$.id"]}} |
        """
        recording = read_recording(str(path))
        ignores = compile_ignores(ignore)
        conn = self._get(connection)
        limit = self._timeout_or_default(seconds(timeout, "timeout"))
        history = conn.history
        number = 0
        if recording.greeting:
            arrived = self._collect(conn, 0, len(recording.greeting), limit)
            number = self._compare(conn, path, recording.greeting, arrived, number, ignores, limit)
        for index, turn in enumerate(recording.turns, 1):
            if not conn.is_open:
                raise self._closed_error(conn, f"replay message {index} on")
            mark = self._sender.send_payload(conn, [turn.sent.data], limit)
            if turn.replies:
                arrived = self._collect(conn, mark, len(turn.replies), limit)
                number = self._compare(conn, path, turn.replies, arrived, number, ignores, limit)
        self._report_recorded(conn)
        self._log(
            f"Replayed {len(recording.turns)} sent message(s) of {path} on '{conn.name}': "
            f"{number} received message(s) as recorded ({history.total} in its history)."
        )
        return number

    def _collect(self, conn: Any, after: int, count: int, limit: float) -> list[Message]:
        """Up to ``count`` messages after sequence number ``after``, waiting ``limit``."""
        history = conn.history
        got: list[Message] = []
        watch = Watch(history, Deadline(limit), after, stop=lambda: len(got) >= count)
        for batch in watch:
            got.extend(batch)
        return got[:count]

    def _compare(
        self,
        conn: Any,
        path: str,
        recorded: list[Recorded],
        arrived: list[Message],
        number: int,
        ignores: list[Any],
        limit: float,
    ) -> int:
        for position, expected in enumerate(recorded):
            number += 1
            if position >= len(arrived):
                raise ReceiveFailed(
                    f"Replay of {path} on '{self._show(conn.name)}' differs from the "
                    f"recording: message {number}: recorded {shown(expected.data)}, "
                    f"received nothing (timed out after {limit:g} s"
                    + (", the connection closed" if conn.history.closed else "")
                    + ")."
                )
            found = differences(expected.data, arrived[position].data, ignores)
            if found:
                lines = [
                    f"message {number}, {where}: recorded {shown(old)}, received {shown(new)}"
                    for where, old, new in found[:SHOWN_DIFFERENCES]
                ]
                more = len(found) - len(lines)
                raise ReceiveFailed(
                    f"Replay of {path} on '{self._show(conn.name)}' differs from the "
                    f"recording:\n" + "\n".join(lines) + (f"\n(and {more} more)" if more else "")
                )
        return number
