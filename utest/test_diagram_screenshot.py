"""A realistic conversation's diagram rendered by headless Chromium, alone and inside a real
log.html, to a PNG file.

The tests check that the browser drew something of the expected size; whether lanes are
readable, labels apart and kinds told apart is judged by looking at the picture, which
``python utest/test_diagram_screenshot.py docs/images/conversation.png`` writes.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from RobotWebSocket.diagram import Diagram, Event, draw

CHROMIUM = os.environ.get("RWS_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
needs_chromium = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium, or set RWS_CHROMIUM)",
)

T0 = 1_760_000_000.0
CLIENT, SERVER = "library/client", "server"


def realistic_conversation() -> Diagram:
    """Twelve messages of an order stream: a subscription, prices, a heartbeat that a rule
    ignores and answers, an undecodable frame, a message the full history dropped, a long
    fill cut short, and a server's text that tries to be markup."""
    events = [
        Event(T0 + 0.000, CLIENT, SERVER, '{"op": "subscribe", "symbol": "ACME"}', "sent"),
        Event(T0 + 0.004, SERVER, CLIENT, '{"type": "welcome", "session": "a1b2"}'),
        Event(T0 + 0.011, SERVER, CLIENT, '{"type": "price", "symbol": "ACME", "bid": 101.5}'),
        Event(T0 + 0.250, SERVER, CLIENT, '{"type": "heartbeat", "seq": 1}', "ignored"),
        Event(T0 + 0.251, CLIENT, SERVER, '{"type": "pong", "seq": 1}', "auto"),
        Event(T0 + 0.300, SERVER, CLIENT, "8 B: 00 01 ff 7b 22 74 79 70", "undecodable"),
        Event(T0 + 0.412, CLIENT, SERVER, '{"op": "order", "id": "o-17", "qty": 3}', "sent"),
        Event(T0 + 0.415, SERVER, CLIENT, '{"type": "ack", "id": "o-17"}'),
        Event(T0 + 0.470, SERVER, CLIENT, '{"type": "price", "bid": 101.7}', "dropped"),
        Event(
            T0 + 0.520,
            SERVER,
            CLIENT,
            '{"type": "fill", "id": "o-17", "status": "FILLED", "qty": 3, "price": 101.6}',
        ),
        Event(T0 + 1.000, CLIENT, SERVER, '{"type": "heartbeat"}', "auto"),
        Event(T0 + 1.020, SERVER, CLIENT, '{"type": "bye", "note": "<script>alert(1)</script>"}'),
    ]
    return draw(events, [CLIENT, SERVER], title="Conversation of ws://127.0.0.1:8765/orders")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG file"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def screenshot(url: str, png: Path, width: int, height: int, *extra: str) -> None:
    profile = tempfile.mkdtemp(prefix="rws-diagram-chromium-")
    try:
        subprocess.run(
            [
                CHROMIUM,
                *FLAGS,
                *extra,
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={width},{height}",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def render_page(diagram: Diagram, directory: Path, png: Path) -> tuple[int, int]:
    """Writes an HTML page holding the diagram, as log.html holds it, and its screenshot;
    returns the window size."""
    page = directory / "diagram.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>diagram</title></head>'
        f'<body style="margin:4px">{diagram.svg}</body></html>',
        encoding="utf-8",
    )
    root_width = int(diagram.svg.split('width="', 1)[1].split('"', 1)[0])
    root_height = int(diagram.svg.split('height="', 1)[1].split('"', 1)[0])
    size = (root_width + 8, root_height + 8)
    screenshot(page.as_uri(), png, *size)
    return size


@needs_chromium
def test_the_diagram_renders_in_chromium(tmp_path: Path) -> None:
    png = tmp_path / "conversation.png"
    size = render_page(realistic_conversation(), tmp_path, png)
    assert png.stat().st_size > 10_000
    assert png_size(png) == size


@needs_chromium
def test_the_diagram_renders_inside_log_html(tmp_path: Path) -> None:
    # Robot's own page, styles and message cell around it: logged with html=True, as the
    # keyword will log it.
    (tmp_path / "DiagramLog.py").write_text(
        "from robot.api import logger\ndef log_diagram(svg):\n    logger.info(svg, html=True)\n"
    )
    (tmp_path / "diagram.robot").write_text(
        "*** Settings ***\nLibrary    DiagramLog.py\n\n*** Test Cases ***\nDiagram\n"
        "    Log Diagram    ${SVG}\n"
    )
    svg = realistic_conversation().svg
    variables = tmp_path / "variables.py"
    variables.write_text(f"SVG = {svg!r}\n")
    result = subprocess.run(
        [sys.executable, "-m", "robot", "--outputdir", str(tmp_path), "--variablefile",
         str(variables), "--report", "NONE", "--console", "none", str(tmp_path / "diagram.robot")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    png = tmp_path / "log.png"
    # The fragment opens the keyword; the time budget lets log.html's script draw it.
    url = (tmp_path / "log.html").as_uri() + "#s1-t1-k1"
    screenshot(url, png, 900, 1000, "--virtual-time-budget=5000")
    assert png.stat().st_size > 10_000
    assert png_size(png) == (900, 1000)


if __name__ == "__main__":
    # Writes the screenshot for the documentation: the diagram alone, sized to it.
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "conversation.png").resolve()
    with tempfile.TemporaryDirectory() as directory:
        print(render_page(realistic_conversation(), Path(directory), target), target)
