"""What a receiving keyword looks for, and how it judges a window. Pure: no asyncio.

A :class:`Query` is an extraction (or none: the message itself) plus an optional
assertion. :func:`scan` judges the window as it stood after each newly arrived message, in
arrival order, so a message is never skipped because another one arrived right after it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .assertions import (
    JUDGEMENT_ERRORS,
    Operator,
    check_pattern,
    coerce_expected,
    describe,
    to_operator,
    verdict,
)
from .errors import InvalidArgument
from .extraction import NOTHING, Expression, Extraction, compile_expression, extract
from .history import NOT_PARSED, Message

_NONE = object()
_EQUAL = Operator.EQUAL
_QUICK = (_EQUAL, Operator.NOT_EQUAL)


@dataclass
class Query:
    expression: Expression | None
    operator: Operator | None
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
    #: ``expected`` as compared with values of each type (read as JSON for non-text).
    _coerced: dict[type, Any] = field(default_factory=dict, init=False)
    #: Why the last value judged could not be judged (``null > 5``), else empty: rules
    #: warn about it.
    fault: str = field(default="", init=False)
    #: A note on the last value accepted, such as text read as a number, else empty.
    note: str = field(default="", init=False)
    #: What a plain JSON message must contain to satisfy the query (:class:`Needles`),
    #: worked out when first asked: most keywords judge one reply and never need it.
    _needles: Any = field(default=_NONE, init=False)

    @property
    def needles(self) -> Needles | None:
        needles = self._needles
        if needles is _NONE:
            needles = self._needles = Needles.of(self)
        return needles  # type: ignore[no-any-return]

    def could_hold(self, message: Message) -> bool:
        """``False`` only when ``message`` certainly cannot satisfy the query on its own: it
        is plain JSON text that lacks what :attr:`needles` asks for. A cheap look at the text
        that spares parsing most messages of a burst; ``True`` means "judge it"."""
        needles = self.needles
        if needles is None or message.document is not NOT_PARSED:
            return True
        data = message.data
        # A JSON text with no backslash holds its member names and strings verbatim.
        if data.__class__ is not str or "\\" in data:
            return True
        return needles.found_in(data)  # type: ignore[arg-type]

    @property
    def complaint(self) -> str:
        """The assertion's complaint about the last value judged, for failure messages."""
        if self._unexplained is not _NONE:
            value, self._unexplained = self._unexplained, _NONE
            self._complaint = verdict(
                value, self.operator, self.expected, self.message, self.formatters, self.subject
            )[2]
        return self._complaint

    @property
    def subject(self) -> str | None:
        """How failure reasons name the value: the expression."""
        return self.expression.source if self.expression is not None else None

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
        judged = to_operator(operator)
        check_pattern(judged, expected)
        return cls(compiled, judged, expected, last, all_matches, message, formatters)

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
            self.fault = ""
            return False
        value = extraction.value
        operator = self.operator
        if operator in _QUICK and not self.formatters:
            # Equality is judged here, and the complaint is only worded if a failure shows
            # it: a wait judges every message of a burst. ``true`` is not ``1``.
            coerced = self._coerced.get(value.__class__, _NONE)
            if coerced is _NONE:
                coerced = coerce_expected(value, operator, self.expected)
                self._coerced[value.__class__] = coerced
            try:
                equal = value == coerced and (value.__class__ is bool) is (
                    coerced.__class__ is bool
                )
            except JUDGEMENT_ERRORS:
                equal = None  # deep nesting: the judgement below words it
            if equal is (operator is _EQUAL):
                self._unexplained, self._complaint = _NONE, ""
                return True
            if equal is not None:
                self._unexplained, self.fault = value, ""
                return False
        judged = value
        outcome, value, text = verdict(
            value, operator, self.expected, self.message, self.formatters, self.subject, False
        )
        if outcome:
            self._unexplained, self._complaint, self.fault, self.note = _NONE, "", "", text
            extraction.value = value
            return True
        if outcome is False and not text:
            # Worded only if a failure message asks for it, as for equality.
            self._unexplained, self.fault = judged, ""
            return False
        self._unexplained, self._complaint = _NONE, text
        self.fault = "" if outcome is False else text
        return False

    def describe(self) -> str:
        what = self.expression.source if self.expression is not None else "any message"
        condition = describe(self.operator, self.expected)
        return f"{what} {condition}".strip()

    def judge_one(self, message: Message) -> bool:
        """Judge ``message`` on its own (``Should Not Receive``, counts)."""
        return self.accept(self.evaluate_one(message))

    def evaluate_one(self, message: Message) -> Extraction:
        """Extract from ``message`` alone (a window of one)."""
        if self.expression is None:
            return Extraction(True, message.value, message, (message,))
        result = extract(self.expression, (message,), True, self.all_matches)
        if result.found:
            result.window = (message,)
        return result


def _is_operator(expression: Any) -> bool:
    if isinstance(expression, Enum):
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
    if last == 1:
        # Each message is its own window. Of a burst, those that cannot hold are not
        # parsed; the last one is judged all the same, so that a failure reports the
        # newest value seen. A lone message is judged at once.
        evaluate, accept = query.evaluate_one, query.accept
        if len(new) == 1:
            return query.latest if accept(evaluate(new[0])) else None
        could_hold = query.could_hold
        for message in new:
            if could_hold(message) and accept(evaluate(message)):
                return query.latest
        if new and not could_hold(new[-1]):
            accept(evaluate(new[-1]))
        return None
    combined = list(earlier[-(last - 1) :]) if last > 1 else []
    offset = len(combined)
    combined.extend(new)
    for end in range(offset, len(combined)):
        window = combined[max(0, end - last + 1) : end + 1]
        extraction = query.evaluate(window)
        if query.accept(extraction):
            return extraction
    return None


#: Text that JSON writes as it is (no escapes), in names and values the needles use.
_VERBATIM = re.compile(r"[A-Za-z0-9 _.:-]+")
#: A JSON number written with a fraction or an exponent: its value may be an integer that
#: its digits do not spell (``1.99999e5``, or rounding: ``199998.9999999999999``).
_INEXACT = re.compile(r"\.|[0-9][eE]")


class Needles:
    """What a plain JSON text must contain for a query on a member path (``$.a.b``) to
    hold: each member name, quoted; with ``==``, the expected string verbatim, or the digits
    of an expected integer (without trailing zeros: ``1e3`` is 1000), unless the text
    writes a number with a fraction or an exponent. Waits and rules use it to skip parsing
    messages that cannot match."""

    __slots__ = ("words", "digits")

    def __init__(self, words: tuple[str, ...], digits: str | None) -> None:
        self.words = words
        self.digits = digits

    @classmethod
    def of(cls, query: Query) -> Needles | None:
        expression = query.expression
        if expression is None or expression.members is None or query.all_matches:
            return None
        words = [json.dumps(name) for name in expression.members]
        digits = None
        if query.operator is _EQUAL and not query.formatters:
            expected = query.expected
            value = _read(expected) if isinstance(expected, str) else expected
            if value is _NOT_JSON:
                # Text compared as text: ``True``, ``None``... are read as true and null
                # against a boolean or null, so they give no needle.
                if expected.strip().lower() not in ("true", "false", "none", "null"):
                    words.append(expected)
            elif value.__class__ is int or (value.__class__ is float and value.is_integer()):
                digits = str(abs(int(value))).rstrip("0") or "0"
        words = [w for w in words if _VERBATIM.fullmatch(w.strip('"'))]
        return cls(tuple(words), digits) if words or digits else None

    def found_in(self, text: str) -> bool:
        for word in self.words:
            if word not in text:
                return False
        digits = self.digits
        return digits is None or digits in text or _INEXACT.search(text) is not None


_NOT_JSON = object()


def _read(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _NOT_JSON
