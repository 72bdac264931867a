"""Keywords that start and stop the test server as a separate process, on free ports."""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trustme

SERVER = Path(__file__).with_name("testserver.py")


class ServerControl:
    ROBOT_LIBRARY_SCOPE = "GLOBAL"

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._victim: subprocess.Popen[bytes] | None = None
        self._victim_port = 0
        self._dir = tempfile.mkdtemp(prefix="rws-atest-")
        self._tls: dict[str, str] = {}
        # Whatever happens to the suite teardown, no server outlives the run (an orphan
        # would hold the CI job's output open).
        atexit.register(self._kill_all)

    def create_certificates(self) -> dict[str, str]:
        """Make a CA, a server certificate for 127.0.0.1/localhost and a client
        certificate; returns their file paths."""
        if not self._tls:
            ca = trustme.CA()
            server = ca.issue_cert("127.0.0.1", "localhost")
            client = ca.issue_cert("client@example.com")
            paths = {
                "ca": os.path.join(self._dir, "ca.pem"),
                "cert": os.path.join(self._dir, "server.pem"),
                "key": os.path.join(self._dir, "server.key"),
                "client_cert": os.path.join(self._dir, "client.pem"),
                "client_key": os.path.join(self._dir, "client.key"),
            }
            ca.cert_pem.write_to_path(paths["ca"])
            server.cert_chain_pems[0].write_to_path(paths["cert"])
            server.private_key_pem.write_to_path(paths["key"])
            client.cert_chain_pems[0].write_to_path(paths["client_cert"])
            client.private_key_pem.write_to_path(paths["client_key"])
            self._tls = paths
        return dict(self._tls)

    def _spawn(self, extra: list[str], timeout: float) -> tuple[subprocess.Popen[bytes], dict]:
        port_file = os.path.join(self._dir, f"ports-{time.monotonic_ns()}.json")
        process = subprocess.Popen(
            [sys.executable, str(SERVER), "--port-file", port_file, *extra],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + float(timeout)
        while not os.path.exists(port_file):
            if process.poll() is not None:
                raise RuntimeError(f"Test server exited with {process.returncode}.")
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("Test server did not write its port file in time.")
            time.sleep(0.05)
        with open(port_file, encoding="utf-8") as handle:
            return process, json.load(handle)

    def start_test_server(self, timeout: float = 15) -> dict[str, str]:
        """Start the server and return base URLs: ``ws``, ``wss``, ``mtls``, ``hang``,
        ``mute``."""
        tls = self.create_certificates()
        self._process, ports = self._spawn(
            ["--cert", tls["cert"], "--key", tls["key"], "--ca", tls["ca"]], timeout
        )
        return {
            "ws": f"ws://127.0.0.1:{ports['ws']}",
            "wss": f"wss://127.0.0.1:{ports['wss']}",
            "mtls": f"wss://127.0.0.1:{ports['mtls']}",
            "hang": f"ws://127.0.0.1:{ports['hang']}",
            "mute": f"ws://127.0.0.1:{ports['mute']}",
            "ping": f"ws://127.0.0.1:{ports['ping']}",
            "proxy": f"http://127.0.0.1:{ports['proxy']}",
            "proxied": f"ws://through-proxy.test:{ports['ws']}",
            "ws_port": str(ports["ws"]),
        }

    def start_victim_server(self, timeout: float = 15) -> str:
        """Start a second server that a test may kill; started again, it listens on the
        port it had. Returns its ``ws://`` base URL."""
        self._victim, ports = self._spawn(["--ws-port", str(self._victim_port)], timeout)
        self._victim_port = ports["ws"]
        return f"ws://127.0.0.1:{ports['ws']}"

    def kill_victim_server(self) -> None:
        """Kill the second server at once (SIGKILL), as a crash would."""
        victim, self._victim = self._victim, None
        if victim is not None and victim.poll() is None:
            victim.kill()
            victim.wait(5)

    def stop_test_server(self) -> None:
        """Stop the servers gracefully (SIGTERM), killing them if they do not stop."""
        self.kill_victim_server()
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def _kill_all(self) -> None:
        for process in (self._process, self._victim):
            if process is not None and process.poll() is None:
                process.kill()
