"""Validate Messages, Get Contract Coverage: AsyncAPI contracts (see :mod:`..contracts`), and
what Connect and Start Mock Server use to take one on."""

from __future__ import annotations

import html
import json
from typing import Any

from robot.api.deco import keyword

from .._client import Connection
from .._server import is_mock_client
from ..asyncapi import Contract, ContractError, Verdict
from ..contracts import TOPIC_PROTOCOLS, VIOLATIONS, Checking, contract_for
from ..errors import ContractViolated, InvalidArgument
from ..formatting import cut, one_line
from ..history import NOT_PARSED, Message
from .base import Context, ContextAware

#: Rows of Validate Messages' table at INFO (the newest, and every violation); DEBUG: all.
TABLE_ROWS = 100
#: More violations than this are listed newest first.
IN_ORDER = 10


def check_violations(violations: Any) -> str:
    mode = str(violations or "fail").strip().lower()
    if mode not in VIOLATIONS:
        raise InvalidArgument(
            f"Argument 'violations' must be fail, warn or keep, got {violations!r}."
        )
    return mode


def load_contract(asyncapi: Any, url: str | None, protocol: str | None) -> Contract:
    """The compiled contract of document ``asyncapi`` for ``url``; a document that cannot
    be used fails with what is wrong and where."""
    if not isinstance(asyncapi, str) or not asyncapi.strip():
        raise InvalidArgument(
            f"Argument 'asyncapi' must be the path of an AsyncAPI document, got {asyncapi!r}."
        )
    try:
        return contract_for(asyncapi, url, protocol in TOPIC_PROTOCOLS)
    except ContractError as error:
        raise InvalidArgument(f"Cannot use the AsyncAPI document: {error}") from error
    except RecursionError as error:
        raise InvalidArgument(
            f"Cannot use the AsyncAPI document {asyncapi}: it nests too deeply."
        ) from error


def take_contract(
    context: Context,
    connection: Connection,
    contract: Contract,
    mode: str,
    role: str = "client",
    answers: bool = False,
) -> None:
    """Check ``connection``'s messages against ``contract`` from now on (on the loop: the
    first message may already be on its way)."""
    connection.contract = Checking(contract, mode, role, protocol_of(connection), answers)
    context.watch_contract(connection)


def protocol_of(connection: Connection) -> str | None:
    return connection.codec.name if connection.codec is not None else None


def log_notes(context: Context, contract: Contract) -> None:
    """The document's notes (``not checked: schema format ...``), once, at INFO."""
    for note in contract.notes:
        context.log(f"AsyncAPI document {contract.document.path}: {note}.")


class ContractKeywords(ContextAware):
    """Validate Messages, Get Contract Coverage."""

    @keyword
    def validate_messages(self, connection: str, asyncapi: str | None = None) -> int:
        """Checks every message of ``connection`` against an AsyncAPI document and returns
        how many were checked.

        Every message still in the history and every sent message kept (both up to
        ``buffer_size``) is checked, in the order they went, against the connection's own
        document (`Connect`'s ``asyncapi``) or the one given here, so that a connection
        opened without one can be checked afterwards. Protocol housekeeping (MQTT
        acknowledgements, STOMP receipts) is not checked. The log shows a table of the
        messages with their direction and the definition each matched (at INFO the newest
        100 and every violation; at DEBUG all).

        Fails, whatever the connection's ``violations``, listing every message that breaks
        the contract (``#12 received: closest subscriptionStatus: /status: ...``), oldest
        first, or newest first when there are more than 10. See `Contracts`.

        | =Argument= | =Meaning= |
        | ``connection`` | URL or alias. |
        | ``asyncapi`` | Path of an AsyncAPI document (YAML or JSON). Default: the connection's. |

        Example:
        | `Validate Messages` | ${KRAKEN} | |
        | ${checked}= | `Validate Messages` | ${WS} | asyncapi=${CURDIR}/orders.asyncapi.yml |
        """
        conn = self._get(connection)
        checking = conn.contract
        if checking is not None:
            checking.settle()  # Counted now; their reports are part of this check.
        self._report_rules(conn)
        if asyncapi not in (None, ""):
            contract = load_contract(asyncapi, conn.url, protocol_of(conn))
            log_notes(self.context, contract)
            role = "server" if is_mock_client(conn) else "client"
            checker = Checking(contract, "keep", role, protocol_of(conn))
        elif checking is not None:
            checker = Checking(checking.contract, "keep", checking.role, checking.protocol)
        else:
            raise InvalidArgument(
                f"Connection '{self._show(conn.name)}' has no AsyncAPI document: give "
                "'asyncapi' here or to Connect."
            )
        rows: list[tuple[str, Message, Verdict]] = []
        for direction, message in self._messages(conn):
            if direction == "sent" and _encodes(conn):
                verdict = checker.check_sent(message.document)
            else:
                verdict = checker.judge(message, direction)
            if verdict is not None:
                rows.append((direction, message, verdict))
        broken = [(d, m, v) for d, m, v in rows if not v.conforms]
        self._log_table(conn, checker.document, rows, broken)
        if broken:
            lines = [verdict.format(message.seq) for _, message, verdict in broken]
            if len(lines) > IN_ORDER:
                lines.reverse()
            raise ContractViolated(
                self._show(
                    f"{len(broken)} of the {len(rows)} messages of '{conn.name}' break the "
                    f"AsyncAPI contract of {checker.document}"
                    + (" (newest first)" if len(lines) > IN_ORDER else "")
                    + ":\n"
                    + "\n".join(lines)
                )
            )
        self._log(f"All {len(rows)} messages of '{conn.name}' conform to {checker.document}.")
        return len(rows)

    @staticmethod
    def _messages(conn: Connection) -> list[tuple[str, Message]]:
        received = [("received", m) for m in conn.history.all()]
        if _encodes(conn):
            sent = [("sent", m) for m in conn.sent_documents]
        else:
            sent = [("sent", m) for m in conn.sent_log]
        merged = received + sent
        merged.sort(key=lambda item: item[1].time)
        return merged

    def _log_table(
        self,
        conn: Connection,
        document: str,
        rows: list[tuple[str, Message, Verdict]],
        broken: list[tuple[str, Message, Verdict]],
    ) -> None:
        if not self.context.logs("INFO") or not rows:
            return
        title = f"Validate Messages on '{conn.name}' against {document}"
        if self.context.logs("DEBUG") or len(rows) <= TABLE_ROWS:
            shown = rows
        else:
            newest = {id(m) for _, m, _ in rows[-TABLE_ROWS:]} | {id(m) for _, m, _ in broken}
            shown = [row for row in rows if id(row[1]) in newest]
            title += f" ({len(shown)} of {len(rows)} shown: the newest and every violation)"
        limit = self.context.log_max_length
        parts = [
            f"{html.escape(self._show(title), quote=False)}<br>"
            "<table style='border-collapse:collapse;font-size:smaller' border='1'>"
            "<tr><th></th><th>#</th><th>definition</th><th>content</th></tr>"
        ]
        for direction, message, verdict in shown:
            colour = "" if verdict.conforms else " bgcolor=#fdd"
            arrow = "&rarr; sent" if direction == "sent" else "&larr; received"
            content = _content(message, limit)
            parts.append(
                f"<tr{colour}><td>{arrow}</td><td>{message.seq}</td>"
                f"<td>{html.escape(self._show(cut(verdict.describe(), limit)), quote=False)}</td>"
                f"<td><pre style='margin:0;white-space:pre-wrap;overflow-wrap:anywhere'>"
                f"{html.escape(self._show(content), quote=False)}</pre></td></tr>"
            )
        parts.append("</table>")
        self.context.log_html("".join(parts))

    @keyword
    def get_contract_coverage(self, connection: str) -> dict[str, Any]:
        """Returns what ``connection``'s messages exercised of its AsyncAPI document.

        A dictionary: ``operations`` (operation id → messages seen), ``messages`` (message
        name → count), ``uncovered`` (ids of the operations no message exercised) and
        ``violations`` (how many messages broke the contract). A reply counts for the
        operation whose request went before it. Sent and received messages count from
        `Connect` on; see `Contracts`.

        Example:
        | ${coverage}= | `Get Contract Coverage` | ${KRAKEN} |
        | `Should Not Contain` | ${coverage}[uncovered] | subscribe |
        | `Should Be Equal As Integers` | ${coverage}[violations] | 0 |
        """
        conn = self._get(connection)
        if conn.contract is None:
            raise InvalidArgument(
                f"Connection '{self._show(conn.name)}' has no AsyncAPI document: give "
                "'asyncapi' to Connect (or Start Mock Server)."
            )
        self._report_recorded(conn)
        coverage: dict[str, Any] = conn.contract.as_dict()
        self._log(f"Contract coverage of '{conn.name}': {coverage}.")
        return coverage


def _encodes(conn: Connection) -> bool:
    """Whether what `Send` is given is encoded (a protocol, a binary format): its sent
    messages are checked as the documents they were."""
    return conn.codec is not None or getattr(conn, "binary", None) is not None


def _content(message: Message, limit: int) -> str:
    if message.data == "" and message.document is not NOT_PARSED:
        return cut(json.dumps(message.document, ensure_ascii=False, default=repr), limit)
    return cut(message.text, limit) if not message.binary else one_line(message, limit)
