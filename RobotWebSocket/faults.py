"""Faults a proxy applies to the messages it forwards. Pure: no asyncio, no robot.

A fault is a message rule (:class:`~.rules.Rule` of kind ``fault``) on a proxy's names, so
that `Remove Message Rules` and ``times`` work on it as on any rule. The proxy asks
:func:`first_fault` for each message it is about to forward; the first active fault whose
expression matches (every message when it has none) acts on it, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .history import Message
from .rules import Reaction, Rule, RuleSet

#: What a fault can do to a message.
ACTIONS = ("drop", "delay", "duplicate", "replace", "close")


@dataclass(eq=False)
class Fault(Rule):
    """One fault: ``action`` and what it needs (``delay`` seconds, the ``template`` of a
    replacement, the ``code`` and ``reason`` a close sends the client)."""

    action: str = "drop"
    delay: float = 0.0
    code: int = 1011
    reason: str = ""

    def describe(self) -> str:
        what = {
            "drop": "drop",
            "delay": f"delay {self.delay:g} s",
            "duplicate": "duplicate",
            "replace": f"replace with {self.template.text if self.template else ''!r}",
            "close": f"close with {self.code}" + (f" ({self.reason})" if self.reason else ""),
        }[self.action]
        which = self.query.describe() if self.query is not None else "every message"
        limit = f", {self.times} time(s)" if self.times is not None else ""
        return f"{self.id} fault: {what} on {which}{limit}"


class Marked(Message):
    """A message a proxy received, with what a fault did to it: ``mark`` is ``dropped``
    (not forwarded) or ``replaced`` (forwarded as ``replacement``); empty when it was
    forwarded as it came. log.html and conversation files show the mark."""

    __slots__ = ("mark", "replacement")

    def __init__(self, seq: int, arrived: float, data: str | bytes) -> None:
        super().__init__(seq, arrived, data)
        self.mark = ""
        self.replacement: str | None = None


def first_fault(rulesets: Iterable[RuleSet], message: Message) -> Fault | None:
    """The fault that acts on ``message``, counted as used; ``None`` when none applies.
    Never raises: a fault that cannot judge the message does not match (as any rule)."""
    reaction: Any = Reaction()
    for ruleset in rulesets:
        for rule in ruleset.rules:
            if not isinstance(rule, Fault) or not rule.active:
                continue
            if rule.times is not None and rule.used >= rule.times:
                continue
            if rule.query is not None and not rule.applies_to(message, reaction):
                continue
            rule.used += 1
            return rule
    return None
