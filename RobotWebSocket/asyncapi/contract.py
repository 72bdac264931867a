"""A connection's contract: the part of an AsyncAPI document its URL is about, compiled once,
checking each message for its direction.

Directions follow the document's **server**: on a client connection, what the library
receives must be a message the server sends (3.x ``action: send``, 2.x ``subscribe``) or
the reply of an operation it receives; what the library sends must be a message the server
receives (3.x ``action: receive``, 2.x ``publish``) or the reply of one it sends. A mock
server (``role="server"``) is the document's server, so it is the other way round.
"""

from __future__ import annotations

import copy
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .correlation import MISSING, Correlation, location_path, read, stamp
from .loader import ContractError
from .matching import Addresses, as_json_value, scope_of
from .model import Channel, Document, Message, Operation, Parameter
from .model import read as read_document
from .schemas import Checker, Schemas
from .verdicts import Coverage, Match, Verdict

DIRECTIONS = ("received", "sent")
ROLES = ("client", "server")
TOPIC_POOLS = 1024  # topics remembered per contract; past it the memory starts again


def server_action(direction: str, role: str) -> str:
    """What the document's server does with a message the library ``direction`` as ``role``."""
    if direction not in DIRECTIONS or role not in ROLES:
        raise ValueError(
            f"direction must be received or sent and role client or server, not {direction}/{role}"
        )
    return "send" if (direction == "received") == (role == "client") else "receive"


def payload_of(message: Any) -> Any:
    """The payload to check: JSON text parsed, other text as it is, documents as they are."""
    if isinstance(message, (bytes, bytearray)):
        try:
            message = bytes(message).decode("utf-8")
        except UnicodeDecodeError:
            return bytes(message).decode("utf-8", errors="replace")
    if isinstance(message, str):
        try:
            return json.loads(message)
        except (ValueError, RecursionError):
            return message
    return message


@dataclass
class _Entry:
    message: Message
    checker: Checker | None
    matches: list[Match]


@dataclass
class _Pool:
    entries: list[_Entry]
    where: str
    verdicts: dict[tuple[str, tuple[int, ...]], Verdict] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """What a mock server answers a client's message with, from the reply's examples.

    ``missing`` when the reply's messages have no example: nothing is sent, and ``warning``
    says so (log it once per operation)."""

    operation: str
    message: str
    payload: Any = None
    missing: bool = False
    document: str = ""

    @property
    def warning(self) -> str:
        return (
            f"operation {self.operation} of {self.document} has a reply ({self.message}) "
            "without an example, so the mock server does not answer it"
        )


class Contract:
    """The contract of one connection: ``Contract("kraken.yml", "wss://ws.kraken.com/")``.

    ``topics`` (protocol mqtt or stomp): each message is matched to channels by the topic or
    destination given to :meth:`check`. Raises ContractError for a document that cannot be
    used and for a URL that matches no channel.
    """

    def __init__(
        self, document: str | Path | Document, url: str | None = None, *, topics: bool = False
    ) -> None:
        self.document = document if isinstance(document, Document) else read_document(document)
        self.schemas = Schemas(self.document.files)
        self.addresses = Addresses(self.document.channels, self._parameter_allows)
        self.topics = topics
        self.url = url
        if url is None:
            self.servers, channels = [], list(self.document.channels)
        else:
            scope = scope_of(url, self.document.servers, self.addresses, topics)
            self.servers, channels = scope.servers, scope.channels
        if not channels:
            raise ContractError(
                f"{self.document.path}: the URL {url} matches no channel of the document; "
                f"its channels: {describe_channels(self.addresses.channels)}"
            )
        self.channels = channels
        self.operations = [op for op in self.document.operations if self._in_scope(op, channels)]
        self.notes: list[str] = []
        self._checkers: dict[int, Checker | None] = {}
        self._compile_all()
        self._pools = {action: self._pool(action, channels) for action in ("send", "receive")}
        self._topic_pools: dict[tuple[str, str], _Pool] = {}
        self._ids = itertools.count(1)

    # Building -------------------------------------------------------------------------

    @staticmethod
    def _in_scope(op: Operation, channels: list[Channel]) -> bool:
        return op.channel in channels or bool(op.reply and op.reply.channel in channels)

    def _compile_all(self) -> None:
        unchecked: dict[str, list[str]] = {}
        for op in self.operations:
            for message in (*op.messages, *(op.reply.messages if op.reply else ())):
                if id(message) in self._checkers:
                    continue
                checker = self.schemas.checker(message.payload, message.schema_format)
                self._checkers[id(message)] = checker
                if checker is None:
                    unchecked.setdefault(str(message.schema_format), []).append(message.name)
        for schema_format, names in unchecked.items():
            self.notes.append(
                f"not checked: schema format {schema_format} (messages {', '.join(names)})"
            )

    def _pool(self, action: str, channels: list[Channel], topics: bool = False) -> _Pool:
        entries: dict[int, _Entry] = {}

        def add(message: Message, match: Match) -> None:
            entry = entries.setdefault(
                id(message), _Entry(message, self._checkers[id(message)], [])
            )
            entry.matches.append(match)

        for op in self.operations:
            if op.action == action and op.channel in channels:
                for message in op.messages:
                    add(message, Match(message.name, op.id))
            if op.reply and op.action != action:
                reply_channel = op.reply.channel or op.channel
                if reply_channel in channels or (not topics and op.channel in channels):
                    for message in op.reply.messages:
                        add(message, Match(message.name, op.id, reply=True))
        return _Pool(list(entries.values()), describe_channels(channels))

    def _parameter_allows(self, parameter: Parameter, value: str) -> bool:
        assert parameter.schema is not None
        return self.schemas.value_allowed(parameter.schema, as_json_value(value))

    def _topic_pool(self, action: str, topic: str | None) -> _Pool | None:
        if not self.topics or topic is None:
            return self._pools[action]
        key = (action, topic)
        if key not in self._topic_pools:
            if len(self._topic_pools) >= TOPIC_POOLS:
                self._topic_pools.clear()
            channels = self.addresses.channels_at(topic, self.channels)
            channels = [c for c in channels if c.address is not None] or channels
            self._topic_pools[key] = (
                self._pool(action, channels, topics=True) if channels else _Pool([], "")
            )
        pool = self._topic_pools[key]
        return pool if pool.where else None

    # Checking -------------------------------------------------------------------------

    def check(
        self, message: Any, direction: str, role: str = "client", topic: str | None = None
    ) -> Verdict:
        """Judge one message: JSON text, other text, or an already decoded document."""
        action = server_action(direction, role)
        pool = self._topic_pool(action, topic)
        if pool is None:
            return Verdict(
                direction,
                False,
                reason=f"no channel of {self.document.path} has the address '{topic}' "
                f"(channels: {describe_channels(self.addresses.channels)})",
            )
        payload = payload_of(message)
        try:
            verdict = self._judge(payload, pool, direction, action)
        except RecursionError:
            return Verdict(direction, False, reason="the message is nested too deeply to check")
        assert verdict is not None
        return verdict

    def conforming(
        self, message: Any, direction: str, role: str = "client", topic: str | None = None
    ) -> Verdict | None:
        """The verdict of a message that conforms, or None: :meth:`check`'s quick half (a few
        µs, no allocation for a conforming message), for a thread that must not wait; the
        report of a message that does not conform (hundreds of µs) is left to :meth:`check`
        on another thread."""
        action = server_action(direction, role)
        pool = self._topic_pool(action, topic)
        if pool is None or not pool.entries:
            return None
        try:
            verdict = self._judge(payload_of(message), pool, direction, action, quick=True)
        except RecursionError:
            return None
        return verdict

    def _judge(
        self, payload: Any, pool: _Pool, direction: str, action: str, quick: bool = False
    ) -> Verdict | None:
        if not pool.entries:
            verb = "sends" if action == "send" else "receives"
            return Verdict(
                direction,
                False,
                reason=f"the server of {self.document.path} {verb} no message on {pool.where}",
            )
        matched = tuple(
            i
            for i, entry in enumerate(pool.entries)
            if entry.checker and entry.checker.is_valid(payload)
        )
        if matched:
            # Conforming verdicts are few and immutable: each is made once per pool.
            key = (direction, matched)
            verdict = pool.verdicts.get(key)
            if verdict is None:
                matches = tuple(m for i in matched for m in pool.entries[i].matches)
                verdict = pool.verdicts[key] = Verdict(direction, True, matches)
            return verdict
        unchecked = [entry.message.name for entry in pool.entries if entry.checker is None]
        if unchecked:
            return Verdict(direction, True, unchecked=tuple(dict.fromkeys(unchecked)))
        if quick:
            return None
        # The closest definition is looked for among those whose constant members (such as
        # an "event" or "type" const) the message matches, when there are any: a message of
        # another kind is rarely closest, and weighing every definition costs 50 to 250 µs.
        checked = [(i, e) for i, e in enumerate(pool.entries) if e.checker is not None]
        admitted = [(i, e) for i, e in checked if e.checker.admits(payload)]  # type: ignore[union-attr]
        weighed = [(entry.checker.weight(payload), i, entry) for i, entry in admitted or checked]  # type: ignore[union-attr]
        # The fast validator said no to every definition; one jsonschema finds nothing wrong
        # with is matched after all (the two disagree on a few corners, such as 1.0 and 1).
        rescued = tuple(
            m for (weight, _), _, entry in weighed if weight == 0 for m in entry.matches
        )
        if rescued:
            return Verdict(direction, True, rescued)
        (_, problems), _, entry = min(weighed, key=lambda item: (item[0][0], item[1]))
        return Verdict(direction, False, closest=entry.message.name, problems=tuple(problems))

    def _matching(self, payload: Any, action: str, topic: str | None) -> list[_Entry]:
        pool = self._topic_pool(action, topic)
        if pool is None:
            return []
        return [e for e in pool.entries if e.checker is not None and e.checker.is_valid(payload)]

    def coverage(self) -> Coverage:
        """A fresh coverage accumulator over the operations this connection can exercise."""
        return Coverage(op.id for op in self.operations)

    # Correlation and answers ----------------------------------------------------------

    def next_id(self) -> int:
        """A fresh correlation number, unique within this contract."""
        return next(self._ids)

    def correlation(
        self, message: Any, role: str = "client", topic: str | None = None
    ) -> Correlation | None:
        """Where a message about to be sent carries its correlation id, and where its replies
        carry it, from the document's ``correlationId`` locations; None when the definition
        it matches has none in the payload."""
        payload = payload_of(message)
        operations = {op.id: op for op in self.operations}
        for entry in self._matching(payload, server_action("sent", role), topic):
            request = location_path(entry.message.correlation)
            if request is None:
                continue
            replies: list[tuple[str | int, ...]] = []
            for match in entry.matches:
                op = operations[match.operation]
                if match.reply or op.reply is None:
                    continue
                for reply in op.reply.messages:
                    path = location_path(reply.correlation) or request
                    if path not in replies:
                        replies.append(path)
            return Correlation(request, tuple(replies) or (request,))
        return None

    def answer(self, message: Any, topic: str | None = None) -> Answer | None:
        """A mock server's answer to a client's message: the first example of the reply of
        the operation it matches, with the request's correlation id copied in. None when
        the message matches no operation with a reply."""
        payload = payload_of(message)
        operations = {op.id: op for op in self.operations}
        for entry in self._matching(payload, "receive", topic):
            for match in entry.matches:
                op = operations[match.operation]
                if match.reply or op.reply is None:
                    continue
                return self._answer(op, entry.message, payload)
        return None

    def _answer(self, op: Operation, request: Message, payload: Any) -> Answer:
        assert op.reply is not None
        names = ", ".join(m.name for m in op.reply.messages) or "no message"
        for reply in op.reply.messages:
            if not reply.examples:
                continue
            answer = copy.deepcopy(reply.examples[0])
            request_path = location_path(request.correlation)
            if request_path is not None:
                value = read(payload, request_path)
                if value is not MISSING:
                    try:
                        answer = stamp(
                            answer, location_path(reply.correlation) or request_path, value
                        )
                    except ValueError:
                        pass  # an example that is not an object has nowhere to carry the id
            return Answer(op.id, reply.name, answer, document=self.document.path)
        return Answer(op.id, names, missing=True, document=self.document.path)


def describe_channels(channels: list[Channel]) -> str:
    by_address: dict[str, list[str]] = {}
    for channel in channels:
        address = "(any address)" if channel.address is None else channel.address
        by_address.setdefault(address, []).append(channel.key)
    return (
        ", ".join(f"{address} ({', '.join(keys)})" for address, keys in by_address.items())
        or "none"
    )
