"""Keywords that run the Socket.IO and GraphQL servers of the protocol tests, on free ports.

- ``servers/socketio_app.py``: python-socketio under uvicorn.
- ``servers/strawberry_app.py``: strawberry under uvicorn, both GraphQL subprotocols.
- ``node/graphql_ws_server.js``: the reference ``graphql-ws`` server on Node, with the
  packages installed in ``node/node_modules``.

Each server binds a free port itself and writes it to a file that the Start keyword waits
for, so no port is ever guessed. Each runs in its own process group, stopped by
``Stop Part1 Servers`` or, whatever happens to the suite teardown, when the interpreter exits.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
SERVERS = HERE / "servers"
NODE_DIR = HERE / "node"


class Part1Servers:
    ROBOT_LIBRARY_SCOPE = "SUITE"

    def __init__(self) -> None:
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._dir = tempfile.mkdtemp(prefix="rws-part1-")
        atexit.register(self._kill_all)

    def start_socket_io_server(self, ping_interval: float = 25, ping_timeout: float = 20) -> str:
        """Start python-socketio with the given Engine.IO ping interval and timeout
        (seconds); returns its ``http://127.0.0.1:PORT`` URL."""
        command = [sys.executable, str(SERVERS / "socketio_app.py")]
        command += ["--ping-interval", str(ping_interval), "--ping-timeout", str(ping_timeout)]
        port = self._spawn("socketio", command)
        return f"http://127.0.0.1:{port}"

    def start_strawberry_server(self, keep_alive_interval: float = 1) -> str:
        """Start strawberry (``graphql-transport-ws`` and legacy ``graphql-ws``, which gets a
        ``ka`` every ``keep_alive_interval`` seconds); returns its ``ws://.../graphql`` URL."""
        command = [sys.executable, str(SERVERS / "strawberry_app.py")]
        command += ["--keep-alive-interval", str(keep_alive_interval)]
        port = self._spawn("strawberry", command, cwd=SERVERS)
        return f"ws://127.0.0.1:{port}/graphql"

    def start_graphql_ws_server(self, ping_interval: float = 0) -> str:
        """Start the reference ``graphql-ws`` server on Node; with ``ping_interval`` it sends
        protocol pings and drops a client that misses one. Returns its ``ws://.../graphql``
        URL."""
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Node.js ('node') is not installed; the graphql-ws server needs it.")
        if not (NODE_DIR / "node_modules" / "graphql-ws").is_dir():
            raise RuntimeError(f"The graphql-ws packages are missing: run 'npm ci' in {NODE_DIR}.")
        command = [node, str(NODE_DIR / "graphql_ws_server.js")]
        command += ["--ping-interval", str(ping_interval)]
        environment = {**os.environ, "NODE_PATH": str(NODE_DIR / "node_modules")}
        port = self._spawn("graphql-ws", command, cwd=NODE_DIR, env=environment)
        return f"ws://127.0.0.1:{port}/graphql"

    def stop_part1_servers(self) -> None:
        """Stop every server this library started (SIGTERM, then SIGKILL after 5 s)."""
        while self._processes:
            _, process = self._processes.popitem()
            _stop(process)

    def _spawn(
        self,
        name: str,
        command: list[str],
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> int:
        if name in self._processes:
            _stop(self._processes.pop(name))
        stamp = time.monotonic_ns()
        port_file = os.path.join(self._dir, f"{name}-{stamp}.port")
        log_file = os.path.join(self._dir, f"{name}-{stamp}.log")
        with open(log_file, "wb") as log:
            process = subprocess.Popen(
                [*command, "--port-file", port_file],
                cwd=cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._processes[name] = process
        deadline = time.monotonic() + timeout
        while not os.path.exists(port_file):
            if process.poll() is not None or time.monotonic() > deadline:
                _stop(process)
                self._processes.pop(name, None)
                output = Path(log_file).read_text(errors="replace")[-2000:]
                raise RuntimeError(
                    f"The {name} server did not start (exit code {process.returncode}):\n{output}"
                )
            time.sleep(0.05)
        with open(port_file, encoding="utf-8") as handle:
            return int(json.load(handle)["port"])

    def _kill_all(self) -> None:
        for process in self._processes.values():
            if process.poll() is None:
                _signal_group(process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait(5)
