"""Errors that RobotWebSocket keywords raise.

Every failure a keyword reports is an :class:`AssertionError` subclass, so Robot Framework
shows it as a plain test failure, and ``ROBOT_SUPPRESS_NAME`` keeps the class name out of
the message that users match with ``Run Keyword And Expect Error``::

    WebSocketError (AssertionError)
    ├── InvalidArgument          an argument that cannot be used (URL, header, timeout, last...)
    │   └── InvalidExpression    a JSONPath, XPath or regex that does not compile
    ├── ConnectionFailed         Connect could not open the connection (refused, DNS, TLS,
    │                            HTTP status, timed out)
    ├── ConnectionNotFound       a name that no Connect or Send opened
    ├── ConnectionAlreadyOpen    Connect of a name that is open
    ├── ConnectionClosed         Send on a connection the server closed, or that dropped
    ├── SendFailed               Send timed out (backpressure) or the frame could not be sent
    ├── ReceiveFailed            a receiving keyword's condition did not hold in time
    ├── ValidationFailed         JSON or XML that is malformed or breaks its schema
    └── ContractViolated         a message breaks the connection's AsyncAPI contract

The original exception, where there is one, is chained with ``raise ... from``.
"""

from __future__ import annotations

from typing import Any


class WebSocketError(AssertionError):
    """Base of every RobotWebSocket failure."""

    ROBOT_SUPPRESS_NAME = True


class InvalidArgument(WebSocketError):
    """An argument value that the keyword cannot use."""


class InvalidExpression(InvalidArgument):
    """An extraction expression that does not compile."""


class ConnectionFailed(WebSocketError):
    """Opening a connection failed."""


class ConnectionNotFound(WebSocketError):
    """No connection has the given name."""


class ConnectionAlreadyOpen(WebSocketError):
    """Connect was given a name that is already open."""


class ConnectionClosed(WebSocketError):
    """The connection is closed, so the operation cannot be done."""


class SendFailed(WebSocketError):
    """A message could not be sent."""


class ReceiveFailed(WebSocketError):
    """A receiving keyword's condition did not hold within its timeout. ``failure`` is the
    :class:`~RobotWebSocket.failures.WaitFailure` with what the keyword saw, when it waited."""

    def __init__(self, message: str, failure: Any = None) -> None:
        super().__init__(message)
        self.failure = failure


class ValidationFailed(WebSocketError):
    """A document is not valid JSON/XML, or breaks its schema."""


class ContractViolated(WebSocketError):
    """A message received or about to be sent breaks the connection's AsyncAPI contract."""


def why(error: BaseException) -> str:
    """A short account of an exception for a warning or a failure: its type and the first
    line of its text (at most 200 characters)."""
    text = str(error).splitlines()[0][:200] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
