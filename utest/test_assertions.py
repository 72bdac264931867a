import pytest
from assertionengine import AssertionOperator

from RobotWebSocket.assertions import check, coerce_expected, to_operator
from RobotWebSocket.errors import InvalidArgument


@pytest.mark.parametrize(
    "value, expected, coerced",
    [
        (42, "42", 42),
        (True, "true", True),
        (None, "null", None),
        (1.5, "1.5", 1.5),
        (["new"], '["new"]', ["new"]),
        ({"a": 1}, '{"a": 1}', {"a": 1}),
        (["new"], "new", "new"),  # does not parse: kept as the string
        ("42", "42", "42"),  # a string value keeps a string expected
    ],
)
def test_expected_is_read_as_json_for_non_string_values(value, expected, coerced):
    assert coerce_expected(value, AssertionOperator["=="], expected) == coerced


def test_validate_and_then_expressions_are_not_converted():
    assert coerce_expected(5, AssertionOperator["validate"], "5") == "5"
    assert coerce_expected(5, AssertionOperator["then"], "5") == "5"


@pytest.mark.parametrize(
    "text", ["==", "equal", "should be", "contains", "*=", "NOT CONTAINS", " >= "]
)
def test_operators_from_strings(text):
    operator = to_operator(text)
    assert operator is not None
    assert operator.value == AssertionOperator[" ".join(text.split()).lower()].value


def test_every_assertionengine_operator_name_is_accepted_as_assertionengine_reads_it():
    """The library judges the operators itself: its names must stay AssertionEngine's."""
    from RobotWebSocket.assertions import NAMES

    assert {name: op.value for name, op in NAMES.items()} == {
        name: op.value for name, op in AssertionOperator.__members__.items()
    }
    for op in AssertionOperator:
        assert to_operator(op).value == op.value


def test_operator_none_and_unknown():
    assert to_operator(None) is None
    assert to_operator("") is None
    with pytest.raises(InvalidArgument, match="Unknown assertion operator '~~'"):
        to_operator("~~")


def test_check_reports_why():
    holds, _, complaint = check("NEW", AssertionOperator["=="], "FILLED")
    assert not holds and "'NEW' (str) should be 'FILLED' (str)" in complaint
    assert check(42, AssertionOperator["=="], "42")[0]
    assert check(["a", "b"], AssertionOperator["contains"], "a")[0]
    assert check(3, AssertionOperator[">"], "2")[0]
    assert not check(3, AssertionOperator["<"], "2")[0]


def test_formatters_apply_to_strings_and_the_formatted_value_is_returned():
    from RobotWebSocket.assertions import formatter_functions

    funcs = formatter_functions(["strip", "case insensitive", "apply to expected"])
    holds, returned, _ = check("  FILLED ", AssertionOperator["=="], "filled", formatters=funcs)
    assert holds and returned == "filled"
    assert check(42, AssertionOperator["=="], "42", formatters=funcs)[0]  # not a string: untouched
    with pytest.raises(InvalidArgument, match="Unknown assertion formatter 'shout'"):
        formatter_functions(["shout"])


def test_equality_is_judged_quickly_and_the_complaint_worded_only_when_asked(monkeypatch):
    """A wait judges every message of a burst: == and != skip AssertionEngine, which only
    words the complaint a failure message shows."""
    from RobotWebSocket import query as query_module
    from RobotWebSocket.extraction import Extraction
    from RobotWebSocket.query import Query

    calls = []
    real_verdict = query_module.verdict
    monkeypatch.setattr(query_module, "verdict", lambda *a: calls.append(a) or real_verdict(*a))
    equal = Query.build("$.n", "==", "3")
    assert [equal.accept(Extraction(True, n)) for n in (1, 2, 3)] == [False, False, True]
    unequal = Query.build("$.s", "!=", "x")
    assert [unequal.accept(Extraction(True, s)) for s in ("x", "y")] == [False, True]
    assert calls == []
    assert equal.accept(Extraction(True, 2)) is False
    assert equal.complaint == "'2' (int) should be '3' (int)"
    assert len(calls) == 1
