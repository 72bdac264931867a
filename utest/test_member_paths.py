"""Paths of member names only are read with dictionary look-ups instead of jsonpath-ng's
``find``; the two must agree on every document."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from RobotWebSocket.extraction import _jsonpath_matches, compile_expression
from RobotWebSocket.history import Message

NAMES = st.sampled_from(["a", "b", "x-y", "type"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=3),
    max_leaves=12,
)
PATHS = ["$.a", "$.a.b", "$['x-y']", "$['x-y'].type", '$["a"].b', "$.type"]


@settings(max_examples=300, deadline=None)
@given(JSON, st.sampled_from(PATHS))
def test_a_member_path_reads_what_jsonpath_ng_finds(doc: object, path: str) -> None:
    expr = compile_expression(path)
    assert expr.members is not None
    fast = _jsonpath_matches(expr, Message(1, 0.0, json.dumps(doc)), True)
    slow = [match.value for match in expr.compiled.find(doc)]
    assert fast == slow


def test_other_paths_are_left_to_jsonpath_ng() -> None:
    for path in ["$.a[0]", "$[?(@.a)]", "$..a", "$", "$.*", "$[0]"]:
        assert compile_expression(path).members is None, path


def test_a_rule_skips_a_message_that_lacks_its_names_and_still_judges_escaped_text() -> None:
    from RobotWebSocket.query import Query
    from RobotWebSocket.rules import Rule

    rule = Rule("ignore", Query.build("$.type", "==", "heartbeat"))
    assert not rule.applies_to(Message(1, 0.0, '{"kind": "heartbeat"}'))
    assert not rule.applies_to(Message(2, 0.0, '{"type": "tick"}'))
    assert rule.applies_to(Message(3, 0.0, '{"type": "heartbeat"}'))
    # Escaped text may spell a name or value otherwise: it is judged in full.
    assert rule.applies_to(Message(4, 0.0, '{"type": "\\u0068eartbeat"}'))
