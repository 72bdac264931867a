"""One WebSocket connection on the loop thread: open, read into the history, send, close.

Everything protocol-level (pings, the close handshake, fragmentation, compression, TLS,
proxies) is websockets' own; this module only wires it to a :class:`History` and records
how the connection ended.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.protocol import State

from .history import History

_timeout = getattr(asyncio, "timeout", None)

#: Messages read in a row before the reader yields to the other connections on the loop.
#: Without it, a connection whose socket always has data starves every other one. 64 kept
#: peak ingestion but let the request/reply median under a flood pass 2 ms; 16 did the
#: opposite; 32 met both targets (docs/performance.md).
YIELD_EVERY = 32


@dataclass
class Connection:
    """A named connection and its history; lives as long as its name is in the registry."""

    name: str
    url: str
    alias: str | None
    history: History
    display_url: str
    ws: ClientConnection | None = None
    reader: asyncio.Task[None] | None = None
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
        if state is State.CONNECTING:
            return "connecting"
        return "closed" if self.history.closed else "closing"

    @property
    def is_open(self) -> bool:
        return self.ws is not None and self.ws.state is State.OPEN

    async def open(self, options: dict[str, Any], timeout: float) -> None:
        started = time.perf_counter()
        try:
            self.ws = await asyncio.wait_for(connect(self.url, **options), timeout)
        except BaseException:
            self.history.close()
            raise
        self.connect_time = time.perf_counter() - started
        self.reader = asyncio.get_running_loop().create_task(self._read(self.ws))

    async def _read(self, ws: ClientConnection) -> None:
        append = self.history.append
        count = 0
        try:
            async for data in ws:
                append(data)
                count += 1
                if count == YIELD_EVERY:
                    count = 0
                    await asyncio.sleep(0)
        except ConnectionClosed as closed:
            self._record_close(closed)
        except Exception as error:  # noqa: BLE001 - any failure ends the connection as 1006
            self.close_code = CloseCode.ABNORMAL_CLOSURE
            self.close_reason = f"{type(error).__name__}: {error}"
        else:
            self.close_code, self.close_reason = ws.close_code, ws.close_reason
        finally:
            self.history.close()

    def _record_close(self, closed: ConnectionClosed) -> None:
        sent, received = closed.sent, closed.rcvd
        if sent is not None and sent.code == CloseCode.MESSAGE_TOO_BIG:
            # We closed because the server sent more than max_size: say so, whatever the
            # server echoed.
            self.close_code = int(CloseCode.MESSAGE_TOO_BIG)
            self.close_reason = (
                f"message too big: {sent.reason} (max_size={self.options.get('max_size')})"
            )
        elif received is not None:
            self.close_code, self.close_reason = int(received.code), received.reason
        else:
            self.close_code = int(CloseCode.ABNORMAL_CLOSURE)
            self.close_reason = "connection dropped without a close frame"

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
        """Close and wait for the reader to finish, all within ``timeout``."""
        ws = self.ws
        if ws is None:
            return
        self.closed_by_us = True
        ws.close_timeout = timeout
        try:
            await asyncio.wait_for(ws.close(code, reason), timeout + 0.5)
        except (asyncio.TimeoutError, OSError):
            ws.transport.abort()
        if self.reader is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self.reader), 1)
            except asyncio.TimeoutError:
                self.reader.cancel()
        if self.close_code is None:
            self.close_code, self.close_reason = ws.close_code, ws.close_reason
        self.history.close()
