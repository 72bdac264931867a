import json

import pytest

from RobotWebSocket.errors import InvalidExpression
from RobotWebSocket.extraction import compile_expression, extract, message_matches
from RobotWebSocket.history import Message


def msgs(*items):
    return [
        Message(i + 1, 0, item if isinstance(item, (str, bytes)) else json.dumps(item))
        for i, item in enumerate(items)
    ]


def value(expression, window, one=None, all_matches=False):
    one = len(window) == 1 if one is None else one
    return extract(compile_expression(expression), window, one, all_matches)


def test_kind_is_chosen_by_prefix_or_first_character():
    assert compile_expression("$.a").kind == "jsonpath"
    assert compile_expression("jsonpath=$.a").kind == "jsonpath"
    assert compile_expression("/a").kind == "xpath"
    assert compile_expression("xpath=count(//a)").kind == "xpath"
    assert compile_expression("regex=a(b)").kind == "regex"
    with pytest.raises(InvalidExpression, match="Cannot tell"):
        compile_expression("status")


@pytest.mark.parametrize(
    "expression, complaint",
    [("$[?(@.id ==", "Invalid JSONPath"), ("//[", "Invalid XPath"), ("regex=(", "Invalid regex")],
)
def test_malformed_expressions_name_the_expression(expression, complaint):
    with pytest.raises(InvalidExpression, match=complaint) as error:
        compile_expression(expression)
    assert expression in str(error.value)


def test_compiled_expressions_are_cached():
    assert compile_expression("$.cached") is compile_expression("$.cached")


def test_window_rule_first_match_within_the_most_recent_matching_message():
    window = msgs({"id": "x", "status": "NEW"}, {"id": "x", "status": "FILLED"}, {"type": "hb"})
    result = value('$[?(@.id == "x")].status', window, one=False)
    assert result.found and result.value == "FILLED" and result.message.seq == 2
    assert value('$[?(@.id == "x")].status', window, one=False, all_matches=True).value == [
        "NEW",
        "FILLED",
    ]


def test_one_message_root_selectors_apply_to_arrays_and_wrap_objects():
    ocpp = msgs([2, "id-1", "BootNotification", {"vendor": "acme"}])
    assert value("$[2]", ocpp).value == "BootNotification"
    assert value("$[-1:]", ocpp).value == {"vendor": "acme"}
    tick = msgs({"type": "tick", "n": 1})
    assert value('$[?(@.type == "tick")].n', tick).value == 1
    assert value("$[*].n", tick).value == 1
    assert value("$['type']", tick).value == "tick"


def test_member_path_over_a_window_reads_each_message():
    window = msgs({"n": 1}, "text", {"n": 2}, {"m": 3})
    assert value("$.n", window, one=False).value == 2
    assert value("$.n", window, one=False, all_matches=True).value == [1, 2]


def test_root_index_over_a_window_picks_from_the_window_array():
    window = msgs({"n": 1}, "not json", {"n": 2}, {"n": 3})
    assert value("$[0].n", window, one=False).value == 1
    assert value("$[-1:].n", window, one=False).value == 3


def test_non_json_and_binary_messages_do_not_match_jsonpath():
    assert not value("$.a", msgs("plain")).found
    assert not value("$", msgs(b"{}")).found


def test_xpath_values():
    window = msgs('<order id="1"><item sku="a">2</item><item sku="b">3</item></order>')
    assert value("/order/@id", window).value == "1"
    assert value("//item[@sku='b']", window).value == "3"
    assert value("xpath=count(//item)", window).value == 2
    assert value("//item/@sku", window, all_matches=True).value == ["a", "b"]
    assert not value("//nothing", window).found
    assert not value("/a", msgs({"a": 1})).found


def test_regex_group_one_or_whole_match_and_bytes():
    assert value("regex=code=(\\d+)", msgs("x code=12 code=34")).value == "12"
    assert value("regex=code=\\d+", msgs("x code=12")).value == "code=12"
    assert value("regex=\\d+", msgs("1 2 3"), all_matches=True).value == ["1", "2", "3"]
    assert value("regex=AB(.)", msgs(b"\x00ABC")).value == b"C"


def test_a_message_is_evaluated_once_per_expression(monkeypatch):
    # Not a member path: those are read with dictionary look-ups and never call find.
    expression = compile_expression("$.memo_probe[0]")
    calls = []
    real_find = expression.compiled.find
    monkeypatch.setattr(expression.compiled, "find", lambda doc: calls.append(1) or real_find(doc))
    window = msgs(*({"memo_probe": [n]} for n in range(50)))
    for _ in range(3):
        extract(expression, window, False, True)
    assert len(calls) == 50
    assert message_matches(expression, window[0], False) == [0]
    assert len(calls) == 50


def test_xpath_with_a_control_character_is_an_invalid_expression():
    """lxml raised a bare ValueError here (found by the fuzz test)."""
    with pytest.raises(InvalidExpression, match="Invalid XPath"):
        compile_expression("/\x1f")


def test_a_regex_repetition_too_large_is_an_invalid_expression():
    """re raises OverflowError, not re.error, for this one."""
    with pytest.raises(InvalidExpression, match="Invalid regex"):
        compile_expression("regex=a{99999999999}")


def test_member_wildcard_and_element_wildcard_differ():
    """jsonpath-ng 1.16 parses ``$.*`` and ``$[*]`` to the same tree."""
    doc = msgs({"type": "tick", "n": 1})
    assert value("$[*].n", doc).value == 1
    assert value("$.*", doc, all_matches=True).value == ["tick", 1]
    assert compile_expression("$[*]").root_step == "each"
    assert compile_expression("$.*").root_step == "member"
