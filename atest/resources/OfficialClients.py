"""Each protocol's official client, run as a child process against a mock server.

The scripts in ``clients/*_official_client.*`` (socket.io-client 4, the graphql-ws client,
Apollo's legacy subscriptions-transport-ws client, @stomp/stompjs 7, mqtt.js 5,
@microsoft/signalr and the ``ocpp`` package's charge points) play a fixed part, stay
connected for ``stay`` seconds (longer than the keep-alive interval they are given) and
print one JSON line per thing they saw: ``{"event": "connect", ...}``, ...,
``{"event": "done", ...}``. The processes are :class:`MockClients._Client`\\ s, read by
a thread, so a test waits for a line as it waits for a message.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from MockClients import CLIENTS, NODE_MODULES, _Client

#: kind -> (interpreter, script). OCPP's kinds name the version the charge point speaks.
_SCRIPTS = {
    "socketio": ("node", "socketio_official_client.js"),
    "graphql": ("node", "graphql_ws_official_client.js"),
    "graphql-legacy": ("node", "graphql_ws_legacy_official_client.js"),
    "stomp": ("node", "stomp_official_client.js"),
    "mqtt": ("node", "mqtt_official_client.js"),
    "signalr": ("node", "signalr_official_client.js"),
    "ocpp1.6": ("python", "ocpp_official_client.py"),
    "ocpp2.0.1": ("python", "ocpp_official_client.py"),
}


class OfficialClients:
    """Keywords that start official protocol clients and read what they printed."""

    ROBOT_LIBRARY_SCOPE = "GLOBAL"

    def __init__(self) -> None:
        self._clients: dict[str, _Client] = {}
        self._count = 0
        atexit.register(self.stop_official_clients)

    def start_official_client(
        self, kind: str, url: str, *options: str, stay: timedelta = timedelta(seconds=3)
    ) -> str:
        """Starts the official ``kind`` client (``socketio``, ``graphql``, ``graphql-legacy``,
        ``stomp``, ``mqtt``, ``signalr``, ``ocpp1.6``, ``ocpp2.0.1``) against ``url``; it stays
        ``stay`` and then leaves. ``options`` go to the script after its two arguments
        (see each script's usage line). Returns the client's name."""
        if kind not in _SCRIPTS:
            raise AssertionError(f"No official client '{kind}': use one of {', '.join(_SCRIPTS)}.")
        interpreter, script = _SCRIPTS[kind]
        seconds = str(stay.total_seconds())
        if interpreter == "node":
            if shutil.which("node") is None:
                raise AssertionError("node is not installed")
            command = ["node", str(CLIENTS / script), url, seconds, *options]
        else:
            command = [sys.executable, str(CLIENTS / script), url, kind, seconds, *options]
        env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
        self._count += 1
        name = f"{kind}-{self._count}"
        self._clients[name] = _Client(name, command, False, env)
        return name

    def _client(self, name: str) -> _Client:
        try:
            return self._clients[name]
        except KeyError:
            raise AssertionError(
                f"No client named '{name}'. Clients: {', '.join(self._clients) or 'none'}."
            ) from None

    def wait_for_client_line(
        self, client: str, event: str, timeout: timedelta = timedelta(seconds=10)
    ) -> dict[str, Any]:
        """Waits until ``client`` prints a line with ``event``; returns the line."""
        found = self._client(client).wait_for(
            lambda line: line.get("event") == event, timeout.total_seconds()
        )
        if found is None:
            raise AssertionError(
                f"Client '{client}' printed no '{event}' within {timeout.total_seconds()} s. "
                f"It printed: {self._client(client).events}"
            )
        return found

    def wait_for_client_to_finish(
        self, client: str, timeout: timedelta = timedelta(seconds=15)
    ) -> dict[str, Any]:
        """Waits until ``client`` has exited, and returns its ``done`` line."""
        found = self._client(client)
        if found.wait_for_exit(timeout.total_seconds()) is None:
            raise AssertionError(
                f"Client '{client}' still runs after {timeout.total_seconds()} s. "
                f"It printed: {found.events}"
            )
        return self.wait_for_client_line(client, "done", timedelta(0))

    def get_client_lines(self, client: str, event: str) -> list[dict[str, Any]]:
        """The lines ``client`` printed so far with ``event``."""
        return [line for line in self._client(client).events if line.get("event") == event]

    def http_request(self, method: str, url: str) -> dict[str, Any]:
        """Sends one plain HTTP request; returns its ``status``, ``body`` and ``headers``,
        whatever the status."""
        request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                status, body, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read(), error.headers
        return {"status": status, "body": body.decode("utf-8", "replace"), "headers": dict(headers)}

    def stop_official_clients(self) -> None:
        """Stops every client that still runs."""
        for client in list(self._clients.values()):
            client.stop()
        self._clients.clear()
