"""The protocols that ``Connect ... protocol=`` speaks, one sans-I/O codec module each.

Adding a protocol is one module that subclasses :class:`~.base.Codec` and one row here.
"""

from __future__ import annotations

from importlib import import_module

from .base import Codec, Output, ProtocolError, Received

__all__ = ["Codec", "Output", "ProtocolError", "Received", "codec_class", "NAMES"]

#: ``protocol=`` value -> (module, class). Modules are imported on first use.
_TABLE: dict[str, tuple[str, str]] = {
    "socketio": ("socketio", "SocketIO"),
    "graphql-transport-ws": ("graphql", "GraphQLTransportWS"),
    "graphql-ws": ("graphql", "GraphQLWS"),
    "stomp": ("stomp", "Stomp"),
    "mqtt": ("mqtt", "Mqtt"),
    "ocpp1.6": ("ocpp", "Ocpp16"),
    "ocpp2.0.1": ("ocpp", "Ocpp201"),
    "ocpp2.1": ("ocpp", "Ocpp21"),
}

NAMES = tuple(_TABLE)


def codec_class(name: str) -> type[Codec]:
    """The codec class for ``protocol=name``; :class:`ProtocolError` for an unknown name."""
    try:
        module, cls = _TABLE[name.strip().lower()]
    except KeyError:
        raise ProtocolError(f"unknown protocol {name!r}: use one of {', '.join(NAMES)}") from None
    return getattr(import_module(f"{__name__}.{module}"), cls)  # type: ignore[no-any-return]
