"""Save Conversation and Log Conversation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from robot.api.deco import keyword

from .._client import Connection
from .._server import is_mock_client, request_headers
from .._version import __version__
from ..arguments import check_path, positive_int
from ..errors import InvalidArgument
from ..extraction import compile_expression
from ..har import conversation
from ..history import Message
from ..pictures import Side, lanes_of, picture
from .base import Context, ContextAware

#: The most messages one picture draws.
MAX_PICTURE = 1000

_TURNED = {"send": "receive", "receive": "send"}


def _pair_snapshot(pair: Any) -> dict[str, Any]:
    """A proxy pair's HAR, as its client saw the conversation: what the client sent is
    ``send``, what the server sent is ``receive``, each with its fault marks; what a test
    sent to either side is marked ``_injected``."""
    client, upstream = pair.client, pair.upstream
    ws = client.ws
    marked = [("receive", m, "injected") for m in client.sent_log]
    marked += [("send", m, "injected") for m in upstream.sent_log]
    marked += [(_TURNED[d], m, mark) for d, m, mark in client.wire_log]
    marked += list(upstream.wire_log)
    response = getattr(ws, "response", None)
    return {
        "url": client.url,
        "request_headers": request_headers(client),
        "response_headers": list(response.headers.raw_items()) if response is not None else [],
        "sent": client.history.all(),
        "received": upstream.history.all(),
        "marked": marked,
        "client_view": True,
        "started": getattr(ws, "rws_opened_at", 0.0),
        "connect_time": upstream.connect_time or 0.0,
    }


def _snapshot(conn: Connection) -> dict[str, Any]:
    """What the HAR needs, read on the loop, where the sent messages are appended."""
    if getattr(conn, "pair", None) is not None:
        return _pair_snapshot(conn.pair)  # type: ignore[attr-defined]
    ws = conn.ws
    response = getattr(ws, "response", None)
    sent: list[Message] = list(conn.sent_log)
    received = conn.history.all()
    marked = list(conn.wire_log)
    times = [m.time for m in sent] + [m.time for m in received] + [m.time for _, m, _ in marked]
    connect_time = conn.connect_time or 0.0
    # A library client does not record when it opened: the HAR then says it opened, at the
    # latest, just before its first message.
    started = getattr(ws, "rws_opened_at", None)
    if started is None:
        started = (min(times) if times else 0.0) - connect_time
    return {
        "url": conn.url,
        "request_headers": request_headers(conn),
        "response_headers": list(response.headers.raw_items()) if response is not None else [],
        "sent": sent,
        "received": received,
        "marked": marked,
        # A mock server's client: the file is written as that client saw it.
        "client_view": getattr(ws, "rws_opened_at", None) is None,
        "started": started,
        "connect_time": connect_time,
    }


def _side_on_loop(conn: Connection, last: int) -> Side:
    """The newest ``last`` of each kind of a connection's messages, read on the loop."""
    server = conn.name.rsplit("#", 1)[0] if is_mock_client(conn) else None
    ours, theirs = lanes_of(conn.name, conn.url, server)
    sent = list(conn.sent_log)[-last:]
    marked = list(conn.wire_log)[-last:]
    received = conn.history.last(last)
    return Side(conn.name, ours, theirs, sent, received, marked, dropped=conn.history.dropped)


def picture_side(context: Context, conn: Connection, last: int) -> Side:
    """What a picture of ``conn`` draws (read on the loop, where its logs grow)."""
    if not context.loop.running:
        return Side(conn.name, *lanes_of(conn.name, conn.url, None))
    result: Side = context.loop.wait(context.loop.call(_side_on_loop, conn, last))
    return result


class ConversationKeywords(ContextAware):
    """Save Conversation and Log Conversation."""

    @keyword
    def log_conversation(
        self, connection: str, *more: str, last: int = 50, label: str | None = None
    ) -> None:
        """Logs a sequence diagram of the last ``last`` messages of ``connection`` (and of
        the connections in ``more``): a picture that reads in log.html without scripts.

        Each side of a connection is a lane: a library connection and its server
        (``ws://host:port``, shared by the connections to one server); a mock server's
        client and the mock server. Each message is an arrow from its sender to its
        receiver, in time order from top to bottom, with its clock time and its time since
        the first arrow. Its label is the message cut short (binary messages as their size
        and first bytes), or the value of the JSONPath ``label`` when the message has one.

        What keywords do not see is drawn too, each in its own colour and dash and named on
        its arrow: ``auto`` (sent by the library itself: rule replies, heartbeats, a
        protocol's keep-alives and acknowledgements), ``ignored`` (kept out of the history
        by `Ignore Messages`), ``undecodable`` (a frame its protocol could not decode), and a
        note for messages the history dropped (``buffer_size``). A legend names the kinds
        drawn. Labels are the peer's data shown as text, masked as everything the library
        logs. A receiving keyword that fails logs the same picture of the messages it
        examined.

        | =Argument= | =Meaning= |
        | ``connection`` | URL, alias or mock server client name (``mock#1``). |
        | ``more`` | Further connections drawn in the same picture, merged by time. |
        | ``last`` | How many of the newest messages to draw, over all the connections (at most 1000). |
        | ``label`` | JSONPath whose first value labels each arrow (``$.type``); a message without it is labelled with its text. |

        Example:
        | `Log Conversation` | ${WS} | | |
        | `Log Conversation` | ${WS} | last=20 | label=$.type |
        | `Log Conversation` | alice | bob | last=100 |
        | `Log Conversation` | mock#1 | label=$.op | |
        """
        count = positive_int(last, "last")
        if count > MAX_PICTURE:
            raise InvalidArgument(f"Argument 'last' must be at most {MAX_PICTURE}, got {count}.")
        expression = None if label in (None, "") else compile_expression(label)
        connections = [self._get(name) for name in (connection, *more)]
        sides = []
        for conn in connections:
            self._report_recorded(conn)
            sides.append(picture_side(self.context, conn, count))
        drawn = picture(sides, count, expression, mask=self._show)
        self.context.log_html(drawn.svg)
        self._log(drawn.text, "DEBUG")

    @keyword
    def save_conversation(self, connection: str, path: str) -> str:
        """Writes the conversation of ``connection`` to ``path`` as a HAR 1.2 file and
        returns the path.

        The file has one entry: the upgrade request and its response (status 101;
        credential headers kept, with their values masked as ``***``) with Chrome's
        ``_webSocketMessages`` list: every message sent and received, in time order, with
        ``type`` (``send`` or ``receive``), ``time`` (epoch seconds), ``opcode`` (1 text,
        2 binary) and ``data`` (binary as base64). It holds the messages still in the
        history (up to ``buffer_size``; `Clear Messages` removes them) and as many of the
        newest sent ones. Browsers' developer tools and HTTP debugging proxies open it.
        Works on library connections and on a mock server's clients, open or closed.
        On a proxy's client (``proxy#1``, or ``proxy#1.upstream``) the file holds both
        sides as the client saw them: what the client sent is ``send``, what its server
        sent is ``receive``; messages a fault dropped or replaced are marked
        ``"_dropped": true`` or ``"_replaced": true`` (with the ``"_replacement"``), and
        what the test sent to either side ``"_injected": true``.

        The file holds the whole conversation on the wire, also what keywords do not see:
        messages that rules ignored (``"_ignored": true``), the frames the library sent by
        itself (protocol handshakes, keep-alives, acknowledgements, rule replies and
        heartbeats: ``"_auto": true``) and received frames that a protocol consumed
        (handshake answers, keep-alives: ``"_protocol": true``), each up to ``buffer_size``.
        It describes the conversation as its client saw it, as browsers write HAR files:
        for a mock server's client, what the client sent is ``send`` and what the mock
        server sent it is ``receive``.

        | =Argument= | =Meaning= |
        | ``connection`` | URL, alias or mock server client name (``mock#1``). |
        | ``path`` | File to write; missing directories are created. |

        Example:
        | ${file}= | `Save Conversation` | ${WS} | ${OUTPUT_DIR}/orders.har |
        | `Save Conversation` | mock#1 | ${OUTPUT_DIR}/client.har |
        """
        conn = self._get(connection)
        path = check_path(path, "path")
        if conn.ws is None or not self._loop.running:
            raise InvalidArgument(
                f"Connection '{self._show(conn.name)}' never opened: it has no conversation."
            )
        self._report_recorded(conn)
        facts = self._loop.wait(self._loop.call(_snapshot, conn))
        document = conversation(
            facts["url"],
            facts["request_headers"],
            facts["response_headers"],
            facts["sent"],
            facts["received"],
            started=facts["started"],
            connect_time=facts["connect_time"],
            creator_version=__version__,
            marked=facts["marked"],
            client_view=facts["client_view"],
        )
        target = Path(path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(document, ensure_ascii=False, indent=1), "utf-8")
        except OSError as error:
            raise InvalidArgument(f"Cannot write the conversation to {path}: {error}.") from error
        self._log(
            f"Saved the conversation of '{conn.name}' ({len(facts['sent'])} sent, "
            f"{len(facts['received'])} received) to {target}."
        )
        return str(path)
