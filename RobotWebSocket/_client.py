"""One named connection on the loop thread: open, take in messages, send, close.

Every message a connection receives goes through :meth:`Connection.deliver`, on the loop,
in arrival order: a protocol codec decodes it (answering its keep-alives), the message rules
reply to it or ignore it, and what is left enters the history. Rules and codecs act before
the next message is handled and whatever keyword the test is in. Nothing here logs: it
records (``events``, ``problems``), and the next keyword that reads the connection writes
the log.

The websockets side (message delivery, writing at once) is in :mod:`._wire`, sending in
:mod:`._sending` and the timers in :mod:`._timers`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import connect
from websockets.protocol import State

from ._negotiate import negotiate
from ._sending import Sends
from ._timers import Timers
from ._wire import WIRE_LOGGER, ClientSide, how_it_closed
from .binary import BinaryFormat
from .binary import undecodable as undecodable_frame
from .errors import why
from .history import BinaryDocument, History, Message
from .protocols.base import Codec, Output, SessionLost, SessionRefused, undecodable
from .rules import Reaction, RuleSet

__all__ = ["Connection"]

#: Rule events kept in detail for the next keyword's log (DEBUG); their counts are exact.
EVENTS_KEPT = 1000

#: The kinds of :meth:`Connection.note`: what rules did, and warnings for the next keyword.
EVENT_KINDS = ("ignored", "replied", "heartbeat", "fault", "warn")


@dataclass(eq=False)
class Connection(Timers, Sends):
    """A named connection and its history; lives as long as its name is in the registry."""

    name: str
    url: str
    alias: str | None
    history: History
    display_url: str
    ws: Any = None
    sent: int = 0
    connect_time: float | None = None
    close_code: int | None = None
    close_reason: str | None = None
    closed_by_us: bool = False
    owner: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    #: The rule sets that apply: the name's own, and a mock server's for its clients.
    rulesets: list[RuleSet] = field(default_factory=list)
    codec: Codec | None = None
    #: The binary format (``binary_format=``) that decodes binary frames into documents.
    binary: BinaryFormat | None = None
    #: Credentials the connection learned while opening (a negotiated access token), for
    #: the keyword to mask.
    learned_secrets: list[str] = field(default_factory=list)
    #: The AsyncAPI contract being checked (a :class:`~.contracts.Checking`), or None.
    contract: Any = None
    #: Counters of what rules did, for Get Connection Info.
    ignored: int = 0
    auto_sent: int = 0
    #: What rules did, in detail, for the next keyword's log: (kind, text), the kind one
    #: of :data:`EVENT_KINDS`; the newest :data:`EVENTS_KEPT`. ``event_counts`` counts
    #: every event, so the summary is exact however many there were.
    events: deque[tuple[str, str]] = field(default_factory=lambda: deque(maxlen=EVENTS_KEPT))
    event_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENT_KINDS, 0))
    #: The counts as the last keyword logged them (Robot's thread only).
    reported_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENT_KINDS, 0))
    #: Sent messages (for conversation files), at most as many as the history holds.
    sent_log: deque[Message] = field(default_factory=deque)
    #: The rest of the conversation on the wire, for conversation files: frames the library
    #: sent by itself (``auto``), messages rules ignored (``ignored``) and received frames
    #: the protocol consumed (``protocol``), as (direction, message, mark).
    wire_log: deque[tuple[str, Message, str]] = field(default_factory=deque)
    #: On a protocol connection, the documents `Send` encoded (for Validate Messages).
    sent_documents: deque[Message] = field(default_factory=deque)
    #: Rules whose judgement raised, each warned about once.
    _faulty_rules: set[str] = field(default_factory=set)
    _session: asyncio.Future[None] | None = None
    _codec_opened: bool = False
    _timers: dict[str, asyncio.TimerHandle] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sent_log = deque(maxlen=self.history.maxlen)
        self.wire_log = deque(maxlen=self.history.maxlen)
        self.sent_documents = deque(maxlen=self.history.maxlen)

    def note(self, kind: str, text: str) -> None:
        """Record an event for the next keyword that reads this connection (on the loop)."""
        self.event_counts[kind] += 1
        self.events.append((kind, text))

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

    # -- opening ---------------------------------------------------------------------------

    async def open(self, options: dict[str, Any], timeout: float) -> None:
        """Open the WebSocket and, with a protocol, its session, all within ``timeout``."""
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        url = self.url
        if self.codec is not None:
            url = self.codec.connect_url(url)
            if not options.get("subprotocols") and self.codec.subprotocols:
                options = {**options, "subprotocols": list(self.codec.subprotocols)}
            self._session = loop.create_future()

        def create(*args: Any, **kwargs: Any) -> ClientSide:
            return ClientSide(*args, owner=self, **kwargs)

        try:
            if url.startswith(("http://", "https://")) and getattr(self.codec, "negotiates", False):
                # SignalR negotiates over HTTP first, within the same time limit.
                found = await asyncio.wait_for(
                    negotiate(
                        url, options["additional_headers"], options.get("ssl"), options["proxy"]
                    ),
                    timeout,
                )
                url, options = found.url, {**options, "additional_headers": found.headers}
                if found.access_token:
                    self.learned_secrets.append(found.access_token)
            if not url.startswith("wss://"):
                options = {key: value for key, value in options.items() if key != "ssl"}
            ws = await asyncio.wait_for(
                connect(url, create_connection=create, logger=WIRE_LOGGER, **options),  # type: ignore[arg-type]
                timeout - (time.perf_counter() - started),
            )
            self._adopt(ws, started)
            if self._session is not None:
                await asyncio.wait_for(
                    asyncio.shield(self._session), timeout - (time.perf_counter() - started)
                )
        except BaseException:
            self._stop_timers()
            if self.ws is not None and self.ws.state is State.OPEN:
                self.closed_by_us = True
                self.ws.transport.abort()
            self.history.close()
            raise
        self.connect_time = time.perf_counter() - started
        self.start_heartbeats()

    def _adopt(self, ws: Any, started: float) -> None:
        # Sized reads need asyncio's plain-socket transport (TLS transports read otherwise).
        ws.rws_sized = ws.transport.get_extra_info("sslcontext") is None and hasattr(
            ws.transport, "max_size"
        )
        self.connect_time = time.perf_counter() - started
        self.ws = ws
        # The session starts before a close that came with the handshake is handled, so
        # that a refusal the codec sees at once (no subprotocol) is reported as such.
        self._open_codec(ws)
        self._start_server_ticks()
        if ws.connection_lost_waiter.done():  # It closed before it was handed over.
            self.lost(ws, None)

    def _open_codec(self, ws: Any) -> None:
        if self._codec_opened or self.codec is None:
            return
        self._codec_opened = True
        self._carry_out(ws, self.codec.opened(ws.subprotocol, time.monotonic()))

    # -- receiving (on the loop) -----------------------------------------------------------

    def deliver(self, ws: Any, data: str | bytes) -> None:
        """One received WebSocket message: decode, apply the rules, keep what is left.

        This is the one boundary between a peer's bytes and asyncio (STYLE.md rule 15):
        whatever a codec or a rule raises becomes data (an ``undecodable`` document, a rule
        that did not match, a warning for the next keyword), never an exception in
        websockets' ``data_received``, which would drop the connection."""
        codec = self.codec
        if codec is None:
            binary = self.binary
            if binary is None or type(data) is str:
                self._arrive(ws, Message(0, self.history.arrival(), data))
                return
            try:
                document = binary.decode(data)  # type: ignore[arg-type]
            except Exception as error:  # noqa: BLE001 - the boundary: see the docstring
                self.note("warn", f"the {binary.name} format failed on a frame ({why(error)}).")
                document = undecodable_frame(data, why(error))  # type: ignore[arg-type]
            self._arrive(ws, BinaryDocument(0, self.history.arrival(), data, document))
            return
        try:
            if not self._codec_opened:
                self._open_codec(ws)
            out = codec.receive(data, time.monotonic())
        except Exception as error:  # noqa: BLE001 - the boundary: see the docstring
            self.note("warn", f"the {codec.name} codec failed on a message ({why(error)}).")
            out = Output(documents=[undecodable(data, why(error))])
        if not out.documents:
            self.wire_log.append(("receive", Message(0, time.time(), data), "protocol"))
            if out is Output.NOTHING:
                return
        self._carry_out(ws, out)

    def _arrive(self, ws: Any, message: Message) -> None:
        # Every message passes here: a name with no rules costs one check per rule set.
        for ruleset in self.rulesets:
            if ruleset.rules:
                break
        else:
            if self.contract is None:
                self.history.append_message(message)
            else:
                self._keep(ws, message, False)
            return
        answered = False
        try:
            reaction = Reaction()
            for ruleset in self.rulesets:
                ruleset.react(message, reaction)
            answered = bool(reaction.replies)
            if (
                reaction.replies
                or reaction.missing
                or reaction.ignored_by is not None
                or getattr(reaction, "faults", None)
            ):
                if self._react(ws, message, reaction):
                    return
        except Exception as error:  # noqa: BLE001 - the boundary: see deliver
            self.note(
                "warn",
                f"message rules failed on {message.text[:200]!r} ({why(error)}); "
                "the message was kept.",
            )
        self._keep(ws, message, answered)

    def _keep(self, ws: Any, message: Message, answered: bool) -> None:
        """Put a message in the history, checked against the contract when there is one
        (a mock server's answer from the document's examples goes out first, as a rule's)."""
        contract = self.contract
        if contract is not None:
            answer, warning = contract.received(message, answered)
            if warning is not None:
                self.note("warn", warning)
            if answer is not None:
                self.send_for_contract(ws, answer)
        self.history.append_message(message)

    def send_for_contract(self, ws: Any, document: Any) -> None:
        """Send a mock server's answer taken from the document (a document, or text)."""
        try:
            if self.codec is not None:
                frames = self.codec.encode(document)
            else:
                frames = [document if isinstance(document, str) else json.dumps(document)]
        except (TypeError, ValueError) as error:
            self.note("warn", f"the answer from the AsyncAPI document could not be sent: {error}.")
            return
        self.auto_sent += 1
        for frame in frames:
            self.sent += 1
            self.write_own(ws, frame)

    def _react(self, ws: Any, message: Message, reaction: Reaction) -> bool:
        """Carry out the rules' reaction; whether the message is kept out of the history."""
        for rule, text in reaction.replies:
            self.send_for_rule(ws, rule, text)
            self.note("replied", f"{rule.id} replied {text!r} to {message.text!r}.")
        for rule, placeholder in reaction.missing:
            self.note(
                "warn",
                f"{rule.id} sent no reply: its placeholder {placeholder} found nothing "
                f"in {message.text[:200]!r}.",
            )
        for rule, reason in getattr(reaction, "faults", ()):
            if rule.id not in self._faulty_rules:
                self._faulty_rules.add(rule.id)
                self.note(
                    "warn",
                    f"{rule.describe()} could not judge {message.text[:200]!r} ({reason}): "
                    "it counts as no match (said once per rule).",
                )
        if reaction.ignored_by is not None:
            self.ignored += 1
            self.wire_log.append(("receive", message, "ignored"))
            self.note("ignored", f"{reaction.ignored_by.id} ignored {message.text!r}.")
            return True
        return False

    def _carry_out(self, ws: Any, out: Output) -> None:
        """Do what a codec call asked for, in order."""
        for frame in out.send:
            self.write_own(ws, frame)
        if out.documents:
            now, arrive = time.time(), self._arrive
            for received in out.documents:
                arrive(ws, Message(0, now, received.raw, received.document))
        if "codec" not in self._timers:
            self._start_server_ticks()
        if out.refused is None and not out.ready and out.close is None:
            return
        session = self._session
        if out.refused is not None:
            if session is not None and not session.done():
                session.set_exception(SessionRefused(out.refused))
            self.closed_by_us = True
            asyncio.ensure_future(ws.close(1000, ""))
        elif out.ready and session is not None and not session.done():
            session.set_result(None)
            self._start_ticks()
        if out.close is not None:
            # The codec's close (a SignalR close message's error, a missed keep-alive) is
            # the reason to report, whatever the peer's own close frame says.
            if self.close_code is None:
                self.close_code, self.close_reason = out.close
            asyncio.ensure_future(ws.close(*out.close))

    def _start_server_ticks(self) -> None:
        """A server role ticks as soon as it has an interval (Socket.IO pings from its open
        packet on, before any session); a client role once its session is up."""
        codec = self.codec
        if codec is not None and codec.server and codec.tick_interval and self.ws is not None:
            self._start_ticks()

    def lost(self, ws: Any, exc: Exception | None) -> None:
        """The TCP connection ended (on the loop): record how, and end the history."""
        if ws is not self.ws and self.ws is not None:
            return  # A redirect's first connection, or one never handed over.
        if self._session is not None and not self._codec_opened:
            self._open_codec(ws)
        if self.close_code is None:
            self.close_code, self.close_reason = how_it_closed(
                ws.protocol.close_sent,
                ws.protocol.close_rcvd,
                exc,
                self.closed_by_us,
                self.options.get("max_size"),
            )
        self._stop_timers()
        session = self._session
        if session is not None and not session.done():
            session.set_exception(
                SessionLost(
                    f"the server closed the connection (close code {self.close_code}"
                    + (f", reason '{self.close_reason}'" if self.close_reason else "")
                    + f") before the {self.codec.name if self.codec else ''} session was up"
                )
            )
        self.history.close()

    # -- closing ---------------------------------------------------------------------------

    async def close(self, code: int, reason: str, timeout: float) -> None:
        """Close and wait for the TCP connection to end, all within ``timeout`` (plus 1 s)."""
        ws = self.ws
        if ws is None:
            return
        self.closed_by_us = True
        self._stop_timers()
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
