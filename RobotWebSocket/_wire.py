"""Our connections' own paths into websockets, on the loop thread only.

Everything protocol-level (pings, the close handshake, framing, compression, TLS, proxies)
is websockets' own. Two things are done here instead of through websockets' public
coroutines, because each cost a loop iteration and a task on every message
(docs/performance.md):

* A message is handed to its owner (:class:`~RobotWebSocket._client.Connection`) as soon
  as websockets has parsed its last frame (:meth:`DirectPaths.process_event`), instead of
  being queued for a reader task that ``async for`` wakes one message at a time.
* A send that websockets would not have to wait for (connection open, no fragmented send
  going on, write buffer below its limit) is written at once by loop code
  (:meth:`DirectPaths.rws_write_now`). Any other send goes through websockets' own
  ``send()``, which waits for the buffer to drain.

Reads from a plain socket are also sized to the messages (:meth:`DirectPaths.data_received`).

This uses websockets' documented extension point (``create_connection``, a connection
subclass) and a few of its connection internals; ``utest/test_client.py`` checks them
against the installed version.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection
from websockets.frames import DATA_OPCODES, Close, CloseCode, Frame, Opcode
from websockets.protocol import State

from .history import History

#: websockets' logger for our connections. Its frame-by-frame DEBUG trace would copy every
#: message, credentials included, into any handler that Robot or a listener attaches, so it
#: stops at INFO unless someone sets its level on purpose.
WIRE_LOGGER = logging.getLogger("RobotWebSocket.websockets")
if WIRE_LOGGER.level == logging.NOTSET:
    WIRE_LOGGER.setLevel(logging.INFO)

#: Bytes asyncio reads from a plain socket at once: its default for big messages, less for
#: small ones. websockets parses all the frames of a read in one callback, during which the
#: loop serves no other connection: a 256 KiB read of 100-byte messages kept it busy for up
#: to 30 ms under a flood, while 16 KiB reads of 16 KiB messages cost a third of ingestion
#: speed (docs/performance.md).
READ_BIG, READ_SMALL = 256 * 1024, 16 * 1024
#: Messages at most this big on average make the next reads small.
SMALL_MESSAGE = 1024
#: Messages completed (or READ_BIG bytes read) between two decisions on the read size.
SIZING_MESSAGES = 16

#: Fragments one message may have, as in websockets' own message assembler: without a
#: limit, a stream of empty continuation frames would grow a list without bound.
MAX_FRAGMENTS = 4096


#: websockets' name for the future that marks a fragmented send going on: 16 and newer
#: call it ``send_in_progress``, 15 ``fragmented_send_waiter``. A connection that has
#: neither (a websockets we were not tested with) never writes at once.
_FRAGMENTING = ("send_in_progress", "fragmented_send_waiter")


def _fragmenting(ws: Any) -> bool:
    """Whether a fragmented send is going on (or we cannot tell)."""
    for name in _FRAGMENTING:
        if hasattr(ws, name):
            return getattr(ws, name) is not None
    return True


class DirectPaths:
    """What our client and server connections add to websockets' asyncio connection:
    messages handed to the owning :class:`Owner` as their last frame is parsed, sized
    reads, and writing at once. Its own names start with ``rws_``, so as not to collide
    with websockets' attributes. Mixed in before websockets' connection class."""

    protocol: Any
    transport: Any
    paused: bool

    def rws_setup(self, owner: Owner) -> None:
        self.rws_owner = owner
        self.rws_history = owner.history
        self.rws_fragments: list[Any] = []
        self.rws_text = False
        self.rws_failed = False
        #: Whether reads are sized to the messages (plain TCP; set once connected).
        self.rws_sized = False
        #: Bytes read and messages completed since reads were last sized.
        self.rws_tally = [0, 0]

    def data_received(self, data: bytes) -> None:
        history = self.rws_history
        before = history.total
        history.batch(True)
        try:
            super().data_received(data)  # type: ignore[misc]
        finally:
            history.batch(False)
        if self.rws_sized:
            # Judged over several reads, not one: TCP may hand over the last few bytes of
            # a big message alone, which would look like a read of small messages.
            tally = self.rws_tally
            tally[0] += len(data)
            tally[1] += history.total - before
            if tally[1] >= SIZING_MESSAGES or tally[0] >= READ_BIG:
                small = tally[1] > 0 and tally[0] <= tally[1] * SMALL_MESSAGE
                self.transport.max_size = READ_SMALL if small else READ_BIG
                tally[0] = tally[1] = 0

    def process_event(self, event: Any) -> None:
        """Append each complete data message to the history as its last frame is parsed
        (on the loop, inside ``data_received``); everything else is websockets' own."""
        if not isinstance(event, Frame) or event.opcode not in DATA_OPCODES:
            super().process_event(event)  # type: ignore[misc]
            return
        if self.rws_failed:  # What follows a frame we failed the connection for is dropped.
            return
        if event.opcode is not Opcode.CONT:
            self.rws_text = event.opcode is Opcode.TEXT
            if event.fin:
                self.rws_deliver(event.data)
                return
        self.rws_fragments.append(event.data)
        if len(self.rws_fragments) > MAX_FRAGMENTS:
            self.rws_fail(CloseCode.MESSAGE_TOO_BIG, f"more than {MAX_FRAGMENTS} fragments")
        elif event.fin:
            data = b"".join(self.rws_fragments)
            self.rws_fragments = []
            self.rws_deliver(data)

    def rws_deliver(self, data: Any) -> None:
        if not self.rws_text:
            self.rws_owner.deliver(self, bytes(data))
            return
        try:
            text = str(data, "utf-8")
        except UnicodeDecodeError as error:
            self.rws_fail(CloseCode.INVALID_DATA, f"{error.reason} at position {error.start}")
            return
        self.rws_owner.deliver(self, text)

    def rws_fail(self, code: int, reason: str) -> None:
        """Fail the connection as websockets' ``recv()`` would (a close frame with ``code``)."""
        self.rws_failed = True
        self.rws_fragments = []
        if self.protocol.state is State.OPEN:
            self.protocol.fail(code, reason)
            self.send_data()  # type: ignore[attr-defined]

    def rws_write_now(self, data: str | bytes) -> bool:
        """Write ``data`` as one message at once when websockets' ``send()`` would not wait
        (open, no fragmented send going on, write buffer not full); ``False`` when it would,
        and nothing was written. On the loop only."""
        if (
            self.protocol.state is not State.OPEN
            or self.paused
            or self.transport.is_closing()
            or _fragmenting(self)
        ):
            return False
        if isinstance(data, str):
            self.protocol.send_text(data.encode())
        else:
            self.protocol.send_binary(data)
        self.send_data()  # type: ignore[attr-defined]
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)  # type: ignore[misc]
        self.rws_owner.lost(self, exc)


class Owner(Protocol):
    """The side of a connection that receives what :class:`DirectPaths` hands over."""

    history: History

    def deliver(self, ws: Any, data: str | bytes) -> None: ...

    def lost(self, ws: Any, exc: Exception | None) -> None: ...


class ClientSide(DirectPaths, ClientConnection):
    """websockets' asyncio client connection, wired to one :class:`Owner`."""

    def __init__(self, *args: Any, owner: Owner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rws_setup(owner)


def how_it_closed(
    sent: Close | None,
    received: Close | None,
    exc: Exception | None,
    closed_by_us: bool,
    max_size: int | None,
) -> tuple[int, str]:
    """The close code and reason to report for a connection that ended, from the close
    frames websockets sent and received."""
    if sent is not None and sent.code == CloseCode.MESSAGE_TOO_BIG:
        # We closed because the peer sent more than max_size: say so, whatever it echoed.
        return int(CloseCode.MESSAGE_TOO_BIG), (
            f"message too big: {sent.reason} (max_size={max_size})"
        )
    if received is not None:
        return int(received.code), received.reason
    if sent is not None and not closed_by_us:
        # We failed the connection (invalid UTF-8, too many fragments, a protocol error)
        # and websockets did not wait for the peer's echo.
        return int(sent.code), sent.reason
    return int(CloseCode.ABNORMAL_CLOSURE), "connection dropped without a close frame" + (
        f" ({type(exc).__name__}: {exc})" if exc is not None else ""
    )
