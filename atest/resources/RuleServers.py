"""Keywords that start and stop the servers of the message-rule tests, on free ports.

``noisy_server.py`` is a websockets server full of housekeeping traffic; ``socketio_raw_app.py``
is a python-socketio server that drops clients which do not answer its Engine.IO pings. Each
runs as a subprocess that picks a free port and writes it to a file this library waits for.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVERS = Path(__file__).with_name("servers")


class RuleServers:
    ROBOT_LIBRARY_SCOPE = "GLOBAL"

    def __init__(self) -> None:
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._dir = tempfile.mkdtemp(prefix="rws-rules-")
        # Whatever happens to the suite teardown, no server outlives the run.
        atexit.register(self._kill_all)

    def _start(self, script: str, timeout: float) -> int:
        if script in self._processes:
            self._stop(script)
        port_file = os.path.join(self._dir, f"{Path(script).stem}-{time.monotonic_ns()}.port")
        process = subprocess.Popen(
            [sys.executable, str(SERVERS / script), "--port-file", port_file],
            stdout=subprocess.DEVNULL,
        )
        self._processes[script] = process
        deadline = time.monotonic() + float(timeout)
        while not os.path.exists(port_file):
            if process.poll() is not None:
                raise RuntimeError(f"{script} exited with {process.returncode} before listening.")
            if time.monotonic() > deadline:
                self._stop(script)
                raise RuntimeError(f"{script} did not write its port file in {timeout} s.")
            time.sleep(0.05)
        with open(port_file, encoding="utf-8") as handle:
            return int(handle.read())

    def start_noisy_server(self, timeout: float = 15) -> str:
        """Starts ``noisy_server.py`` and returns its base URL, ``ws://127.0.0.1:PORT``."""
        return f"ws://127.0.0.1:{self._start('noisy_server.py', timeout)}"

    def start_socketio_server(self, timeout: float = 20) -> str:
        """Starts ``socketio_raw_app.py`` and returns its Engine.IO WebSocket URL,
        ``ws://127.0.0.1:PORT/socket.io/?EIO=4&transport=websocket``."""
        port = self._start("socketio_raw_app.py", timeout)
        return f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"

    def stop_rule_servers(self) -> None:
        """Stops every server started here (SIGTERM, then SIGKILL if one does not stop)."""
        for script in list(self._processes):
            self._stop(script)

    def _stop(self, script: str) -> None:
        process = self._processes.pop(script)
        if process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def _kill_all(self) -> None:
        for process in self._processes.values():
            if process.poll() is None:
                process.kill()
