"""Send, and the :class:`Sender` that every keyword that sends shares."""

from __future__ import annotations

import ast
import asyncio
import json
import time
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from robot.api.deco import keyword

from .._client import Connection
from ..arguments import seconds
from ..contracts import parsed
from ..deadline import Deadline
from ..errors import ContractViolated, InvalidArgument, SendFailed
from ..formatting import cut
from ..history import BinaryDocument, Message
from ..protocols import ProtocolError
from ..registry import Entry
from .base import Context, ContextAware


@dataclass
class Sending:
    """A send handed to the loop: its future, the frames sent, when, and its time limit.
    ``mark`` gets, on the loop, the history's total as the first frame is written: the
    messages after it are those that can answer the send."""

    future: Future[Any]
    frames: list[str | bytes]
    started: float
    limit: float
    mark: list[int | None] = field(default_factory=lambda: [None])

    def written_after(self, history: Any, deadline: Deadline) -> int:
        """The history's total when the first frame was written, waiting (in slices) for
        the loop to write it; the total now if the send failed or the time ran out first,
        so that the wait reports that."""
        mark = self.mark
        while mark[0] is None:
            future = self.future
            if future.done() or deadline.expired():
                break
            wait((future,), timeout=deadline.slice())
        written = mark[0]
        return history.total if written is None else written


class DocumentFrame(bytes):
    """A binary frame that a binary format encoded from ``document``."""

    document: Any


def encode(message: Any, binary: bool) -> str | bytes:
    """The frame payload: ``str`` for a text frame, ``bytes`` for a binary one."""
    if isinstance(message, (bytes, bytearray, memoryview)):
        return bytes(message)
    if isinstance(message, str):
        return message.encode("utf-8") if binary else message
    if isinstance(message, (dict, list, tuple, int, float)) and message is not None:
        try:
            text = json.dumps(message, ensure_ascii=False)
        except (TypeError, ValueError) as error:
            raise InvalidArgument(f"Message cannot be sent as JSON: {error}.") from error
        return text.encode("utf-8") if binary else text
    raise InvalidArgument(
        f"Message of type {type(message).__name__} cannot be sent: give a string, bytes, "
        "a dictionary or a list."
    )


class SendingKeywords(ContextAware):
    """Send."""

    def __init__(self, context: Context, sender: Sender) -> None:
        super().__init__(context)
        self._sender = sender

    @keyword
    def send(
        self,
        connection: str,
        message: Any,
        binary: bool = False,
        headers: dict[str, Any] | None = None,
        timeout: timedelta | None = None,
        raw: bool = False,
    ) -> None:
        """Sends ``message`` on ``connection``.

        | =Argument= | =Meaning= |
        | ``connection`` | URL or alias. |
        | ``message`` | A string is sent as one text frame, bytes (`Convert To Bytes`, `Get Binary File`) as one binary frame, a dictionary or list (or a number) as JSON text. |
        | ``binary`` | ``True`` sends a string (or JSON) as UTF-8 bytes in a binary frame. |
        | ``headers`` | Upgrade request headers, used when `Send` opens the connection. |
        | ``timeout`` | Limit for a send that the server does not read. Default: the library's ``timeout``. |
        | ``raw`` | On a protocol connection, send ``message`` as a plain frame instead of encoding it as a document (to test how a server takes malformed input). |

        On a connection opened with ``protocol`` (see `Protocols`), ``message`` is a
        document (a dictionary or list, or JSON text of one) that the protocol encodes.
        On a connection opened with ``binary_format`` (see `Binary documents`), a dictionary
        or list is encoded in that format and sent as one binary frame; text and bytes are
        sent as they are, and ``raw=True`` sends a dictionary as JSON text.

        When ``connection`` is a URL that was never opened, or a URL or alias that
        `Disconnect` closed, `Send` opens it first (an alias on its URL) and uses
        ``headers`` for the upgrade request.
        With a connection that is already open, ``headers`` cannot be applied and the log
        says so. On a connection that the server closed or that dropped, `Send` fails with
        the close code and reason; `Connect` it again to reopen it.

        ``timeout`` (default: the library's ``timeout``) limits how long a send may wait
        when the server does not read (TCP backpressure).

        `Send` to a mock server's name sends ``message`` to each of its open clients
        (see `Start Mock Server`); on a server with a ``protocol``, to each client the
        document is for (a STOMP ``MESSAGE`` to the clients subscribed to its destination,
        an MQTT ``publish`` to those with a matching filter, a Socket.IO event to those
        connected to its namespace).

        Example:
        | `Send` | ${WS} | hello |
        | `Send` | ${WS} | {"op": "subscribe", "channel": "orders"} |
        | &{order}= | `Create Dictionary` | op=place | qty=${3} |
        | `Send` | ${WS} | ${order} |
        | ${bytes}= | `Convert To Bytes` | 01 02 ff | hex |
        | `Send` | ${WS} | ${bytes} |
        | `Send` | ${WS} | text as bytes | binary=True |
        """
        entry = self._sender.entry_for_send(connection, headers)
        value = self._plain(message)
        limit = seconds(timeout, "timeout")
        count = 0
        group = entry.connection is None
        for conn in entry.recipients():
            if group and not raw and conn.codec is not None:
                # A protocol server's clients take what is for them: a STOMP MESSAGE to a
                # destination they subscribed to, an MQTT publish matching their filters.
                if not self._sender.on_loop(conn.wants, value):
                    continue
            self._sender.send_payload(conn, self._sender.frames(conn, value, binary, raw), limit)
            count += 1
        note = entry.sent_note(count)
        if note:
            self._log(note)


class Sender(ContextAware):
    """What every keyword that sends does: find what to send to (opening a URL, reopening a
    name `Disconnect` closed), turn a message into frames, hand them to the loop and report
    how the send went. ``connect`` is `Connect`, which opens what is not open."""

    def __init__(self, context: Context, connect: Callable[..., str]) -> None:
        super().__init__(context)
        self._connect = connect

    def frames(self, conn: Connection, message: Any, binary: bool, raw: bool = False) -> list:
        """The frames that send ``message``: itself, or a protocol's encoding of it. Unless
        ``raw``, a message that breaks the connection's AsyncAPI contract fails here, before
        anything is sent."""
        if not raw and conn.contract is not None:
            self.check_contract(conn, message)
        if conn.binary is not None and not raw and isinstance(message, (dict, list)):
            conn.sent_documents.append(Message(conn.sent + 1, time.time(), "", message))
            return [self.encode_document(conn, message)]
        if conn.codec is None or raw:
            if isinstance(message, str) and message[:2] in ("{'", "['"):
                self._hint_python_literal(message)
            return [encode(message, binary)]
        frames = self.on_loop(conn.encode, message)
        conn.sent_documents.append(Message(conn.sent + 1, time.time(), "", parsed(message)))
        return frames

    def check_contract(self, conn: Connection, message: Any) -> None:
        """Fail when ``message`` conforms to no definition the server receives."""
        checking = conn.contract
        verdict = checking.check_sent(message)
        if verdict is None:
            return
        if not verdict.conforms:
            raise ContractViolated(
                self._show(
                    f"Nothing was sent on '{conn.name}': the message breaks the AsyncAPI "
                    f"contract of {checking.document}:\n{verdict.format(conn.sent + 1)}"
                )
            )
        # Counted before it is sent: its reply may be counted, on the loop, before the
        # send returns, and a reply counts for the operation whose request went first.
        checking.count(verdict)

    def encode_document(self, conn: Connection, document: Any) -> DocumentFrame:
        """A dictionary or list encoded in the connection's binary format: one binary frame
        that remembers its document, for the log."""
        assert conn.binary is not None
        try:
            frame = DocumentFrame(conn.binary.encode(document))
        except ValueError as error:  # EncodeError, MissingPackage
            raise InvalidArgument(f"Cannot send that document: {error}") from error
        frame.document = document
        return frame

    def _hint_python_literal(self, text: str) -> None:
        """Warn when text meant as JSON is a Python literal (``{'op': 'place'}``, as Robot
        writes a dictionary turned into text): it is sent as the text it is."""
        try:
            json.loads(text)
            return
        except ValueError:
            pass
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return
        if isinstance(value, (dict, list)):
            kind = "dictionary" if isinstance(value, dict) else "list"
            self._warn(
                f"The message {cut(text, 80)} is a Python {kind}, not JSON, and is sent as the "
                "text it is. To send JSON, write it with double quotes, or give the "
                f"{kind} itself (&{{...}} or ${{{{...}}}})."
            )

    def on_loop(self, function: Any, *args: Any) -> Any:
        """Run a codec call on the loop (codecs keep state the loop also uses)."""
        return self.codec_result(self._loop.call(function, *args))

    def codec_result(self, future: Future[Any]) -> Any:
        """What a codec call on the loop gave; a document the protocol cannot encode is
        the user's error."""
        try:
            return self._loop.wait(future)
        except (ProtocolError, ValueError) as error:
            raise InvalidArgument(f"Cannot send that document: {error}") from error

    def connection_for_send(self, connection: str, headers: dict[str, Any] | None) -> Connection:
        """The one connection to send on; fails for a group's name, as an unknown one."""
        conn = self.entry_for_send(connection, headers).connection
        return conn if conn is not None else self._get(connection)

    def entry_for_send(self, connection: str, headers: dict[str, Any] | None) -> Entry:
        """What `Send` writes to under ``connection``, opened (or reopened) when it can be."""
        entry = self._registry.find(connection)
        if entry is None:
            if not str(connection).startswith(("ws://", "wss://")):
                self._get(connection)  # Not a URL and never opened: fails, listing the names.
            return self._registry.get(self._connect(connection, headers=headers))
        conn = entry.connection
        if conn is None:
            return entry  # A group's members are open already: headers have no use there.
        if not entry.reopenable and not conn.is_open:
            raise self._closed_error(conn, "send on")
        if entry.reopenable and conn.state == "closed" and conn.closed_by_us:
            # Reopen it as it was named: an alias on its URL, a URL as itself.
            return self._registry.get(self._connect(conn.url, headers=headers, alias=conn.alias))
        if headers:
            self._log(
                f"Headers cannot be applied: '{conn.name}' is already open, and headers are "
                "only sent with the upgrade request.",
                "WARN",
            )
        return entry

    def send_payload(self, conn: Connection, frames: list, limit: float | None) -> int:
        """Send and wait until the frames are written (or fail); the history's total when
        the first frame was written."""
        sending = self.start_send(conn, frames, limit)
        self._loop.settle(sending.future)
        sent = self.finish_send(conn, sending)
        if sent:
            self._log_rows(f"Sent on '{conn.name}'.", [("sent", m) for m in sent])
        written = sending.mark[0]
        return conn.history.total if written is None else written

    def start_send(self, conn: Connection, frames: list, limit: float | None) -> Sending:
        if not conn.is_open:
            raise self._closed_error(conn, "send on")
        limit = self._timeout_or_default(limit)
        started = time.time()
        mark: list[int | None] = [None]
        future = self._loop.call(conn.send_frames, frames, limit, mark)
        return Sending(future, frames, started, limit, mark)

    def finish_send(self, conn: Connection, sending: Sending) -> list[Message]:
        """Raise what went wrong with a finished send; else the message sent, for the log
        (``None`` outside Robot, where nothing is logged)."""
        future = sending.future
        error = future.exception() if not future.cancelled() else None
        if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
            raise SendFailed(
                f"Sending on '{self._show(conn.name)}' timed out after {sending.limit:g} s: "
                "the server is not reading (TCP backpressure)."
            ) from error
        if error is not None:
            if not conn.is_open:
                raise self._closed_error(conn, "send on") from error
            raise SendFailed(f"Sending on '{self._show(conn.name)}' failed: {error}") from error
        if self.context.in_robot():
            first = conn.sent - len(sending.frames) + 1
            return [
                BinaryDocument(first + n, sending.started, frame, frame.document)
                if isinstance(frame, DocumentFrame)
                else Message(first + n, sending.started, frame)
                for n, frame in enumerate(sending.frames)
            ]
        return []
