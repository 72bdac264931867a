"""Benchmark rows for message rules, protocols, the mock server and Save Conversation, each
against raw websockets in the same round: the sizes, the table rows and one round.
``bench/run.py`` runs them; see its ``--only``. The protocol scenarios and their servers are
in ``bench/protocols.py``; the mock server's, in ``bench/mock_worker.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import protocols
from protocols import Servers
from websockets.asyncio.client import connect as raw_connect

from RobotWebSocket import RobotWebSocket

HERE = Path(__file__).resolve().parent

#: The groups ``--only`` takes for these rows, and ``protocols`` for the three protocols.
GROUPS = ["rules", "autoreply", "socketio", "mqtt", "stomp", "mock", "conversation"]
ALIASES = {"protocols": ["socketio", "mqtt", "stomp"], "features": GROUPS}

FULL = {
    "rules_ingest": 200_000,
    "autoreply": 5_000,
    "sio_ingest": 50_000,
    "sio_rr": 5_000,
    "mqtt_ingest": 200_000,
    "stomp_rr": 5_000,
    "mock_flood": 200_000,
    "mock_many": 1_000,
    "conversation": 10_000,
    "picture": 1_000,
}
QUICK = {
    "rules_ingest": 20_000,
    "autoreply": 200,
    "sio_ingest": 2_000,
    "sio_rr": 200,
    "mqtt_ingest": 5_000,
    "stomp_rr": 200,
    "mock_flood": 20_000,
    "mock_many": 100,
    "conversation": 2_000,
    "picture": 200,
}

#: Rows for run.py's table, in its format.
TABLE: list[tuple[str, tuple[str, str], Any, str, str]] = [
    ("rules: ingest 100 B, 3 rules (lib/raw)", ("rules_ingest_lib", "msg_per_s"), ("rules_ingest_raw", "msg_per_s"), "msg/s", ">= 0.8"),
    ("  same, no rules (ref)", ("rules_ingest_none_lib", "msg_per_s"), ("rules_ingest_raw", "msg_per_s"), "msg/s", "(reference)"),
    ("auto-reply latency median", ("autoreply_lib", "median_ms"), ("autoreply_raw", "median_ms"), "ms", "<= 1.5"),
    ("auto-reply latency p99", ("autoreply_lib", "p99_ms"), ("autoreply_raw", "p99_ms"), "ms", "<= 1.5"),
    ("socketio: ingest events", ("sio_ingest_lib", "msg_per_s"), ("sio_ingest_raw", "msg_per_s"), "msg/s", ">= 0.7"),
    ("socketio: Request (ack) median", ("sio_rr_lib", "median_ms"), ("sio_rr_raw", "median_ms"), "ms", "<= 2"),
    ("  socketio: Request p99", ("sio_rr_lib", "p99_ms"), ("sio_rr_raw", "p99_ms"), "ms", "(reported)"),
    ("mqtt: ingest from mosquitto", ("mqtt_ingest_lib", "msg_per_s"), ("mqtt_ingest_raw", "msg_per_s"), "msg/s", ">= 0.9"),
    ("stomp: Request (receipt) median", ("stomp_rr_lib", "median_ms"), ("stomp_rr_raw", "median_ms"), "ms", "<= 2"),
    ("  stomp: Request p99", ("stomp_rr_lib", "p99_ms"), ("stomp_rr_raw", "p99_ms"), "ms", "(reported)"),
    ("mock server: ingest 100 B", ("mock_flood_lib", "msg_per_s"), ("mock_flood_raw", "msg_per_s"), "msg/s", ">= 0.9"),
    ("mock server: open N clients at once", ("mock_many_lib", "open_s"), ("mock_many_raw", "open_s"), "s", "<= 1.5"),
    ("mock server: RSS per client", ("mock_many_lib", "rss_kib_per_client"), ("mock_many_raw", "rss_kib_per_client"), "KiB", "(reported)"),
    ("Save Conversation (vs 1 s)", ("conversation", "seconds"), 1.0, "s", "<= 1 (1 s)"),
    ("Log Conversation, 1,000 messages (vs 1 s)", ("picture", "seconds"), 1.0, "s", "<= 1 (1 s)"),
]  # fmt: skip


# -- rules ----------------------------------------------------------------------------------


def rules_ingest_lib(base: str, count: int, rules: bool = True) -> dict[str, float]:
    """``Wait Until Closed`` on a 100-byte burst with three rules that never match: two
    ignore rules (one whose expression never resolves, one whose value never equals) and a
    reply rule."""
    lib = RobotWebSocket(timeout=300, buffer_size=max(count, 300_000))
    url = f"{base}/flood?count={count}&size=100"
    if rules:
        lib.ignore_messages(url, "$.kind", "==", "heartbeat")
        lib.ignore_messages(url, "$.type", "==", "heartbeat")
        lib.reply_to_messages(url, "$.type", "==", "ping", reply='{"type": "pong"}')
    started = time.perf_counter()
    lib.connect(url, compression=False)
    lib.wait_until_closed(url, timeout=300)
    elapsed = time.perf_counter() - started
    info = lib.get_connection_info(url)
    lib.close()
    assert info["received"] == count and not info.get("auto_sent"), info
    return {"msg_per_s": count / elapsed, "seconds": elapsed}


def autoreply_lib(base: str, count: int) -> dict[str, float]:
    lib = RobotWebSocket(timeout=60, buffer_size=count + 10)
    url = f"{base}/pinger?count={count}"
    lib.reply_to_messages(
        url, "$.type", "==", "ping", reply='{"type": "pong", "id": {{$.id}}, "t": {{$.t}}}'
    )
    lib.connect(url, compression=False)
    lib.wait_until_closed(url, timeout=300)
    result = {key: lib.receive(url, f"$.{key}") for key in ("median_ms", "p99_ms")}
    lib.close()
    return result


def autoreply_raw(base: str, count: int) -> dict[str, float]:
    """A raw asyncio client answering the pings in its own ``recv()`` loop."""

    async def run() -> dict[str, float]:
        result: dict[str, float] = {}
        async with raw_connect(f"{base}/pinger?count={count}", compression=None) as ws:
            async for message in ws:
                document = json.loads(message)
                if document["type"] == "ping":
                    pong = {"type": "pong", "id": document["id"], "t": document["t"]}
                    await ws.send(json.dumps(pong))
                else:
                    result = {k: document[k] for k in ("median_ms", "p99_ms")}
        return result

    return asyncio.run(run())


# -- mock server and Save Conversation ------------------------------------------------------


def mock(scenario: str, kind: str, count: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, str(HERE / "mock_worker.py"), scenario, kind, str(count)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode:
        raise RuntimeError(f"mock worker failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def conversation(base: str, count: int) -> dict[str, float]:
    lib = RobotWebSocket(timeout=60, buffer_size=count)
    url = f"{base}/flood?count={count}&size=100"
    lib.connect(url, compression=False)
    lib.wait_until_closed(url, timeout=60)
    with tempfile.TemporaryDirectory(prefix="rws-bench-har-") as directory:
        path = os.path.join(directory, "conversation.har")
        started = time.perf_counter()
        lib.save_conversation(url, path)
        elapsed = time.perf_counter() - started
        size = os.path.getsize(path)
    lib.close()
    return {"seconds": elapsed, "har_bytes": size}


def log_conversation(base: str, count: int) -> dict[str, float]:
    """`Log Conversation` of ``count`` messages: reading them on the loop and drawing the
    picture (outside Robot nothing is written, so this is the keyword's own work)."""
    lib = RobotWebSocket(timeout=60, buffer_size=count)
    url = f"{base}/flood?count={count}&size=100"
    lib.connect(url, compression=False)
    lib.wait_until_closed(url, timeout=60)
    started = time.perf_counter()
    lib.log_conversation(url, last=count, label="$.n")
    elapsed = time.perf_counter() - started
    lib.close()
    return {"seconds": elapsed}


# -- one round ------------------------------------------------------------------------------


def run_round(
    record: Callable[[str, Callable[[], dict[str, float]]], None],
    wanted: set[str],
    sizes: dict[str, int],
    base: str,
    servers: Servers,
    ingest_raw: Callable[..., dict[str, float]],
) -> None:
    """One round of the wanted groups, each library run next to its baseline."""
    if "rules" in wanted:
        n = sizes["rules_ingest"]
        record("rules_ingest_lib", lambda: rules_ingest_lib(base, n))
        record("rules_ingest_raw", lambda: ingest_raw(base, n, 100))
        record("rules_ingest_none_lib", lambda: rules_ingest_lib(base, n, rules=False))
    if "autoreply" in wanted:
        record("autoreply_lib", lambda: autoreply_lib(base, sizes["autoreply"]))
        record("autoreply_raw", lambda: autoreply_raw(base, sizes["autoreply"]))
    if "socketio" in wanted and servers.sio:
        sio = servers.sio
        record("sio_ingest_lib", lambda: protocols.sio_ingest_lib(sio, sizes["sio_ingest"]))
        record("sio_ingest_raw", lambda: protocols.sio_ingest_raw(sio, sizes["sio_ingest"]))
        record("sio_rr_lib", lambda: protocols.sio_rr_lib(sio, sizes["sio_rr"]))
        record("sio_rr_raw", lambda: protocols.sio_rr_raw(sio, sizes["sio_rr"]))
    if "mqtt" in wanted and servers.mosquitto:
        record("mqtt_ingest_lib", lambda: protocols.mqtt_ingest_lib(servers, sizes["mqtt_ingest"]))
        record("mqtt_ingest_raw", lambda: protocols.mqtt_ingest_raw(servers, sizes["mqtt_ingest"]))
    if "stomp" in wanted and servers.stomp:
        record("stomp_rr_lib", lambda: protocols.stomp_rr_lib(servers, sizes["stomp_rr"]))
        record("stomp_rr_raw", lambda: protocols.stomp_rr_raw(servers, sizes["stomp_rr"]))
    if "mock" in wanted:
        record("mock_flood_lib", lambda: mock("flood", "lib", sizes["mock_flood"]))
        record("mock_flood_raw", lambda: mock("flood", "raw", sizes["mock_flood"]))
        record("mock_many_lib", lambda: mock("many", "lib", sizes["mock_many"]))
        record("mock_many_raw", lambda: mock("many", "raw", sizes["mock_many"]))
    if "conversation" in wanted:
        record("conversation", lambda: conversation(base, sizes["conversation"]))
        record("picture", lambda: log_conversation(base, sizes["picture"]))
