"""The protocols that ``Connect ... protocol=`` speaks, one sans-I/O codec module each.

Adding a protocol is one module that subclasses :class:`~.base.Codec` and one row here.
"""

from __future__ import annotations

from importlib import import_module

from .base import Codec, Output, ProtocolError, Received

__all__ = ["Codec", "Output", "ProtocolError", "Received", "codec_class", "NAMES"]

#: ``protocol=`` value -> (module, class). Modules are imported on first use.
_TABLE: dict[str, tuple[str, str]] = {
    # Socket.IO's server role is socketio_server.SocketIOServer, set there as signalr's in hub.
    "socketio": ("socketio_server", "SocketIO"),
    "graphql-transport-ws": ("graphql", "GraphQLTransportWS"),
    "graphql-ws": ("graphql", "GraphQLWS"),
    "stomp": ("stomp", "Stomp"),
    "mqtt": ("mqtt", "Mqtt"),
    "ocpp1.6": ("ocpp", "Ocpp16"),
    "ocpp2.0.1": ("ocpp", "Ocpp201"),
    "ocpp2.1": ("ocpp", "Ocpp21"),
    # The hub protocol is signalr.SignalR; hub adds its server role's constructor and
    # negotiate answer (SignalR(..., server=True) is a hub.SignalRServer).
    "signalr": ("hub", "SignalR"),
}

NAMES = tuple(_TABLE)


def codec_class(name: str) -> type[Codec]:
    """The codec class for ``protocol=name``; :class:`ProtocolError` for an unknown name."""
    try:
        module, cls = _TABLE[name.strip().lower()]
    except KeyError:
        raise ProtocolError(
            f"it is not one the library speaks; use one of {', '.join(NAMES)}" + _did_you_mean(name)
        ) from None
    return getattr(import_module(f"{__name__}.{module}"), cls)  # type: ignore[no-any-return]


def _did_you_mean(name: str) -> str:
    """`` (did you mean 'socketio'?)`` for a name that differs from one only in case,
    punctuation or spaces (``socket.io``, ``Socket-IO``, ``OCPP 1.6``)."""
    folded = "".join(char for char in name.lower() if char.isalnum())
    for known in NAMES:
        if "".join(char for char in known if char.isalnum()) == folded:
            return f" (did you mean '{known}'?)"
    return ""
