"""Benchmark rows for binary documents and SignalR, each against a raw websockets client in
the same round: ingestion of MessagePack and Protocol Buffers frames (the raw client decodes
each with the same package), and SignalR ``Request`` against a hand-written raw client doing
the same invocation. The servers are the acceptance tests' (atest/resources/servers/
binary_feed.py and signalr_hub.py), started once, on first use.
"""

from __future__ import annotations

import atexit
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgpack
from websockets.sync.client import connect as sync_connect

from RobotWebSocket import RobotWebSocket

ROOT = Path(__file__).resolve().parents[1]
SERVERS = ROOT / "atest" / "resources" / "servers"
PROTO = ROOT / "atest" / "resources" / "proto" / "feed.proto"
RS = "\x1e"

GROUPS = ["binary", "signalr"]
FULL = {"msgpack_ingest": 100_000, "protobuf_ingest": 50_000, "signalr_rr": 5_000}
QUICK = {"msgpack_ingest": 2_000, "protobuf_ingest": 1_000, "signalr_rr": 100}

TABLE: list[tuple[str, tuple[str, str], Any, str, str]] = [
    ("msgpack: ingest trades (lib/raw)", ("msgpack_ingest_lib", "msg_per_s"), ("msgpack_ingest_raw", "msg_per_s"), "msg/s", ">= 0.8"),
    ("protobuf: ingest trades (lib/raw)", ("protobuf_ingest_lib", "msg_per_s"), ("protobuf_ingest_raw", "msg_per_s"), "msg/s", ">= 0.8"),
    ("signalr: Request median", ("signalr_rr_lib", "median_ms"), ("signalr_rr_raw", "median_ms"), "ms", "<= 2"),
    ("  signalr: Request p99", ("signalr_rr_lib", "p99_ms"), ("signalr_rr_raw", "p99_ms"), "ms", "(reported)"),
]  # fmt: skip

_PORTS: dict[str, int] = {}
_PROCESSES: list[subprocess.Popen[bytes]] = []


def _server(name: str, script: str, *args: str) -> int:
    """Start a test server once (stopped when the run ends); its port."""
    if name not in _PORTS:
        port_file = os.path.join(tempfile.mkdtemp(prefix="rws-bench-"), "port")
        process = subprocess.Popen(
            [sys.executable, str(SERVERS / script), "--port-file", port_file, *args],
            stdout=subprocess.DEVNULL,
        )
        _PROCESSES.append(process)
        deadline = time.monotonic() + 30
        while not os.path.exists(port_file):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{script} did not start")
            time.sleep(0.05)
        _PORTS[name] = json.loads(Path(port_file).read_text())["port"]
    return _PORTS[name]


@atexit.register
def _stop() -> None:
    for process in _PROCESSES:
        process.kill()


def _feed() -> str:
    return f"ws://127.0.0.1:{_server('feed', 'binary_feed.py')}"


# -- ingestion ------------------------------------------------------------------------------

#: Frames the feed sends on connect before the trades.
_SAMPLES = {"msgpack": 5, "protobuf": 2}


def ingest_lib(fmt: str, count: int) -> dict[str, float]:
    """``Get Message Count ... == N`` after asking the feed for N trades: every frame
    decoded into a document in the history."""
    lib = RobotWebSocket(timeout="120s", buffer_size=count + 10)
    url = f"{_feed()}/{fmt}"
    options: dict[str, Any] = {"binary_format": fmt}
    if fmt == "protobuf":
        options.update(proto=str(PROTO), proto_message="feed.Trade")
    try:
        lib.connect(url, max_size=None, **options)
        lib.get_message_count(url, "==", _SAMPLES[fmt])
        started = time.perf_counter()
        lib.send(url, f"more {count}")
        lib.get_message_count(url, "==", _SAMPLES[fmt] + count)
        elapsed = time.perf_counter() - started
    finally:
        lib.close()
    return {"msg_per_s": count / elapsed}


def ingest_raw(fmt: str, count: int) -> dict[str, float]:
    """A websockets client that decodes each trade with the same package: ``msgpack``, or
    Google's ``protobuf`` (parse, then the message as a dictionary)."""
    decode = _raw_decoder(fmt)
    with sync_connect(f"{_feed()}/{fmt}", max_size=None) as ws:
        for _ in range(_SAMPLES[fmt]):
            ws.recv()
        started = time.perf_counter()
        ws.send(f"more {count}")
        for _ in range(count):
            decode(ws.recv())
        elapsed = time.perf_counter() - started
    return {"msg_per_s": count / elapsed}


def _raw_decoder(fmt: str) -> Callable[[bytes], Any]:
    if fmt == "msgpack":
        return lambda frame: msgpack.unpackb(frame, raw=False, strict_map_key=False, timestamp=3)
    sys.path.insert(0, str(SERVERS))
    from binary_feed import load_feed_pb2
    from google.protobuf.json_format import MessageToDict

    trade = load_feed_pb2().Trade
    return lambda frame: MessageToDict(trade.FromString(frame), preserving_proto_field_name=True)


# -- SignalR Request --------------------------------------------------------------------------


def _hub() -> str:
    return f"ws://127.0.0.1:{_server('hub', 'signalr_hub.py')}/hub"


def signalr_rr_lib(count: int) -> dict[str, float]:
    """``Request`` of ``Echo(i)`` on a direct JSON connection, each timed."""
    lib = RobotWebSocket(timeout="10s")
    url = _hub()
    times = []
    try:
        lib.connect(url, protocol="signalr")
        for i in range(count):
            started = time.perf_counter()
            lib.request(url, {"target": "Echo", "arguments": [i]})
            times.append(time.perf_counter() - started)
    finally:
        lib.close()
    return _latency(times)


def signalr_rr_raw(count: int) -> dict[str, float]:
    """The same invocations by hand: handshake, then an invocation with an id and a read
    until its completion (pings skipped)."""
    times = []
    with sync_connect(_hub()) as ws:
        ws.send(json.dumps({"protocol": "json", "version": 1}) + RS)
        ws.recv()
        for i in range(count):
            started = time.perf_counter()
            ident = str(i)
            invocation = {"type": 1, "invocationId": ident, "target": "Echo", "arguments": [i]}
            ws.send(json.dumps(invocation) + RS)
            done = False
            while not done:
                for record in str(ws.recv()).split(RS):
                    if record:
                        message = json.loads(record)
                        done = done or message.get("invocationId") == ident
            times.append(time.perf_counter() - started)
    return _latency(times)


def _latency(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * (len(ordered) - 1)))] * 1000,
    }


def run_round(
    record: Callable[[str, Callable[[], dict[str, float]]], None],
    wanted: set[str],
    sizes: dict[str, int],
) -> None:
    """One round of the wanted groups, each library run next to its baseline."""
    if "binary" in wanted:
        for fmt in ("msgpack", "protobuf"):
            n = sizes[f"{fmt}_ingest"]
            record(f"{fmt}_ingest_lib", lambda fmt=fmt, n=n: ingest_lib(fmt, n))  # type: ignore[misc]
            record(f"{fmt}_ingest_raw", lambda fmt=fmt, n=n: ingest_raw(fmt, n))  # type: ignore[misc]
    if "signalr" in wanted:
        n = sizes["signalr_rr"]
        record("signalr_rr_lib", lambda: signalr_rr_lib(n))
        record("signalr_rr_raw", lambda: signalr_rr_raw(n))
