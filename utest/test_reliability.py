"""Interruption, fuzzing, and bad input leaving nothing behind."""

from __future__ import annotations

import json
import signal
import subprocess
import textwrap
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import robot_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from RobotWebSocket import RobotWebSocket
from RobotWebSocket.errors import WebSocketError
from RobotWebSocket.extraction import compile_expression, extract
from RobotWebSocket.history import Message
from RobotWebSocket.query import Query

ROOT = Path(__file__).resolve().parents[1]


def test_sigint_during_a_wait_stops_robot_promptly_with_valid_output(tmp_path, server):
    suite = tmp_path / "wait.robot"
    suite.write_text(
        textwrap.dedent(f"""
        *** Settings ***
        Library    RobotWebSocket

        *** Test Cases ***
        Long Wait
            Connect    {server.url("/silent")}
            Log To Console    WAITING
            Receive    {server.url("/silent")}    timeout=120s
        """),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        robot_command(tmp_path, "--console", "verbose", str(suite)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if "WAITING" in line or time.monotonic() > deadline:
            break
    time.sleep(0.5)  # inside Receive's wait now
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("robot did not stop within 30 s of SIGINT")
    stopped_after = time.monotonic() - interrupted
    root = ET.parse(tmp_path / "output.xml").getroot()  # valid XML, or this raises
    status = next(root.iter("test")).find("status")
    assert status.get("status") == "FAIL"
    assert "Execution terminated by signal" in (status.text or "")
    # Receive waits in slices of about 0.1 s, so Robot's signal handler stops it almost at
    # once; a wait that ignored the signal would run on towards its 120 s timeout.
    print(f"robot stopped {stopped_after:.2f} s after SIGINT")
    assert stopped_after < 5, f"robot took {stopped_after:.1f} s to stop after SIGINT"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.text(max_size=200),
        st.binary(max_size=200),
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers()
            | st.floats(allow_nan=False)
            | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=5)
                | st.dictionaries(st.text(max_size=8), children, max_size=5)
            ),
            max_leaves=20,
        ).map(json.dumps),
    ),
    expression=st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            ["$", "$.", "$[", "$..*", "$[?(@.a", "//", "/a[", "regex=(", "xpath=", "jsonpath="]
        ),
        st.text(max_size=20).map(lambda t: "$." + t),
        st.text(max_size=20).map(lambda t: "regex=" + t),
        st.text(max_size=20).map(lambda t: "/" + t),
    ),
    last=st.integers(min_value=1, max_value=3),
)
def test_extraction_never_raises_anything_but_the_library_errors(data, expression, last):
    messages = [Message(i + 1, 0, data) for i in range(last)]
    try:
        compiled = compile_expression(expression)
    except WebSocketError:
        return
    extract(compiled, messages, last == 1, False)
    extract(compiled, messages, last == 1, True)
    query = Query.build(expression, "==", "1", last)
    query.accept(query.evaluate(messages))


def test_bad_input_leaves_no_connection_or_thread_behind(server):
    library = RobotWebSocket()
    library.connect(server.url("/echo"), alias="warm")  # the loop thread exists from here on
    threads = _threads()
    bad_calls = [
        lambda: library.connect("ws://127.0.0.1:1/refused"),
        lambda: library.connect(server.url("/status/403")),
        lambda: library.connect("http://nope/"),
        lambda: library.connect(server.url("/echo"), headers={"X": "a\nb"}),
        lambda: library.connect(server.url("/echo"), subprotocols=["bad name"]),
        lambda: library.connect(server.url("/echo"), timeout=-1),
        lambda: library.receive("warm", "$[", timeout=1),
        lambda: library.receive("warm", last=0),
        lambda: library.send("warm", object()),
    ]
    for call in bad_calls:
        with pytest.raises(WebSocketError):
            call()
    assert {e.name for e in library._context.registry.entries()} == {"warm"}
    assert _threads() == threads
    library.close()


def _threads() -> int:
    """Threads that a leak would add: asyncio's default executor (name resolution for a
    connect) starts its pool threads on first use and keeps them, by design."""
    return sum(1 for t in threading.enumerate() if not t.name.startswith("asyncio_"))
