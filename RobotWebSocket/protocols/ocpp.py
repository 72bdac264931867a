"""OCPP-J (OCPP 1.6, 2.0.1 and 2.1 over WebSocket), as a sans-I/O codec.

OCPP-J messages are JSON arrays in text messages: ``[2, id, action, payload]`` (CALL),
``[3, id, payload]`` (CALLRESULT) and ``[4, id, code, description, details]`` (CALLERROR);
OCPP 2.1 adds ``[5, id, code, description, details]`` (CALLRESULTERROR) and
``[6, id, action, payload]`` (SEND, which has no reply). The arrays are the documents as they
are. The handshake is the subprotocol alone: the server must select the version's name.

Both sides speak the same messages, so the server role (the central system's side,
``Ocpp16(server=True)``) differs only in its handshake: a server refuses, with HTTP 400, an
upgrade request that does not offer its version, and its session is up once it selected it.
Either side may send a CALL and wait for its CALLRESULT or CALLERROR.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, ClassVar

from .base import (
    Codec,
    Frame,
    Output,
    Pending,
    ProtocolError,
    Received,
    json_document,
    undecodable,
)

CALL, CALLRESULT, CALLERROR, CALLRESULTERROR, SEND = 2, 3, 4, 5, 6
REPLY_TYPES = (CALLRESULT, CALLERROR, CALLRESULTERROR)


def check_message(message: Any, types: tuple[int, ...]) -> None:
    """Raise ValueError naming what makes ``message`` something other than an OCPP-J
    message of one of ``types``."""
    if not isinstance(message, list) or not message:
        raise ValueError("an OCPP-J message is a JSON array")
    kind = message[0]
    if isinstance(kind, bool) or kind not in types:
        raise ValueError(f"message type {kind!r} is not one of {', '.join(map(str, types))}")
    # Lengths are not checked beyond what is needed to read the message: a CALLERROR that
    # leaves out its details is still an error reply that a test wants to see.
    if len(message) < 3:
        raise ValueError(f"a message of type {kind} has at least 3 members")
    if not isinstance(message[1], str):
        raise ValueError("the message id is not a string")
    if kind in (CALL, SEND) and not isinstance(message[2], str):
        raise ValueError("the action is not a string")


class Ocpp(Codec):
    """The OCPP-J codec that the versions share; a subclass names its version."""

    #: Message types the version knows.
    types: ClassVar[tuple[int, ...]] = (CALL, CALLRESULT, CALLERROR)
    requires_subprotocol = True

    def opened(self, subprotocol: str | None, now: float) -> Output:
        if subprotocol != self.name:
            return Output(refused=f"the server did not select subprotocol {self.name}")
        self.ready = True
        self.session = subprotocol
        return Output(ready=True)

    def receive(self, message: Frame, now: float) -> Output:
        try:
            document = json_document(message)
            check_message(document, self.types)
        except Exception as error:  # noqa: BLE001
            # Whatever a server sends must reach the history, so no input may raise here.
            return Output(documents=[undecodable(message, error)])
        return Output(documents=[Received(document, message)])

    @staticmethod
    def _array(document: Any) -> list[Any]:
        if isinstance(document, (str, bytes)):
            try:
                document = json_document(document)
            except ValueError:
                document = None
        if not isinstance(document, list):
            raise ProtocolError("an OCPP-J document is a JSON array such as [2, id, action, {}]")
        return document

    def encode(self, document: Any) -> list[Frame]:
        # The array is sent as it is, even when it breaks the specification, because
        # testing how a central system takes a malformed message is a use of its own.
        try:
            return [json.dumps(self._array(document), ensure_ascii=False)]
        except (TypeError, ValueError) as error:
            raise ProtocolError(f"OCPP-J document cannot be sent as JSON: {error}") from None

    def request(self, document: Any) -> tuple[list[Frame], Pending]:
        array = self._array(document)
        if array and array[0] == CALL and len(array) == 4:
            # A whole CALL keeps its own id, so that a test can name it.
            call = array
        elif 1 <= len(array) <= 2 and isinstance(array[0], str):
            call = [CALL, str(uuid.uuid4()), array[0], array[1] if len(array) == 2 else {}]
        else:
            raise ProtocolError(
                "an OCPP-J request is [action, payload], such as "
                '["Heartbeat", {}], or a whole CALL [2, id, action, payload]'
            )
        ident = call[1]
        replies = tuple(kind for kind in self.types if kind in REPLY_TYPES)

        def is_reply(reply: Any) -> bool:
            return (
                isinstance(reply, list)
                and len(reply) >= 2
                and reply[0] in replies
                and reply[1] == ident
            )

        return self.encode(call), is_reply


class Ocpp16(Ocpp):
    """OCPP 1.6 (JSON)."""

    name = "ocpp1.6"
    subprotocols = ("ocpp1.6",)


class Ocpp201(Ocpp):
    """OCPP 2.0.1."""

    name = "ocpp2.0.1"
    subprotocols = ("ocpp2.0.1",)


class Ocpp21(Ocpp):
    """OCPP 2.1, which adds CALLRESULTERROR and SEND messages."""

    name = "ocpp2.1"
    subprotocols = ("ocpp2.1",)
    types = (CALL, CALLRESULT, CALLERROR, CALLRESULTERROR, SEND)


class OcppServer(Ocpp):
    """The central system's side: the session is up as soon as the WebSocket is, with the
    version's subprotocol selected (a client that did not offer it was refused before)."""

    server = True

    def opened(self, subprotocol: str | None, now: float) -> Output:
        self.ready = True
        self.session = subprotocol
        return Output(ready=True)


class Ocpp16Server(OcppServer, Ocpp16):
    """The server's side of OCPP 1.6."""


class Ocpp201Server(OcppServer, Ocpp201):
    """The server's side of OCPP 2.0.1."""


class Ocpp21Server(OcppServer, Ocpp21):
    """The server's side of OCPP 2.1."""


Ocpp16.server_class = Ocpp16Server
Ocpp201.server_class = Ocpp201Server
Ocpp21.server_class = Ocpp21Server
