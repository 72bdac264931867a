"""Robot's test timeouts and Ctrl-C during a stream of large sends.

Python runs signal handlers in the main thread, which is Robot's keyword thread: a test
timeout (SIGALRM) and a graceful stop (SIGINT) raise there at any bytecode. Keyword threads
therefore never run asyncio or websockets code; they wait for the loop in slices. These runs
show that a signal during a send is reported as the timeout or the signal (not as a send
failure) and that the connection is left working, or fails at once naming its state.
"""

from __future__ import annotations

import signal
import subprocess
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import InProcessServer, robot_command
from websockets.asyncio.server import ServerConnection

BIG_MESSAGES = threading.Semaphore(0)


async def sink(ws: ServerConnection) -> None:
    """Reads everything; echoes short messages, counts big ones."""
    async for message in ws:
        if len(message) < 100:
            await ws.send(message)
        else:
            BIG_MESSAGES.release()


@pytest.fixture(scope="module")
def srv() -> Iterator[InProcessServer]:
    server = InProcessServer(sink, max_size=None)
    yield server
    server.stop()


def suite_text(url: str) -> str:
    return textwrap.dedent(
        f"""
        *** Settings ***
        Library           RobotWebSocket
        Suite Setup       Connect    {url}    max_size=${{None}}
        Suite Teardown    Disconnect All

        *** Variables ***
        ${{BIG}}          ${{{{"x" * 4 * 1024 * 1024}}}}

        *** Test Cases ***
        Sends Until Stopped
            [Timeout]    1.5s
            FOR    ${{i}}    IN RANGE    100000
                Send    {url}    ${{i}}${{BIG}}
            END

        The Connection Still Works
            ${{info}}=    Get Connection Info    {url}
            Should Be Equal    ${{info}}[state]    open
            ${{reply}}=    Send And Receive    {url}    after the stop    timeout=10s
            Should Be Equal    ${{reply}}    after the stop
        """
    )


def statuses(output: Path) -> dict[str, tuple[str, str]]:
    root = ET.parse(output).getroot()
    return {
        test.get("name", ""): (test.find("status").get("status"), test.find("status").text or "")  # type: ignore[union-attr]
        for test in root.iter("test")
    }


def test_a_test_timeout_during_large_sends_is_reported_as_the_timeout(
    tmp_path: Path, srv: InProcessServer
) -> None:
    path = tmp_path / "suite.robot"
    path.write_text(suite_text(srv.url("/sink")), encoding="utf-8")
    subprocess.run(
        robot_command(tmp_path, "--console", "none", str(path)), timeout=120, check=False
    )
    result = statuses(tmp_path / "output.xml")
    assert result["Sends Until Stopped"] == (
        "FAIL",
        "Test timeout 1 second 500 milliseconds exceeded.",
    )
    assert result["The Connection Still Works"] == ("PASS", "")


def test_ctrl_c_during_large_sends_stops_gracefully_and_is_reported_as_the_signal(
    tmp_path: Path, srv: InProcessServer
) -> None:
    path = tmp_path / "suite.robot"
    path.write_text(
        suite_text(srv.url("/sink")).replace("[Timeout]    1.5s", "[Timeout]    60s"),
        encoding="utf-8",
    )
    while BIG_MESSAGES.acquire(blocking=False):
        pass
    # Robot raises a signal's stop in its main thread at any bytecode, also while it writes
    # output.xml; at WARN the sends' log tables are not written, so the signal lands in the
    # library's wait, where this test wants it.
    process = subprocess.Popen(
        robot_command(tmp_path, "--console", "none", "--loglevel", "WARN", str(path))
    )
    try:
        for _ in range(3):  # The stream is flowing: the signal lands during the sends.
            assert BIG_MESSAGES.acquire(timeout=60)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) != 0
    finally:
        process.kill()
    result = statuses(tmp_path / "output.xml")
    status, message = result["Sends Until Stopped"]
    assert (status, message) == ("FAIL", "Execution terminated by signal")
    assert "Send" not in message
