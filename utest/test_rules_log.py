"""What message rules write to a real Robot log: the one-line summary of what they did since
the previous keyword, each ignored message and reply at DEBUG level, and the warning for a
reply whose placeholder found nothing."""

from __future__ import annotations

import html
import re

from test_robot_runs import run_robot, statuses

# The server is told to send these at once; the rules act on them as they arrive, and the
# count of 2 is reached with the last one, so the keyword that waited for it reports all.
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
    Get Message Count    ${URL}    ==    2
"""

# More events than the detail kept (1000): the summary still counts every one.
MANY = """
*** Settings ***
Library    RobotWebSocket

*** Test Cases ***
Many Rule Events
    Ignore Messages    ${URL}    $.seq    <    1500
    Reply To Messages    ${URL}    $.seq    ==    1500    reply={"thanks": {{$.seq}}}
    Connect    ${URL}
    Send    ${URL}    {"burst": 1500}
    Get Message Count    ${URL}    ==    1
"""


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
    # Reported before the keyword and while it waited: together 3 ignored and 1 reply.
    summary = " ".join(line for line in info_lines if line.startswith("Rules on"))
    ignored = sum(int(n) for n in re.findall(r"(\d+) message\(s\) ignored", summary))
    replies = sum(int(n) for n in re.findall(r"(\d+) automatic reply", summary))
    assert (ignored, replies) == (3, 1), f"not 3 ignored and 1 reply: {info_lines}"
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


def test_the_summary_counts_every_event_and_shows_the_first_reply(tmp_path, server):
    _, root = run_robot(tmp_path, MANY, "--variable", f"URL:{server.url('/script')}")
    assert statuses(root)["Many Rule Events"][0] == "PASS", statuses(root)
    last_keyword = [kw for kw in root.iter("kw") if kw.get("name") == "Get Message Count"][-1]
    info = [
        html.unescape(m.text or "") for m in last_keyword.iter("msg") if m.get("level") == "INFO"
    ]
    # The keyword reports what rules did before it, then what they did while it waited.
    summary = [line for line in info if line.startswith("Rules on")]
    assert summary, info
    ignored = sum(int(n) for n in re.findall(r"(\d+) message\(s\) ignored", " ".join(summary)))
    assert ignored == 1499, summary
    assert "1 automatic reply(ies) sent" in summary[-1], summary
    assert '{"thanks": 1500}' in summary[-1], summary
