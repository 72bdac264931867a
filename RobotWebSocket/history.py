"""The message history of one connection.

The event-loop thread appends; keywords on Robot's thread read and wait. Everything here is
plain Python with one lock and one condition, so it is tested without a network.

Messages never change once received, so each is parsed as JSON or XML at most once, lazily,
and keeps the results of the expressions evaluated on it (``memo``).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from itertools import islice
from typing import Any

from lxml import etree

from .binary import json_text

#: The value of :attr:`Message.json` / :attr:`Message.xml` when the message is not JSON/XML.
NOT_PARSED = object()
_UNSET = object()
#: What :attr:`Message._json` holds for JSON text nested beyond what the parser follows
#: (a hostile peer's ``[[[[...]]]]``): the message is text, and failures say why.
_TOO_DEEP = object()

#: The key under which :attr:`Message.memo` keeps the parsed XML (one slot less a message).
_XML = "xml"

#: Default of the import argument ``buffer_bytes``: the bytes of message data one
#: history keeps at most, whatever ``buffer_size`` allows.
BUFFER_BYTES = 100 * 1024 * 1024

# XML from a server is untrusted: no entity expansion, no network, no huge trees.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

# Kept as module attributes so tests can count the parses.
json_loads = json.loads


def xml_fromstring(data: bytes) -> Any:
    return etree.fromstring(data, _XML_PARSER)


class Message:
    """One received (or sent) message: its sequence number, arrival time and data."""

    # Six slots: a million kept messages cost what these hold (see docs/performance.md).
    __slots__ = ("seq", "time", "data", "_json", "memo", "document")

    def __init__(
        self, seq: int, arrived: float, data: str | bytes, document: Any = NOT_PARSED
    ) -> None:
        self.seq = seq
        self.time = arrived
        self.data = data
        #: On a protocol connection, the decoded document; JSONPath reads it and keywords
        #: return it, while regex and XPath read the raw ``data``.
        self.document = document
        self._json: Any = _UNSET if document is NOT_PARSED else document
        #: Results of expressions evaluated on the message, and its parsed XML.
        self.memo: dict[Any, Any] | None = None

    @property
    def value(self) -> Any:
        """What keywords return for this message: the document, else the data."""
        return self.data if self.document is NOT_PARSED else self.document

    @property
    def binary(self) -> bool:
        return isinstance(self.data, bytes)

    @property
    def text(self) -> str:
        """The message as text; binary data is decoded leniently, for display and regex."""
        data = self.data
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else data

    @property
    def size(self) -> int:
        """Size in bytes as sent on the wire (UTF-8 for text)."""
        data = self.data
        return len(data) if isinstance(data, bytes) else len(data.encode("utf-8"))

    @property
    def json(self) -> Any:
        """The parsed JSON value, or :data:`NOT_PARSED` for binary and non-JSON text."""
        value = self._json
        if value is _UNSET:
            value = NOT_PARSED
            if not isinstance(self.data, bytes):
                try:
                    value = json_loads(self.data)
                except ValueError:
                    pass
                except RecursionError:
                    value = _TOO_DEEP
            self._json = value
        return NOT_PARSED if value is _TOO_DEEP else value

    def json_problem(self) -> str | None:
        """Why text that looks like JSON is not read as JSON, when that is worth saying."""
        return "nested too deeply" if self.json is NOT_PARSED and self._json is _TOO_DEEP else None

    @property
    def xml(self) -> Any:
        """The parsed XML root element, or :data:`NOT_PARSED`."""
        memo = self.memo
        if memo is None:
            memo = self.memo = {}
        else:
            root = memo.get(_XML, _UNSET)
            if root is not _UNSET:
                return root
        root = NOT_PARSED
        data = self.data
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        if raw.lstrip()[:1] == b"<":
            try:
                root = xml_fromstring(raw)
            except (etree.XMLSyntaxError, ValueError):
                pass
        memo[_XML] = root
        return root

    @property
    def searched(self) -> str | bytes:
        """What ``regex=`` reads: the data as it came."""
        return self.data

    def __repr__(self) -> str:
        return f"Message(seq={self.seq}, data={self.data!r:.60})"


class BinaryDocument(Message):
    """A binary frame that a binary format (``binary_format=``) decoded: JSONPath reads the
    document, ``regex=`` and the log its JSON form; XPath finds nothing in it."""

    __slots__ = ()

    @property
    def text(self) -> str:
        return json_text(self.document)

    @property
    def searched(self) -> str:
        return json_text(self.document)

    @property
    def xml(self) -> Any:
        return NOT_PARSED


class History:
    """Messages of one connection in arrival order, at most ``maxlen`` of them.

    ``total`` counts every message ever appended; the sequence number of a message is its
    position in that count, starting at 1, so a reader can ask for what came after the
    last message it saw even when older ones were dropped.
    """

    def __init__(self, maxlen: int = 10000, max_bytes: int = BUFFER_BYTES) -> None:
        if maxlen < 1:
            raise ValueError(f"buffer_size must be at least 1, got {maxlen}")
        self.maxlen = maxlen
        #: The data of the messages kept is at most this many bytes (text counted in
        #: characters); the oldest are dropped past it, as past ``maxlen``. The newest
        #: message is always kept, however big.
        self.max_bytes = max_bytes
        self.bytes = 0
        self._messages: deque[Message] = deque(maxlen=maxlen)
        self._cond = threading.Condition(threading.Lock())
        self._waiters = 0
        self.total = 0
        self.dropped = 0
        self._dropped_reported = 0
        self.closed = False
        #: While the loop parses one read, its messages are appended together at its end
        #: (:meth:`batch`), under one lock and with one wake-up of the waiters: each
        #: wake-up is a hand-over of the GIL.
        self._batching = False
        self._held: list[Message] = []
        #: When the batch's bytes were read: its messages arrived together, and share it.
        self._read_at = 0.0
        #: Called on the reader's thread when a wait sees new messages (the connection's
        #: contract checks there, and may raise to fail the waiting keyword).
        self.inspect: Callable[[], None] | None = None

    # -- writer side (the event-loop thread) -------------------------------------------

    def arrival(self) -> float:
        """The arrival time for a message being received now: during a batch, when its
        socket read happened (one float shared by the read's messages), else now."""
        return self._read_at if self._batching else time.time()

    def append_message(self, message: Message) -> None:
        """Append a message built by the caller; it gets its sequence number here. During a
        batch it is held back and appended with the batch's others, under one lock."""
        if self._batching:
            self._held.append(message)
            return
        with self._cond:
            self._append(message)
            if self._waiters:
                self._cond.notify_all()

    def _append(self, message: Message) -> None:
        self.total += 1
        messages = self._messages
        if len(messages) == self.maxlen:
            self.dropped += 1
            self.bytes -= len(messages[0].data)
        message.seq = self.total
        messages.append(message)
        self.bytes += len(message.data)
        if self.bytes > self.max_bytes:
            while self.bytes > self.max_bytes and len(messages) > 1:
                self.bytes -= len(messages.popleft().data)
                self.dropped += 1

    def batch(self, on: bool) -> None:
        """Start (``True``) or end a batch of appends (the messages parsed from one socket
        read, by the loop thread only): ending it appends them and wakes the waiters once."""
        if on:
            self._batching = True
            self._read_at = time.time()
            return
        self._batching = False
        held = self._held
        if not held:
            return
        with self._cond:
            for message in held:
                self._append(message)
            held.clear()
            if self._waiters:
                self._cond.notify_all()

    def close(self) -> None:
        """Mark that no more messages will come, and wake every waiter."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def poke(self) -> None:
        """Wake every waiter without a new message (something else they watch changed)."""
        with self._cond:
            self._cond.notify_all()

    # -- reader side ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._messages)

    def last(self, count: int) -> list[Message]:
        """The last ``count`` messages, in arrival order."""
        with self._cond:
            newest_first = list(islice(reversed(self._messages), count))
        newest_first.reverse()
        return newest_first

    def snapshot(self, count: int) -> tuple[int, list[Message]]:
        """The total so far and the last ``count`` messages, read together."""
        with self._cond:
            newest_first = list(islice(reversed(self._messages), count))
            total = self.total
        newest_first.reverse()
        return total, newest_first

    def since(self, seq: int) -> list[Message]:
        """Messages whose sequence number is greater than ``seq``, in arrival order."""
        with self._cond:
            newest_first = list(islice(reversed(self._messages), max(0, self.total - seq)))
        newest_first.reverse()
        return newest_first

    def all(self) -> list[Message]:
        with self._cond:
            return list(self._messages)

    def clear(self) -> int:
        with self._cond:
            removed = len(self._messages)
            self._messages.clear()
            self.bytes = 0
            return removed

    def take_dropped(self) -> int:
        """How many messages were dropped since the last call (for the keyword's warning)."""
        with self._cond:
            new = self.dropped - self._dropped_reported
            self._dropped_reported = self.dropped
            return new

    def wait_for_more(self, seen_total: int, timeout: float) -> bool:
        """Block until a message after ``seen_total`` arrives, the history closes, or
        ``timeout`` passes. Returns whether anything changed."""
        with self._cond:
            if self.total != seen_total or self.closed:
                return True
            self._waiters += 1
            try:
                self._cond.wait(timeout)
            finally:
                self._waiters -= 1
            return self.total != seen_total or self.closed
