"""Benchmark rows for mock servers that speak a protocol: an official client (mqtt.js,
socket.io-client) publishing as fast as it can to a mock server, against the same client
publishing to a reference server (mosquitto; python-socketio under uvicorn) in the same
round. The client times itself (``mock_publisher.js``): from its first publish to the
acknowledgement of one sent after the last (MQTT QoS 1, a Socket.IO ack), which the server
sends only once it has read everything before it. On the mock, every message has entered
its client's history by then (checked).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import protocols

from RobotWebSocket import RobotWebSocket

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE.parent / "atest" / "resources" / "node" / "node_modules"

GROUPS = ["mockmqtt", "mocksio"]
FULL = {"mock_mqtt": 100_000, "mock_sio": 50_000}
QUICK = {"mock_mqtt": 2_000, "mock_sio": 1_000}

TABLE = [
    ("mock mqtt server: ingest from mqtt.js (vs mosquitto)", ("mock_mqtt_lib", "msg_per_s"), ("mock_mqtt_ref", "msg_per_s"), "msg/s", ">= 0.7"),
    ("mock socketio server: ingest from socket.io-client", ("mock_sio_lib", "msg_per_s"), ("mock_sio_ref", "msg_per_s"), "msg/s", ">= 0.7"),
]  # fmt: skip


def publish(kind: str, url: str, count: int, *login: str) -> dict[str, float]:
    """Run the publisher; its messages per second."""
    result = subprocess.run(
        ["node", str(HERE / "mock_publisher.js"), kind, url, str(count), *login],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, NODE_PATH=str(NODE_MODULES)),
    )
    if result.returncode:
        raise RuntimeError(f"the {kind} publisher failed: {result.stderr[-2000:]}")
    seconds = json.loads(result.stdout.strip().splitlines()[-1])["seconds"]
    return {"msg_per_s": (count + 1) / seconds, "seconds": seconds}


def mock_lib(protocol: str, kind: str, path: str, count: int) -> dict[str, float]:
    """The publisher against a library mock server speaking ``protocol``."""
    lib = RobotWebSocket(timeout=120, buffer_size=count + 100)
    try:
        url = lib.start_mock_server(alias="bench", protocol=protocol)
        if protocol == "socketio":
            lib.reply_to_messages(
                "bench",
                "$.event",
                "==",
                "echo",
                reply='{"type": "ack", "id": {{$.id}}, "args": []}',
            )
        result = publish(kind, url + path, count)
        lib.wait_for_client("bench", timeout=5)
        received = lib.get_message_count("bench#1", "==", count + 1, timeout=30)
        assert received == count + 1, received
        return result
    finally:
        lib.close()


def run_round(
    record: Callable[[str, Callable[[], dict[str, float]]], None],
    wanted: set[str],
    sizes: dict[str, int],
) -> None:
    """One round: each mock server next to its reference server, with the same client."""
    if shutil.which("node") is None or not (NODE_MODULES / "mqtt").is_dir():
        print(
            "note: node or atest/resources/node/node_modules is missing: mock protocol rows skipped"
        )
        return
    needs = ({"mqtt"} if "mockmqtt" in wanted else set()) | (
        {"socketio"} if "mocksio" in wanted else set()
    )
    with protocols.Servers(needs) as servers:
        if "mockmqtt" in wanted and servers.mosquitto:
            n, login = sizes["mock_mqtt"], (servers.user, servers.password)
            record("mock_mqtt_lib", lambda: mock_lib("mqtt", "mqtt", "/mqtt", n))
            record("mock_mqtt_ref", lambda: publish("mqtt", servers.mosquitto or "", n, *login))
        if "mocksio" in wanted and servers.sio:
            n = sizes["mock_sio"]
            record("mock_sio_lib", lambda: mock_lib("socketio", "sio", "", n))
            record("mock_sio_ref", lambda: publish("sio", servers.sio or "", n))
