"""Whole Robot runs in a subprocess: what only a real run shows (timeouts, warnings in
output.xml, secrets kept out of the log)."""

from __future__ import annotations

import html
import re
import subprocess
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import robot_command
from robot.version import VERSION

ROBOT_VERSION = tuple(int(part) for part in VERSION.split(".")[:2])

ROOT = Path(__file__).resolve().parents[1]


def run_robot(
    tmp_path: Path, suite: str, *options: str
) -> tuple[subprocess.CompletedProcess, ET.Element]:
    path = tmp_path / "suite.robot"
    path.write_text(textwrap.dedent(suite), encoding="utf-8")
    result = subprocess.run(
        robot_command(tmp_path, "--console", "none", *options, str(path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, ET.parse(tmp_path / "output.xml").getroot()


def statuses(root: ET.Element) -> dict[str, tuple[str, str]]:
    return {
        test.get("name"): (test.find("status").get("status"), test.find("status").text or "")
        for test in root.iter("test")
    }


def test_a_test_timeout_stops_a_long_receive_and_the_next_test_runs(tmp_path, server):
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket

    *** Test Cases ***
    Long Wait
        [Timeout]    1s
        Connect    {server.url("/silent")}
        Receive    {server.url("/silent")}    timeout=60s

    Next Test Runs
        ${{reply}}=    Send And Receive    {server.url("/echo")}    still alive
        Should Be Equal    ${{reply}}    still alive
    """
    _, root = run_robot(tmp_path, suite)
    result = statuses(root)
    assert result["Long Wait"] == ("FAIL", "Test timeout 1 second exceeded.")
    assert result["Next Test Runs"][0] == "PASS"
    long_wait = next(t for t in root.iter("test") if t.get("name") == "Long Wait")
    elapsed = float(long_wait.find("status").get("elapsed"))
    # Receive waits in slices of about 0.1 s, so it stops soon after the 1 s test timeout;
    # had it ignored the timeout, it would have run for its own 60 s.
    assert elapsed < 5, f"the test ran {elapsed} s with a 1 s test timeout"


def test_dropped_messages_are_reported_as_a_warning(tmp_path, server):
    # The server sends eight messages and then closes: once Wait Until Closed returns, all
    # eight have arrived, and it is the first keyword to read the history, so one warning
    # reports the five that three places could not keep.
    url = server.url("/script")
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket    buffer_size=3

    *** Test Cases ***
    Drops
        Connect    {url}
        Send    {url}    {{"burst": 8, "close": 1000}}
        Wait Until Closed    {url}
        ${{info}}=    Get Connection Info    {url}
        Should Be Equal As Integers    ${{info}}[received]    8
        ${{kept}}=    Receive    {url}    last=3
        Should Be Equal    ${{kept}}    ${{{{['{{"seq": 6}}', '{{"seq": 7}}', '{{"seq": 8}}']}}}}
    """
    _, root = run_robot(tmp_path, suite)
    assert statuses(root)["Drops"][0] == "PASS", statuses(root)
    test = next(root.iter("test"))  # Not the <errors> section, which repeats each warning.
    warnings = [m.text or "" for m in test.iter("msg") if m.get("level") == "WARN"]
    assert len(warnings) == 1, warnings
    assert "5 message(s) were dropped" in warnings[0] and "buffer_size=3" in warnings[0]


def test_headers_on_an_open_connection_are_not_applied_and_the_log_says_so(tmp_path, server):
    url = server.url("/headers")
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket

    *** Test Cases ***
    Late Headers
        Connect    {url}
        Receive    {url}    $.Host
        &{{headers}}=    Create Dictionary    X-Late=yes
        Send    {url}    hi    headers=${{headers}}
        Get Message Count    {url}    $['X-Late']    ==    0
    """
    _, root = run_robot(tmp_path, suite)
    assert statuses(root)["Late Headers"][0] == "PASS", statuses(root)
    send = next(kw for kw in root.iter("kw") if kw.get("name") == "Send")
    warnings = [m.text or "" for m in send.iter("msg") if m.get("level") == "WARN"]
    assert len(warnings) == 1, warnings
    assert f"Headers cannot be applied: '{url}' is already open" in html.unescape(warnings[0])


@pytest.mark.skipif(
    ROBOT_VERSION < (7, 4), reason="Robot Framework has Secret variables from 7.4 on"
)
def test_secrets_never_reach_output_xml_or_log(tmp_path, server, monkeypatch):
    """Credentials given as Secret values and as URL query tokens stay out of every file."""
    secret, url_token, api_key = "Bearer s3cr3t-h34der", "t0k3n-in-url", "k3y-v4lu3"
    monkeypatch.setenv("RWS_TOKEN", secret)
    monkeypatch.setenv("RWS_KEY", api_key)
    # Escaped for HTML, this one reads differently; it must be masked as it was given.
    monkeypatch.setenv("RWS_ODD", "a&b<x7q9>'")
    url = server.url(f"/headers?token={url_token}")
    suite = """
    *** Settings ***
    Library    RobotWebSocket

    *** Variables ***
    ${TOKEN: Secret}    %{RWS_TOKEN}
    ${KEY: Secret}      %{RWS_KEY}
    ${ODD: Secret}      %{RWS_ODD}

    *** Test Cases ***
    Uses Secrets
        &{headers}=    Create Dictionary    Authorization=${TOKEN}    X-Api-Key=${KEY}
        Connect    ${URL}    headers=${headers}
        Receive    ${URL}    $.Authorization    ==    ${TOKEN}
        Receive    ${URL}    $['X-Api-Key']    ==    ${KEY}
        ${info}=    Get Connection Info    ${URL}
        Log    ${info}
        Send    ${URL}    the token is %{RWS_TOKEN}
        Send    ${URL}    ${ODD}
        Disconnect    ${URL}

    Failure Messages Are Masked Too
        Connect    ${URL}    headers={"Authorization": "%{RWS_TOKEN}"}
        Receive    ${URL}    $.Authorization    ==    wrong    timeout=0.2s
    """
    _, root = run_robot(tmp_path, suite, "--loglevel", "DEBUG", "--variable", f"URL:{url}")
    result = statuses(root)
    assert result["Uses Secrets"][0] == "PASS", result
    failure = result["Failure Messages Are Masked Too"]
    assert failure[0] == "FAIL" and "***" in failure[1], failure
    for name in ("output.xml", "log.html", "report.html"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        for value in ("s3cr3t-h34der", url_token, api_key, "x7q9"):
            assert value not in text, f"{value} leaked into {name}"


def test_the_log_shows_sent_and_received_messages(tmp_path, server):
    url = server.url("/echo")
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket    log_max_length=40

    *** Test Cases ***
    Conversation
        Connect    {url}
        Send    {url}    {{"greeting": "hello", "padding": "{"x" * 100}"}}
        Receive    {url}    $.greeting    ==    hello
        ${{bytes}}=    Convert To Bytes    00 41 ff    hex
        Send And Receive    {url}    ${{bytes}}
    """
    _, root = run_robot(tmp_path, suite)
    messages = [m.text or "" for m in root.iter("msg")]
    assert any(m.startswith("Sent on") and "&rarr; sent" in m for m in messages)
    assert any(
        "Send And Receive on" in m and "&rarr; sent" in m and "&larr; received" in m
        for m in messages
    ), "one entry shows the request and the reply"
    assert any("[cut:" in m for m in messages), "long messages are cut with a marker"
    assert any("00 41 ff" in m and "|.A.|" in m for m in messages), "binary shows as hex and text"
    assert any(
        "$.greeting == 'hello' -> 'hello' from message #1" in html.unescape(m) for m in messages
    )


def test_a_burst_of_100000_then_one_receive_keeps_output_xml_small(tmp_path, server):
    url = server.url("/script")
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket    buffer_size=100000    timeout=60s

    *** Test Cases ***
    Burst Then Receive
        Connect    {url}    compression=False
        Send    {url}    {{"burst": 100000}}
        Get Message Count    {url}    assertion_operator===    expected=100000
        Receive    {url}    $.seq    ==    100000
        Disconnect    {url}
    """
    _, root = run_robot(tmp_path, suite)
    assert statuses(root)["Burst Then Receive"][0] == "PASS"
    size = (tmp_path / "output.xml").stat().st_size
    print(f"output.xml after a 100,000-message burst and one Receive: {size} bytes")
    assert size < 100_000, f"output.xml is {size} bytes"


def test_a_sent_message_is_stamped_when_it_was_sent_not_after_its_reply(tmp_path, server):
    """The log showed the request after its reply: it was stamped when the write ended."""
    url = server.url("/echo")
    suite = f"""
    *** Settings ***
    Library    RobotWebSocket

    *** Test Cases ***
    Round Trips
        FOR    ${{i}}    IN RANGE    50
            Send And Receive    {url}    ping ${{i}}
        END
    """
    _, root = run_robot(tmp_path, suite)
    entries = [m.text or "" for m in root.iter("msg") if "&rarr; sent" in (m.text or "")]
    assert len(entries) == 50
    for entry in entries:
        times = re.findall(r"<td>(\d\d:\d\d:\d\d\.\d\d\d)</td>", entry)
        assert len(times) == 2 and times[0] <= times[1], entry
