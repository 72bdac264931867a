"""The demo server as users run it: ``python -m RobotWebSocket.demo``."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from RobotWebSocket.demo import ROUTES
from RobotWebSocket.errors import WebSocketError

ROOT = Path(__file__).resolve().parents[1]
ENDPOINTS = ("/echo", "/orders", "/poll", "/chat", "/ticks")


def demo_command(*options: str) -> list[str]:
    return [sys.executable, "-m", "RobotWebSocket.demo", *options]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo server on a free port, in its own process; yields its base URL."""
    port_file = tmp_path_factory.mktemp("demo") / "port"
    process = subprocess.Popen(
        demo_command("--port", "0", "--port-file", str(port_file)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the demo server did not start: {process.communicate()[1]}")
        time.sleep(0.05)
    yield f"ws://127.0.0.1:{port_file.read_text(encoding='utf-8')}"
    process.terminate()
    process.wait(10)


def test_help_lists_each_endpoint_on_a_line_of_its_own():
    result = subprocess.run(
        demo_command("--help"), cwd=ROOT, capture_output=True, text=True, timeout=30, check=True
    )
    lines = result.stdout.splitlines()
    for path in ENDPOINTS:
        described = [line for line in lines if line.split()[:1] == [path]]
        assert len(described) == 1, f"{path} is not listed once in:\n{result.stdout}"
        assert len(described[0].split()) > 2, f"{path} has no description: {described[0]!r}"
    assert "404" in result.stdout, "the help says what happens to any other path"
    # A new endpoint must be added to the list above, and so to the help.
    assert set(ROUTES) == set(ENDPOINTS)


def test_an_unknown_path_is_refused_with_404_when_connecting(lib, demo):
    with pytest.raises(WebSocketError) as failure:
        lib.connect(f"{demo}/typo")
    assert "404" in str(failure.value)
    assert f"{demo}/typo" in str(failure.value)
    assert lib._context.registry.find(f"{demo}/typo") is None


@pytest.mark.parametrize("path", ["/echo", "/echo?userId=1", "/echo/sub/path"])
def test_a_known_path_still_connects_with_a_query_or_a_sub_path(lib, demo, path):
    url = demo + path
    lib.connect(url)
    assert lib.send_and_receive(url, "still here") == "still here"
    lib.disconnect(url)
