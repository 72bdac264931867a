"""SignalR's server role for the mock server: the hub's side of :class:`.signalr.SignalR`
(``SignalR(init, server=True)``), with what a mock server adds to it: the server's own
``init`` and ``max_size``, and the answer to the negotiate request.

The hub protocol is :mod:`.signalr`'s, both roles in one class; this module only gives the
server role the constructor every codec has (``cls(init, max_size=n, server=True)``) and
the plain HTTP answer that the negotiate step needs (:meth:`SignalRServer.answer_request`).
"""

from __future__ import annotations

import importlib.util
import json
import secrets
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .base import DEFAULT_MAX_SIZE, ProtocolError, object_init
from .signalr import SignalR

__all__ = ["SignalR", "SignalRServer"]

#: ``init`` of a SignalR mock server: seconds, as ASP.NET Core's hub options have them.
INIT_KEYS = {"keep_alive": 15.0, "timeout": 30.0}


class SignalRServer(SignalR):
    """The hub's side of ``protocol=signalr``. ``init`` has ``keep_alive`` (seconds between
    the server's pings, 15 by default: ASP.NET Core's ``KeepAliveInterval``) and
    ``timeout`` (a client silent this long is closed, 30: ``ClientTimeoutInterval``). The
    JSON hub protocol is accepted, and MessagePack when the ``msgpack`` package is
    installed. The handshake request is :attr:`session`."""

    server = True

    def __init__(
        self, init: Any = None, *, max_size: int | None = DEFAULT_MAX_SIZE, server: bool = True
    ) -> None:
        what = "A SignalR server's init has keep_alive and timeout, in seconds"
        options = object_init(init, what) or {}
        unknown = sorted(set(options) - set(INIT_KEYS))
        if unknown:
            raise ProtocolError(f"{what}, not {', '.join(unknown)}")
        timing = {**INIT_KEYS, **options}
        for key, value in timing.items():
            if type(value) not in (int, float) or not 0 < value < 2**31:
                raise ProtocolError(f"{what}: {key} must be a number of seconds above 0")
        accept = ("json", "messagepack") if _HAS_MSGPACK else ("json",)
        super().__init__(
            None,
            server=True,
            accept=accept,
            keep_alive=float(timing["keep_alive"]),
            timeout=float(timing["timeout"]),
        )
        self.init = options or None
        self.max_size = max_size

    @classmethod
    def answer_request(cls, method: str, path: str, headers: Any) -> tuple[int, str, str] | None:
        """``POST <hub>/negotiate`` gets a connection token and the WebSockets transport (the
        token is not checked when the client connects: a mock accepts every client)."""
        parts = urlsplit(path)
        if method != "POST" or not parts.path.rstrip("/").endswith("/negotiate"):
            return None
        query = dict(parse_qsl(parts.query))
        connection_id = secrets.token_urlsafe(16)
        body: dict[str, Any] = {"connectionId": connection_id}
        if query.get("negotiateVersion", "0") != "0":
            body = {"negotiateVersion": 1, **body, "connectionToken": secrets.token_urlsafe(16)}
        body["availableTransports"] = [
            {"transport": "WebSockets", "transferFormats": ["Text", "Binary"]}
        ]
        return 200, "application/json", json.dumps(body)


_HAS_MSGPACK = importlib.util.find_spec("msgpack") is not None

SignalR.server_class = SignalRServer
