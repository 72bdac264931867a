"""What a connection sends, on the loop thread: its own frames (keep-alives, handshakes,
rule replies) and the frames keywords hand over, written at once when nothing stands in
the way, else through websockets' ``send()`` as the write buffer drains."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from websockets.protocol import State

from .binary import BinaryFormat
from .history import History, Message
from .protocols.base import Codec, Frame, json_document
from .rules import Rule

_timeout = getattr(asyncio, "timeout", None)


class Sends:
    """Mixed into :class:`~RobotWebSocket._client.Connection`; runs on the loop only."""

    # What sending uses of the connection it is mixed into.
    ws: Any
    codec: Codec | None
    binary: BinaryFormat | None
    history: History
    sent: int
    auto_sent: int
    sent_log: deque[Message]
    wire_log: deque[tuple[str, Message, str]]
    note: Callable[[str, str], None]

    def write_own(self, ws: Any, frame: Frame) -> None:
        """Write a frame of the library's own (keep-alives, handshakes, rule replies) now,
        or queue it behind what is being sent."""
        self.wire_log.append(("send", Message(0, time.time(), frame), "auto"))
        if not ws.rws_write_now(frame):
            if ws.state is State.OPEN:
                asyncio.ensure_future(_quietly(ws.send(frame)))

    def send_for_rule(self, ws: Any, rule: Rule, text: str) -> None:
        """Send a rule's reply or heartbeat: a document on a protocol connection."""
        if self.codec is not None:
            try:
                frames = self.codec.encode(json_document(text))
            except ValueError as error:
                self.note("warn", f"{rule.id} could not send {text!r}: {error}.")
                return
        elif self.binary is not None and text.lstrip()[:1] in ("{", "["):
            # A document reply on a binary-format connection is encoded as Send does.
            try:
                frames = [self.binary.encode(json_document(text))]
            except ValueError as error:
                self.note("warn", f"{rule.id} could not send {text!r}: {error}.")
                return
        else:
            frames = [text.encode("utf-8") if rule.binary else text]
        # Counted before the write: a fast peer may answer before the write returns, and a
        # test that has read the answer must find the reply counted.
        self.auto_sent += 1
        for frame in frames:
            self.sent += 1
            self.write_own(ws, frame)

    def encode(self, message: Any) -> list[Frame]:
        """The frames that send ``message`` (a document, or JSON text of one)."""
        assert self.codec is not None
        return self.codec.encode(_document(message))

    def wants(self, message: Any) -> bool:
        """Whether a message sent to every client of a server is for this one (its
        codec's say; always, without a codec)."""
        return self.codec is None or self.codec.wants(_document(message))

    def request(self, message: Any) -> tuple[list[Frame], Any]:
        """The frames of a request and the test that tells its reply (see ``Codec``)."""
        assert self.codec is not None
        return self.codec.request(_document(message))

    def request_soon(
        self, message: Any, timeout: float | None, prepared: Any, mark: list[int | None]
    ) -> Coroutine[Any, Any, None] | None:
        """Give a request its id and send it, in one loop step; ``prepared`` (a future the
        keyword waits on) gets the frames and the reply test as soon as they exist."""
        try:
            frames, pending = self.request(message)
        except BaseException as error:
            prepared.set_exception(error)
            self.history.poke()  # The keyword waits for replies: it must learn of this now.
            raise
        prepared.set_result((frames, pending))
        return self.send_frames(frames, timeout, mark)

    def send_frames(
        self, frames: list[Frame], timeout: float | None, mark: list[int | None] | None = None
    ) -> Coroutine[Any, Any, None] | None:
        """Send frames in order: those nothing stands in the way of at once, the rest
        through a coroutine that waits for the write buffer to drain.

        ``mark`` (a one-item list) gets the history's total as the first frame is written:
        only messages after it can be replies. It is taken here, on the loop, because
        messages keep arriving until the frame is on the wire."""
        ws = self.ws
        assert ws is not None
        for index, frame in enumerate(frames):
            if mark is not None and mark[0] is None:
                mark[0] = self.history.total
            try:
                written = ws.rws_write_now(frame)
            except BaseException:
                self.history.poke()
                raise
            if not written:
                if index == 0 and mark is not None:
                    mark[0] = None  # Not written yet: _send_draining() marks it when it is.
                return self._send_draining(frames[index:], timeout, mark)
            self._record_sent(frame)
        return None

    async def _send_draining(
        self, frames: list[Frame], timeout: float | None, mark: list[int | None] | None = None
    ) -> None:
        """Send frames through websockets' ``send()``; on failure, wake whoever waits on
        the history so that a keyword waiting for the reply learns of it at once.
        websockets writes a single frame before its first ``await`` (it then waits for the
        buffer to drain), so a mark taken just before the call is the history's total at
        the moment of the write."""
        assert self.ws is not None
        try:
            for frame in frames:
                if mark is not None and mark[0] is None:
                    mark[0] = self.history.total
                    self.history.poke()
                if _timeout is None:  # Python 3.10
                    await asyncio.wait_for(self.ws.send(frame), timeout)
                else:
                    # asyncio.timeout bounds the send in this task; wait_for would start
                    # another task and cost a loop iteration on every send.
                    async with _timeout(timeout):
                        await self.ws.send(frame)
                self._record_sent(frame)
        except BaseException:
            self.history.poke()
            raise

    def _record_sent(self, frame: Frame) -> None:
        self.sent += 1
        self.sent_log.append(Message(self.sent, time.time(), frame))

    async def ping(self, payload: str | bytes, timeout: float) -> float:
        """A WebSocket ping's round-trip time in seconds."""
        assert self.ws is not None
        started = time.perf_counter()
        waiter = await asyncio.wait_for(self.ws.ping(payload or None), timeout)
        await asyncio.wait_for(waiter, max(0.0, timeout - (time.perf_counter() - started)))
        return time.perf_counter() - started


def _document(message: Any) -> Any:
    """JSON text as the document it holds; anything else as it is, for the codec to judge
    (and to explain what it cannot encode)."""
    if isinstance(message, str):
        try:
            return json_document(message)
        except ValueError:
            pass
    return message


async def _quietly(send: Coroutine[Any, Any, None]) -> None:
    """A library frame whose send fails needs no report: the close that caused it is
    recorded and reported by the next keyword."""
    try:
        await send
    except Exception:  # noqa: BLE001 - see the docstring
        pass
