"""Assertions on extracted values, with the operators of Robot Framework's AssertionEngine.

Pure: no asyncio, no Robot. The operators are judged here, worded as AssertionEngine words
them (``'NEW' (str) should be 'FILLED' (str)``); only ``validate`` and ``then``, which run
Robot's evaluation, import AssertionEngine (and with it Robot), when one is judged. So the
event loop, which judges message rules, never imports or calls Robot.

Judging never raises. A value that the operator cannot judge (``null > 5``, ``contains`` on
a number, ``'FILLED' > 5``) is a failed judgement whose reason says why; a caller that needs
to tell "cannot judge" from "does not hold" (rules warn about the first) gets ``None`` from
:func:`verdict`.

The operators, the formatters and how ``expected`` is read (as JSON against a JSON value)
are :mod:`.operators`'s.

Ordering (``<``, ``>``, ``<=``, ``>=``) never compares text with a number: a value and an
expected value that both read as numbers are compared as numbers (text read as a number is
said so in the verdict's note), two texts that are not numbers are compared as text, and
anything else cannot be judged.
"""

from __future__ import annotations

import json
import re
from typing import Any

# What the assertion is written with is read in .operators; callers import it from here too.
from .errors import why
from .operators import (
    EVALUATING,
    FORMATTERS,
    NAMES,
    SHOWN,
    WORDS,
    Operator,
    apply_to_expected,
    as_number,
    check_pattern,
    coerce_expected,
    describe,
    formatter_functions,
    is_evaluating,
    to_operator,
)

__all__ = [
    "EVALUATING",
    "FORMATTERS",
    "JUDGEMENT_ERRORS",
    "NAMES",
    "SHOWN",
    "Operator",
    "as_number",
    "check",
    "check_pattern",
    "coerce_expected",
    "describe",
    "formatter_functions",
    "is_evaluating",
    "same",
    "to_operator",
    "verdict",
]

#: AssertionEngine's words for a failure.
_SHOULD = {
    Operator.EQUAL: "should be",
    Operator.NOT_EQUAL: "should not be",
    Operator.LESS: "should be less than",
    Operator.GREATER: "should be greater than",
    Operator.LESS_OR_EQUAL: "should be less than or equal",
    Operator.GREATER_OR_EQUAL: "should be greater than or equal",
    Operator.CONTAINS: "should contain",
    Operator.NOT_CONTAINS: "should not contain",
    Operator.STARTS: "should start with",
    Operator.ENDS: "should end with",
    Operator.MATCHES: "should match",
}

_ORDERING = (
    Operator.LESS,
    Operator.GREATER,
    Operator.LESS_OR_EQUAL,
    Operator.GREATER_OR_EQUAL,
)
_TEXTUAL = (Operator.STARTS, Operator.ENDS, Operator.MATCHES)


#: Errors a judgement of JSON values can run into (deep nesting, odd types from codecs).
#: Robot's timeout and signal exceptions are none of these, so they pass through.
JUDGEMENT_ERRORS = (TypeError, ValueError, ArithmeticError, LookupError, RecursionError, re.error)


def check(
    value: Any,
    operator: Operator | Any,
    expected: Any,
    message: str | None = None,
    formatters: list[Any] | None = None,
) -> tuple[bool, Any, str]:
    """Judge ``value``. Returns (holds, value to return, why it failed).

    ``formatters`` apply to string values only (AssertionEngine's formatters are string
    functions); as in AssertionEngine, the value returned is the formatted one, and with
    ``then`` the expression's result. Never raises for any value (see the module doc).
    """
    outcome, value, text = verdict(value, to_operator(operator), expected, message, formatters)
    return outcome is True, value, "" if outcome else text


def verdict(
    value: Any,
    operator: Operator | None,
    expected: Any,
    message: str | None = None,
    formatters: list[Any] | None = None,
    subject: str | None = None,
    explain: bool = True,
) -> tuple[bool | None, Any, str]:
    """Judge ``value``: (outcome, value to return, text). The outcome is ``True`` when the
    assertion holds (the text is then a note, such as text read as a number, or empty),
    ``False`` when it does not (the text is the complaint; empty unless ``explain``, as
    a wait judges many values and shows one complaint) and ``None`` when the value cannot
    be judged so (the text says why). ``subject`` names the value in reasons (``$.n``)."""
    if operator is None:
        return True, value, ""
    if operator in EVALUATING:
        return _evaluate(value, operator, expected, message, formatters)
    text_value = isinstance(value, str)
    if formatters and text_value:
        for formatter in formatters:
            value = formatter(value)
        if apply_to_expected in formatters and isinstance(expected, str):
            for formatter in formatters:
                expected = formatter(expected)
    try:
        coerced = coerce_expected(value, operator, expected)
        if operator is Operator.EQUAL or operator is Operator.NOT_EQUAL:
            holds: bool | None = same(value, coerced) is (operator is Operator.EQUAL)
            note = ""
        elif operator in _ORDERING:
            holds, note = _order(value, operator, expected, coerced, subject)
        elif operator is Operator.CONTAINS or operator is Operator.NOT_CONTAINS:
            holds, note = _contains(value, operator, expected, coerced, subject)
        else:
            holds, note = _textual(value, operator, expected, subject)
    except JUDGEMENT_ERRORS as error:
        return None, value, f"{_name(subject, value)} could not be judged ({why(error)})"
    if holds is None:
        return None, value, note
    if holds:
        return True, value, note
    if not explain:
        return False, value, ""
    complaint = _complaint(value, operator, coerced, message)
    if note:
        complaint = f"{complaint}; {note}"
    return False, value, complaint


def same(value: Any, expected: Any) -> bool:
    """``==`` as JSON means it: ``true`` is not ``1``."""
    if value == expected:
        return (value.__class__ is bool) is (expected.__class__ is bool)
    return False


def _order(
    value: Any, operator: Operator, expected: Any, coerced: Any, subject: str | None
) -> tuple[bool | None, str]:
    number = as_number(value)
    other = as_number(coerced)
    note = ""
    left: Any
    right: Any
    if number is not None and other is not None:
        left, right = number, other
        read = [repr(x) for x in (value, coerced) if isinstance(x, str)]
        if read:
            note = f"{' and '.join(read)} read as {'numbers' if len(read) > 1 else 'a number'}"
    elif isinstance(value, str) and isinstance(coerced, str) and number is other is None:
        left, right = value, coerced
    elif isinstance(value, str) and other is not None:
        return None, f"{value!r} is text, {_expected_text(expected)} is a number"
    elif number is not None and isinstance(coerced, str):
        if isinstance(value, str):
            return None, f"{value!r} reads as a number, {coerced!r} does not"
        return None, f"{_json_text(value)} is a number, {coerced!r} is text"
    elif number is not None or isinstance(value, str):
        return None, (
            f"{_name(subject, value)} cannot be compared with {SHOWN[operator]} "
            f"{_expected_text(expected)}: the expected value is {_kind(coerced)}"
        )
    else:
        return None, (
            f"{_name(subject, value)} is {_kind(value)}, cannot be compared with "
            f"{SHOWN[operator]} {_expected_text(expected)}"
        )
    if operator is Operator.LESS:
        return left < right, note
    if operator is Operator.GREATER:
        return left > right, note
    if operator is Operator.LESS_OR_EQUAL:
        return left <= right, note
    return left >= right, note


def _contains(
    value: Any, operator: Operator, expected: Any, coerced: Any, subject: str | None
) -> tuple[bool | None, str]:
    if isinstance(value, (str, bytes)):
        needle = _needle(expected)
        if needle is None:
            return None, f"{_expected_text(expected)} is {_kind(expected)}, not text to look for"
        found = needle in _text(value)
    elif isinstance(value, list):
        found = any(same(item, coerced) for item in value) or (
            coerced is not expected and any(same(item, expected) for item in value)
        )
    elif isinstance(value, dict):
        if isinstance(coerced, dict):
            found = all(k in value and same(value[k], v) for k, v in coerced.items())
        else:
            found = isinstance(expected, str) and expected in value
    else:
        return None, (
            f"{_name(subject, value)} is {_kind(value)}: {SHOWN[operator]} needs text, "
            "a list or an object"
        )
    return found is (operator is Operator.CONTAINS), ""


def _textual(
    value: Any, operator: Operator, expected: Any, subject: str | None
) -> tuple[bool | None, str]:
    if not isinstance(value, (str, bytes)):
        return None, f"{_name(subject, value)} is {_kind(value)}: {SHOWN[operator]} needs text"
    needle = _needle(expected)
    if needle is None:
        return None, f"{_expected_text(expected)} is {_kind(expected)}, not text"
    text = _text(value)
    if operator is Operator.STARTS:
        return text.startswith(needle), ""
    if operator is Operator.ENDS:
        # AssertionEngine's ``expected$`` also matches before a final newline.
        return text.endswith(needle) or text.endswith(needle + "\n"), ""
    try:
        return re.search(needle, text) is not None, ""
    except re.error as error:
        return None, f"{needle!r} is not a valid regular expression: {error}"


def _evaluate(
    value: Any,
    operator: Operator,
    expected: Any,
    message: str | None,
    formatters: list[Any] | None,
) -> tuple[bool | None, Any, str]:
    """``validate`` and ``then``: Robot's evaluation, so only ever on the test's thread."""
    from assertionengine import AssertionOperator, verify_assertion
    from robot import errors as robot_errors

    # Robot's timeouts and signals must pass: ``TimeoutError`` is an ordinary exception
    # before Robot 7.5, and a stopping signal raises ``ExecutionFailed``.
    interrupts = tuple(
        getattr(robot_errors, name)
        for name in ("TimeoutError", "ExecutionStatus")
        if hasattr(robot_errors, name)
    )
    formatters = formatters if isinstance(value, str) else None
    try:
        result = verify_assertion(
            value, AssertionOperator(operator.value), expected, "", message, formatters
        )
    except AssertionError as failure:
        return False, value, str(failure)
    except Exception as error:
        if isinstance(error, interrupts):
            raise
        return None, value, f"{SHOWN[operator]} {expected!r} could not be evaluated ({why(error)})"
    if operator is Operator.THEN:
        return True, result, ""
    for formatter in formatters or ():
        value = formatter(value)
    return True, value, ""


def _complaint(value: Any, operator: Operator, expected: Any, message: str | None) -> str:
    """AssertionEngine's wording: ``'NEW' (str) should be 'FILLED' (str)``."""
    value_type, expected_type = type(value).__name__.lower(), type(expected).__name__.lower()
    shown_value = repr(value) if isinstance(value, str) else f"'{value}'"
    shown_expected = repr(expected) if isinstance(expected, str) else f"'{expected}'"
    if message:
        # As AssertionEngine formats a custom message.
        try:
            return message.format(
                value=repr(value) if isinstance(value, str) else value,
                value_type=value_type,
                expected=repr(expected) if isinstance(expected, str) else expected,
                expected_type=expected_type,
            )
        except (KeyError, IndexError, ValueError, AttributeError):
            return message
    return f"{shown_value} ({value_type}) {_SHOULD[operator]} {shown_expected} ({expected_type})"


def _needle(expected: Any) -> str | None:
    """``expected`` as text to look for in text: text, or a number written out."""
    if isinstance(expected, str):
        return expected
    if expected.__class__ is int or expected.__class__ is float:
        return str(expected)
    return None


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("utf-8", "surrogateescape")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if value.__class__ is bool:
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (bytes, bytearray)):
        return "binary"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _name(subject: str | None, value: Any) -> str:
    if subject:
        return subject
    return f"the value {_json_text(value)}" if not isinstance(value, str) else repr(value)


def _json_text(value: Any, limit: int = 60) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (ValueError, RecursionError, TypeError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _expected_text(expected: Any) -> str:
    """The expected value as the user wrote it: ``5``, ``null``, ``'FILLED'``."""
    if isinstance(expected, str):
        stripped = expected.strip()
        if as_number(stripped) is not None or stripped.lower() in WORDS:
            return stripped
        return repr(expected)
    return _json_text(expected)
