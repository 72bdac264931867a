"""One client of a proxy and its server, on the loop thread: two connections and the two
directions between them.

``<alias>#<n>`` (:class:`ProxySide`, the client's side) holds what the client sent;
``<alias>#<n>.upstream`` what the server sent. Each message goes through
:meth:`ProxySide.deliver` (the fault boundary, STYLE rule 15): faults (:mod:`.faults`)
decide what is forwarded, message rules and the history take it as on any connection, and
its :class:`Direction` writes it to the other side in arrival order, holding it while the
direction is paused or a delayed message is ahead of it. Close frames pass through in the
same order; a side that drops without one makes the proxy drop the other. Nothing here logs.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.server import ServerConnection
from websockets.frames import Close, Frame, Opcode

from ._client import Connection
from ._sending import _quietly
from ._wire import DirectPaths
from .errors import why
from .faults import Fault, Marked, first_fault

#: Messages waiting in one direction past which the proxy stops reading from the sender
#: (TCP backpressure reaches it), and below which it reads again.
HIGH_WATER, LOW_WATER = 4096, 1024


class _Abort:
    """Queued behind a direction's messages: drop the receiver's TCP connection."""


ABORT = _Abort()


def sendable(code: int | None, reason: str) -> tuple[int, str]:
    """A close code and reason that can go on the wire (1005, 1006 and 1015 cannot)."""
    try:
        Close(int(code or 1000), reason).check()
    except Exception:  # noqa: BLE001 - any code websockets refuses to send
        return 1000, reason
    return int(code or 1000), reason


class _Stalling:
    """What both proxy sockets add: a stalled side answers no pings (Pause Proxy)."""

    protocol: Any

    def rws_stall_setup(self) -> None:
        self.rws_stalled = False
        protocol = self.protocol
        send_frame = protocol.send_frame

        def send_unless_stalled(frame: Frame) -> None:
            if frame.opcode is Opcode.PONG and self.rws_stalled:
                return
            send_frame(frame)

        protocol.send_frame = send_unless_stalled

    def process_event(self, event: Any) -> None:
        super().process_event(event)  # type: ignore[misc]
        if isinstance(event, Frame) and event.opcode is Opcode.CLOSE:
            owner: ProxySide = self.rws_owner  # type: ignore[attr-defined]
            owner.closed_by_peer(self.protocol.close_rcvd)


class ClientFacing(_Stalling, DirectPaths, ServerConnection):
    """The proxy's socket to a client (websockets' server connection)."""

    def __init__(self, *args: Any, owner: ProxySide, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rws_setup(owner)
        self.rws_stall_setup()
        self.rws_started = time.perf_counter()
        self.rws_opened_at = time.time()


class ServerFacing(_Stalling, DirectPaths, ClientConnection):
    """The proxy's socket to the upstream server (websockets' client connection)."""

    def __init__(self, *args: Any, owner: ProxySide, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rws_setup(owner)
        self.rws_stall_setup()


class Direction:
    """One way through the proxy: what waits to be written to ``target``, in order. An
    item is ``[payload, ready]``: a delayed message is not ready until its time comes,
    and everything behind it waits."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.source: Any = None
        self.target: Any = None
        self.queue: deque[list[Any]] = deque()
        #: Paused by `Pause Proxy`; blocked until the client's upgrade is done.
        self.paused = False
        self.blocked = True
        self._draining = False
        self._reading_paused = False

    def push(self, payload: Any, delay: float = 0.0) -> None:
        queue = self.queue
        if delay > 0:
            item = [payload, False]
            asyncio.get_running_loop().call_later(delay, self._ready, item)
        elif not queue and not self._draining and not self.paused and not self.blocked:
            if isinstance(payload, (str, bytes)) and self.target.rws_write_now(payload):
                return
            item = [payload, True]
        else:
            item = [payload, True]
        queue.append(item)
        if len(queue) >= HIGH_WATER and not self._reading_paused and self.source is not None:
            self._reading_paused = True
            self.source.transport.pause_reading()
        self.pump()

    def _ready(self, item: list[Any]) -> None:
        item[1] = True
        self.pump()

    def pump(self) -> None:
        """Write what is ready, in order, as far as nothing stands in the way."""
        queue = self.queue
        while queue and not self._draining and not self.paused and not self.blocked:
            payload, ready = queue[0]
            if not ready:
                break
            if isinstance(payload, (str, bytes)):
                if not self.target.rws_write_now(payload):
                    self._draining = True
                    asyncio.ensure_future(self._drain())
                    return
            else:
                self._end(payload)
            queue.popleft()
        if self._reading_paused and len(queue) <= LOW_WATER and self.source is not None:
            self._reading_paused = False
            if not self.source.transport.is_closing():
                self.source.transport.resume_reading()

    async def _drain(self) -> None:
        """Write the head through websockets' ``send()``, which waits for the buffer."""
        try:
            payload = self.queue[0][0]
            await self.target.send(payload)
            self.queue.popleft()
        except Exception:  # noqa: BLE001 - the receiver closed: nothing more goes there
            self.queue.clear()
        finally:
            self._draining = False
        self.pump()

    def _end(self, payload: Any) -> None:
        target = self.target
        if payload is ABORT:
            if target.transport is not None:
                target.transport.abort()
        else:
            asyncio.ensure_future(_quietly(target.close(*sendable(*payload))))


@dataclass(eq=False)
class ProxySide(Connection):
    """One side of a proxy pair: the client's (``upstream`` false) or the server's."""

    pair: Any = None
    upstream: bool = False
    #: Messages that arrived before the pair was named (a server's greeting during the
    #: client's upgrade), delivered once rules can apply; ``None`` once named.
    early: list[str | bytes] | None = field(default_factory=list)

    @property
    def outgoing(self) -> Direction:
        return self.pair.to_client if self.upstream else self.pair.to_server

    def deliver(self, ws: Any, data: str | bytes) -> None:
        """One message from this side's peer: faults, rules and history, then forwarded.
        Whatever a fault or a rule raises becomes a warning, never an exception in
        websockets' ``data_received``; the message is then forwarded as it came."""
        if self.early is not None:
            self.early.append(data)
            return
        message = Marked(0, self.history.arrival(), data)
        try:
            fault = first_fault(self.rulesets, message)
        except Exception as error:  # noqa: BLE001 - the boundary: see the docstring
            self.note("warn", f"faults failed on {message.text[:200]!r} ({why(error)}).")
            fault = None
        if fault is None:
            self._arrive(ws, message)
            self.outgoing.push(data)
            return
        self._act(ws, fault, message)

    def _act(self, ws: Any, fault: Fault, message: Marked) -> None:
        out, action = self.outgoing, fault.action
        note = f"{fault.id} {action} {message.text[:200]!r}"
        if action == "replace":
            assert fault.template is not None
            text, missing, problem = fault.template.render(message)
            if text is None:
                self.note(
                    "warn",
                    f"{fault.id} could not replace {message.text[:200]!r}: "
                    + (problem or f"its placeholder {missing} found nothing")
                    + "; it was forwarded as it came.",
                )
                self._arrive(ws, message)
                out.push(message.data)
                return
            message.mark, message.replacement = "replaced", text
            note += f" with {text[:200]!r}"
        elif action in ("drop", "close"):
            message.mark = "dropped"
        self.note("fault", note + ".")
        self._arrive(ws, message)
        if action == "replace":
            out.push(message.replacement)
        elif action == "delay":
            out.push(message.data, fault.delay)
        elif action == "duplicate":
            out.push(message.data)
            out.push(message.data)
        elif action == "close":
            self.pair.fault_close(fault.code, fault.reason)

    def name_it(self, name: str) -> None:
        """Name the side; what arrived before goes through faults and rules now."""
        self.name = self.alias = name
        early, self.early = self.early, None
        for data in early or ():
            self.deliver(self.ws, data)

    def closed_by_peer(self, close: Close | None) -> None:
        """This side's peer sent a close frame: the other side gets the same code and
        reason, after what is queued (unless the proxy itself is closing the pair)."""
        if self.pair is not None and not self.pair.stopping:
            code, reason = (close.code, close.reason) if close is not None else (1000, "")
            self.outgoing.push((code, reason))

    def lost(self, ws: Any, exc: Exception | None) -> None:
        super().lost(ws, exc)
        pair = self.pair
        if pair is None or pair.stopping or (self.ws is not None and ws is not self.ws):
            return
        if ws.protocol.close_rcvd is None and not self.closed_by_us:
            # Dropped without a close frame: the other side is dropped too, as a stalled
            # or crashed peer would leave it.
            out = self.outgoing
            if out.target is None:  # Gone during the client's upgrade.
                other = pair.client if self.upstream else pair.upstream
                if other.ws is not None and other.ws.transport is not None:
                    other.ws.transport.abort()
                return
            out.blocked = out.paused = False
            out.push(ABORT)


class Pair:
    """A client of the proxy and its connection upstream."""

    def __init__(self, client: ProxySide, upstream: ProxySide) -> None:
        self.client, self.upstream = client, upstream
        client.pair = upstream.pair = self
        self.to_server, self.to_client = Direction("to_server"), Direction("to_client")
        #: Set when the proxy closes both sides itself (Stop Proxy, a close fault).
        self.stopping = False

    def directions(self, which: str) -> list[Direction]:
        return {
            "to_server": [self.to_server],
            "to_client": [self.to_client],
            "both": [self.to_server, self.to_client],
        }[which]

    def start(self) -> None:
        """The client's upgrade is done: forward both ways."""
        client_ws, server_ws = self.client.ws, self.upstream.ws
        self.to_server.source, self.to_server.target = client_ws, server_ws
        self.to_client.source, self.to_client.target = server_ws, client_ws
        for direction in (self.to_server, self.to_client):
            direction.blocked = False
            direction.pump()

    def pause(self, which: str, paused: bool) -> None:
        """Pause (or resume) ``which`` direction(s): a paused direction holds what
        arrives, and the side waiting for it (the client for ``to_client``, the server
        for ``to_server``) gets no answer to its pings, as from a stalled peer."""
        for direction in self.directions(which):
            direction.paused = paused
            stalled = self.client.ws if direction is self.to_client else self.upstream.ws
            if stalled is not None:
                stalled.rws_stalled = paused
            if not paused:
                direction.pump()

    def fault_close(self, code: int, reason: str) -> None:
        """A close fault: the client gets ``code`` and ``reason``, the server 1001."""
        self.stopping = True
        self.client.closed_by_us = self.upstream.closed_by_us = True
        # Through the client's direction: the client may still be in its upgrade (a
        # greeting closes it), and then it is closed as soon as the upgrade is done.
        self.to_client.paused = False
        self.to_client.push((code, reason))
        if self.upstream.ws is not None:
            asyncio.ensure_future(_quietly(self.upstream.ws.close(1001, "")))

    async def close(self, code: int, reason: str, timeout: float) -> None:
        """Stop Proxy's end of the pair: the client with ``code``, the server with 1001."""
        self.stopping = True
        sides = [(self.client, code, reason), (self.upstream, 1001, "")]
        await asyncio.gather(
            *(s.close(c, r, timeout) for s, c, r in sides if s.ws is not None),
            return_exceptions=True,
        )
