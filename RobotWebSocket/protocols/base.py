"""What every protocol codec is: a sans-I/O session layer over WebSocket messages.

A codec turns the WebSocket messages a connection receives into *documents* (the
dictionaries and lists that enter the history and that JSONPath reads), and documents into
messages to send. It owns the protocol's handshake, keep-alives and correlation ids. It
imports neither asyncio nor robot and never touches a socket: the connection layer feeds it
messages and the clock, and carries out the :class:`Output` it returns. So every codec is
unit-tested by feeding it frames.

The life of a session, as the connection layer drives it::

    codec = CODECS[name](init, max_size=n)  # checks init; ProtocolError when it is unusable
    url = codec.connect_url(url)            # Socket.IO rewrites the URL; others keep it
    offered = codec.subprotocols            # offered in the upgrade request
    out = codec.opened(selected, now)       # the WebSocket is open: first handshake frames
    out = codec.receive(message, now)       # each received message, in order
    out = codec.tick(now)                   # every codec.tick_interval seconds once ready
    frames = codec.encode(document)         # Send
    frames, pending = codec.request(doc)    # Request: pending(document) says "my reply"

The connection layer sends ``out.send`` at once, in order, puts each of ``out.documents``
in the history, reports ``out.refused`` as the failure of ``Connect``, and closes with
``out.close`` when it is set. ``Connect`` returns once ``codec.ready`` is true.

The server role (the mock server's side) is the same interface::

    cls = CODECS[name]
    status = cls.refuse_request(path, headers)     # process_request: (status, body) or None
    answer = cls.answer_request(method, path, headers)  # another method than GET: (status,
                                                   # content type, body) or None
    selected = cls.select_subprotocol(offered)     # select_subprotocol: a name or None
    codec = cls(init, max_size=n, server=True)     # an instance of cls.server_class
    out = codec.opened(selected, now)              # the upgrade is answered
    out = codec.receive(message, now)              # each message from the client
    out = codec.tick(now)                          # every codec.tick_interval seconds
    frames = codec.encode(document)                # Send to this client
    frames, pending = codec.request(doc)           # Request from the server
    codec.wants(document)                          # Send to the server's name: this client?

``cls(init, server=True)`` is an instance of the protocol's server class
(``SocketIOServer``, ``MqttServer``...), a subclass that shares its module's frame code;
``init`` is what the server puts in its own handshake (the Engine.IO open packet's fields,
the ``connection_ack`` payload, ``CONNECTED`` headers, the ``CONNACK`` code). It waits for
the client to speak first where the protocol says so; ``ready`` (and ``out.ready``) mark the
client's handshake done, and ``session`` is what the client sent in it. ``out.refused`` is
never set: a server refuses by sending its protocol's refusal and a ``close``. A server's
``tick_interval`` may be set before it is ready (Socket.IO pings from the open packet on):
the connection layer ticks whenever it is set after ``opened`` or a ``receive``, and it
does not change once set.

Whatever a peer sends, :meth:`Codec.receive` returns: a message that does not decode is an
:func:`undecodable` document, and the codec reads the next message as if it had not come.
A codec keeps no more of a peer's bytes than ``max_size`` (the connection's own bound on
one message) allows: a protocol that announces lengths (MQTT) or parts to come (Socket.IO's
binary attachments) cannot make it wait for, or hold, more than that.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

if TYPE_CHECKING:
    from typing_extensions import Self

#: A WebSocket message as sent or received: ``str`` is a text frame, ``bytes`` a binary one.
Frame = str | bytes

#: The bound a codec keeps to when it is not told the connection's ``max_size``: Connect's
#: default.
DEFAULT_MAX_SIZE = 1_048_576

_decoder = json.JSONDecoder()
_decode = _decoder.decode
#: The decoder's scanner, called directly: ``decode`` adds two whitespace matches and two
#: Python calls, as much again as scanning a short document costs.
_scan = json.scanner.make_scanner(_decoder)  # type: ignore[arg-type]


class ProtocolError(ValueError):
    """A document (or ``init``) that the protocol cannot encode; the message says why."""


@dataclass(slots=True)
class Received:
    """One document for the history, and the raw message(s) it was decoded from."""

    document: Any
    raw: Frame


@dataclass(slots=True)
class Output:
    """What the connection layer does after a codec call, in this order: send ``send``,
    record ``documents``, then fail the handshake (``refused``) or close (``close``)."""

    send: list[Frame] = field(default_factory=list)
    documents: list[Received] = field(default_factory=list)
    #: The session is up (the handshake is complete) as of this call.
    ready: bool = False
    #: The server refused the session: its own words, for Connect's failure message.
    refused: str | None = None
    #: Close the WebSocket with this code and reason (a keep-alive the peer missed).
    close: tuple[int, str] | None = None
    #: The shared empty output, :data:`NOTHING`.
    NOTHING: ClassVar[Output]

    def extend(self, other: Output) -> Output:
        self.send.extend(other.send)
        self.documents.extend(other.documents)
        self.ready = self.ready or other.ready
        self.refused = self.refused or other.refused
        self.close = self.close or other.close
        return self


class _Empty(list):  # type: ignore[type-arg]
    """An empty list that refuses to grow: the fields of the shared :data:`NOTHING`."""

    def _refuse(self, *args: Any) -> Any:
        raise TypeError("NOTHING is shared and stays empty: return a new Output")

    append = extend = insert = __setitem__ = __iadd__ = _refuse  # type: ignore[assignment]


#: What :meth:`Codec.receive` returns for a message that changes nothing the connection
#: layer reads (the start of a packet that goes on in later messages): no frames, no
#: documents, the session as it was. It is shared, so its lists refuse to grow.
NOTHING = Output(send=_Empty(), documents=_Empty())
Output.NOTHING = NOTHING

#: Tells whether a received document is the reply to one request.
Pending = Callable[[Any], bool]


def undecodable(raw: Frame, error: BaseException | str) -> Received:
    """The document of a message that does not decode: it is kept, never raised."""
    text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    return Received({"type": "undecodable", "raw": text, "error": str(error)}, raw)


def json_document(text: str | bytes) -> Any:
    """The document that JSON ``text`` holds (bytes are read as UTF-8): the one way every
    codec reads JSON, in what peers send and in what tests give.

    :class:`ValueError` when it holds none, saying why. That includes JSON nested deeper
    than Python's recursion limit: the parser raises ``RecursionError`` for it, which is no
    ``ValueError`` and would escape every ``except ValueError`` around a parse.
    """
    try:
        if not isinstance(text, str):
            text = bytes(text).decode("utf-8")
        try:
            document, end = _scan(text, 0)
        except StopIteration:
            end = -1
        if end == len(text):
            return document
        # Whitespace around the document, more after it, or no JSON at all: the decoder
        # reads it again and says why, as it always did.
        return _decode(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def plain(value: Any) -> Any:
    """``value`` with Robot ``Secret`` objects replaced by their text, found by duck typing
    because codecs must not import robot."""
    if type(value).__name__ == "Secret" and isinstance(getattr(value, "value", None), str):
        return value.value
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def object_init(init: Any, what: str) -> dict[str, Any] | None:
    """``init`` that must be a JSON object (a dictionary, or JSON text of one), or ``None``;
    ``what`` names it in the error ("Socket.IO init is the auth object")."""
    init = plain(init)
    if isinstance(init, str):
        try:
            init = json_document(init)
        except ValueError:
            raise ProtocolError(f"{what}: give a dictionary or JSON object text.") from None
    if init is not None and not isinstance(init, dict):
        raise ProtocolError(f"{what}: give a dictionary, not {type(init).__name__}.")
    try:
        json.dumps(init)
    except (TypeError, ValueError) as error:
        raise ProtocolError(f"{what}, and it cannot be written as JSON: {error}.") from None
    return init


def offered_subprotocols(headers: Any) -> list[str]:
    """The subprotocols an upgrade request offers, in its order. ``headers`` is websockets'
    ``Headers`` (several ``Sec-WebSocket-Protocol`` lines are read as one list) or any
    mapping of header names to values."""
    if hasattr(headers, "get_all"):
        lines = headers.get_all("Sec-WebSocket-Protocol")
    else:
        lines = [v for k, v in dict(headers).items() if k.lower() == "sec-websocket-protocol"]
    return [name.strip() for line in lines for name in str(line).split(",") if name.strip()]


def header_value(headers: Any, name: str) -> str:
    """The value of header ``name`` (any case) in ``headers``, or ``""``: several lines of it
    are joined with commas, as HTTP reads them."""
    if hasattr(headers, "get_all"):
        return ", ".join(headers.get_all(name))
    return ", ".join(str(v) for k, v in dict(headers).items() if k.lower() == name.lower())


class Codec:
    """Base class of the codecs. Subclasses set ``name`` and ``subprotocols`` and override
    what their protocol needs; the defaults describe a protocol with no handshake, no
    keep-alive and no correlation.

    ``server=True`` gives the protocol's server role: the instance is of ``server_class``,
    a subclass that shares the frame code. A class that speaks both roles itself (SignalR)
    leaves ``server_class`` unset and reads ``server`` in its own constructor."""

    #: The value of ``Connect``'s ``protocol=``.
    name: ClassVar[str] = ""
    #: Subprotocols offered in the upgrade request, in order of preference. A server
    #: selects the first of them that the client offers.
    subprotocols: ClassVar[tuple[str, ...]] = ()
    #: The class of the server role; the module that defines it sets this.
    server_class: ClassVar[type[Codec] | None] = None
    #: Which side of the protocol this codec speaks.
    server: bool = False
    #: Server role: a client that offers none of ``subprotocols`` is refused (HTTP 400).
    requires_subprotocol: ClassVar[bool] = False

    def __new__(cls, *args: Any, server: bool = False, **kwargs: Any) -> Self:
        role = cls.server_class if server and cls.server_class is not None else cls
        return cast("Self", object.__new__(role))

    @classmethod
    def select_subprotocol(cls, offered: Sequence[str]) -> str | None:
        """Server role: the subprotocol to select among those a client ``offered``, the
        first of :attr:`subprotocols` that it offers; ``None`` to accept it without one."""
        for candidate in cls.subprotocols:
            if candidate in offered:
                return candidate
        return None

    @classmethod
    def refuse_request(cls, path: str, headers: Any) -> tuple[int, str] | None:
        """Server role: the HTTP status and plain-text body that answer an upgrade request
        for ``path`` (with its query) instead of accepting it, or ``None`` to go on.
        ``headers`` as :func:`offered_subprotocols` takes them."""
        offered = offered_subprotocols(headers)
        if cls.requires_subprotocol and cls.select_subprotocol(offered) is None:
            wanted = ", ".join(cls.subprotocols)
            return 400, (
                f"This {cls.name} server needs the WebSocket subprotocol {wanted}: "
                "the client did not offer it in Sec-WebSocket-Protocol.\n"
            )
        return None

    @classmethod
    def answer_request(cls, method: str, path: str, headers: Any) -> tuple[int, str, str] | None:
        """Server role: the HTTP status, content type and body that answer a plain HTTP
        request (``method`` other than ``GET``, such as SignalR's negotiate ``POST``) that
        the protocol makes before its WebSocket, or ``None`` to leave it to the WebSocket
        server, which refuses it as no upgrade."""
        return None

    def __init__(
        self, init: Any = None, *, max_size: int | None = DEFAULT_MAX_SIZE, server: bool = False
    ) -> None:
        self.init = init
        #: The most bytes of one message (or of a protocol message assembled from several)
        #: that the codec holds, the connection's ``max_size``; ``None`` for no bound.
        self.max_size = max_size
        #: True once the handshake is complete.
        self.ready = False
        #: What ``Get Connection Info`` shows as ``session``.
        self.session: Any = None
        #: Seconds between :meth:`tick` calls once ready, or ``None`` for no timer.
        self.tick_interval: float | None = None

    def connect_url(self, url: str) -> str:
        """The URL to open for the connection named ``url``."""
        return url

    def opened(self, subprotocol: str | None, now: float) -> Output:
        """The WebSocket is open with ``subprotocol`` selected: the first handshake frames."""
        self.ready = True
        return Output(ready=True)

    def receive(self, message: Frame, now: float) -> Output:
        """Decode one received WebSocket message. Never raises: a message that does not
        decode becomes :func:`undecodable`."""
        raise NotImplementedError

    def tick(self, now: float) -> Output:
        """Called every :attr:`tick_interval` seconds once ready: keep-alives to send, or a
        close when the peer fell silent."""
        return Output()

    def encode(self, document: Any) -> list[Frame]:
        """The messages that send ``document``; :class:`ProtocolError` when it cannot be."""
        raise NotImplementedError

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        """Give ``document`` a fresh correlation id; the messages to send, and the test
        that tells its reply. :class:`ProtocolError` when the document has no reply."""
        raise ProtocolError(f"protocol {self.name} has no request/reply correlation")

    def wants(self, document: Any) -> bool:
        """Server role: whether ``document``, sent to every client of a server, is for this
        client (a STOMP ``MESSAGE`` to a destination it subscribed to, an MQTT ``publish``
        matching one of its filters). Never raises: a document it cannot read is wanted,
        so that :meth:`encode` says what is wrong with it."""
        return True


class SessionRefused(Exception):
    """The server refused the protocol session; the message is the server's words."""


class SessionLost(Exception):
    """The connection closed before the protocol session was up."""
