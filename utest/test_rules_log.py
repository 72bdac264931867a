"""What message rules write to a real Robot log: the one-line summary of what they did since
the previous keyword, each ignored message and reply at DEBUG level, and the warning for a
reply whose placeholder found nothing."""

from __future__ import annotations

import html
import re

from test_robot_runs import run_robot, statuses

# The server is told to send these at once; the rules act on them while the test sleeps,
# so the next keyword that reads the connection reports all of them.
SUITE = """
*** Settings ***
Library    RobotWebSocket

*** Test Cases ***
Rules At Work
    Connect    ${URL}
    Get Message Count    ${URL}
    Ignore Messages    ${URL}    $.type    ==    heartbeat
    Reply To Messages    ${URL}    $.type    ==    ping    reply=REPLY
    Send    ${URL}    {"send": [{"type": "heartbeat"}, {"type": "heartbeat"}, {"type": "ping", "id": "a-1"}, {"type": "heartbeat"}, {"type": "data"}]}
    Sleep    1s
    ${count}=    Get Message Count    ${URL}
    Should Be Equal As Integers    ${count}    2
"""


def counted(number: int, words: str, text: str) -> bool:
    """True when ``number`` stands next to one of ``words`` in ``text``, in either order
    ("3 ignored", "ignored: 3", "ignored 3 messages")."""
    return bool(
        re.search(rf"\b{number}\b\D{{0,30}}\b(?:{words})", text, re.IGNORECASE)
        or re.search(rf"(?:{words})\w*\D{{0,30}}\b{number}\b", text, re.IGNORECASE)
    )


def test_the_next_keyword_sums_up_what_rules_did_in_one_line(tmp_path, server):
    # The /script route reads every message as a command; a JSON object with no command in
    # it is accepted and does nothing.
    suite = SUITE.replace("REPLY", '{"pong": "{{$.id}}"}')
    _, root = run_robot(
        tmp_path, suite, "--loglevel", "DEBUG", "--variable", f"URL:{server.url('/script')}"
    )
    assert statuses(root)["Rules At Work"][0] == "PASS", statuses(root)
    last_keyword = [kw for kw in root.iter("kw") if kw.get("name") == "Get Message Count"][-1]
    messages = [(m.get("level"), html.unescape(m.text or "")) for m in last_keyword.iter("msg")]
    info_lines = [line for level, text in messages if level == "INFO" for line in text.splitlines()]
    assert any(
        counted(3, "ignor", line) and counted(1, "repl|auto", line) for line in info_lines
    ), f"no INFO line says 3 ignored and 1 reply: {info_lines}"
    debug = " ".join(text for level, text in messages if level == "DEBUG")
    assert debug.count("heartbeat") >= 3, f"each ignored message is logged at DEBUG: {debug}"
    assert "a-1" in debug and "pong" in debug, f"the reply is logged at DEBUG: {debug}"


def test_a_reply_whose_placeholder_finds_nothing_is_reported_as_a_warning(tmp_path, server):
    suite = SUITE.replace("REPLY", '{"pong": "{{$.missing}}"}')
    _, root = run_robot(
        tmp_path, suite, "--loglevel", "DEBUG", "--variable", f"URL:{server.url('/script')}"
    )
    assert statuses(root)["Rules At Work"][0] == "PASS", statuses(root)
    warnings = [html.unescape(m.text or "") for m in root.iter("msg") if m.get("level") == "WARN"]
    assert any("$.missing" in w for w in warnings), warnings
