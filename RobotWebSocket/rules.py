"""Message rules: what the loop does with each message as it arrives. Pure: no asyncio, no
robot.

A :class:`RuleSet` belongs to a connection's name (or a mock server's, for all its
clients). For each arriving message the connection asks :meth:`RuleSet.react`, which
answers with the replies to send and whether to keep the message out of the history.
Reply rules are applied before ignore rules, so an ignored message can still trigger a
reply. Each rule's expression is compiled once, and a message's extraction results are
memoised on the message, so non-matching rules cost one cached lookup each.

:meth:`RuleSet.react` never raises: a rule that cannot judge a message (its value is
``null`` for ``> 5``, or judging it failed) counts as no match, and the reason is kept in
:attr:`Reaction.faults` for the connection to warn about. Rules judge with the library's own
operators (:mod:`.assertions`); ``validate`` and ``then``, which need Robot, are refused
when a rule is made.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .assertions import EVALUATING, SHOWN
from .errors import InvalidArgument, why
from .extraction import Expression, compile_expression, message_matches
from .history import Message
from .query import Query

Kind = Literal["ignore", "reply", "heartbeat", "fault"]

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_ids = itertools.count(1)


@dataclass
class Template:
    """A reply with ``{{jsonpath}}`` placeholders, compiled once."""

    text: str
    parts: list[str | Expression]

    @classmethod
    def compile(cls, reply: Any) -> Template:
        """``reply`` as text (a dictionary or list as JSON); fails at once on a
        placeholder that is not a valid JSONPath."""
        if isinstance(reply, (dict, list)):
            text = json.dumps(reply, ensure_ascii=False)
        elif isinstance(reply, (bytes, bytearray)):
            try:
                text = bytes(reply).decode("utf-8")
            except UnicodeDecodeError as error:
                raise InvalidArgument(
                    f"Argument 'reply' as bytes must be UTF-8 text: {error}; send other bytes "
                    "with Send."
                ) from error
        elif isinstance(reply, str):
            text = reply
        else:
            raise InvalidArgument(
                f"Argument 'reply' must be text, a dictionary or a list, got {type(reply).__name__}."
            )
        parts: list[str | Expression] = []
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            source = match.group(1).strip()
            if not source.startswith("$"):
                raise InvalidArgument(
                    f"Reply placeholder {match.group(0)!r} must hold a JSONPath starting with '$'."
                )
            parts.append(text[position : match.start()])
            parts.append(compile_expression(source))
            position = match.end()
        parts.append(text[position:])
        return cls(text, parts)

    def render(self, message: Message) -> tuple[str | None, str | None, str | None]:
        """The reply for ``message``: (text, placeholder that found nothing, fault). A
        string value is put in as its text, any other value as JSON. Never raises: what
        goes wrong is the fault (text is then ``None``)."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            try:
                values = message_matches(part, message, True)
                if not values:
                    return None, part.source, None
                value = values[0]
                if isinstance(value, (bytes, bytearray)):
                    # A codec's binary value is put in as text, as a string is.
                    value = bytes(value).decode("utf-8", "replace")
                out.append(
                    value
                    if isinstance(value, str)
                    else json.dumps(value, ensure_ascii=False, default=_as_json)
                )
            except Exception as error:  # noqa: BLE001 - the loop must not fail: see react
                return None, None, f"placeholder {part.source} failed ({why(error)})"
        return "".join(out), None, None


def _as_json(value: Any) -> Any:
    """What JSON cannot hold (a codec's bytes, an XML node), written in a reply."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


@dataclass(eq=False)
class Rule:
    """One rule. ``query`` decides which messages it applies to (heartbeats have none)."""

    kind: Kind
    query: Query | None = None
    template: Template | None = None
    binary: bool = False
    times: int | None = None
    interval: float | None = None
    id: str = field(default_factory=lambda: f"rule-{next(_ids)}")
    used: int = 0
    active: bool = True

    def __post_init__(self) -> None:
        if self.query is not None and self.query.operator in EVALUATING:
            raise InvalidArgument(
                f"'{SHOWN[self.query.operator]}' cannot be used in message rules: validate "
                "and then run Robot's evaluation, which only the test's own thread may do, "
                "and rules run on the event loop as each message arrives. Use ==, !=, <, >, "
                "<=, >=, contains, not contains, starts, ends or matches."
            )

    def applies_to(self, message: Message, reaction: Reaction | None = None) -> bool:
        """Whether the rule matches ``message``. Never raises: a message the rule cannot
        judge does not match, and the reason goes to ``reaction.faults``."""
        query = self.query
        assert query is not None
        if not query.could_hold(message):  # The cheap look at the text first.
            return False
        try:
            if query.judge_one(message):
                return True
        except Exception as error:  # noqa: BLE001 - nothing may reach the loop's callbacks
            fault = f"judging it failed ({why(error)})"
        else:
            fault = query.fault
            if not fault:
                return False
            query.fault = ""
        if reaction is not None:
            reaction.fault(self, fault)
        return False

    def describe(self) -> str:
        if self.kind == "heartbeat":
            return f"{self.id} heartbeat every {self.interval:g} s"
        assert self.query is not None
        return f"{self.id} {self.kind} {self.query.describe()}"


@dataclass(slots=True)
class Reaction:
    """What the rules make of one message (one is made per message: slots keep it cheap)."""

    replies: list[tuple[Rule, str]] = field(default_factory=list)
    #: Reply rules whose placeholder found nothing: (rule, placeholder).
    missing: list[tuple[Rule, str]] = field(default_factory=list)
    ignored_by: Rule | None = None
    #: Rules that could not judge the message, each counted as no match: (rule, reason).
    #: Empty (a shared empty tuple, so a message costs no list) unless a rule faulted.
    faults: Sequence[tuple[Rule, str]] = ()

    def fault(self, rule: Rule, reason: str) -> None:
        """Note that ``rule`` could not judge the message, and why."""
        self.faults = [*self.faults, (rule, reason)]


class RuleSet:
    """The rules of one name, in the order they were added."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []

    def add(self, rule: Rule) -> Rule:
        # Replace the list rather than append to it: the loop thread may be iterating the
        # old one.
        self.rules = [*self.rules, rule]
        return rule

    def remove(self, rule_id: str | None = None) -> list[Rule]:
        """Remove one rule by id, or all; the rules removed."""
        removed = [r for r in self.rules if rule_id is None or r.id == rule_id]
        for rule in removed:
            rule.active = False
        self.rules = [r for r in self.rules if r not in removed]
        return removed

    def heartbeats(self) -> list[Rule]:
        return [r for r in self.rules if r.kind == "heartbeat" and r.active]

    def react(self, message: Message, reaction: Reaction) -> Reaction:
        """Add this set's replies, then its ignore decision, for ``message``. Never raises:
        a rule that cannot judge the message counts as no match, and the reason is added to
        ``reaction.faults``."""
        rules = self.rules
        if not rules:
            return reaction
        for rule in rules:
            if rule.kind != "reply" or not rule.active:
                continue
            if rule.times is not None and rule.used >= rule.times:
                continue
            if not rule.applies_to(message, reaction):
                continue
            assert rule.template is not None
            text, missing, fault = rule.template.render(message)
            if text is None:
                if fault is not None:
                    reaction.fault(rule, fault)
                else:
                    reaction.missing.append((rule, missing or ""))
                continue
            rule.used += 1
            reaction.replies.append((rule, text))
        if reaction.ignored_by is None:
            for rule in rules:
                if rule.kind == "ignore" and rule.active and rule.applies_to(message, reaction):
                    reaction.ignored_by = rule
                    break
        return reaction
