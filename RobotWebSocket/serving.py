"""What Start Mock Server checks before its server listens: the status that refuses every
upgrade, the TLS context it serves ``wss://`` with, and the protocol's server role. Pure of
robot; each failure is an :class:`~.errors.InvalidArgument` naming the argument."""

from __future__ import annotations

import http
import ssl
from typing import Any

from .arguments import check_init, check_path, codec_options
from .errors import InvalidArgument
from .protocols import ProtocolError, codec_class


def reject_status(reject: Any) -> int:
    """``reject`` as an HTTP status that refuses the upgrade (``401``, ``403``...)."""
    try:
        status = http.HTTPStatus(int(reject))
    except (TypeError, ValueError, OverflowError) as error:
        raise InvalidArgument(
            f"Argument 'reject' must be an HTTP status such as 401, got {reject!r}."
        ) from error
    if status < 200 or status == http.HTTPStatus.SWITCHING_PROTOCOLS:
        raise InvalidArgument(
            f"Argument 'reject' must be a status that refuses the upgrade, got {reject!r}."
        )
    return int(status)


def server_ssl(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    """The TLS context of ``certfile`` and ``keyfile`` (PEM); ``None`` without a
    certificate."""
    if not certfile:
        if keyfile:
            raise InvalidArgument("Argument 'keyfile' needs 'certfile'.")
        return None
    certfile = check_path(certfile, "certfile")
    keyfile = None if not keyfile else check_path(keyfile, "keyfile")
    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile or None)
    except (OSError, ssl.SSLError) as error:
        raise InvalidArgument(f"Cannot load the TLS files: {error}.") from error
    return context


def server_protocol(
    protocol: Any, init: Any, max_size: int | None, binary_format: Any = None
) -> tuple[Any, Any, dict[str, Any]]:
    """The codec class of ``protocol`` (``None`` without one), the server's ``init`` (its
    secrets already revealed) and the codec's options for ``binary_format``, checked by
    building one server codec now, so that a bad one fails the keyword."""
    if protocol in (None, ""):
        if init not in (None, ""):
            raise InvalidArgument("Argument 'init' needs 'protocol'.")
        return None, None, {}
    value = check_init(init)
    try:
        cls = codec_class(str(protocol))
        options = {} if binary_format in (None, "") else codec_options(cls, binary_format)
        cls(value, max_size=max_size, server=True, **options)
    except ProtocolError as error:
        raise InvalidArgument(f"Cannot serve protocol {protocol!r}: {error}.") from error
    return cls, value, options
