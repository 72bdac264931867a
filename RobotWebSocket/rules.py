"""Message rules: what the loop does with each message as it arrives. Pure: no asyncio, no
robot.

A :class:`RuleSet` belongs to a connection's name (or a mock server's, for all its
clients). For each arriving message the connection asks :meth:`RuleSet.react`, which
answers with the replies to send and whether to keep the message out of the history.
Reply rules are applied before ignore rules, so an ignored message can still trigger a
reply. Each rule's expression is compiled once, and a message's extraction results are
memoised on the message, so non-matching rules cost one cached lookup each.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from assertionengine import AssertionOperator

from .errors import InvalidArgument
from .extraction import Expression, compile_expression, message_matches
from .history import NOT_PARSED, Message
from .query import Query

Kind = Literal["ignore", "reply", "heartbeat"]

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
            text = bytes(reply).decode("utf-8")
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

    def render(self, message: Message) -> tuple[str | None, str | None]:
        """The reply for ``message``, or ``None`` and the placeholder that found nothing.
        A string value is put in as its text, any other value as JSON."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            values = message_matches(part, message, True)
            if not values:
                return None, part.source
            value = values[0]
            out.append(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        return "".join(out), None


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
        self.needles = _needles(self.query)

    def applies_to(self, message: Message) -> bool:
        assert self.query is not None
        needles = self.needles
        if needles and message.document is NOT_PARSED:
            # The cheap check first: a JSON text with no backslash holds its member names
            # and string values verbatim, so a message that lacks one cannot match.
            data = message.data
            if isinstance(data, str) and "\\" not in data:
                for needle in needles:
                    if needle not in data:
                        return False
        return self.query.judge_one(message)

    def describe(self) -> str:
        if self.kind == "heartbeat":
            return f"{self.id} heartbeat every {self.interval:g} s"
        assert self.query is not None
        return f"{self.id} {self.kind} {self.query.describe()}"


_VERBATIM = re.compile(r"[A-Za-z0-9 _.:-]+")


def _needles(query: Query | None) -> tuple[str, ...]:
    """Text that a plain JSON message must contain for ``query`` to match it: the member
    names of a member path, and the expected string of an ``==``."""
    expression = query.expression if query is not None else None
    if query is None or expression is None or expression.members is None:
        return ()
    needles = [json.dumps(name) for name in expression.members]
    expected = query.expected
    if (
        query.operator is AssertionOperator["=="]
        and isinstance(expected, str)
        and _VERBATIM.fullmatch(expected)
        and not _is_json(expected)
    ):
        needles.append(expected)
    return tuple(n for n in needles if _VERBATIM.fullmatch(n.strip('"')))


def _is_json(text: str) -> bool:
    """Whether ``text`` reads as JSON (then ``expected`` is compared as that value)."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


@dataclass
class Reaction:
    """What the rules make of one message."""

    replies: list[tuple[Rule, str]] = field(default_factory=list)
    #: Reply rules whose placeholder found nothing: (rule, placeholder).
    missing: list[tuple[Rule, str]] = field(default_factory=list)
    ignored_by: Rule | None = None


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
        """Add this set's replies, then its ignore decision, for ``message``."""
        rules = self.rules
        if not rules:
            return reaction
        for rule in rules:
            if rule.kind != "reply" or not rule.active:
                continue
            if rule.times is not None and rule.used >= rule.times:
                continue
            if not rule.applies_to(message):
                continue
            assert rule.template is not None
            text, missing = rule.template.render(message)
            if text is None:
                reaction.missing.append((rule, missing or ""))
                continue
            rule.used += 1
            reaction.replies.append((rule, text))
        if reaction.ignored_by is None:
            for rule in rules:
                if rule.kind == "ignore" and rule.active and rule.applies_to(message):
                    reaction.ignored_by = rule
                    break
        return reaction
