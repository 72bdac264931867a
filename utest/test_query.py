"""The window and extraction rule, checked against a plain reference implementation."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from RobotWebSocket.history import Message
from RobotWebSocket.query import Query, scan

ids = st.sampled_from(["x", "y", "z"])
statuses = st.sampled_from(["NEW", "PARTIAL", "FILLED"])
payloads = st.one_of(
    st.fixed_dictionaries({"id": ids, "status": statuses}),
    st.just({"type": "heartbeat"}),
    st.just("plain text"),
)


def make(items):
    return [
        Message(i + 1, 0, p if isinstance(p, str) else json.dumps(p)) for i, p in enumerate(items)
    ]


def reference_latest_status(items, wanted_id):
    """Status of the newest message in ``items`` with id ``wanted_id``, else None."""
    for item in reversed(items):
        if isinstance(item, dict) and item.get("id") == wanted_id:
            return item["status"]
    return None


@settings(max_examples=200, deadline=None)
@given(st.lists(payloads, max_size=40), ids, st.integers(min_value=2, max_value=15))
def test_filter_over_window_matches_reference(items, wanted_id, last):
    query = Query.build(f'$[?(@.id == "{wanted_id}")].status', None, None, last)
    window = make(items)[-last:]
    result = query.evaluate(window)
    expected = reference_latest_status(items[-last:], wanted_id)
    assert result.found == (expected is not None)
    if expected is not None:
        assert result.value == expected
    everything = Query.build(f'$[?(@.id == "{wanted_id}")].status', None, None, last, True)
    all_result = everything.evaluate(window)
    reference_all = [
        i["status"] for i in items[-last:] if isinstance(i, dict) and i.get("id") == wanted_id
    ]
    assert (all_result.value if all_result.found else []) == reference_all


@settings(max_examples=200, deadline=None)
@given(
    st.lists(payloads, min_size=1, max_size=30),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=1, max_value=8),
)
def test_scan_finds_the_first_window_that_satisfies(items, split, last):
    """Judging each arrival equals judging every prefix's window in order."""
    messages = make(items)
    split = min(split, len(messages))
    earlier, new = messages[:split], messages[split:]
    query = Query.build("$.status", "==", "FILLED", last)
    hit = scan(query, earlier, new)
    expected = None
    for end in range(split, len(messages)):
        start = max(0, end - last + 1)
        with_status = [
            (start + offset + 1, item["status"])
            for offset, item in enumerate(items[start : end + 1])
            if isinstance(item, dict) and "status" in item
        ]
        if with_status and with_status[-1][1] == "FILLED":
            expected = with_status[-1][0]  # the sequence number of the matching message
            break
    assert (hit.message.seq if hit else None) == expected


def test_no_expression_returns_the_newest_or_the_window():
    window = make(["a", "b", "c"])
    assert Query.build(None, None, None, 1).evaluate(window[-1:]).value == "c"
    assert Query.build(None, None, None, 3).evaluate(window).value == ["a", "b", "c"]


def test_an_assertion_without_expression_applies_to_the_message():
    query = Query.build(None, "contains", "ell")
    assert query.accept(query.evaluate(make(["hello"])))
    assert not query.accept(query.evaluate(make(["bye"])))
    assert "should contain" in query.complaint or "contain" in query.complaint


def test_describe_shows_operators_as_written():
    assert Query.build("$.a", "contains", "x").describe() == "$.a contains 'x'"
    assert Query.build("$.a", "==", "1").describe() == "$.a == '1'"
    assert Query.build(None, None, None).describe() == "any message"
