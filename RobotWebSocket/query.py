"""What a receiving keyword looks for, and how it judges a window. Pure: no asyncio.

A :class:`Query` is an extraction (or none: the message itself) plus an optional
assertion. :func:`scan` judges the window as it stood after each newly arrived message, in
arrival order, so a message is never skipped because another one arrived right after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assertionengine import AssertionOperator

from .assertions import check, coerce_expected, describe, to_operator
from .errors import InvalidArgument
from .extraction import NOTHING, Expression, Extraction, compile_expression, extract
from .history import Message

_NONE = object()
_EQUAL = AssertionOperator["=="]
_QUICK = (_EQUAL, AssertionOperator["!="])


@dataclass
class Query:
    expression: Expression | None
    operator: AssertionOperator | None
    expected: Any
    last: int = 1
    all_matches: bool = False
    message: str | None = None
    formatters: list[Any] | None = None
    latest: Extraction = field(default_factory=lambda: NOTHING, init=False)
    #: The last value judged by the quick path and not accepted: its complaint is only
    #: worked out if a failure message asks for it.
    _unexplained: Any = field(default=_NONE, init=False)
    _complaint: str = field(default="", init=False)
    #: ``expected`` as compared with text values and with other values (read as JSON).
    _coerced: dict[bool, Any] = field(default_factory=dict, init=False)

    @property
    def complaint(self) -> str:
        """The assertion's complaint about the last value judged, for failure messages."""
        if self._unexplained is not _NONE:
            value, self._unexplained = self._unexplained, _NONE
            self._complaint = check(
                value, self.operator, self.expected, self.message, self.formatters
            )[2]
        return self._complaint

    @classmethod
    def build(
        cls,
        expression: str | None,
        operator: Any,
        expected: Any,
        last: int = 1,
        all_matches: bool = False,
        message: str | None = None,
        formatters: list[Any] | None = None,
    ) -> Query:
        if expected is None and operator is not None and _is_operator(expression):
            # ``Receive  ${WS}  ==  hello``: the operator stands in the expression's place
            # and the expected value in the operator's.
            expression, operator, expected = None, expression, operator
        compiled = None if expression in (None, "") else compile_expression(expression)
        return cls(
            compiled, to_operator(operator), expected, last, all_matches, message, formatters
        )

    @property
    def one_message(self) -> bool:
        return self.last == 1

    def evaluate(self, window: Sequence[Message]) -> Extraction:
        """Extract from ``window`` (the last ``last`` messages, in arrival order)."""
        if not window:
            return NOTHING
        if self.expression is None:
            newest = window[-1]
            if self.one_message and not self.all_matches:
                return Extraction(True, newest.value, newest, window)
            return Extraction(True, [m.value for m in window], newest, window)
        result = extract(self.expression, window, self.one_message, self.all_matches)
        if result.found:
            result.window = window
        return result

    def accept(self, extraction: Extraction) -> bool:
        """Whether ``extraction`` resolves and satisfies the assertion; keeps the value the
        keyword returns (``then`` changes it) and, if not, why."""
        self.latest = extraction
        if not extraction.found:
            return False
        value = extraction.value
        if self.operator in _QUICK and not self.formatters:
            # Equality is judged here, and AssertionEngine (slow, for a wait that judges
            # every message of a burst) only words the complaint when one is shown.
            text = isinstance(value, (str, bytes))
            if text not in self._coerced:
                self._coerced[text] = coerce_expected(value, self.operator, self.expected)
            equal = bool(value == self._coerced[text])
            if equal is (self.operator is _EQUAL):
                self._unexplained, self._complaint = _NONE, ""
                return True
            self._unexplained = value
            return False
        holds, value, complaint = check(
            value, self.operator, self.expected, self.message, self.formatters
        )
        self._unexplained, self._complaint = _NONE, complaint
        if holds:
            extraction.value = value
        return holds

    def describe(self) -> str:
        what = self.expression.source if self.expression is not None else "any message"
        condition = describe(self.operator, self.expected)
        return f"{what} {condition}".strip()

    def judge_one(self, message: Message) -> bool:
        """Judge ``message`` on its own (``Should Not Receive``, counts)."""
        return self.accept(self.evaluate_one(message))

    def evaluate_one(self, message: Message) -> Extraction:
        if self.expression is None:
            return Extraction(True, message.value, message, (message,))
        return extract(self.expression, (message,), True, self.all_matches)


def _is_operator(expression: Any) -> bool:
    if isinstance(expression, AssertionOperator):
        return True
    if not isinstance(expression, str) or expression.strip() in ("", "$") or expression[:1] in "$/":
        return False
    try:
        return to_operator(expression) is not None
    except InvalidArgument:
        return False


def scan(query: Query, earlier: Sequence[Message], new: Sequence[Message]) -> Extraction | None:
    """Judge the window after each message of ``new`` arrived; the first accepted wins.

    ``earlier`` holds the messages before ``new`` that may still be in the window.
    """
    last = query.last
    combined = list(earlier[-(last - 1) :]) if last > 1 else []
    offset = len(combined)
    combined.extend(new)
    for end in range(offset, len(combined)):
        window = combined[max(0, end - last + 1) : end + 1]
        extraction = query.evaluate(window)
        if query.accept(extraction):
            return extraction
    return None
