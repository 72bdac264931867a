"""Keywords that start the servers of the AsyncAPI contract tests on free ports:
``asyncapi_kraken.py`` and ``asyncapi_gemini.py`` (see their docstrings for what they send,
and their ``?break=1`` and ``?real=1`` switches)."""

from __future__ import annotations

import time
from typing import Any

from RuleServers import RuleServers


class _Listener:
    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self, owner: Any) -> None:
        self.owner = owner

    def log_message(self, message: Any) -> None:
        self.owner._log_message(message)


class ContractServers(RuleServers):
    ROBOT_LIBRARY_SCOPE = "GLOBAL"

    def __init__(self) -> None:
        super().__init__()
        self.ROBOT_LIBRARY_LISTENER = _Listener(self)

    def start_kraken_server(self, timeout: float = 15) -> str:
        """Starts ``asyncapi_kraken.py``; returns ``ws://127.0.0.1:PORT`` (every path is ``/``)."""
        return f"ws://127.0.0.1:{self._start('asyncapi_kraken.py', timeout)}"

    def start_gemini_server(self, timeout: float = 15) -> str:
        """Starts ``asyncapi_gemini.py``; returns ``ws://127.0.0.1:PORT`` (paths
        ``/v1/marketdata/{symbol}``)."""
        return f"ws://127.0.0.1:{self._start('asyncapi_gemini.py', timeout)}"

    def stop_contract_servers(self) -> None:
        """Stops both."""
        self.stop_rule_servers()

    # -- what the tests read besides the library's keywords ----------------------------------

    def wait_until_received(self, connection: str, count: int, timeout: float = 5) -> None:
        """Waits until ``connection`` of the RobotWebSocket library has received ``count``
        messages, without any of the library's keywords (which would report what arrived):
        a test can then show what the *next* keyword does."""
        from robot.libraries.BuiltIn import BuiltIn

        library = BuiltIn().get_library_instance("RobotWebSocket")
        history = library._context.registry.find(connection).connection.history
        deadline = time.monotonic() + float(timeout)
        while history.total < int(count):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"'{connection}' received {history.total} messages, not {count}."
                )
            history.wait_for_more(history.total, min(left, 0.1))

    def start_collecting_warnings(self) -> None:
        """From now on, remember every WARN the test logs (see `Get Warnings`)."""
        self._warnings: list[str] = []
        self._collecting = True

    def get_warnings(self) -> list[str]:
        """The WARN messages logged since `Start Collecting Warnings`."""
        return list(getattr(self, "_warnings", []))

    def _log_message(self, message: Any) -> None:
        if getattr(self, "_collecting", False) and message.level == "WARN":
            self._warnings.append(message.message)
