"""Keywords that run the hostile server (``servers/hostile_server.py``) on a free port, and
measure the test process's own memory around what it sends.

The server binds a free port itself and writes it to a file that ``Start Hostile Server``
waits for. It is stopped by ``Stop Hostile Server`` or, whatever happens to the suite
teardown, when the interpreter exits.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = Path(__file__).with_name("servers") / "hostile_server.py"


class HostileServer:
    ROBOT_LIBRARY_SCOPE = "SUITE"

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._dir = tempfile.mkdtemp(prefix="rws-hostile-")
        atexit.register(self.stop_hostile_server)

    def start_hostile_server(self, timeout: float = 20) -> str:
        """Starts the hostile server; returns its ``ws://127.0.0.1:PORT`` URL."""
        self.stop_hostile_server()
        port_file = os.path.join(self._dir, f"hostile-{time.monotonic_ns()}.port")
        self._process = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--port-file", port_file], stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + float(timeout)
        while not os.path.exists(port_file):
            if self._process.poll() is not None:
                code = self._process.returncode
                raise RuntimeError(f"The hostile server exited with {code} before listening.")
            if time.monotonic() > deadline:
                self.stop_hostile_server()
                raise RuntimeError(f"The hostile server did not listen within {timeout} s.")
            time.sleep(0.05)
        with open(port_file, encoding="utf-8") as handle:
            return f"ws://127.0.0.1:{int(handle.read())}"

    def stop_hostile_server(self) -> None:
        """Stops the hostile server (SIGTERM, then SIGKILL after 5 s); nothing if it is not
        running."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def get_memory_use(self) -> float:
        """The resident memory of this process (the one running the library) in MiB, read
        from ``/proc/self/status``."""
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("/proc/self/status has no VmRSS line")

    def memory_should_not_have_grown(self, before: float, limit: float = 48) -> None:
        """Fails when the process's resident memory grew by more than ``limit`` MiB since
        ``before`` (a value of `Get Memory Use`)."""
        grown = self.get_memory_use() - float(before)
        if grown > float(limit):
            raise AssertionError(f"Memory grew by {grown:.1f} MiB, more than {limit} MiB.")
