"""Assertions on extracted values, with the operators of Robot Framework's AssertionEngine.

Pure: no asyncio, no Robot. The operators are judged here, worded as AssertionEngine words
them (``'NEW' (str) should be 'FILLED' (str)``); only ``validate`` and ``then``, which run
Robot's evaluation, import AssertionEngine (and with it Robot), when one is judged. So the
event loop, which judges message rules, never imports or calls Robot.

Judging never raises. A value that the operator cannot judge (``null > 5``, ``contains`` on
a number, ``'FILLED' > 5``) is a failed judgement whose reason says why; a caller that needs
to tell "cannot judge" from "does not hold" (rules warn about the first) gets ``None`` from
:func:`verdict`.

``expected`` written in a ``.robot`` file is a string. When the extracted value is a number,
boolean, null, list or object, ``expected`` is read as JSON first (``$.count  ==  42``,
``$.ok  ==  true``), and kept as the string it is when it does not parse
(``$.tags  contains  new``). Against a boolean or null, ``True``, ``False`` and ``None`` in
any case are read as ``true``, ``false`` and ``null``, as Robot users write them. With
``validate`` and ``then`` it is an expression and is left alone.

Ordering (``<``, ``>``, ``<=``, ``>=``) never compares text with a number: a value and an
expected value that both read as numbers are compared as numbers (text read as a number is
said so in the verdict's note), two texts that are not numbers are compared as text, and
anything else cannot be judged.
"""

from __future__ import annotations

import json
import math
import re
from enum import Enum
from functools import lru_cache
from typing import Any

from .errors import InvalidArgument


class Operator(Enum):
    """AssertionEngine's operators, by the symbol AssertionEngine stores for each."""

    EQUAL = "=="
    NOT_EQUAL = "!="
    LESS = "<"
    GREATER = ">"
    LESS_OR_EQUAL = "<="
    GREATER_OR_EQUAL = ">="
    CONTAINS = "*="
    NOT_CONTAINS = "not contains"
    STARTS = "^="
    ENDS = "$="
    MATCHES = "$"
    VALIDATE = "validate"
    THEN = "then"


#: Every name AssertionEngine's ``AssertionOperator`` accepts (a unit test compares them).
NAMES: dict[str, Operator] = {
    "equal": Operator.EQUAL,
    "equals": Operator.EQUAL,
    "==": Operator.EQUAL,
    "should be": Operator.EQUAL,
    "inequal": Operator.NOT_EQUAL,
    "!=": Operator.NOT_EQUAL,
    "should not be": Operator.NOT_EQUAL,
    "less than": Operator.LESS,
    "<": Operator.LESS,
    "greater than": Operator.GREATER,
    ">": Operator.GREATER,
    "<=": Operator.LESS_OR_EQUAL,
    ">=": Operator.GREATER_OR_EQUAL,
    "contains": Operator.CONTAINS,
    "not contains": Operator.NOT_CONTAINS,
    "*=": Operator.CONTAINS,
    "starts": Operator.STARTS,
    "^=": Operator.STARTS,
    "should start with": Operator.STARTS,
    "ends": Operator.ENDS,
    "should end with": Operator.ENDS,
    "$=": Operator.ENDS,
    "matches": Operator.MATCHES,
    "validate": Operator.VALIDATE,
    "then": Operator.THEN,
    "evaluate": Operator.THEN,
}

#: How each operator is written in messages (AssertionEngine stores ``$`` for matches).
SHOWN = {
    Operator.EQUAL: "==",
    Operator.NOT_EQUAL: "!=",
    Operator.LESS: "<",
    Operator.GREATER: ">",
    Operator.LESS_OR_EQUAL: "<=",
    Operator.GREATER_OR_EQUAL: ">=",
    Operator.CONTAINS: "contains",
    Operator.NOT_CONTAINS: "not contains",
    Operator.STARTS: "starts",
    Operator.ENDS: "ends",
    Operator.MATCHES: "matches",
    Operator.VALIDATE: "validate",
    Operator.THEN: "then",
}

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

EVALUATING = (Operator.VALIDATE, Operator.THEN)
_ORDERING = (
    Operator.LESS,
    Operator.GREATER,
    Operator.LESS_OR_EQUAL,
    Operator.GREATER_OR_EQUAL,
)
_TEXTUAL = (Operator.STARTS, Operator.ENDS, Operator.MATCHES)
_OPERATOR_NAMES = ", ".join(SHOWN.values())

#: What ``True``, ``False`` and ``None`` (any case) mean against a boolean or null value.
_WORDS = {"true": True, "false": False, "none": None, "null": None}

#: A number as people write it: JSON's form, with an optional sign and spaces around.
_NUMBER = re.compile(r"\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*")

#: Errors a judgement of JSON values can run into (deep nesting, odd types from codecs).
#: Robot's timeout and signal exceptions are none of these, so they pass through.
JUDGEMENT_ERRORS = (TypeError, ValueError, ArithmeticError, LookupError, RecursionError, re.error)


def to_operator(operator: Any) -> Operator | None:
    """Accept an ``Operator`` or AssertionEngine's ``AssertionOperator``, a name or symbol
    (``"=="``, ``"contains"``), or ``None``."""
    if operator is None or isinstance(operator, Operator):
        return operator
    if isinstance(operator, Enum):
        # AssertionEngine's AssertionOperator, as Robot converts the argument: its value is
        # the symbol.
        try:
            return Operator(operator.value)
        except ValueError:
            pass
    elif isinstance(operator, str):
        text = " ".join(operator.split())
        if not text or text.upper() == "NONE":
            return None
        found = NAMES.get(text) or NAMES.get(text.lower())
        if found is not None:
            return found
    raise InvalidArgument(
        f"Unknown assertion operator {operator!r}. Use one of: {_OPERATOR_NAMES}, "
        "or their names (equal, should be, greater than, should start with, ...)."
    )


def is_evaluating(operator: Operator | None) -> bool:
    return operator is Operator.THEN


def check_pattern(operator: Operator | None, expected: Any) -> None:
    """Fail at once on a ``matches`` whose expected value is not a regular expression."""
    if operator is Operator.MATCHES and isinstance(expected, str):
        try:
            re.compile(expected)
        except re.error as error:
            raise InvalidArgument(
                f"Expected value {expected!r} of 'matches' is not a valid regular "
                f"expression: {error}."
            ) from error


def coerce_expected(value: Any, operator: Operator | Any, expected: Any) -> Any:
    """Read ``expected`` as JSON when the value is not a string (see the module doc)."""
    if not isinstance(expected, str) or isinstance(value, (str, bytes)):
        return expected
    if operator in EVALUATING or (
        isinstance(operator, Enum) and operator.value in ("validate", "then")
    ):
        return expected
    if value is None or value.__class__ is bool:
        word = expected.strip().lower()
        if word in _WORDS:
            return _WORDS[word]
    read = _read_json(expected)
    return expected if read is _NOT_JSON else read


_NOT_JSON = object()


@lru_cache(maxsize=256)
def _read_json(text: str) -> Any:
    """``text`` as JSON, read once: a wait judges every message against the same text.
    (The values are shared, and never changed.)"""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _NOT_JSON


def as_number(value: Any) -> int | float | None:
    """The number ``value`` reads as: a number, or text written as one; else ``None``."""
    kind = value.__class__
    if kind is int or kind is float:
        return value  # type: ignore[no-any-return]
    if kind is str and _NUMBER.fullmatch(value):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            number = float(text)
            return number if math.isfinite(number) else None
    return None


def formatter_functions(names: Any) -> list[Any]:
    """AssertionEngine's formatters (``strip``, ``normalize spaces``, ``case insensitive``,
    ``apply to expected``) by name."""
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, (list, tuple)):
        raise InvalidArgument(f"Formatters must be a list of names, got {names!r}.")
    try:
        return [FORMATTERS[" ".join(str(name).lower().split())] for name in names]
    except KeyError as error:
        raise InvalidArgument(
            f"Unknown assertion formatter {error.args[0]!r}. Use: {', '.join(FORMATTERS)}."
        ) from None


def _strip(value: str) -> str:
    return value.strip()


def _normalize_spaces(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def _apply_to_expected(value: str) -> str:
    return value


def _case_insensitive(value: str) -> str:
    return value.lower()


#: AssertionEngine's formatters (``assertion_formatter.FormatRules``), by the same names.
FORMATTERS = {
    "normalize spaces": _normalize_spaces,
    "strip": _strip,
    "apply to expected": _apply_to_expected,
    "case insensitive": _case_insensitive,
}


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
        if _apply_to_expected in formatters and isinstance(expected, str):
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
        return None, value, f"{_name(subject, value)} could not be judged ({_why(error)})"
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
        return None, value, f"{SHOWN[operator]} {expected!r} could not be evaluated ({_why(error)})"
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
        if as_number(stripped) is not None or stripped.lower() in _WORDS:
            return stripped
        return repr(expected)
    return _json_text(expected)


def _why(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


def describe(operator: Operator | None, expected: Any) -> str:
    """``== 'FILLED'`` for messages; empty without an operator."""
    if operator is None:
        return ""
    shown = SHOWN.get(operator) or SHOWN[to_operator(operator)]  # type: ignore[index]
    return f"{shown} {expected!r}" if expected is not None else shown
