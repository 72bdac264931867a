"""RobotWebSocket: WebSocket testing for Robot Framework."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from robot.api.deco import not_keyword
from robotlibcore import DynamicCore

from ._docs import LIBRARY_DOC
from ._loop import register_closer
from ._version import __version__
from .arguments import positive_int, seconds
from .history import BUFFER_BYTES
from .keywords.base import Context
from .keywords.connection import ConnectionKeywords
from .keywords.contracts import ContractKeywords
from .keywords.conversation import ConversationKeywords
from .keywords.history import HistoryKeywords
from .keywords.mock import MockKeywords
from .keywords.protocol import ProtocolKeywords
from .keywords.proxy import ProxyKeywords
from .keywords.receiving import ReceivingKeywords
from .keywords.replay import ReplayKeywords
from .keywords.rules import RuleKeywords
from .keywords.sending import Sender, SendingKeywords
from .keywords.validation import ValidationKeywords
from .keywords.waiting import Waits

__all__ = ["RobotWebSocket", "__version__"]


class _SuiteListener:
    """Closes the connections a suite opened when that suite ends (listener API v3)."""

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self, context: Context) -> None:
        self.context = context

    def end_suite(self, data: Any, result: Any) -> None:
        self.context.close_owned_by(result.id)


class RobotWebSocket(DynamicCore):
    __doc__ = LIBRARY_DOC

    ROBOT_LIBRARY_SCOPE = "GLOBAL"
    ROBOT_LIBRARY_VERSION = __version__
    ROBOT_LIBRARY_DOC_FORMAT = "ROBOT"

    def __init__(
        self,
        timeout: timedelta = timedelta(seconds=5),
        connect_timeout: timedelta = timedelta(seconds=10),
        buffer_size: int = 10000,
        log_max_length: int = 10000,
        buffer_bytes: int = BUFFER_BYTES,
    ):
        """Imports the library.

        | =Argument= | =Default= | =Meaning= |
        | ``timeout`` | ``5s`` | Default wait of every receiving keyword. |
        | ``connect_timeout`` | ``10s`` | Default limit for opening a connection (TCP + TLS + upgrade). |
        | ``buffer_size`` | ``10000`` | Messages kept per connection; the oldest are dropped past it. |
        | ``log_max_length`` | ``10000`` | Characters of one message shown in the log before it is cut. |
        | ``buffer_bytes`` | ``104857600`` | Bytes of message data kept per connection (100 MiB); the oldest messages are dropped past it, as past ``buffer_size``, and the newest is always kept. |

        What one connection costs at most: its history holds at most ``buffer_size``
        messages and at most ``buffer_bytes`` bytes of their data (text counted in
        characters), plus what JSON or XML parsed from them takes (typically a few times the
        text), plus as many sent messages and frames of the conversation file (bounded by
        ``buffer_size`` too). A mock server forgets its closed clients past 1000.

        The library's event loop runs in a thread of its own. While it runs, the library
        sets Python's thread switch interval (``sys.setswitchinterval``) to 0.5 ms for the
        whole process, so that a keyword waiting for a reply gets the interpreter quickly
        while messages stream in, and raises the garbage collector's thresholds
        (``gc.set_threshold``) to 50,000, 20 and 20, so that a history of many kept
        messages is not scanned over and over while it grows; the previous values are
        restored when the loop stops.

        Example:
        | Library | RobotWebSocket | timeout=5s | connect_timeout=10s | buffer_size=100000 |
        """
        context = Context(
            timeout=seconds(timeout, "timeout", allow_none=False) or 0.0,
            connect_timeout=seconds(connect_timeout, "connect_timeout", allow_none=False) or 0.0,
            buffer_size=positive_int(buffer_size, "buffer_size"),
            log_max_length=positive_int(log_max_length, "log_max_length"),
            buffer_bytes=positive_int(buffer_bytes, "buffer_bytes"),
        )
        # Each concern is one component holding the context; the two helpers are given to
        # the components whose keywords send (Sender) and wait (Waits).
        connections = ConnectionKeywords(context)
        sender = Sender(context, connections.connect)
        waits = Waits(context, sender)
        self._context = context
        self.ROBOT_LIBRARY_LISTENER = _SuiteListener(context)
        DynamicCore.__init__(
            self,
            [
                connections,
                SendingKeywords(context, sender),
                ReceivingKeywords(context, sender, waits),
                RuleKeywords(context),
                ProtocolKeywords(context, sender, waits),
                MockKeywords(context),
                ProxyKeywords(context),
                ReplayKeywords(context, sender),
                ConversationKeywords(context),
                HistoryKeywords(context),
                ValidationKeywords(context),
                ContractKeywords(context),
            ],
        )
        register_closer(context.close_at_exit)

    @not_keyword
    def close(self) -> None:
        """Close every connection of this instance (for Python callers)."""
        self.disconnect_all()
