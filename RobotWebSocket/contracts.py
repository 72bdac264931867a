"""A connection's AsyncAPI contract at work: what the loop checks as messages arrive, what a
keyword finishes, and what a mock server answers. Pure of robot and asyncio; the engine is
:mod:`.asyncapi`.

Checking never slows the event loop. On the loop, each message entering the history gets
the engine's quick half (:meth:`Contract.conforming`, a few µs: one validation per
definition its constants admit) and, when it conforms, is counted in the coverage. A message
it cannot vouch for is queued; the next keyword that reads the connection (or the one
waiting on it) writes its report on Robot's thread (:meth:`Checking.settle`, hundreds of µs),
where failing, warning or keeping it is decided.

Who touches what: the loop appends to ``pending`` and the keyword thread pops from it (a
deque is safe for that); ``coverage`` is changed by both, under ``lock``.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from pathlib import Path
from typing import Any

from .asyncapi import Contract, Verdict
from .history import NOT_PARSED, Message

VIOLATIONS = ("fail", "warn", "keep")

#: Codecs whose messages are matched to channels one by one, by topic or destination.
TOPIC_PROTOCOLS = ("mqtt", "stomp")

#: Contracts kept compiled, by document, modification time, URL and kind of matching.
_CACHE: dict[tuple[str, float, str | None, bool], Contract] = {}
_CACHE_SIZE = 32


def contract_for(path: str, url: str | None, topics: bool) -> Contract:
    """The contract of ``path`` for ``url``, compiled once while the file is unchanged
    (ContractError as :class:`Contract` raises it)."""
    file = Path(path)
    try:
        key = (str(file.resolve()), file.stat().st_mtime, url, topics)
    except OSError:
        return Contract(path, url, topics=topics)  # Contract names the missing file.
    contract = _CACHE.get(key)
    if contract is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        contract = _CACHE[key] = Contract(path, url, topics=topics)
    return contract


def subject(protocol: str | None, message: Message, direction: str) -> tuple[Any, Any] | None:
    """What of ``message`` the contract judges, and its topic: ``(payload, topic)``, or
    ``None`` for protocol housekeeping (MQTT acknowledgements, STOMP receipts...)."""
    document = message.document
    if document is NOT_PARSED:
        value = message.json
        return (message.data if value is NOT_PARSED else value), None
    return document_subject(protocol, document, direction)


def document_subject(protocol: str | None, document: Any, direction: str) -> tuple[Any, Any] | None:
    """:func:`subject` of a document (received, or about to be sent)."""
    if protocol == "mqtt":
        if not isinstance(document, dict) or document.get("type", "publish") != "publish":
            return None
        return document.get("payload"), document.get("topic")
    if protocol == "stomp":
        if not isinstance(document, dict):
            return None
        command = document.get("command") or ("SEND" if direction == "sent" else None)
        if command not in ("SEND", "MESSAGE"):
            return None
        headers = document.get("headers") or {}
        return document.get("body"), headers.get("destination")
    return document, None


class Checking:
    """The contract of one connection: ``role`` is ``client`` (a library connection) or
    ``server`` (a mock server's client, seen from the server); ``mode`` one of
    :data:`VIOLATIONS`."""

    def __init__(
        self,
        contract: Contract,
        mode: str,
        role: str = "client",
        protocol: str | None = None,
        answers: bool = False,
    ) -> None:
        self.contract = contract
        self.mode = mode
        self.role = role
        self.protocol = protocol
        #: A mock server answers from the document's examples.
        self.answers = answers
        self.coverage = contract.coverage()
        self.lock = threading.Lock()
        #: Received messages the quick check could not vouch for (the loop appends).
        self.pending: deque[Message] = deque()
        #: Operations whose missing example was warned about (the loop adds).
        self.unanswered: set[str] = set()
        #: The last verdict counted and how many messages in a row got it, not yet in
        #: ``coverage`` (under ``lock``).
        self._run: list[Any] = [None, 0]

    def _flush(self) -> None:
        verdict, times = self._run
        if verdict is not None:
            self.coverage.add(verdict, times)
            self._run = [None, 0]

    @property
    def document(self) -> str:
        return str(self.contract.document.path)

    # -- on the loop ------------------------------------------------------------------------

    def received(self, message: Message, answered: bool) -> tuple[Any, str | None]:
        """Check a message entering the history, quickly. Returns what a mock server
        answers it with (a document or ``None``) and a warning for the next keyword. A
        reply rule that ``answered`` it goes first: the document then does not answer."""
        try:
            found = subject(self.protocol, message, "received")
            if found is None:
                return None, None
            payload, topic = found
            verdict = self.contract.conforming(payload, "received", self.role, topic)
            if verdict is None:
                self.pending.append(message)
            else:
                with self.lock:
                    # Runs of one verdict (a stream of one kind of message) are counted
                    # together, by the keyword thread or at the end of the run.
                    run = self._run
                    if run[0] is verdict:
                        run[1] += 1
                    else:
                        self._flush()
                        self._run = [verdict, 1]
            if not self.answers or answered:
                return None, None
            answer = self.contract.answer(payload, topic)
        except Exception:  # noqa: BLE001 - the keyword's full check will say what is wrong
            self.pending.append(message)
            return None, None
        if answer is None:
            return None, None
        if answer.missing:
            if answer.operation in self.unanswered:
                return None, None
            self.unanswered.add(answer.operation)
            return None, answer.warning
        return answer.payload, None

    # -- on Robot's thread ------------------------------------------------------------------

    def settle(self) -> list[Verdict | tuple[int, Verdict]]:
        """Finish the checks the loop left: count them, and return the violations as
        ``(number, verdict)``, oldest first. A message the loop queued before it entered
        the history (its number is not known yet) waits for the next call."""
        reports: list[Any] = []
        pending = self.pending
        while pending and pending[0].seq:
            message = pending.popleft()
            verdict = self.judge(message, "received")
            if verdict is None:
                continue
            with self.lock:
                self._flush()
                self.coverage.add(verdict)
            if not verdict.conforms:
                reports.append((message.seq, verdict))
        return reports

    def judge(self, message: Message, direction: str) -> Verdict | None:
        """The full verdict on a message (``None`` for housekeeping)."""
        found = subject(self.protocol, message, direction)
        if found is None:
            return None
        return self.contract.check(found[0], direction, self.role, found[1])

    def check_sent(self, document: Any) -> Verdict | None:
        """The verdict on a message about to be sent (``None`` for housekeeping)."""
        if self.protocol is None:
            payload: Any = document
            topic = None
        else:
            found = document_subject(self.protocol, parsed(document), "sent")
            if found is None:
                return None
            payload, topic = found
        if isinstance(payload, (bytes, bytearray, memoryview)):
            payload = bytes(payload)
        return self.contract.check(payload, "sent", self.role, topic)

    def count(self, verdict: Verdict) -> None:
        with self.lock:
            self._flush()
            self.coverage.add(verdict)

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            self._flush()
            return self.coverage.as_dict()


def parsed(document: Any) -> Any:
    """JSON text as the document it holds; anything else as it is."""
    if isinstance(document, str):
        try:
            return json.loads(document)
        except ValueError:
            return document
    return document


def report_text(name: str, document: str, reports: list[tuple[int, Verdict]]) -> str:
    """``What 'x' received breaks the AsyncAPI contract of kraken.yml:`` and a line a
    message (``#12 received: closest ...``), oldest first."""
    lines = [verdict.format(number) for number, verdict in reports]
    count = f" ({len(lines)} messages)" if len(lines) > 1 else ""
    return f"What '{name}' received breaks the AsyncAPI contract of {document}{count}:\n" + (
        "\n".join(lines)
    )
