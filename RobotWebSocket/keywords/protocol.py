"""Request: a protocol message with a fresh correlation id, and its reply."""

from __future__ import annotations

import time
from concurrent.futures import Future
from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator
from robot.api.deco import keyword

from ..arguments import seconds
from ..deadline import Deadline
from ..errors import InvalidArgument
from ..extraction import Extraction
from ..history import Message
from ..query import Query
from ..waiting import Watch
from .base import Context, ContextAware
from .sending import Sender, Sending
from .waiting import Waits, send_failed


class ProtocolKeywords(ContextAware):
    """Request."""

    def __init__(self, context: Context, sender: Sender, waits: Waits) -> None:
        super().__init__(context)
        self._sender = sender
        self._waits = waits

    @keyword
    def request(
        self,
        connection: str,
        message: Any,
        expression: str | None = None,
        assertion_operator: AssertionOperator | str | None = None,
        expected: Any = None,
        timeout: timedelta | None = None,
    ) -> Any:
        """Sends ``message`` with a fresh correlation id and returns its reply (or the value
        extracted from it), waiting as `Send And Receive` does.

        Only replies to this request are considered; error replies are replies, so assert
        on them. What the id is and which reply carries it depends on the protocol (see
        `Protocols`): a Socket.IO ack id, a GraphQL operation id (``type`` and ``id`` are
        added when missing, and a document with neither ``type`` nor ``payload`` is the
        payload), a STOMP ``receipt``, an MQTT packet id (a QoS 0 publish has no reply and
        fails at once), an OCPP unique id (``[action, payload]`` becomes a CALL).

        | =Argument= | =Meaning= |
        | ``connection`` | URL or alias of a connection opened with ``protocol``. |
        | ``message`` | The document (a dictionary or list, or JSON text of one). |
        | ``expression``, ``assertion_operator``, ``expected`` | As in `Receive`, judged on the reply. |
        | ``timeout`` | Limit for the send and the wait together. Default: the library's ``timeout``. |

        Example:
        | ${ack}= | `Request` | ${SIO} | {"event": "join", "args": ["room-1"]} | $.args[0].ok | == | true |
        | `Request` | ${CSMS}/CP-1 | ["BootNotification", {"chargePointVendor": "ACME", "chargePointModel": "X1"}] | $[2].status | == | Accepted |
        | `Request` | ${MQTT} | {"type": "subscribe", "topics": ["orders/#"], "qos": 1} | $.granted[0] | == | 1 |
        | ${data}= | `Request` | ${GQL} | {"query": "{ hello }"} | $.payload.data.hello |
        """
        conn = self._get(connection)
        if conn.codec is None:
            raise InvalidArgument(
                f"Request needs a connection opened with 'protocol'; '{self._show(conn.name)}' "
                "has none. Use Send And Receive."
            )
        query = Query.build(expression, assertion_operator, self._plain(expected))
        deadline = Deadline(self._timeout_or_default(seconds(timeout, "timeout")))
        self._report_recorded(conn)
        before = conn.history.total
        if not conn.is_open:
            raise self._closed_error(conn, "send on")
        limit = self._timeout_or_default(deadline.remaining())
        # The loop gives the request its id and sends it in one step; this thread does not
        # wait for that step but for the reply, and learns the reply's test (``prepared``)
        # by the time a message arrives: one wake-up of each thread, not two.
        prepared: Future[Any] = Future()
        mark: list[int | None] = [None]
        sending = Sending(
            self._loop.call(conn.request_soon, self._plain(message), limit, prepared, mark),
            [],
            time.time(),
            limit,
            mark,
        )
        hit: Extraction | None = None
        watch = Watch(conn.history, deadline, before, send_failed(sending.future))
        try:
            for new in watch:
                pending = self._sender.codec_result(prepared)[1]
                # Only what arrived after the request was written can answer it (an MQTT
                # packet id is reused, so a stale acknowledgement could carry it).
                floor = before if mark[0] is None else mark[0]
                hit = _first_reply([m for m in new if m.seq > floor], pending, query)
                if hit is not None:
                    break
            sending.frames, pending = self._sender.codec_result(prepared)
        except BaseException:
            sending.future.cancel()
            raise
        if mark[0] is not None:
            before = mark[0]
        replies = (
            [m for m in conn.history.since(before) if _is_reply(pending, m)] if hit is None else []
        )
        return self._waits.conclude("Request", conn, query, sending, hit, watch, replies)


def _is_reply(pending: Any, message: Message) -> bool:
    try:
        return bool(pending(message.document))
    except Exception:  # noqa: BLE001 - a message the codec cannot judge is not the reply
        return False


def _first_reply(new: list[Message], pending: Any, query: Query) -> Extraction | None:
    for message in new:
        if _is_reply(pending, message) and query.judge_one(message):
            hit = query.latest
            hit.window = (message,)
            return hit
    return None
