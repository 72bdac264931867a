"""Assertions on extracted values, with Robot Framework's AssertionEngine operators.

``expected`` written in a ``.robot`` file is a string. When the extracted value is a number,
boolean, null, list or object, ``expected`` is read as JSON first (``$.count  ==  42``,
``$.ok  ==  true``), and kept as the string it is when it does not parse
(``$.tags  contains  new``). With ``validate`` and ``then`` it is an expression and is
left alone.
"""

from __future__ import annotations

import json
from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from assertionengine.assertion_formatter import FormatRules

from .errors import InvalidArgument

_EXPRESSION_OPERATORS = (AssertionOperator["validate"], AssertionOperator["then"])
_OPERATOR_NAMES = ", ".join(dict.fromkeys(op.value for op in AssertionOperator))


def to_operator(operator: Any) -> AssertionOperator | None:
    """Accept an ``AssertionOperator``, its name or symbol (``"=="``, ``"contains"``), or
    ``None``."""
    if operator is None or isinstance(operator, AssertionOperator):
        return operator
    if isinstance(operator, str):
        text = " ".join(operator.split())
        if not text or text.upper() == "NONE":
            return None
        for candidate in (text, text.lower()):
            try:
                return AssertionOperator[candidate]
            except KeyError:
                pass
    raise InvalidArgument(
        f"Unknown assertion operator {operator!r}. Use one of: {_OPERATOR_NAMES}, "
        "or their names (equal, contains, starts, ends, ...)."
    )


def is_evaluating(operator: AssertionOperator | None) -> bool:
    return operator is AssertionOperator["then"]


def coerce_expected(value: Any, operator: AssertionOperator | None, expected: Any) -> Any:
    """Read ``expected`` as JSON when the value is not a string (see the module doc)."""
    if operator in _EXPRESSION_OPERATORS or not isinstance(expected, str):
        return expected
    if isinstance(value, (str, bytes)):
        return expected
    try:
        return json.loads(expected)
    except ValueError:
        return expected


def formatter_functions(names: Any) -> list[Any]:
    """AssertionEngine's formatters (``strip``, ``normalize spaces``, ``case insensitive``,
    ``apply to expected``) by name."""
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, (list, tuple)):
        raise InvalidArgument(f"Formatters must be a list of names, got {names!r}.")
    try:
        return [FormatRules[" ".join(str(name).lower().split())] for name in names]
    except KeyError as error:
        raise InvalidArgument(
            f"Unknown assertion formatter {error.args[0]!r}. Use: {', '.join(FormatRules)}."
        ) from None


def check(
    value: Any,
    operator: AssertionOperator | None,
    expected: Any,
    message: str | None = None,
    formatters: list[Any] | None = None,
) -> tuple[bool, Any, str]:
    """Judge ``value``. Returns (holds, value to return, why it failed).

    ``formatters`` apply to string values only (AssertionEngine's formatters are string
    functions); as in AssertionEngine, the value returned is the formatted one, and with
    ``then`` the expression's result.
    """
    if operator is None:
        return True, value, ""
    formatters = formatters if isinstance(value, str) else None
    try:
        result = verify_assertion(
            value,
            operator,
            coerce_expected(value, operator, expected),
            "",
            message,
            formatters,
        )
    except AssertionError as failure:
        return False, value, str(failure)
    if is_evaluating(operator):
        return True, result, ""
    for formatter in formatters or ():
        value = formatter(value)
    return True, value, ""


# The symbol AssertionEngine stores for these is not the one users write.
_SHOWN = {"*=": "contains", "^=": "starts", "$=": "ends", "$": "matches"}


def describe(operator: AssertionOperator | None, expected: Any) -> str:
    """``== 'FILLED'`` for messages; empty without an operator."""
    if operator is None:
        return ""
    shown = _SHOWN.get(operator.value, operator.value)
    return f"{shown} {expected!r}" if expected is not None else shown
