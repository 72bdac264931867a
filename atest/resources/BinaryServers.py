"""Keywords that run the servers of the binary-document and SignalR tests, on free ports.

- ``servers/binary_feed.py``: MessagePack, CBOR and Protocol Buffers frames encoded with the
  real libraries, and reports of what they decoded of the library's frames.
- ``servers/signalr_hub.py``: a SignalR hub written from Microsoft's specification and
  checked against ``@microsoft/signalr`` (utest/test_signalr_hub.py); plain, or https/wss
  requiring client certificates.

They reuse ``Part1Servers``' way of starting a process that writes its port to a file.
Also a keyword that hides an installed package, to see what ``Connect`` says without it.
"""

from __future__ import annotations

import sys
from typing import Any

from Part1Servers import SERVERS, Part1Servers


class BinaryServers(Part1Servers):
    ROBOT_LIBRARY_SCOPE = "SUITE"

    def __init__(self) -> None:
        super().__init__()
        self._hidden: dict[str, Any] = {}

    def start_binary_feed(self) -> str:
        """Start the binary feed server; returns its ``ws://127.0.0.1:PORT`` URL."""
        port = self._spawn("binary-feed", [sys.executable, str(SERVERS / "binary_feed.py")])
        return f"ws://127.0.0.1:{port}"

    def start_signalr_hub(
        self,
        keep_alive: float = 15,
        client_timeout: float = 30,
        token: str | None = None,
        cert: str | None = None,
        key: str | None = None,
        ca: str | None = None,
        name: str = "signalr",
    ) -> int:
        """Start the SignalR hub (``--keep-alive``/``--client-timeout`` in seconds, a
        bearer ``token`` it requires, TLS files); returns its port."""
        command = [sys.executable, str(SERVERS / "signalr_hub.py")]
        command += ["--keep-alive", str(keep_alive), "--client-timeout", str(client_timeout)]
        if token:
            command += ["--token", token]
        if cert:
            command += ["--cert", cert, "--key", str(key)]
        if ca:
            command += ["--ca", ca]
        return self._spawn(name, command)

    def hide_python_package(self, name: str) -> None:
        """Make ``import name`` fail in this process, as if the package were not installed,
        until `Restore Python Packages`."""
        if name not in self._hidden:
            self._hidden[name] = sys.modules.get(name)
        sys.modules[name] = None  # type: ignore[assignment]

    def restore_python_packages(self) -> None:
        while self._hidden:
            name, module = self._hidden.popitem()
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
