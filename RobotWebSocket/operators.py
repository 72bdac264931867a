"""What an assertion is written with: AssertionEngine's operators and formatters, by the
names AssertionEngine gives them, and the expected value as a ``.robot`` file gives it.

Pure: no asyncio, no Robot. :mod:`.assertions` judges values with what is read here.

``expected`` written in a ``.robot`` file is a string. When the extracted value is a number,
boolean, null, list or object, ``expected`` is read as JSON first (``$.count  ==  42``,
``$.ok  ==  true``), and kept as the string it is when it does not parse
(``$.tags  contains  new``). Against a boolean or null, ``True``, ``False`` and ``None`` in
any case are read as ``true``, ``false`` and ``null``, as Robot users write them. With
``validate`` and ``then`` it is an expression and is left alone.
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

EVALUATING = (Operator.VALIDATE, Operator.THEN)
_OPERATOR_NAMES = ", ".join(SHOWN.values())

#: What ``True``, ``False`` and ``None`` (any case) mean against a boolean or null value.
WORDS = {"true": True, "false": False, "none": None, "null": None}

#: A number as people write it: JSON's form, with an optional sign and spaces around.
_NUMBER = re.compile(r"\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*")


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
        if word in WORDS:
            return WORDS[word]
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


def describe(operator: Operator | None, expected: Any) -> str:
    """``== 'FILLED'`` for messages; empty without an operator."""
    if operator is None:
        return ""
    shown = SHOWN.get(operator) or SHOWN[to_operator(operator)]  # type: ignore[index]
    return f"{shown} {expected!r}" if expected is not None else shown


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


def apply_to_expected(value: str) -> str:
    return value


def _case_insensitive(value: str) -> str:
    return value.lower()


#: AssertionEngine's formatters (``assertion_formatter.FormatRules``), by the same names.
FORMATTERS = {
    "normalize spaces": _normalize_spaces,
    "strip": _strip,
    "apply to expected": apply_to_expected,
    "case insensitive": _case_insensitive,
}
