"""Request: a protocol message with a fresh correlation id, and its reply."""

from __future__ import annotations

import itertools
import time
from concurrent.futures import Future
from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator
from robot.api.deco import keyword

from .._client import Connection
from ..arguments import seconds
from ..asyncapi import Correlation
from ..contracts import parsed
from ..deadline import Deadline
from ..errors import InvalidArgument
from ..extraction import Extraction
from ..formatting import cut
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
        correlation: str | None = None,
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
        | ``correlation`` | On a connection without ``protocol``: the JSONPath of the member that carries the id (``$.reqid``). Default: the ``correlationId`` of the message's definition in the connection's AsyncAPI document. |

        On a connection without ``protocol``, ``message`` is a JSON document and the id is
        set at ``correlation`` (a fresh integer, or text when the member holds text); the
        reply is the first message received that carries the same id at the reply
        definition's ``correlationId`` location (else at the same path). Without
        ``correlation`` and without a document that gives one, `Request` fails saying it
        needs ``correlation``. See `Contracts`.

        Example:
        | ${ack}= | `Request` | ${SIO} | {"event": "join", "args": ["room-1"]} | $.args[0].ok | == | true |
        | `Request` | ${CSMS}/CP-1 | ["BootNotification", {"chargePointVendor": "ACME", "chargePointModel": "X1"}] | $[2].status | == | Accepted |
        | `Request` | ${MQTT} | {"type": "subscribe", "topics": ["orders/#"], "qos": 1} | $.granted[0] | == | 1 |
        | ${data}= | `Request` | ${GQL} | {"query": "{ hello }"} | $.payload.data.hello |
        | ${status}= | `Request` | ${ORDERS} | {"op": "place", "reqid": 0} | $.status | == | accepted | correlation=$.reqid |
        """
        conn = self._get(connection)
        query = Query.build(expression, assertion_operator, self._plain(expected))
        deadline = Deadline(self._timeout_or_default(seconds(timeout, "timeout")))
        if conn.codec is None:
            return self._correlated(conn, message, query, deadline, correlation)
        if correlation not in (None, ""):
            raise InvalidArgument(
                f"Argument 'correlation' is for connections without 'protocol': the "
                f"{conn.codec.name} protocol of '{self._show(conn.name)}' correlates its own "
                "requests."
            )
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

    def _correlated(
        self, conn: Connection, message: Any, query: Query, deadline: Deadline, path: Any
    ) -> Any:
        """Request on a connection without a protocol: the id at ``path`` (or where the
        connection's AsyncAPI document says), and the first reply that carries it."""
        self._report_recorded(conn)
        document = parsed(self._plain(message))
        if not isinstance(document, (dict, list)):
            raise InvalidArgument(
                "Request on a connection without 'protocol' sends a JSON document (a "
                f"dictionary or list, or JSON text of one), got {cut(repr(document), 80)}."
            )
        checking = conn.contract
        correlation: Correlation | None = None
        if path not in (None, ""):
            try:
                correlation = Correlation.of(str(path))
            except ValueError as error:
                raise InvalidArgument(f"Argument 'correlation': {error}.") from error
        elif checking is not None:
            correlation = checking.contract.correlation(document, checking.role)
        if correlation is None:
            raise InvalidArgument(
                f"Request on '{self._show(conn.name)}' needs correlation= (a JSONPath such as "
                "$.reqid): the connection has no protocol, and "
                + (
                    f"no message of {checking.document} that this one matches has a "
                    "correlationId in its payload."
                    if checking is not None
                    else "no AsyncAPI document whose message has a correlationId."
                )
            )
        number = checking.contract.next_id() if checking is not None else next(_IDS)
        try:
            stamped, request_id = correlation.stamp(document, number)
        except ValueError as error:
            raise InvalidArgument(f"Request cannot set its id: {error}.") from error
        frames = self._sender.frames(conn, stamped, False)
        before = conn.history.total
        sending = self._sender.start_send(conn, frames, deadline.remaining())
        hit: Extraction | None = None
        watch = Watch(conn.history, deadline, before, send_failed(sending.future))
        try:
            for new in watch:
                floor = before if sending.mark[0] is None else sending.mark[0]
                for candidate in new:
                    if candidate.seq > floor and correlation.answers(candidate.json, request_id):
                        if query.judge_one(candidate):
                            hit = query.latest
                            hit.window = (candidate,)
                            break
                if hit is not None:
                    break
        except BaseException:
            sending.future.cancel()
            raise
        replies = [
            m
            for m in conn.history.since(before)
            if hit is None and correlation.answers(m.json, request_id)
        ]
        return self._waits.conclude("Request", conn, query, sending, hit, watch, replies)


#: Correlation ids of connections without a document to number them.
_IDS = itertools.count(1)


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
