"""What log.html and failure messages show, checked in whole Robot runs: the newest message
in a bounded failure, the table of every message a failing keyword examined, what each
iteration of Receive Until saw, which rows are highlighted and in which colour, and the
warning for a declined subprotocol."""

from __future__ import annotations

import html
import json
import re
import subprocess
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import robot_command

#: One row of a log table: its highlight colour (or ``None``), direction and sequence number.
ROW = re.compile(
    r"<tr(?: bgcolor=(#\w+))?><td>(&larr; received|&rarr; sent)</td><td>(\d+)</td>"
    r".*?<pre style='[^']*'>(.*?)</pre></td></tr>",
    re.DOTALL,
)


def run_robot(tmp_path: Path, suite: str, *options: str) -> ET.Element:
    path = tmp_path / "suite.robot"
    path.write_text(textwrap.dedent(suite), encoding="utf-8")
    subprocess.run(
        robot_command(tmp_path, "--console", "none", *options, str(path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return ET.parse(tmp_path / "output.xml").getroot()


def status_of(root: ET.Element, name: str) -> tuple[str, str]:
    test = next(t for t in root.iter("test") if t.get("name") == name)
    status = test.find("status")
    assert status is not None
    return status.get("status") or "", status.text or ""


def keyword_messages(root: ET.Element, keyword: str) -> list[ET.Element]:
    """The log messages of the (single) ``keyword`` run by the suite's tests."""
    keywords = [kw for kw in root.iter("kw") if kw.get("name") == keyword]
    assert len(keywords) == 1, f"{len(keywords)} '{keyword}' keywords"
    return list(keywords[0].iter("msg"))


def rows(entry: str) -> list[tuple[str | None, str, int, str]]:
    """The rows of the log table in ``entry``: colour, direction, sequence number, content."""
    return [
        (colour, "sent" if "sent" in direction else "received", int(seq), html.unescape(content))
        for colour, direction, seq, content in ROW.findall(entry)
    ]


def tables(messages: list[ET.Element]) -> list[str]:
    return [m.text or "" for m in messages if "<table" in (m.text or "")]


def large_messages(tmp_path: Path, count: int) -> list[dict]:
    """``count`` JSON messages of about 20 KB, and ``payload.py`` with the /script command
    that sends them (as a variable file: the command is too long for a command line)."""
    messages = [
        {"seq": n, "status": "OPEN", "text": f"order update {n} " + "x" * 20_000}
        for n in range(1, count + 1)
    ]
    (tmp_path / "payload.py").write_text(
        f"PAYLOAD = {json.dumps(json.dumps({'send': messages}))}\n", encoding="utf-8"
    )
    return messages


def large_suite(tmp_path: Path, url: str, count: int) -> str:
    return f"""
    *** Settings ***
    Library      RobotWebSocket
    Variables    {tmp_path / "payload.py"}

    *** Test Cases ***
    Large Messages
        Connect    {url}
        Send    {url}    ${{PAYLOAD}}
        Get Message Count    {url}    assertion_operator===    expected={count}
        Receive    {url}    $.status    ==    FILLED    last={count}    timeout=0.5s
    """


def test_a_failure_with_large_messages_is_bounded_and_shows_the_newest_message(tmp_path, server):
    """Ten messages of 20 KB each: the failure message must stay short and still show the
    newest message (Robot cuts long failure messages), and the log must have them all."""
    messages = large_messages(tmp_path, 10)
    root = run_robot(tmp_path, large_suite(tmp_path, server.url("/script"), 10))
    status, failure = status_of(root, "Large Messages")
    assert status == "FAIL"
    assert len(failure) <= 4100, f"the failure message is {len(failure)} characters"
    # Robot removes the middle of a message over 40 lines of 78 characters: the library
    # bounds its text so that this never happens.
    assert "over the limit has been removed" not in failure, failure
    assert f"#10: {json.dumps(messages[-1])[:60]}" in failure, failure
    assert "Last value: 'OPEN'" in failure, failure

    entries = tables(keyword_messages(root, "Receive"))
    assert len(entries) == 1, entries
    table = rows(entries[0])
    assert [seq for _, _, seq, _ in table] == list(range(1, 11))
    assert all(direction == "received" for _, direction, _, _ in table)
    # Each row shows the start of its message (pretty-printed, as JSON this long is).
    for _, _, seq, content in table:
        assert f'"text": "order update {seq} xxx' in content, content[:200]


def test_a_failure_with_more_messages_than_fit_keeps_the_newest(tmp_path, server):
    """Thirty large messages cannot all be shown within the bound: the failure message
    keeps the newest ones, says so, and the log table has the ten newest."""
    messages = large_messages(tmp_path, 30)
    root = run_robot(tmp_path, large_suite(tmp_path, server.url("/script"), 30))
    status, failure = status_of(root, "Large Messages")
    assert status == "FAIL"
    assert len(failure) <= 4100, f"the failure message is {len(failure)} characters"
    # Robot removes the middle of a message over 40 lines of 78 characters: the library
    # bounds its text so that this never happens.
    assert "over the limit has been removed" not in failure, failure
    assert f"#30: {json.dumps(messages[-1])[:60]}" in failure, failure
    assert "#1: " not in failure, failure
    assert re.search(r"Messages examined \(30, the newest \d+ shown; the log has them all", failure)

    entries = tables(keyword_messages(root, "Receive"))
    assert len(entries) == 1, entries
    assert [seq for _, _, seq, _ in rows(entries[0])] == list(range(21, 31))


def test_a_failing_receive_logs_the_table_of_every_message_it_examined(tmp_path, server):
    url = server.url("/script")
    burst = json.dumps({"send": [{"n": n} for n in range(1, 6)]})
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket

    *** Test Cases ***
    Receive Fails
        Connect    {url}
        Send    {url}    {burst}
        Get Message Count    {url}    assertion_operator===    expected=5
        Receive    {url}    $.n    ==    99    last=5    timeout=0.3s
    """
    root = run_robot(tmp_path, suite)
    assert status_of(root, "Receive Fails")[0] == "FAIL"
    entries = tables(keyword_messages(root, "Receive"))
    assert len(entries) == 1, entries
    assert "timed out after 0.3 s" in entries[0] and "Messages examined" in entries[0]
    table = rows(entries[0])
    assert [(direction, seq) for _, direction, seq, _ in table] == [
        ("received", n) for n in range(1, 6)
    ]
    assert [json.loads(content)["n"] for _, _, _, content in table] == [1, 2, 3, 4, 5]


def test_a_failing_send_and_receive_logs_the_table_of_every_reply_it_examined(tmp_path, server):
    url = server.url("/script")
    # The server answers the request with three replies, none of which holds.
    request = json.dumps({"send": [{"n": n} for n in range(1, 4)]})
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket

    *** Test Cases ***
    Send And Receive Fails
        Connect    {url}
        Send And Receive    {url}    {request}    $.n    ==    99    timeout=0.5s
    """
    root = run_robot(tmp_path, suite)
    assert status_of(root, "Send And Receive Fails")[0] == "FAIL"
    messages = keyword_messages(root, "Send And Receive")
    entries = tables(messages)
    failure = [e for e in entries if "Messages examined" in e]
    assert len(failure) == 1, entries
    assert "Send And Receive on" in failure[0] and "timed out after 0.5 s" in failure[0]
    table = rows(failure[0])
    assert [(direction, seq) for _, direction, seq, _ in table] == [
        ("received", n) for n in range(1, 4)
    ]
    # The request itself is in the keyword's log too.
    sent = [row for entry in entries for row in rows(entry) if row[1] == "sent"]
    assert len(sent) == 1 and json.loads(sent[0][3]) == json.loads(request), sent


def test_receive_until_logs_what_each_iteration_saw(tmp_path, server):
    """The server answers ``pending`` twice, then ``done``, 0.8 s apart; each iteration
    waits 0.3 s. The log must show the ``pending`` replies the iterations saw, not only the
    ``done`` that ended the keyword."""
    url = server.url("/script")
    commands = [
        {"send": [{"status": "pending", "n": 1}]},
        {"delay": 800, "send": [{"status": "pending", "n": 2}]},
        {"delay": 800, "send": [{"status": "done", "n": 3}]},
    ]
    sends = "\n".join(f"        Send    {url}    {json.dumps(c)}" for c in commands)
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket

    *** Test Cases ***
    Until Done
        Connect    {url}
{sends}
        ${{state}}=    Receive Until    {url}    $.status    ==    done
        ...    max_iterations=20    interval=0.3s
        Should Be Equal    ${{state}}    done
    """
    root = run_robot(tmp_path, suite)
    assert status_of(root, "Until Done") == ("PASS", ""), status_of(root, "Until Done")
    texts = [m.text or "" for m in keyword_messages(root, "Receive Until")]
    iterations = [t for t in texts if re.search(r"Receive Until on .*, iteration \d+: ", t)]
    assert any("last value 'pending'" in html.unescape(t) for t in iterations), texts
    seen = {
        json.loads(content)["n"]: json.loads(content)["status"]
        for entry in iterations
        for _, _, _, content in rows(entry)
    }
    assert seen.get(1) == "pending" and seen.get(2) == "pending", seen
    assert any("Condition met in iteration" in t for t in texts), texts


def test_all_true_highlights_every_message_that_gave_a_value(tmp_path, server):
    url = server.url("/script")
    burst = json.dumps({"send": [{"status": "NEW"}, {"other": 1}, {"status": "FILLED"}]})
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket

    *** Test Cases ***
    All Matches
        Connect    {url}
        Send    {url}    {burst}
        Get Message Count    {url}    assertion_operator===    expected=3
        ${{values}}=    Receive    {url}    $.status    last=3    all=True
        Should Be Equal    ${{values}}    ${{{{["NEW", "FILLED"]}}}}
    """
    root = run_robot(tmp_path, suite)
    assert status_of(root, "All Matches") == ("PASS", ""), status_of(root, "All Matches")
    entries = tables(keyword_messages(root, "Receive"))
    assert len(entries) == 1, entries
    table = rows(entries[0])
    assert [seq for _, _, seq, _ in table] == [1, 2, 3]
    highlighted = {seq: colour for colour, _, seq, _ in table if colour}
    assert highlighted == {1: "#dfd", 3: "#dfd"}, highlighted


def test_should_not_receive_highlights_the_offending_message_in_the_failure_colour(
    tmp_path, server
):
    url = server.url("/script")
    command = json.dumps({"delay": 200, "send": [{"type": "info"}, {"type": "error", "code": 7}]})
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket

    *** Test Cases ***
    Unexpected Error
        Connect    {url}
        Send    {url}    {command}
        Should Not Receive    {url}    $.type    ==    error    within=5s
    """
    root = run_robot(tmp_path, suite)
    status, failure = status_of(root, "Unexpected Error")
    assert status == "FAIL" and '#2: {"type": "error", "code": 7}' in failure, failure
    entries = tables(keyword_messages(root, "Should Not Receive"))
    assert len(entries) == 1, entries
    assert "#dfd" not in entries[0], entries[0]
    table = rows(entries[0])
    assert len(table) == 1, table
    colour, _, seq, content = table[0]
    assert (colour, seq, json.loads(content)) == ("#fdd", 2, {"type": "error", "code": 7})


def test_a_declined_subprotocol_is_warned_about_by_name(tmp_path, server):
    # The test server selects only chat.v1 or chat.v2; it declines anything else, and the
    # handshake still succeeds, without a subprotocol.
    url = server.url("/echo")
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket

    *** Test Cases ***
    Declined
        Connect    {url}    subprotocols=${{{{["nope.v9"]}}}}
        ${{info}}=    Get Connection Info    {url}
        Should Be Equal    ${{info}}[subprotocol]    ${{None}}

    Accepted
        Connect    {url}    alias=chat    subprotocols=${{{{["nope.v9", "chat.v1"]}}}}
    """
    root = run_robot(tmp_path, suite)
    assert status_of(root, "Declined") == ("PASS", ""), status_of(root, "Declined")
    assert status_of(root, "Accepted") == ("PASS", ""), status_of(root, "Accepted")
    connects = [kw for kw in root.iter("kw") if kw.get("name") == "Connect"]
    warnings = [
        [html.unescape(m.text or "") for m in kw.iter("msg") if m.get("level") == "WARN"]
        for kw in connects
    ]
    assert len(warnings[0]) == 1 and "nope.v9" in warnings[0][0], warnings
    assert "selected none of the offered subprotocols" in warnings[0][0], warnings
    # When the server takes one of those offered, there is nothing to warn about.
    assert warnings[1] == [], warnings
