"""The README's complete suites run as they stand against the demo server."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, robot_command
from robot.version import VERSION

ROBOT_VERSION = tuple(int(part) for part in VERSION.split(".")[:2])
BLOCK = re.compile(r"```robotframework\n(.*?)```", re.S)


def complete_suites() -> list[str]:
    """The README's robotframework blocks that are whole suites needing only the library
    (a block that drives a browser is a sketch of the user's own page)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [
        block
        for block in BLOCK.findall(text)
        if "*** Test Cases ***" in block
        and set(re.findall(r"^Library\s+(\S+)", block, re.M)) == {"RobotWebSocket"}
    ]


def test_the_readme_has_a_complete_suite() -> None:
    assert complete_suites()


@pytest.mark.skipif(ROBOT_VERSION < (7, 4), reason="the README uses Secret variables (7.4)")
def test_the_readmes_suites_pass_against_the_demo_server(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    demo = subprocess.Popen(
        [sys.executable, "-m", "RobotWebSocket.demo", "--port", "0", "--port-file", str(port_file)],
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.05)
        url = f"ws://127.0.0.1:{port_file.read_text().strip()}"
        for number, suite in enumerate(complete_suites(), 1):
            path = tmp_path / f"readme_{number}.robot"
            path.write_text(suite, encoding="utf-8")
            out = tmp_path / f"out{number}"
            run = subprocess.run(
                [*robot_command(out, "--variable", f"DEMO:{url}"), str(path)],
                capture_output=True,
                text=True,
                timeout=120,
            )
            statuses = {
                test.get("name"): test.find("status").get("status")  # type: ignore[union-attr]
                for test in ET.parse(out / "output.xml").iter("test")
            }
            assert statuses and set(statuses.values()) == {"PASS"}, (statuses, run.stdout)
    finally:
        demo.terminate()
        demo.wait(10)
