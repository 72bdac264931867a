"""Real WebSocket clients for the mock server's acceptance tests, run as separate processes.

Three clients connect to a URL and report what they see as JSON events: ``node_client.js`` (the
``ws`` package), ``py_client.py`` (``websocket-client``) and ``page.html`` in headless
Chromium. Each event is a dictionary: ``{"event": "open", "subprotocol"}``,
``{"event": "message", "type": "text"|"binary", "data"}`` (binary data as base64),
``{"event": "close", "code", "reason"}``, ``{"event": "error", "message"}`` or
``{"event": "timeout"}``. The Node and Python clients write them to stdout; the page writes
them to the browser console, which Chromium copies to stderr.

Also reads HAR files written by ``Save Conversation``.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

CLIENTS = Path(__file__).with_name("clients")
NODE_MODULES = Path(__file__).with_name("node") / "node_modules"
CHROMIUM = os.environ.get("RWS_CHROMIUM", "/usr/bin/chromium")
# Flags that keep headless Chromium from reaching out to the network on its own.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]
_CONSOLE_EVENT = re.compile(r'"RWS-EVENT (\{.*\})", source: ')


class _Client:
    """One client process and the events read from its output, by a reader thread."""

    def __init__(
        self, name: str, command: list[str], browser: bool, env: dict[str, str], cleanup: str = ""
    ) -> None:
        self.name = name
        self.command = command
        self.events: list[dict[str, Any]] = []
        self.cleanup = cleanup
        self._changed = threading.Condition()
        # A session of its own, so stopping the client stops every process it started
        # (Chromium runs a handful).
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL if browser else subprocess.PIPE,
            stderr=subprocess.PIPE if browser else subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        stream = self.process.stderr if browser else self.process.stdout
        assert stream is not None
        self._reader = threading.Thread(
            target=self._read, args=(stream, browser), name=f"reader-{name}", daemon=True
        )
        self._reader.start()

    def _read(self, stream: IO[bytes], browser: bool) -> None:
        for raw in stream:
            line = raw.decode("utf-8", "replace").strip()
            if browser:
                found = _CONSOLE_EVENT.search(line)
                if not found:
                    continue
                line = found.group(1)
            if not line:
                continue
            try:
                event = json.loads(line)
            except ValueError:
                event = {"event": "output", "text": line}
            with self._changed:
                self.events.append(event)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, matches: Any, timeout: float) -> dict[str, Any] | None:
        """The first event that ``matches`` accepts, waiting up to ``timeout`` seconds in
        short slices so that Robot's timeouts can interrupt the wait."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for event in self.events[seen:]:
                    if matches(event):
                        return event
                seen = len(self.events)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                if not self._reader.is_alive() and seen == len(self.events):
                    return None
                self._changed.wait(min(remaining, 0.1))

    def wait_for_exit(self, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                self.process.wait(0.1)
            except subprocess.TimeoutExpired:
                pass
        if self.process.poll() is None:
            return None
        # Output written just before exiting is read before the events are looked at.
        self._reader.join(5)
        return self.process.returncode

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._reader.join(5)
        if self.cleanup:
            shutil.rmtree(self.cleanup, ignore_errors=True)


def _script(
    url: str,
    messages: tuple[str | bytes, ...],
    subprotocols: list[str] | None,
    headers: dict[str, str] | None,
    ca_file: str | None,
    echo: str | None,
    close_on: str | None,
    close_code: int,
    close_reason: str,
    timeout: timedelta,
) -> list[str]:
    """The command-line arguments shared by ``node_client.js`` and ``py_client.py``."""
    args = [url]
    for protocol in subprotocols or []:
        args += ["--protocol", protocol]
    for name, value in (headers or {}).items():
        args += ["--header", f"{name}: {value}"]
    if ca_file:
        args += ["--ca", str(ca_file)]
    for message in messages:
        if isinstance(message, bytes | bytearray):
            args += ["--send-binary", base64.b64encode(message).decode("ascii")]
        else:
            args += ["--send", message]
    if echo is not None:
        args += ["--echo", echo]
    if close_on is not None:
        args += ["--close-on", close_on, "--close-code", str(close_code)]
        args += ["--close-reason", close_reason]
    return [*args, "--timeout", str(timeout.total_seconds())]


class MockClients:
    """Keywords that start real WebSocket clients and read what they saw."""

    ROBOT_LIBRARY_SCOPE = "GLOBAL"

    def __init__(self) -> None:
        self._clients: dict[str, _Client] = {}
        self._count = 0
        # Whatever happens to the teardowns, no client outlives the run.
        atexit.register(self.stop_all_clients)

    # Starting clients.

    def start_node_client(
        self,
        url: str,
        *messages: str | bytes,
        subprotocols: list[str] | None = None,
        headers: dict[str, str] | None = None,
        ca_file: str | None = None,
        echo: str | None = None,
        close_on: str | None = None,
        close_code: int = 1000,
        close_reason: str = "",
        timeout: timedelta = timedelta(seconds=30),
    ) -> str:
        """Starts ``node_client.js`` (the ``ws`` package) connecting to ``url``; returns the
        client's name for the other keywords.

        Once open, the client sends ``messages`` in order (bytes as binary frames). With
        ``echo`` it answers each text message with ``echo`` + the text and each binary one
        with the same bytes; ``close_on`` is a text message on which it closes with
        ``close_code`` and ``close_reason``. It exits when the connection closes, or after
        ``timeout``.
        """
        script = _script(
            url,
            messages,
            subprotocols,
            headers,
            ca_file,
            echo,
            close_on,
            close_code,
            close_reason,
            timeout,
        )
        env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
        return self._add("node", ["node", str(CLIENTS / "node_client.js"), *script], False, env)

    def start_python_client(
        self,
        url: str,
        *messages: str | bytes,
        subprotocols: list[str] | None = None,
        headers: dict[str, str] | None = None,
        ca_file: str | None = None,
        echo: str | None = None,
        close_on: str | None = None,
        close_code: int = 1000,
        close_reason: str = "",
        timeout: timedelta = timedelta(seconds=30),
    ) -> str:
        """Starts ``py_client.py`` (the ``websocket-client`` package); the arguments are those
        of `Start Node Client`."""
        script = _script(
            url,
            messages,
            subprotocols,
            headers,
            ca_file,
            echo,
            close_on,
            close_code,
            close_reason,
            timeout,
        )
        command = [sys.executable, str(CLIENTS / "py_client.py"), *script]
        return self._add("python", command, False, dict(os.environ))

    def start_browser_client(self, url: str, subprotocols: list[str] | None = None) -> str:
        """Opens ``page.html`` in headless Chromium; the page connects to ``url`` offering
        ``subprotocols``, sends ``hello from browser``, answers each text message with
        ``browser got: `` + the text and each binary one with the same bytes, and closes with
        4000 ``page done`` on the text ``close please``. Returns the client's name."""
        query = urlencode([("ws", url)] + [("protocol", p) for p in subprotocols or []])
        page = (CLIENTS / "page.html").resolve().as_uri() + "?" + query
        profile = tempfile.mkdtemp(prefix="rws-chromium-")
        command = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", page]
        return self._add("browser", command, True, dict(os.environ), profile)

    def _add(
        self, kind: str, command: list[str], browser: bool, env: dict[str, str], cleanup: str = ""
    ) -> str:
        self._count += 1
        name = f"{kind}-{self._count}"
        self._clients[name] = _Client(name, command, browser, env, cleanup)
        return name

    # Reading what the clients saw.

    def _client(self, name: str) -> _Client:
        try:
            return self._clients[name]
        except KeyError:
            raise AssertionError(
                f"No client named '{name}'. Clients: {', '.join(self._clients) or 'none'}."
            ) from None

    def wait_for_client_event(
        self,
        client: str,
        event: str,
        data: str | None = None,
        timeout: timedelta = timedelta(seconds=10),
    ) -> dict[str, Any]:
        """Waits until ``client`` reports ``event`` (``open``, ``message``, ``close``,
        ``error``), a message only when its data equals ``data`` if given; returns the
        event."""
        found = self._client(client).wait_for(
            lambda e: e.get("event") == event and (data is None or e.get("data") == data),
            timeout.total_seconds(),
        )
        if found is None:
            what = event if data is None else f"{event} with data {data!r}"
            raise AssertionError(
                f"Client '{client}' did not report {what} within {timeout.total_seconds()} s. "
                f"Its events: {self._client(client).events}"
            )
        return found

    def wait_for_client_to_exit(
        self, client: str, timeout: timedelta = timedelta(seconds=10)
    ) -> list[dict[str, Any]]:
        """Waits until the ``client`` process has exited; returns all its events."""
        found = self._client(client)
        if found.wait_for_exit(timeout.total_seconds()) is None:
            raise AssertionError(
                f"Client '{client}' is still running after {timeout.total_seconds()} s. "
                f"Its events: {found.events}"
            )
        return list(found.events)

    def get_client_events(self, client: str, event: str | None = None) -> list[dict[str, Any]]:
        """The events ``client`` has reported so far, only those named ``event`` if given."""
        return [e for e in self._client(client).events if event is None or e["event"] == event]

    def get_client_messages(self, client: str) -> list[str]:
        """The data of each message ``client`` has received so far, in order (binary as
        base64)."""
        return [e["data"] for e in self.get_client_events(client, "message")]

    def stop_client(self, client: str) -> None:
        """Stops the ``client`` process (and its children) if it still runs."""
        self._client(client).stop()

    def stop_all_clients(self) -> None:
        """Stops every client that still runs."""
        for client in list(self._clients.values()):
            client.stop()
        self._clients.clear()

    # HAR files.

    def read_har(self, path: str) -> dict[str, Any]:
        """Parses the HAR file at ``path`` and returns it, failing when it is not JSON."""
        text = Path(path).read_text(encoding="utf-8")
        try:
            return json.loads(text)
        except ValueError as error:
            raise AssertionError(f"{path} is not JSON: {error}") from error

    def find_har_messages(
        self,
        har: dict[str, Any],
        direction: str | None = None,
        opcode: int | None = None,
        data: str | None = None,
    ) -> list[dict[str, Any]]:
        """The ``_webSocketMessages`` of the HAR's first entry whose ``type`` is ``direction``
        (``send``, ``receive``), with ``opcode`` (1 text, 2 binary) and ``data``, each when
        given."""
        messages = har["log"]["entries"][0]["_webSocketMessages"]
        return [
            message
            for message in messages
            if (direction is None or message["type"] == direction)
            and (opcode is None or message["opcode"] == opcode)
            and (data is None or message["data"] == data)
        ]

    def count_har_messages(
        self, har: dict[str, Any], direction: str | None = None, opcode: int | None = None
    ) -> int:
        """The number of messages `Find Har Messages` finds."""
        return len(self.find_har_messages(har, direction, opcode))

    def get_har_request_header(self, har: dict[str, Any], name: str) -> list[str]:
        """The values of header ``name`` (in any case) in the upgrade request of the HAR's
        first entry."""
        headers = har["log"]["entries"][0]["request"]["headers"]
        return [h["value"] for h in headers if h["name"].lower() == name.lower()]

    def header_value(self, headers: dict[str, Any], name: str) -> Any:
        """The value of header ``name`` in the dictionary ``headers``, whatever its case;
        fails when the header is missing."""
        for key, value in headers.items():
            if key.lower() == name.lower():
                return value
        raise AssertionError(f"Header {name} is missing from {dict(headers)}.")
