"""Judging a value never raises and never passes silently wrong, on both threads: the
keyword thread's :meth:`Query.accept` (Receive, Get Message Count, Should Not Receive) and
the event loop's :meth:`RuleSet.react` (message rules)."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from assertionengine import AssertionOperator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from RobotWebSocket.assertions import NAMES, Operator, as_number, check, to_operator, verdict
from RobotWebSocket.errors import InvalidArgument, WebSocketError
from RobotWebSocket.history import Message
from RobotWebSocket.query import Query
from RobotWebSocket.rules import Reaction, Rule, RuleSet, Template

ROOT = Path(__file__).resolve().parents[1]

# Every JSON type, numbers written as text among them.
numbers_as_text = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.sampled_from(["99", " 7 ", "1e3", "-0.5", "+3", "1.", ".5"]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    numbers_as_text,
    st.text(max_size=12),
    st.sampled_from(["FILLED", "true", "null", "True", "None", "[1]", "a\nb\n"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)
# What a .robot file passes as expected (text), and what ${...} variables pass.
expected_text = st.one_of(
    numbers_as_text,
    st.text(max_size=8),
    st.sampled_from(
        [
            "5",
            "null",
            "None",
            "TRUE",
            "false",
            "[1]",
            '{"a": 1}',
            '"5"',
            "FILLED",
            "(",
            "[a-",
            "*",
            "\\",
            "^F.*D$",
            "a",
            "",
        ]
    ),
)
expected_any = st.one_of(expected_text, json_values)
plain_operators = sorted(set(NAMES) - {"validate", "then", "evaluate"})
expressions = st.sampled_from(
    ["value > 5", "value + 1", "len(value)", "value['a']", "value.upper()", "value", "1/0"]
)


def message(document, seq=1):
    return Message(seq, 0.0, json.dumps(document))


def python_evaluate(monkeypatch):
    """``validate`` and ``then`` use Robot's evaluation, which needs a running Robot; here
    plain Python's, which raises whatever the expression raises."""
    from robot.libraries.BuiltIn import BuiltIn

    monkeypatch.setattr(
        BuiltIn,
        "evaluate",
        lambda self, expression, modules=None, namespace=None: eval(  # noqa: S307
            expression, {}, dict(namespace or {})
        ),
    )


def build(expression, operator, expected):
    """``Query.build``; a malformed regular expression is refused there, clearly."""
    try:
        return Query.build(expression, operator, expected)
    except InvalidArgument as error:
        assert operator in ("matches", Operator.MATCHES), error
        assert "is not a valid regular expression" in str(error)
        return None


def assert_judged(query, document):
    """The keyword thread's judgement: a bool, and a reason for every refusal."""
    accepted = query.judge_one(message({"v": document}))
    assert accepted in (True, False)
    if not accepted:
        assert isinstance(query.complaint, str) and query.complaint
    return accepted


# --- the fuzz: every operator, every JSON type, on both threads ---------------------------


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, operator=st.sampled_from(plain_operators), expected=expected_any)
def test_the_keyword_thread_judges_every_value_with_every_operator(value, operator, expected):
    query = build("$.v", operator, expected)
    if query is None:
        return
    accepted = assert_judged(query, value)
    outcome, _, complaint = check(value, operator, expected)
    assert outcome is accepted, complaint
    op = to_operator(operator)
    if accepted and op in (
        Operator.LESS,
        Operator.GREATER,
        Operator.LESS_OR_EQUAL,
        Operator.GREATER_OR_EQUAL,
    ):
        # Ordering holds only between numbers (text read as one) or between two texts
        # that are not numbers: never text against a number.
        expected_value = expected
        if isinstance(expected, str) and not isinstance(value, str):
            try:
                expected_value = json.loads(expected)
            except ValueError:
                pass
        both_numbers = as_number(value) is not None and as_number(expected_value) is not None
        both_words = (
            isinstance(value, str)
            and isinstance(expected_value, str)
            and as_number(value) is None
            and as_number(expected_value) is None
        )
        assert both_numbers or both_words, (value, operator, expected)
    if accepted and op is Operator.EQUAL:
        assert isinstance(value, bool) == isinstance(query._coerced[type(value)], bool)


@settings(max_examples=300, deadline=None)
@given(
    value=json_values,
    operator=st.sampled_from(["validate", "then", "evaluate"]),
    expression=expressions,
)
def test_the_keyword_thread_judges_every_value_with_the_evaluating_operators(
    value, operator, expression
):
    with pytest.MonkeyPatch.context() as patch:
        python_evaluate(patch)
        assert_judged(Query.build("$.v", operator, expression), value)


@settings(max_examples=100, deadline=None)
@given(value=json_values, operator=st.sampled_from(["validate", "then"]), expression=expressions)
def test_evaluating_operators_outside_a_robot_run_fail_instead_of_raising(
    value, operator, expression
):
    assert_judged(Query.build("$.v", operator, expression), value)


rule_queries = st.tuples(
    st.sampled_from(["$.v", "$.v.a", "$[0]", "$..v", None, "regex=(\\d+)"]),
    st.sampled_from(plain_operators + [None]),
    expected_any,
)
raw_messages = st.one_of(
    json_values.map(lambda v: json.dumps({"v": v})),
    json_values.map(json.dumps),
    st.text(max_size=20),
    st.binary(max_size=20),
    st.sampled_from(["[" * 5000, '{"v": ' * 3000, '{"v": NaN}', '{"v": 1e999}', "\x00"]),
)
templates = st.sampled_from(
    ['{"id": "{{$.v}}"}', "{{$.v}}", "{{$..v}}", "pong", ["{{$.v.a}}"], {"n": "{{$[0]}}"}]
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specs=st.lists(
        st.tuples(st.sampled_from(["ignore", "reply"]), rule_queries, templates),
        min_size=1,
        max_size=4,
    ),
    data=st.lists(raw_messages, min_size=1, max_size=4),
)
def test_the_loop_thread_reacts_to_every_message_without_raising(specs, data):
    ruleset = RuleSet()
    for kind, (expression, operator, expected), reply in specs:
        if expression is None and operator is None:
            operator, expected = "contains", "v"
        query = build(expression, operator, expected)
        if query is None:
            continue
        template = Template.compile(reply) if kind == "reply" else None
        ruleset.add(Rule(kind, query, template))
    for seq, raw in enumerate(data, 1):
        reaction = ruleset.react(Message(seq, 0.0, raw), Reaction())
        for rule, reason in reaction.faults:
            assert rule in ruleset.rules and isinstance(reason, str) and reason
        for rule, text in reaction.replies:
            assert rule.kind == "reply" and isinstance(text, str)


# --- D1: a value that cannot be compared is a failed judgement with its reason ---------


@pytest.mark.parametrize(
    "document, expression, operator, expected, reason",
    [
        ({"n": None}, "$.n", ">", "5", "$.n is null, cannot be compared with > 5"),
        ({"n": [1]}, "$.n", ">", "5", "$.n is a list, cannot be compared with > 5"),
        ({"n": {"a": 1}}, "$.n", "<=", "5", "$.n is an object, cannot be compared with <= 5"),
        ({"n": True}, "$.n", ">=", "0", "$.n is a boolean, cannot be compared with >= 0"),
        (
            {"n": 42},
            "$.n",
            "contains",
            "4",
            "$.n is a number: contains needs text, a list or an object",
        ),
        (
            {"n": 42},
            "$.n",
            "not contains",
            "4",
            "$.n is a number: not contains needs text, a list or an object",
        ),
        (
            {"n": None},
            "$.n",
            "contains",
            "x",
            "$.n is null: contains needs text, a list or an object",
        ),
        ({"n": 42}, "$.n", "starts", "4", "$.n is a number: starts needs text"),
        ({"n": 42}, "$.n", "ends", "2", "$.n is a number: ends needs text"),
        ({"n": [42]}, "$.n", "matches", "4", "$.n is a list: matches needs text"),
        ({"n": 5}, "$.n", ">", "abc", "5 is a number, 'abc' is text"),
        (
            {"n": 5},
            "$.n",
            ">",
            "true",
            "$.n cannot be compared with > true: the expected value is a boolean",
        ),
    ],
)
def test_a_value_that_cannot_be_judged_fails_with_its_reason(
    document, expression, operator, expected, reason
):
    query = Query.build(expression, operator, expected)
    assert query.judge_one(message(document)) is False
    assert query.complaint == reason
    assert query.fault == reason  # rules warn about it
    value = document[expression[2:]]
    holds, _, complaint = check(value, operator, expected)  # as Get Message Count judges
    assert not holds and complaint
    assert verdict(value, to_operator(operator), expected, subject="$.n") == (None, value, reason)


def test_a_bad_regular_expression_fails_when_the_query_is_built():
    with pytest.raises(
        InvalidArgument,
        match=r"Expected value '\[a-' of 'matches' is not a "
        r"valid regular expression: unterminated character set",
    ):
        Query.build("$.s", "matches", "[a-")
    with pytest.raises(InvalidArgument, match="not a valid regular expression"):
        Query.build("matches", "(", None)  # the operator written in the expression's place
    holds, _, complaint = check("abc", AssertionOperator["matches"], "(")
    assert not holds and "'(' is not a valid regular expression" in complaint


def test_text_operators_judge_text_lists_and_objects():
    assert check("hello", "contains", "ell")[0]
    assert check(b"hello", "contains", "ell")[0]
    assert check("abc123", "contains", 12)[0]  # a ${number} is looked for as text
    assert check(["a", 1], "contains", "1")[0]
    assert check(["a", "1"], "contains", "1")[0]
    assert not check([1], "contains", "true")[0]  # true is not 1
    assert check({"status": "NEW", "id": 1}, "contains", "status")[0]
    assert check({"status": "NEW", "id": 1}, "contains", '{"status": "NEW"}')[0]
    assert not check({"status": "NEW"}, "contains", '{"status": "OLD"}')[0]
    assert check({"a": 1}, "not contains", "[1]")[0]  # no TypeError on an unhashable key
    assert check("done\n", "ends", "done")[0]  # as AssertionEngine's `done$`
    assert check("Robot", "matches", "^R.b")[0]


# --- D8: ordering never compares text with a number silently ----------------------------


def test_numbers_written_as_text_are_compared_as_numbers():
    query = Query.build("$.price", ">", "100")
    assert query.judge_one(message({"price": "99"})) is False
    assert query.complaint == (
        "'99' (str) should be greater than '100' (str); '99' and '100' read as numbers"
    )
    assert query.fault == ""  # judged, and it does not hold
    assert query.judge_one(message({"price": "150"})) is True
    assert query.note == "'150' and '100' read as numbers"
    assert Query.build("$.price", "<", "100").judge_one(message({"price": "99"}))
    assert Query.build("$.price", "<", "100").judge_one(message({"price": 99}))
    number = Query.build("$.price", ">", 100)  # ${100}
    assert number.judge_one(message({"price": "150"}))
    assert number.note == "'150' read as a number"


def test_text_is_never_ordered_against_a_number():
    query = Query.build("$.status", ">", "5")
    assert query.judge_one(message({"status": "FILLED"})) is False
    assert query.complaint == "'FILLED' is text, 5 is a number"
    assert Query.build("$.status", "<", 5).judge_one(message({"status": "FILLED"})) is False
    query = Query.build("$.v", ">=", "abc")
    assert query.judge_one(message({"v": "12"})) is False
    assert query.complaint == "'12' reads as a number, 'abc' does not"
    # Two texts that are not numbers are still compared as text (ISO dates, versions).
    assert Query.build("$.d", ">=", "2024-01-01").judge_one(message({"d": "2024-05-01"}))


# --- issue 20 item 2: True, False and None against booleans and null --------------------


@pytest.mark.parametrize(
    "value, operator, expected, holds",
    [
        (True, "==", "True", True),
        (True, "==", "TRUE", True),
        (True, "==", "true", True),
        (False, "==", "False", True),
        (False, "!=", "True", True),
        (None, "==", "None", True),
        (None, "==", "none", True),
        (None, "==", "null", True),
        (True, "==", "1", False),  # JSON true is not 1
        (1, "==", "true", False),
        (1, "==", "True", False),  # a number keeps True as the text 'True'
        ("True", "==", "True", True),
        (True, "==", "yes", False),
    ],
)
def test_true_false_and_none_are_read_as_json_against_booleans_and_null(
    value, operator, expected, holds
):
    query = Query.build("$.v", operator, expected)
    assert query.judge_one(message({"v": value})) is holds
    assert check(value, operator, expected)[0] is holds


def test_true_against_a_boolean_fails_with_assertionengines_words():
    query = Query.build("$.ok", "==", "False")
    assert not query.judge_one(message({"ok": True}))
    assert query.complaint == "'True' (bool) should be 'False' (bool)"


# --- issue 20 item 9: the operator list names matches ------------------------------------


def test_the_operator_list_says_matches_not_a_bare_dollar():
    with pytest.raises(InvalidArgument) as error:
        to_operator("~~")
    text = str(error.value)
    assert text.startswith("Unknown assertion operator '~~'. Use one of: ==, !=, <, >, <=, >=")
    assert "starts, ends, matches, validate, then" in text
    assert ", $," not in text and "$=" not in text and "*=" not in text


# --- rules: a rule that cannot judge counts as no match, and says why -------------------


def test_a_rule_that_cannot_compare_does_not_match_and_its_fault_is_kept():
    ruleset = RuleSet()
    rule = ruleset.add(Rule("ignore", Query.build("$.n", ">", "5")))
    reaction = ruleset.react(message({"n": [1]}), Reaction())
    assert reaction.ignored_by is None
    assert reaction.faults == [(rule, "$.n is a list, cannot be compared with > 5")]
    reaction = ruleset.react(message({"n": 6}), Reaction())
    assert reaction.ignored_by is rule
    assert reaction.faults == ()  # a message without faults costs no list
    reaction = ruleset.react(message({"n": 4}), Reaction())
    assert reaction.ignored_by is None and not reaction.faults


def test_a_rule_whose_judgement_raises_counts_as_no_match(monkeypatch):
    ruleset = RuleSet()
    boom = ruleset.add(Rule("reply", Query.build("$.n", "==", "1"), Template.compile("x")))
    fine = ruleset.add(Rule("reply", Query.build("$.n", "==", "1"), Template.compile("y")))

    def raises(message):
        raise TypeError("boom")

    monkeypatch.setattr(boom.query, "judge_one", raises)
    reaction = ruleset.react(message({"n": 1}), Reaction())
    assert reaction.faults == [(boom, "judging it failed (TypeError: boom)")]
    assert reaction.replies == [(fine, "y")]


def test_deep_json_reaches_no_rule_callback():
    ruleset = RuleSet()
    ruleset.add(Rule("ignore", Query.build("$.v", "==", "1")))
    ruleset.add(Rule("reply", Query.build("$[0]", "!=", "1"), Template.compile("{{$[0]}}")))
    for data in ("[" * 100_000, "[" * 900 + "]" * 900, '{"v": ' * 50_000):
        reaction = ruleset.react(Message(1, 0.0, data), Reaction())
        assert reaction.ignored_by is None


def test_a_reply_placeholder_never_raises(monkeypatch):
    from RobotWebSocket import rules

    template = Template.compile('{"id": "{{$.id}}", "n": {{$.n}}}')
    assert template.render(message({"id": "a", "n": [1]})) == ('{"id": "a", "n": [1]}', None, None)
    assert template.render(message({"id": "a"})) == (None, "$.n", None)
    monkeypatch.setattr(rules, "message_matches", lambda *a: [b"\xffbytes"])
    assert template.render(message({}))[0] == '{"id": "\ufffdbytes", "n": \ufffdbytes}'

    def raises(*args):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(rules, "message_matches", raises)
    text, missing, fault = template.render(message({}))
    assert text is None and missing is None
    assert fault == "placeholder $.id failed (RecursionError: maximum recursion depth exceeded)"
    ruleset = RuleSet()
    rule = ruleset.add(Rule("reply", Query.build("$.id", None, None), template))
    monkeypatch.setattr(rules, "message_matches", lambda *a: [1])
    monkeypatch.setattr(template, "render", lambda m: (None, None, "it broke"))
    assert ruleset.react(message({"id": 1}), Reaction()).faults == [(rule, "it broke")]


@pytest.mark.parametrize("operator", ["validate", "then", "evaluate"])
def test_rules_refuse_the_evaluating_operators(operator):
    with pytest.raises(
        InvalidArgument,
        match="cannot be used in message rules: validate and "
        "then run Robot's evaluation, which only the test's own thread may do",
    ):
        Rule("ignore", Query.build("$.n", operator, "value > 1"))


def test_the_rule_keywords_refuse_the_evaluating_operators():
    from RobotWebSocket import RobotWebSocket

    library = RobotWebSocket()
    with pytest.raises(WebSocketError, match="'validate' cannot be used in message rules"):
        library.ignore_messages("ws://x", "$.n", AssertionOperator["validate"], "value > 1")
    with pytest.raises(WebSocketError, match="'then' cannot be used in message rules"):
        library.reply_to_messages("ws://x", "$.n", AssertionOperator["then"], "1", reply="x")
    assert library.remove_message_rules("ws://x") == 0  # nothing was added


def test_rules_and_queries_import_neither_robot_nor_assertionengine():
    """The event loop judges rules: what it runs must not need Robot (STYLE.md rule 1)."""
    script = (
        "import sys, types\n"
        f"package = types.ModuleType('RobotWebSocket'); package.__path__ = [{str(ROOT / 'RobotWebSocket')!r}]\n"
        "sys.modules['RobotWebSocket'] = package\n"
        "import RobotWebSocket.rules, RobotWebSocket.query, RobotWebSocket.assertions\n"
        "from RobotWebSocket.rules import Rule, RuleSet, Reaction, Template\n"
        "from RobotWebSocket.query import Query\n"
        "from RobotWebSocket.history import Message\n"
        "rs = RuleSet()\n"
        "for op in ('==', '!=', '<', '>', '<=', '>=', 'contains', 'not contains', 'starts',"
        " 'ends', 'matches'):\n"
        "    rs.add(Rule('reply', Query.build('$.v', op, '5'), Template.compile('{{$.v}}')))\n"
        "for v in ('5', '\"5\"', 'null', '[5]', '\"x5\"'):\n"
        "    rs.react(Message(1, 0.0, '{\"v\": %s}' % v), Reaction())\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('robot', 'assertionengine'))\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_numbers_are_read_strictly():
    assert as_number("99") == 99 and as_number(" 1e3 ") == 1000.0 and as_number("-.5") == -0.5
    for text in ("nan", "inf", "1_000", "0x10", "", "1e999", "12a"):
        assert as_number(text) is None, text
    assert as_number(True) is None and as_number(None) is None
    assert math.isclose(as_number("1.5"), 1.5)


@pytest.mark.parametrize("name", ["TimeoutError", "ExecutionFailed"])
def test_robots_timeouts_and_signals_pass_through_validate_and_then(monkeypatch, name):
    """A Robot timeout raises in the keyword thread at any bytecode, also while validate
    evaluates: it must end the keyword, not become a failed judgement."""
    from robot import errors
    from robot.libraries.BuiltIn import BuiltIn

    error = getattr(errors, name)("Test timeout 1 second exceeded.")

    def interrupted(self, expression, modules=None, namespace=None):
        raise error

    monkeypatch.setattr(BuiltIn, "evaluate", interrupted)
    for operator in ("validate", "then"):
        with pytest.raises(type(error)):
            Query.build("$.n", operator, "value > 1").judge_one(message({"n": 2}))
