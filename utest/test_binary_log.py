"""What log.html shows of binary documents and of SignalR connections, checked in whole
Robot runs: a decoded binary frame's document and its frame as hex, on both sides of a
mock server; and a negotiated access token and an Authorization header never in the log."""

from __future__ import annotations

import html
from pathlib import Path

from test_log_content import run_robot, status_of

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "atest" / "resources"


def test_binary_documents_are_logged_with_their_frame_as_hex(tmp_path: Path) -> None:
    root = run_robot(
        tmp_path,
        """
        *** Settings ***
        Library      RobotWebSocket
        *** Test Cases ***
        Binary
            ${url}=    Start Mock Server    binary_format=msgpack
            Connect    ${url}    binary_format=msgpack
            ${client}=    Wait For Client
            Send    ${url}    ${{{"op": "buy", "qty": 3}}}
            Receive    ${client}    $.qty    ==    3
            [Teardown]    Disconnect All
        """,
    )
    assert status_of(root, "Binary")[0] == "PASS"
    logged = html.unescape(" ".join(m.text or "" for m in root.iter("msg")))
    assert '{"op": "buy", "qty": 3}' in logged
    frame = "82 a2 6f 70 a3 62 75 79 a3 71 74 79 03"  # msgpack.packb({"op": "buy", "qty": 3})
    # Sent (by the client) and received (by the mock server's client): both rows.
    assert logged.count(frame) >= 2, logged[:2000]


def test_signalr_credentials_stay_out_of_the_log(tmp_path: Path) -> None:
    token = "hub-secret-91c2"
    root = run_robot(
        tmp_path,
        f"""
        *** Settings ***
        Library      RobotWebSocket
        Library      {RESOURCES / "BinaryServers.py"}
        Suite Teardown    Stop Part1 Servers
        *** Test Cases ***
        Masked
            ${{port}}=    Start Signalr Hub    token={token}
            &{{auth}}=    Create Dictionary    Authorization=Bearer {token}
            Connect    http://127.0.0.1:${{port}}/hub    protocol=signalr    headers=${{auth}}
            Request    http://127.0.0.1:${{port}}/hub    {{"target": "Stats", "arguments": []}}
            ...    $.result.authorization    contains    Bearer
            Connect    http://127.0.0.1:${{port}}/redirect    protocol=signalr    alias=azure
            ...    headers=${{auth}}
            Request    azure    {{"target": "Stats", "arguments": []}}
            [Teardown]    Disconnect All
        """,
        "--pythonpath",
        str(RESOURCES),
        "--loglevel",
        "DEBUG",
    )
    assert status_of(root, "Masked")[0] == "PASS", status_of(root, "Masked")
    logged = html.unescape(" ".join(m.text or "" for m in root.iter("msg")))
    assert '"authorization": "***"' in logged
    kw_messages = [
        m.text or ""
        for kw in root.iter("kw")
        if kw.get("name") in ("Connect", "Request")
        for m in kw.iter("msg")
    ]
    assert kw_messages and not any(token in text for text in kw_messages)
