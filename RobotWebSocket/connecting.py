"""How Connect reports what went wrong, the TLS context it connects with and the codec of
its protocol. Pure of robot; the errors it maps are asyncio's, ssl's, socket's and websockets'."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from websockets.exceptions import (
    InvalidHandshake,
    InvalidProxy,
    InvalidStatus,
    InvalidURI,
    ProxyError,
)

from ._negotiate import NegotiateFailed
from .arguments import check_init, codec_options, optional_positive_int, seconds
from .errors import ConnectionFailed, InvalidArgument, WebSocketError
from .masking import is_sensitive
from .protocols import Codec, ProtocolError, codec_class
from .protocols.base import SessionLost, SessionRefused


def ssl_context(
    verify: bool, ca_file: str | None, client_cert: str | None, client_key: str | None
) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=ca_file)
        if not verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if client_cert:
            context.load_cert_chain(client_cert, client_key)
    except (OSError, ssl.SSLError) as error:
        raise InvalidArgument(f"Cannot load the TLS files: {error}.") from error
    return context


def _eof(error: BaseException) -> bool:
    """Whether ``error`` was caused by the server closing the connection mid-handshake."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, (EOFError, ConnectionResetError)):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def query_secrets(url: str) -> list[str]:
    """Credential values in a URL's query string and user info."""
    parts = urlsplit(url)
    found = [value for key, value in parse_qsl(parts.query) if value and is_sensitive(key)]
    return found + ([parts.password] if parts.password else [])


def connect_error(
    error: BaseException,
    url: str,
    limit: float,
    protocol: str | None,
    show: Callable[[str], str],
) -> BaseException:
    """The failure of ``Connect`` for ``error``: what went wrong, in words users match
    (``refused``, ``timed out``, ``certificate``/``SSL``, the HTTP status), naming the URL
    (``url`` is already masked; ``show`` masks the rest)."""
    if isinstance(error, WebSocketError) or not isinstance(error, Exception):
        return error
    if isinstance(error, SessionRefused):
        return ConnectionFailed(
            f"Connecting to {url} failed: the server refused the {protocol} "
            f"session: {show(str(error))}"
        )
    if isinstance(error, NegotiateFailed):
        return ConnectionFailed(f"Connecting to {url} failed: {show(str(error))}.")
    if isinstance(error, SessionLost):
        return ConnectionFailed(f"Connecting to {url} failed: {show(str(error))}.")
    if isinstance(error, InvalidStatus):
        response = error.response
        body = response.body.decode("utf-8", "replace")[:200] if response.body else ""
        return ConnectionFailed(
            f"Connecting to {url} failed: the server rejected the upgrade with HTTP "
            f"{response.status_code} {response.reason_phrase}"
            + (f": {show(body.strip())}" if body.strip() else "")
        )
    if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
        return ConnectionFailed(f"Connecting to {url} timed out after {limit:g} s.")
    if isinstance(error, ConnectionRefusedError):
        return ConnectionFailed(f"Connecting to {url} failed: connection refused.")
    if isinstance(error, socket.gaierror):
        return ConnectionFailed(
            f"Connecting to {url} failed: cannot resolve the host name (DNS): {error}."
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return ConnectionFailed(
            f"Connecting to {url} failed: the server certificate could not be verified "
            f"({error.verify_message}). Give the CA with 'ca_file', or use verify=False "
            "for a self-signed test server."
        )
    if isinstance(error, ssl.SSLError):
        return ConnectionFailed(f"Connecting to {url} failed: SSL error: {error}.")
    if isinstance(error, (InvalidURI, InvalidProxy)):
        return InvalidArgument(f"Cannot connect to {url}: {error}.")
    if isinstance(error, ProxyError):
        return ConnectionFailed(f"Connecting to {url} through the proxy failed: {error}.")
    if isinstance(error, InvalidHandshake) and url.startswith("wss://") and _eof(error):
        return ConnectionFailed(
            f"Connecting to {url} failed: the server closed the TLS (SSL) connection "
            "before answering the upgrade; it may require a client certificate "
            "('client_cert' and 'client_key')."
        )
    if isinstance(error, InvalidHandshake):
        return ConnectionFailed(f"Connecting to {url} failed: invalid handshake: {error}.")
    if isinstance(error, OSError):
        return ConnectionFailed(f"Connecting to {url} failed: {error.strerror or error}.")
    return ConnectionFailed(f"Connecting to {url} failed: {type(error).__name__}: {error}")


def websocket_options(
    headers: list[tuple[str, str]],
    subprotocols: list[str] | None,
    compression: bool,
    max_size: Any,
    ping_interval: Any,
    close_timeout: float,
    proxy: Any,
) -> dict[str, Any]:
    """Connect's arguments as options of websockets' ``connect``, checked."""
    ping = seconds(ping_interval, "ping_interval")
    max_size = optional_positive_int(max_size, "max_size")
    if proxy and not str(proxy).startswith(("http://", "https://")):
        raise InvalidArgument(
            f"Argument 'proxy' must be an http:// or https:// URL, got {proxy!r}."
        )
    return {
        "additional_headers": headers,
        "subprotocols": subprotocols,
        "compression": "deflate" if compression else None,
        "max_size": max_size,
        "ping_interval": ping or None,
        "ping_timeout": ping or None,
        "open_timeout": None,
        "close_timeout": close_timeout,
        "proxy": proxy or None,
    }


def client_codec(
    protocol: Any, init: Any, max_size: Any = None, binary_format: Any = None
) -> Codec:
    """A fresh client codec for ``protocol``, given its ``init`` (its secrets already
    revealed) and the connection's ``max_size`` and ``binary_format``."""
    value = check_init(init)
    try:
        limit = optional_positive_int(max_size, "max_size")
        cls = codec_class(str(protocol))
        if binary_format not in (None, ""):
            return cls(value, max_size=limit, **codec_options(cls, binary_format))
        return cls(value, max_size=limit)
    except ProtocolError as error:
        raise InvalidArgument(f"Cannot use protocol {protocol!r}: {error}.") from error
