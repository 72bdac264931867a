"""STOMP 1.2 (1.1 and 1.0 accepted) over WebSocket, as a sans-I/O codec for both sides of a
connection.

Each WebSocket message carries zero or more STOMP frames (``COMMAND``, header lines, an
empty line, the body and a NUL), possibly followed by end-of-line characters; a message of
end-of-lines alone is a heart-beat. The handshake is ``CONNECT`` / ``CONNECTED`` (or
``ERROR``, a refusal), heart-beats are negotiated as the specification says, and a request
is correlated through a ``receipt`` header. The server role (:class:`StompServer`) answers
``CONNECT`` and receipts, and delivers ``MESSAGE`` frames to the client's subscriptions.
:mod:`.stomp_frames` reads and writes the frames for both.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, ClassVar

from .base import (
    DEFAULT_MAX_SIZE,
    Codec,
    Frame,
    Output,
    Pending,
    ProtocolError,
    Received,
    undecodable,
)
from .stomp_frames import (  # noqa: F401  (parse_message is read from here)
    COMMAND,
    DOCUMENT_KEYS,
    StompFrame,
    build_frame,
    frame_of,
    heart_beat,
    init_headers,
    parse_message,
)

#: The library's own CONNECT headers; ``init`` replaces any of them.
DEFAULT_CONNECT = {"accept-version": "1.2,1.1,1.0", "host": "/", "heart-beat": "10000,10000"}

#: A peer that sends nothing for this many agreed heart-beat intervals is considered gone.
#: Several intervals rather than one, because timers on both sides drift and networks lag.
SILENCE_FACTOR = 3.0


class Stomp(Codec):
    """STOMP 1.2, 1.1 and 1.0: ``init`` is headers added to ``CONNECT``."""

    name = "stomp"
    subprotocols = ("v12.stomp", "v11.stomp", "v10.stomp")
    #: The command of a document that names none.
    default_command: ClassVar[str] = "SEND"
    #: Who the other side is, in the words of a missed heart-beat.
    peer: ClassVar[str] = "server"

    def __init__(
        self, init: Any = None, *, max_size: int | None = DEFAULT_MAX_SIZE, server: bool = False
    ) -> None:
        super().__init__(init, max_size=max_size)
        self._init_headers = init_headers(init, "CONNECTED" if self.server else "CONNECT")
        self.connect_headers = {**DEFAULT_CONNECT, **self._init_headers}
        try:
            self._offered = heart_beat(self.connect_headers.get("heart-beat"))
        except ValueError as error:
            raise ProtocolError(f"STOMP init: {error}") from None
        self.version = "1.2"
        self._ids = itertools.count(1)
        self._send_every = 0.0
        self._expect_every = 0.0
        self._last_sent = 0.0
        self._last_received = 0.0

    def opened(self, subprotocol: str | None, now: float) -> Output:
        self._last_received = self._last_sent = now
        frame = StompFrame("CONNECT", self.connect_headers, b"")
        return Output(send=[build_frame(frame, self.version)])

    def receive(self, message: Frame, now: float) -> Output:
        self._last_received = now
        try:
            found = parse_message(message, self.version)
            if self.ready:
                return Output(documents=found)
            return self._handshake(found, now)
        except Exception as error:  # noqa: BLE001
            # Whatever a server sends must reach the history, so no input may raise here.
            return Output(documents=[undecodable(message, error)])

    def _handshake(self, found: list[Received], now: float) -> Output:
        """The frames received before ``CONNECTED``: it (or ``ERROR``) ends the handshake."""
        out = Output()
        for index, item in enumerate(found):
            command = item.document.get("command")
            if command == "CONNECTED":
                # The handshake frame stays out of the history; what follows it does not.
                self._connected(item.document["headers"], now)
                out.ready = True
                out.documents.extend(found[index + 1 :])
                break
            if command == "ERROR":
                out.refused = self._refusal(item.document)
                break
            out.documents.append(item)
        return out

    def _connected(self, headers: dict[str, str], now: float) -> None:
        """Take the session up, with heart-beats agreed as the specification says: each
        side's rate is the slower of what the sender can do and what the receiver wants."""
        self.ready = True
        self.session = headers
        self.version = headers.get("version", "1.0")
        try:
            server_send, server_wants = heart_beat(headers.get("heart-beat"))
        except ValueError:
            server_send = server_wants = 0
        client_send, client_wants = self._offered
        if client_send and server_wants:
            self._send_every = max(client_send, server_wants) / 1000
        if server_send and client_wants:
            self._expect_every = max(server_send, client_wants) / 1000
        intervals = [every for every in (self._send_every, self._expect_every) if every]
        self.tick_interval = min(intervals) if intervals else None
        self._last_sent = self._last_received = now

    @staticmethod
    def _refusal(error: dict[str, Any]) -> str:
        message = error["headers"].get("message", "").strip()
        body = error["body"]
        if not isinstance(body, str):
            try:
                body = json.dumps(body, default=repr)
            except (ValueError, RecursionError):
                body = "(a JSON body nested too deeply to show)"
        body = body.strip()
        return ": ".join(part for part in (message, body) if part) or "ERROR frame without reason"

    def tick(self, now: float) -> Output:
        out = Output()
        silent = now - self._last_received
        if self._expect_every and silent > SILENCE_FACTOR * self._expect_every:
            reason = (
                f"STOMP heart-beat missed: nothing from the {self.peer} for {silent:.1f} s "
                f"(agreed every {self._expect_every:g} s)"
            )
            out.close = (1002, reason)
            return out
        # Ticks come at the faster of the two rates, so send only when our own is due;
        # the slack absorbs a timer that fires a little early.
        if self._send_every and now - self._last_sent >= 0.9 * self._send_every:
            out.send.append("\n")
            self._last_sent = now
        return out

    def _frame(self, document: Any) -> StompFrame:
        return frame_of(document, self.default_command)

    def _build(self, frame: StompFrame) -> list[Frame]:
        if frame.body or frame.command == "SEND":
            frame.headers["content-length"] = str(len(frame.body))
        return [build_frame(frame, self.version)]

    def encode(self, document: Any) -> list[Frame]:
        return self._build(self._frame(document))

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        frame = self._frame(document)
        number = next(self._ids)
        receipt = frame.headers.setdefault("receipt", f"rws-{number}")
        if frame.command == "SUBSCRIBE":
            frame.headers.setdefault("id", f"rws-sub-{number}")

        def is_reply(reply: Any) -> bool:
            if not isinstance(reply, dict) or not isinstance(reply.get("headers"), dict):
                return False
            # Brokers do not always copy receipt-id into an ERROR, so an ERROR without one
            # answers the request too; a MESSAGE may carry the receipt header and must not.
            if reply.get("command") == "RECEIPT":
                return reply["headers"].get("receipt-id") == receipt
            if reply.get("command") == "ERROR":
                return reply["headers"].get("receipt-id", receipt) == receipt
            return False

        return self._build(frame), is_reply


#: The versions a server speaks, the newest first.
VERSIONS = ("1.2", "1.1", "1.0")


class StompServer(Stomp):
    """The server's side of ``protocol=stomp`` (``Stomp(..., server=True)``): ``init`` is
    headers added to ``CONNECTED`` (``heart-beat``, 10000,10000 by default, is what this
    server offers; ``server``, ``session``...).

    ``CONNECT`` (or ``STOMP``) is answered with ``CONNECTED``: the newest version in the
    client's ``accept-version`` (1.0 without one; none in common is an ``ERROR`` and a
    close), heart-beats agreed, sent and checked as on a client. Its headers are
    :attr:`session`. Every other frame is a document; one with a ``receipt`` header is
    answered with ``RECEIPT``. :attr:`subscriptions` holds each ``SUBSCRIBE``'s headers by
    its ``id`` until ``UNSUBSCRIBE``. A ``MESSAGE`` sent to a destination is delivered to
    each of the client's subscriptions there, with ``subscription``, ``message-id`` (and
    ``ack`` on a 1.2 subscription that acknowledges) filled in; to a destination it did not
    subscribe to, it is refused, unless the document names the ``subscription``."""

    server = True
    default_command = "MESSAGE"
    peer = "client"

    def __init__(
        self, init: Any = None, *, max_size: int | None = DEFAULT_MAX_SIZE, server: bool = True
    ) -> None:
        super().__init__(init, max_size=max_size)
        self.connected_headers = {"heart-beat": "10000,10000", **self._init_headers}
        self.subscriptions: dict[str, dict[str, str]] = {}
        self._message_ids = itertools.count(1)

    @property
    def destinations(self) -> list[str]:
        """The destinations the client subscribed to, in order."""
        return list(
            dict.fromkeys(sub.get("destination", "") for sub in self.subscriptions.values())
        )

    def opened(self, subprotocol: str | None, now: float) -> Output:
        # The client speaks first, with CONNECT.
        self._last_received = self._last_sent = now
        return Output()

    def receive(self, message: Frame, now: float) -> Output:
        self._last_received = now
        try:
            out = Output()
            for item in parse_message(message, self.version):
                self._take(item, now, out)
            return out
        except Exception as error:  # noqa: BLE001
            # Whatever a client sends must reach the history, so no input may raise here.
            return Output(documents=[undecodable(message, error)])

    def _take(self, item: Received, now: float, out: Output) -> None:
        """Add what one received frame calls for to ``out``."""
        command, headers = item.document.get("command"), item.document.get("headers")
        if not isinstance(headers, dict):  # an undecodable frame
            out.documents.append(item)
            return
        if command in ("CONNECT", "STOMP") and not self.ready:
            out.extend(self._connect(headers, now))
            return
        if command == "SUBSCRIBE":
            self.subscriptions[_subscription_id(headers)] = headers
        elif command == "UNSUBSCRIBE":
            self.subscriptions.pop(_subscription_id(headers), None)
        out.documents.append(item)
        if "receipt" in headers:
            receipt = StompFrame("RECEIPT", {"receipt-id": headers["receipt"]}, b"")
            out.send.append(build_frame(receipt, self.version))

    def _connect(self, headers: dict[str, str], now: float) -> Output:
        accepted = [v.strip() for v in headers.get("accept-version", "1.0").split(",")]
        common = [version for version in VERSIONS if version in accepted]
        if not common:
            reason = f"Supported protocol versions are {' '.join(reversed(VERSIONS))}"
            error = {"version": ",".join(VERSIONS), "content-type": "text/plain", "message": reason}
            frame = StompFrame("ERROR", error, reason.encode())
            return Output(send=[build_frame(frame, "1.2")], close=(1002, reason))
        self.version = common[0]
        try:
            client_send, client_wants = heart_beat(headers.get("heart-beat"))
        except ValueError:
            client_send = client_wants = 0
        server_send, server_wants = self._offered
        self.ready, self.session = True, headers
        if server_send and client_wants:
            self._send_every = max(server_send, client_wants) / 1000
        if client_send and server_wants:
            self._expect_every = max(client_send, server_wants) / 1000
        intervals = [every for every in (self._send_every, self._expect_every) if every]
        self.tick_interval = min(intervals) if intervals else None
        self._last_sent = self._last_received = now
        connected = {"version": self.version, **self.connected_headers}
        return Output(
            send=[build_frame(StompFrame("CONNECTED", connected, b""), "1.0")], ready=True
        )

    def _deliveries(self, frame: StompFrame) -> list[tuple[StompFrame, bool]]:
        """The frames that send ``frame``, each with whether the client acknowledges it."""
        if frame.command != "MESSAGE":
            return [(frame, False)]
        headers = frame.headers
        if "subscription" in headers:
            subscriptions = [
                (headers["subscription"], self.subscriptions.get(headers["subscription"], {}))
            ]
        else:
            destination = headers.get("destination")
            if destination is None:
                raise ProtocolError(
                    'a STOMP MESSAGE needs a destination: {"command": "MESSAGE", '
                    '"headers": {"destination": "/topic/a"}, "body": ...}'
                )
            subscriptions = [
                (ident, sub)
                for ident, sub in self.subscriptions.items()
                if sub.get("destination") == destination
            ]
            if not subscriptions:
                subscribed = ", ".join(self.destinations) or "nothing"
                raise ProtocolError(
                    f"the client has no subscription to {destination} (it subscribed to "
                    f"{subscribed}); name one in a subscription header to send it anyway"
                )
        deliveries = []
        for ident, sub in subscriptions:
            filled = dict(headers)
            if "id" in sub or "subscription" in headers:
                filled.setdefault("subscription", ident)
            filled.setdefault("message-id", f"rws-{next(self._message_ids)}")
            acknowledged = sub.get("ack", "auto") != "auto"
            if acknowledged and self.version == "1.2":
                filled.setdefault("ack", filled["message-id"])
            deliveries.append((StompFrame("MESSAGE", filled, frame.body), acknowledged))
        return deliveries

    def encode(self, document: Any) -> list[Frame]:
        frames: list[Frame] = []
        for frame, _ in self._deliveries(self._frame(document)):
            frames += self._build(frame)
        return frames

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        frame = self._frame(document)
        if frame.command != "MESSAGE":
            raise ProtocolError(
                f"a STOMP {frame.command} from a server has no reply: a request is a MESSAGE "
                "to a subscription that acknowledges (ack:client or client-individual)"
            )
        frames: list[Frame] = []
        ids: set[str] = set()
        for delivery, acknowledged in self._deliveries(frame):
            frames += self._build(delivery)
            if acknowledged:
                ids.add(delivery.headers.get("ack", delivery.headers["message-id"]))
        if not ids:
            raise ProtocolError(
                "the client acknowledges no MESSAGE on a subscription with ack:auto: use Send"
            )

        def is_reply(reply: Any) -> bool:
            if not isinstance(reply, dict) or not isinstance(reply.get("headers"), dict):
                return False
            headers = reply["headers"]
            # STOMP 1.2 acknowledges by the ack header's value in id, 1.0 and 1.1 by message-id.
            return reply.get("command") in ("ACK", "NACK") and (
                headers.get("id") in ids or headers.get("message-id") in ids
            )

        return frames, is_reply

    def wants(self, document: Any) -> bool:
        """Whether a ``MESSAGE`` goes to one of the client's subscriptions (any other frame
        goes to every client)."""
        try:
            frame = self._frame(document)
        except ProtocolError:
            return True
        if frame.command != "MESSAGE":
            return True
        if "subscription" in frame.headers:
            return frame.headers["subscription"] in self.subscriptions
        return frame.headers.get("destination") in self.destinations


Stomp.server_class = StompServer


def _subscription_id(headers: dict[str, str]) -> str:
    """A subscription's id; a STOMP 1.0 subscription may have none, and its destination
    stands for it."""
    return str(headers.get("id", headers.get("destination", "")))
