"""What checking one message found (:class:`Verdict`), and what a connection's messages
exercised (:class:`Coverage`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .schemas import Problem


@dataclass(frozen=True)
class Match:
    """A definition a message conforms to, and the operation it belongs to there (as that
    operation's message, or as its reply)."""

    message: str
    operation: str
    reply: bool = False


@dataclass(frozen=True)
class Verdict:
    """The judgement of one message.

    ``conforms`` with ``matches`` (every definition and operation it fits), or not, with the
    ``closest`` definition by name and its ``problems``; ``unchecked`` names definitions whose
    schema format is not checked (a message that only they could describe conforms).
    ``reason`` says why there was nothing to compare with, when that is the trouble.
    """

    direction: str
    conforms: bool
    matches: tuple[Match, ...] = ()
    closest: str | None = None
    problems: tuple[Problem, ...] = ()
    unchecked: tuple[str, ...] = ()
    reason: str = ""

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(match.message for match in self.matches))

    @property
    def operations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(match.operation for match in self.matches))

    def __bool__(self) -> bool:
        return self.conforms

    def describe(self) -> str:
        """The definition part of a report: what it matched, or what is wrong."""
        if self.conforms:
            if not self.matches:
                names = ", ".join(self.unchecked)
                return f"not checked ({names}: schema format not checked)"
            operations = ", ".join(self.operations)
            return f"{', '.join(self.messages)} ({operations})"
        if self.closest is None:
            return self.reason
        return f"closest {self.closest}: " + "; ".join(str(problem) for problem in self.problems)

    def format(self, number: int | None = None) -> str:
        """``#12 received: closest subscriptionStatus: /status: 'subscribd' is not one of [...]``."""
        prefix = f"#{number} " if number is not None else ""
        return f"{prefix}{self.direction}: {self.describe()}"

    def __str__(self) -> str:
        return self.format()


class Coverage:
    """Counts what a connection's verdicts exercised, fed in the order messages went.

    A reply definition shared by several operations (Kraken's ``subscriptionStatus`` answers
    both ``subscribe`` and ``unsubscribe``) is credited to those whose request was seen
    before it, and to all of them only when none was.
    """

    def __init__(self, operations: Iterable[str]) -> None:
        self.operations: dict[str, int] = dict.fromkeys(operations, 0)
        self.messages: Counter[str] = Counter()
        self.violations = 0
        self.unchecked = 0
        self._requested: set[str] = set()

    def add(self, verdict: Verdict, times: int = 1) -> None:
        """Count ``verdict``, got by ``times`` messages in a row."""
        if not verdict.conforms:
            self.violations += times
            return
        if not verdict.matches:
            self.unchecked += times
            return
        direct = {match.operation for match in verdict.matches if not match.reply}
        replies = {match.operation for match in verdict.matches if match.reply}
        while times > 0:
            asked = replies & self._requested
            before = len(self._requested)
            self._requested |= direct
            # Once counting a message changes nothing of what was asked, the rest of the
            # run counts alike, all at once.
            count = 1 if len(self._requested) != before else times
            for name in verdict.messages:
                self.messages[name] += count
            for operation in direct | (asked or replies):
                self.operations[operation] = self.operations.get(operation, 0) + count
            times -= count

    def as_dict(self) -> dict[str, Any]:
        """``operations`` (id → messages seen), ``messages`` (name → count), ``uncovered``
        (operation ids no message exercised), ``violations`` (count)."""
        return {
            "operations": dict(self.operations),
            "messages": dict(self.messages),
            "uncovered": [name for name, count in self.operations.items() if not count],
            "violations": self.violations,
        }
