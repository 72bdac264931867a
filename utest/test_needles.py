"""The cheap look at a message's text before it is parsed (``Query.could_hold``): it may
only say no for a message that the full judgement would also refuse."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from RobotWebSocket.history import _UNSET, Message
from RobotWebSocket.query import Query, scan


def message(text: str, seq: int = 1) -> Message:
    return Message(seq, 0.0, text)


def query(expression: str, operator: str | None = None, expected: object = None) -> Query:
    return Query.build(expression, operator, expected)


def holds(q: Query, m: Message) -> bool:
    return q.accept(q.evaluate_one(Message(m.seq, m.time, m.data)))


def test_a_message_without_the_expected_digits_is_not_parsed() -> None:
    q = query("$.n", "==", "199999")
    plain = message('{"type": "tick", "n": 5, "pad": "xxxx"}')
    assert not q.could_hold(plain)
    assert plain.memo is None and plain._json is _UNSET  # never parsed
    assert q.could_hold(message('{"type": "tick", "n": 199999, "pad": "xx"}'))


def test_numbers_written_with_a_fraction_or_an_exponent_are_judged() -> None:
    q = query("$.n", "==", "199999")
    for text in (
        '{"n": 1.99999e5}',
        '{"n": 19999.9E1}',
        '{"n": 199998.99999999999999}',  # a float that rounds to 199999.0
        '{"n": 1999990e-1}',
    ):
        m = message(text)
        assert q.could_hold(m), text
        assert holds(q, m), text


def test_trailing_zeros_may_be_an_exponent() -> None:
    q = query("$.n", "==", 1000)
    m = message('{"n": 1e3}')
    assert q.could_hold(m) and holds(q, m)
    assert not q.could_hold(message('{"n": 2}'))


def test_member_names_and_expected_text_are_needles() -> None:
    q = query("$.order.status", "==", "FILLED")
    assert not q.could_hold(message('{"order": {"status": "OPEN"}}'))
    assert not q.could_hold(message('{"status": "FILLED"}'))
    assert q.could_hold(message('{"order": {"status": "FILLED"}}'))


def test_no_needles_where_the_text_may_differ_from_the_value() -> None:
    # Escapes, operators other than ==, words read as true/null, text formatters.
    assert query("$.s", "==", "abc").could_hold(message('{"s": "\\u0061bc"}'))
    assert query("$.n", "!=", "5").needles is not None  # member names only
    assert query("$.n", "!=", "5").could_hold(message('{"n": 6}'))
    assert query("$.b", "==", "True").needles.digits is None  # type: ignore[union-attr]
    assert query("$.b", "==", "True").could_hold(message('{"b": true}'))
    formatted = Query.build("$.s", "==", "ABC", formatters=["case insensitive"])
    assert formatted.could_hold(message('{"s": "abc"}'))
    assert query("$[0]", "==", "5").needles is None  # not a member path
    assert query("$.n").could_hold(message("not json at all")) is False  # lacks "n"


def test_binary_and_decoded_documents_are_always_judged() -> None:
    q = query("$.n", "==", "7")
    assert q.could_hold(Message(1, 0.0, b'{"n": 1}'))
    assert q.could_hold(Message(1, 0.0, "x", {"n": 7}))


def test_a_failed_scan_still_reports_the_newest_value() -> None:
    q = query("$.n", "==", "199999")
    new = [message(json.dumps({"n": n}), n) for n in range(1, 50)]
    assert scan(q, [], new) is None
    assert q.latest.found and q.latest.value == 49


JSON_NUMBERS = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)


@settings(max_examples=400, deadline=None)
@given(value=JSON_NUMBERS, expected=st.integers(-(10**6), 10**6), exponent=st.booleans())
def test_could_hold_never_refuses_a_match(value: float, expected: int, exponent: bool) -> None:
    written = json.dumps(value)
    if exponent and isinstance(value, int):
        written = f"{value * 10}e-1"  # the same value, written another way
    m = message('{"type": "x", "n": ' + written + "}")
    for q in (query("$.n", "==", expected), query("$.n", "==", str(expected))):
        if holds(q, m):
            assert q.could_hold(m), (written, expected)


@settings(max_examples=200, deadline=None)
@given(value=st.integers(-(10**6), 10**6))
def test_an_equal_integer_always_holds(value: int) -> None:
    for written in (str(value), f"{value}.0", f"{value}e0", f"{value * 10}e-1"):
        m = message('{"n": ' + written + "}")
        q = query("$.n", "==", str(value))
        assert q.could_hold(m) and holds(q, m), written
