"""A mock server (and a proxy, which listens the same way) queues a burst of connecting
clients instead of dropping their attempts: its listening socket's backlog is BACKLOG."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlsplit

import pytest

from RobotWebSocket import RobotWebSocket
from RobotWebSocket._server import BACKLOG


@pytest.mark.skipif(shutil.which("ss") is None, reason="iproute2's ss reads the backlog")
def test_a_mock_server_listens_with_a_backlog_for_a_burst_of_clients() -> None:
    lib = RobotWebSocket()
    try:
        port = urlsplit(lib.start_mock_server()).port
        shown = subprocess.run(
            ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True
        ).stdout.split()
        # State, Recv-Q, Send-Q (for a listening socket: its backlog), local address...
        assert shown[0] == "LISTEN" and int(shown[2]) == BACKLOG
    finally:
        lib.close()
