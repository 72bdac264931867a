"""One WebSocket connection on the loop thread: open, record messages, send, close.

Everything protocol-level (pings, the close handshake, framing, compression, TLS, proxies)
is websockets' own. Two things are done here instead of through websockets' public
coroutines, because each cost a loop iteration and a task on every message
(docs/performance.md):

* A message goes into the :class:`History` as soon as websockets has parsed its last frame
  (:meth:`_Client.process_event`), instead of being queued for a reader task that
  ``async for`` wakes one message at a time.
* A send that websockets would not have to wait for (connection open, no fragmented send
  going on, write buffer below its limit) is written at once by a loop callback
  (:meth:`_Client.rws_write_now`). Any other send goes through websockets' own ``send()``,
  which waits for the buffer to drain.

Reads from a plain socket are also sized to the messages (:meth:`_Client.data_received`).

Everything here runs on the loop thread only. It uses websockets' documented extension
point (``create_connection``, a ``ClientConnection`` subclass) and a few of its connection
internals; ``utest/test_client.py`` checks them against the installed version.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.frames import DATA_OPCODES, Close, CloseCode, Frame, Opcode
from websockets.protocol import State

from .history import History

_timeout = getattr(asyncio, "timeout", None)

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
#: Messages at most this big on average in a read make the next reads small.
SMALL_MESSAGE = 1024

#: Fragments one message may have, as in websockets' own message assembler: without a
#: limit, a stream of empty continuation frames would grow a list without bound.
MAX_FRAGMENTS = 4096


#: websockets' name for the future that marks a fragmented send going on: 16 and newer
#: call it ``send_in_progress``, 15 ``fragmented_send_waiter``. A connection that has
#: neither (a websockets we were not tested with) never writes at once.
_FRAGMENTING = ("send_in_progress", "fragmented_send_waiter")


def _fragmenting(ws: ClientConnection) -> bool:
    """Whether a fragmented send is going on (or we cannot tell)."""
    for name in _FRAGMENTING:
        if hasattr(ws, name):
            return getattr(ws, name) is not None
    return True


class _Client(ClientConnection):
    """websockets' asyncio client connection, wired to one :class:`History`. Its own
    names start with ``rws_``, so as not to collide with websockets' attributes."""

    def __init__(self, *args: Any, history: History, on_lost: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rws_history = history
        self.rws_on_lost = on_lost
        self.rws_fragments: list[Any] = []
        self.rws_text = False
        self.rws_failed = False
        #: Whether reads are sized to the messages (plain TCP; set once connected).
        self.rws_sized = False

    def data_received(self, data: bytes) -> None:
        history = self.rws_history
        before = history.total
        super().data_received(data)
        if self.rws_sized:
            count = history.total - before
            small = count > 0 and len(data) <= count * SMALL_MESSAGE
            self.transport.max_size = READ_SMALL if small else READ_BIG  # type: ignore[attr-defined]

    def process_event(self, event: Any) -> None:
        """Append each complete data message to the history as its last frame is parsed
        (on the loop, inside ``data_received``); everything else is websockets' own."""
        if not isinstance(event, Frame) or event.opcode not in DATA_OPCODES:
            super().process_event(event)
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
            self.rws_history.append(bytes(data))
            return
        try:
            text = str(data, "utf-8")
        except UnicodeDecodeError as error:
            self.rws_fail(CloseCode.INVALID_DATA, f"{error.reason} at position {error.start}")
            return
        self.rws_history.append(text)

    def rws_fail(self, code: int, reason: str) -> None:
        """Fail the connection as websockets' ``recv()`` would (a close frame with ``code``)."""
        self.rws_failed = True
        self.rws_fragments = []
        if self.protocol.state is State.OPEN:
            self.protocol.fail(code, reason)
            self.send_data()

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
        self.send_data()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self.rws_on_lost(self, exc)


@dataclass
class Connection:
    """A named connection and its history; lives as long as its name is in the registry."""

    name: str
    url: str
    alias: str | None
    history: History
    display_url: str
    ws: _Client | None = None
    sent: int = 0
    connect_time: float | None = None
    close_code: int | None = None
    close_reason: str | None = None
    closed_by_us: bool = False
    owner: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> str:
        ws = self.ws
        if ws is None:
            return "closed"
        state = ws.state
        if state is State.OPEN:
            return "open"
        if state is State.CLOSING:
            return "closing"
        # CONNECTING is never seen: ``ws`` is set once the handshake is done.
        return "closed" if self.history.closed else "closing"

    @property
    def is_open(self) -> bool:
        return self.ws is not None and self.ws.state is State.OPEN

    async def open(self, options: dict[str, Any], timeout: float) -> None:
        started = time.perf_counter()

        def create(*args: Any, **kwargs: Any) -> _Client:
            return _Client(*args, history=self.history, on_lost=self._lost, **kwargs)

        try:
            ws = await asyncio.wait_for(
                connect(self.url, create_connection=create, logger=WIRE_LOGGER, **options),  # type: ignore[arg-type]
                timeout,
            )
        except BaseException:
            self.history.close()
            raise
        assert isinstance(ws, _Client)
        # Sized reads need asyncio's plain-socket transport (TLS transports read otherwise).
        ws.rws_sized = ws.transport.get_extra_info("sslcontext") is None and hasattr(
            ws.transport, "max_size"
        )
        self.connect_time = time.perf_counter() - started
        self.ws = ws
        if ws.connection_lost_waiter.done():  # It closed before it was handed over.
            self._lost(ws, None)

    def _lost(self, ws: _Client, exc: Exception | None) -> None:
        """The TCP connection ended (on the loop): record how, and end the history."""
        if ws is not self.ws:  # A redirect's first connection, or one never handed over.
            return
        if self.close_code is None:
            self._record_close(ws.protocol.close_sent, ws.protocol.close_rcvd, exc)
        self.history.close()

    def _record_close(
        self, sent: Close | None, received: Close | None, exc: Exception | None
    ) -> None:
        if sent is not None and sent.code == CloseCode.MESSAGE_TOO_BIG:
            # We closed because the server sent more than max_size: say so, whatever the
            # server echoed.
            self.close_code = int(CloseCode.MESSAGE_TOO_BIG)
            self.close_reason = (
                f"message too big: {sent.reason} (max_size={self.options.get('max_size')})"
            )
        elif received is not None:
            self.close_code, self.close_reason = int(received.code), received.reason
        elif sent is not None and not self.closed_by_us:
            # We failed the connection (invalid UTF-8, too many fragments, a protocol error)
            # and websockets did not wait for the server's echo.
            self.close_code, self.close_reason = int(sent.code), sent.reason
        else:
            self.close_code = int(CloseCode.ABNORMAL_CLOSURE)
            self.close_reason = "connection dropped without a close frame" + (
                f" ({type(exc).__name__}: {exc})" if exc is not None else ""
            )

    def send_soon(
        self, data: str | bytes, timeout: float | None
    ) -> Coroutine[Any, Any, None] | None:
        """Send one message (on the loop): at once when nothing stands in the way, else
        return the coroutine that sends it, waiting for the write buffer to drain."""
        ws = self.ws
        assert isinstance(ws, _Client)
        try:
            written = ws.rws_write_now(data)
        except BaseException:
            self.history.poke()
            raise
        if not written:
            return self.send(data, timeout)
        self.sent += 1
        return None

    async def send(self, data: str | bytes, timeout: float | None) -> None:
        """Send one frame; on failure, wake whoever waits on the history so that a keyword
        waiting for the reply learns of it at once."""
        assert self.ws is not None
        try:
            if _timeout is None:  # Python 3.10
                await asyncio.wait_for(self.ws.send(data), timeout)
            else:
                # asyncio.timeout bounds the send in this task; wait_for would start another
                # task and cost a loop iteration (about 0.1 ms) on every send.
                async with _timeout(timeout):
                    await self.ws.send(data)
        except BaseException:
            self.history.poke()
            raise
        self.sent += 1

    async def close(self, code: int, reason: str, timeout: float) -> None:
        """Close and wait for the TCP connection to end, all within ``timeout`` (plus 1 s)."""
        ws = self.ws
        if ws is None:
            return
        self.closed_by_us = True
        ws.close_timeout = timeout
        try:
            await asyncio.wait_for(ws.close(code, reason), timeout + 0.5)
        except (asyncio.TimeoutError, OSError):
            ws.transport.abort()
        try:
            await asyncio.wait_for(ws.wait_closed(), 1)
        except asyncio.TimeoutError:
            pass
        if self.close_code is None:
            self.close_code, self.close_reason = ws.close_code, ws.close_reason
        self.history.close()
