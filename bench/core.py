"""The core benchmark rows: ingestion of 100-byte and 16 KiB bursts (three ways of waiting),
request/reply alone and under a flood, extraction over a window, opening many connections
and ``Send And Receive`` through Robot, each against raw websockets (or a fixed target) in
the same round. ``bench/run.py`` runs them (groups ``ingest rr flood extract scale robot``)
against the benchmark servers this module starts (``Server``, ``bench/server.py``).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from websockets.asyncio.client import connect as raw_connect
from websockets.sync.client import connect as sync_connect

from RobotWebSocket import RobotWebSocket

HERE = Path(__file__).resolve().parent

#: The groups ``--only`` takes for these rows.
GROUPS = ["ingest", "rr", "flood", "extract", "scale", "robot"]

FULL = {
    "ingest": 200_000,
    "ingest_big": 20_000,
    "rr": 10_000,
    "flood_rr": 2_000,
    "extract_history": 10_000,
    "extract_calls": 2_000,
    "scale": 5_000,
    "robot": 2_000,
}
QUICK = {
    "ingest": 20_000,
    "ingest_big": 2_000,
    "rr": 500,
    "flood_rr": 200,
    "extract_history": 2_000,
    "extract_calls": 200,
    "scale": 100,
    "robot": 100,
}

#: Rows for the table, in the format ``bench/report.py`` describes.
TABLE: list[tuple[str, tuple[str, str], Any, str, str]] = [
    ("ingest 100 B msg/s (lib/raw)", ("ingest_100B_lib", "msg_per_s"), ("ingest_100B_raw", "msg_per_s"), "msg/s", ">= 0.9"),
    ("ingest 100 B, Receive $.n == N-1", ("ingest_100B_receive_lib", "msg_per_s"), ("ingest_100B_receive_raw", "msg_per_s"), "msg/s", ">= 0.9"),
    ("  same, Receive $.n >= N-1 (parses every message; ref)", ("ingest_100B_parse_lib", "msg_per_s"), ("ingest_100B_receive_raw", "msg_per_s"), "msg/s", "(reference)"),
    ("ingest 100 B, Get Message Count >= N", ("ingest_100B_count_lib", "msg_per_s"), ("ingest_100B_count_raw", "msg_per_s"), "msg/s", ">= 0.9"),
    ("ingest 16 KiB msg/s (lib/raw)", ("ingest_16KiB_lib", "msg_per_s"), ("ingest_16KiB_raw", "msg_per_s"), "msg/s", "(reported)"),
    ("request/reply median", ("rr_lib", "median_ms"), ("rr_raw", "median_ms"), "ms", "<= 1.7"),
    ("request/reply p99", ("rr_lib", "p99_ms"), ("rr_raw", "p99_ms"), "ms", "<= 2"),
    ("under flood median (vs 2 ms)", ("rr_flood_lib", "median_ms"), 2.0, "ms", "<= 1 (2 ms)"),
    ("under flood p99 (vs 10 ms)", ("rr_flood_lib", "p99_ms"), 10.0, "ms", "<= 1 (10 ms)"),
    ("  raw under flood median (ref)", ("rr_flood_raw", "median_ms"), 2.0, "ms", "(reference)"),
    ("  raw under flood p99 (ref)", ("rr_flood_raw", "p99_ms"), 10.0, "ms", "(reference)"),
    ("extraction last=50 (vs 100 us)", ("extract_lib", "median_us"), 100.0, "us", "<= 1 (100 us)"),
    ("  jsonpath-ng alone on 50 (ref)", ("extract_jsonpath_only", "median_us"), 100.0, "us", "(reference)"),
    ("open N conns (lib/raw)", ("scale_lib", "open_s"), ("scale_raw", "open_s"), "s", "<= 1.5"),
    ("RSS per conn (vs 32 KiB)", ("scale_lib", "rss_kib_per_conn"), 32.0, "KiB", "<= 1 (32 KiB)"),
    ("  raw RSS per conn (ref)", ("scale_raw", "rss_kib_per_conn"), 32.0, "KiB", "(reference)"),
    ("send+receive on each (lib/raw)", ("scale_lib", "send_receive_s"), ("scale_raw", "send_receive_s"), "s", "(reported)"),
    (
        "Robot keyword vs trivial+raw rr",
        ("robot", "library_ms"),
        lambda med: med["robot"]["trivial_ms"] + med["rr_raw"]["median_ms"] if "rr_raw" in med else float("nan"),
        "ms",
        "<= 2",
    ),
    ("  output.xml bytes per message", ("robot", "output_xml_bytes_per_message"), 1.0, "B", "(reported)"),
]  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class Server:
    """``bench/server.py`` in a process of its own; ``with Server() as base`` gives its
    ``ws://127.0.0.1:PORT``."""

    def __enter__(self) -> str:
        self.dir = tempfile.mkdtemp(prefix="rws-bench-")
        port_file = os.path.join(self.dir, "port")
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "server.py"), "--port-file", port_file]
        )
        deadline = time.monotonic() + 20
        while not os.path.exists(port_file):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("benchmark server did not start")
            time.sleep(0.05)
        return f"ws://127.0.0.1:{Path(port_file).read_text()}"

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(10)


# -- scenarios: each returns a dict of figures ---------------------------------------------


def ingest_lib(
    base: str,
    count: int,
    size: int,
    wait: Literal["closed", "receive", "parse", "count"] = "closed",
) -> dict[str, float]:
    """The library receiving a burst, waiting with ``Wait Until Closed`` (until the server
    closes), ``Receive`` (for the last message, by its content: ``==``, whose needles
    spare parsing the others, or ``>=``, which parses every one) or ``Get Message Count``."""
    lib = RobotWebSocket(timeout=300, buffer_size=max(count, 300_000))
    url = f"{base}/flood?count={count}&size={size}"
    started = time.perf_counter()
    lib.connect(url, compression=False)
    if wait == "closed":
        lib.wait_until_closed(url, timeout=300)
    elif wait == "receive":
        # Only the burst's last message has this n (bench/server.py): the keyword judges
        # every message of the burst as it arrives.
        lib.receive(url, "$.n", "==", count - 1, timeout=300)
    elif wait == "parse":
        # The same message, by a condition that no look at the text can rule out: every
        # message of the burst is parsed and judged.
        lib.receive(url, "$.n", ">=", count - 1, timeout=300)
    else:
        lib.get_message_count(url, None, ">=", count, timeout=300)
    elapsed = time.perf_counter() - started
    received = lib.get_connection_info(url)["received"]
    lib.close()
    assert received == count, f"library received {received} of {count}"
    return {"msg_per_s": count / elapsed, "seconds": elapsed}


def ingest_raw(base: str, count: int, size: int, until_closed: bool = True) -> dict[str, float]:
    """Raw websockets' asyncio client: until the server closes, or (as the library's
    keywords that return on the last message) until the ``count``-th message."""

    async def run() -> float:
        received: list[Any] = []
        started = time.perf_counter()
        async with raw_connect(f"{base}/flood?count={count}&size={size}", compression=None) as ws:
            if until_closed:
                async for message in ws:
                    received.append(message)
            else:
                for _ in range(count):
                    received.append(await ws.recv())
                elapsed = time.perf_counter() - started
        if until_closed:
            elapsed = time.perf_counter() - started
        assert len(received) == count
        return elapsed

    elapsed = asyncio.run(run())
    return {"msg_per_s": count / elapsed, "seconds": elapsed}


def rr_lib(base: str, count: int, flood_base: str | None = None) -> dict[str, float]:
    lib = RobotWebSocket(timeout=10, buffer_size=1000)
    url = f"{base}/echo"
    lib.connect(url, compression=False)
    if flood_base:
        # The flood comes from another server process, so that the echo server's latency
        # is not part of the figure.
        lib.connect(f"{flood_base}/stream?size=100", compression=False)
        lib.receive(f"{flood_base}/stream?size=100")  # the flood is running
    times = []
    for _ in range(count):
        started = time.perf_counter()
        lib.send_and_receive(url, "ping")
        times.append(time.perf_counter() - started)
    lib.close()
    return {"median_ms": statistics.median(times) * 1e3, "p99_ms": percentile(times, 99) * 1e3}


def rr_raw(base: str, count: int, flood_base: str | None = None) -> dict[str, float]:
    """Raw websockets' sync client; with ``flood_base``, while a raw asyncio client in a
    thread of this process receives the same flood as the library's does."""
    stop, ready = threading.Event(), threading.Event()
    flood: threading.Thread | None = None
    if flood_base:

        def consume() -> None:
            async def run() -> None:
                kept: deque[Any] = deque(maxlen=1000)
                async with raw_connect(f"{flood_base}/stream?size=100", compression=None) as ws:
                    ready.set()
                    async for message in ws:  # the stream ends by itself after 300 s
                        kept.append(message)
                        if stop.is_set():
                            break

            asyncio.run(run())

        flood = threading.Thread(target=consume, daemon=True)
        flood.start()
        if not ready.wait(10):
            raise RuntimeError("the raw flood client did not connect")
    times = []
    try:
        with sync_connect(f"{base}/echo", compression=None) as ws:
            for _ in range(count):
                started = time.perf_counter()
                ws.send("ping")
                ws.recv(timeout=10)
                times.append(time.perf_counter() - started)
    finally:
        stop.set()
        if flood is not None:
            flood.join(10)
    return {"median_ms": statistics.median(times) * 1e3, "p99_ms": percentile(times, 99) * 1e3}


def extraction_lib(base: str, history: int, calls: int) -> dict[str, float]:
    lib = RobotWebSocket(timeout=60, buffer_size=history)
    url = f"{base}/flood?count={history}&size=100"
    lib.connect(url, compression=False)
    lib.wait_until_closed(url, timeout=60)
    expression = '$[?(@.type == "tick")].n'
    lib.receive(url, expression, last=50)  # warm: parse and memoise once
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        lib.receive(url, expression, ">=", "0", last=50)
        times.append(time.perf_counter() - started)
    lib.close()
    return {"median_us": statistics.median(times) * 1e6}


def extraction_raw(base: str, history: int, calls: int) -> dict[str, float]:
    """The same question answered with jsonpath-ng directly on 50 pre-parsed messages."""
    from jsonpath_ng.ext import parse

    docs = [{"type": "tick", "n": n, "pad": "x" * 60} for n in range(history)][-50:]
    expression = parse('$[?(@.type == "tick")].n')
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        [match.value for match in expression.find(docs)]
        times.append(time.perf_counter() - started)
    return {"median_us": statistics.median(times) * 1e6}


def scale(kind: str, base: str, count: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, str(HERE / "scale_worker.py"), kind, f"{base}/echo", str(count)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode:
        raise RuntimeError(f"scale worker failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def through_robot(base: str, count: int) -> dict[str, float]:
    out = tempfile.mkdtemp(prefix="rws-bench-robot-")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "robot",
            "--pythonpath",
            str(HERE.parent),
            "--outputdir",
            out,
            "--console",
            "none",
            "--log",
            "NONE",
            "--report",
            "NONE",
            "--variable",
            f"URL:{base}/echo",
            "--variable",
            f"N:{count}",
            str(HERE / "robot_loop.robot"),
        ],
        check=False,
        timeout=900,
    )
    root = ET.parse(os.path.join(out, "output.xml")).getroot()
    elapsed = {}
    for test in root.iter("test"):
        status = test.find("status")
        if status.get("status") != "PASS":
            raise RuntimeError(f"{test.get('name')} failed: {status.text}")
        elapsed[test.get("name")] = float(status.get("elapsed"))
    size = os.path.getsize(os.path.join(out, "output.xml"))
    return {
        "trivial_ms": elapsed["Trivial Keyword Loop"] / count * 1e3,
        "library_ms": elapsed["Send And Receive Loop"] / count * 1e3,
        "output_xml_bytes_per_message": size / count,
    }


# -- one round ------------------------------------------------------------------------------


def run_round(
    record: Callable[[str, Callable[[], dict[str, float]]], None],
    wanted: set[str],
    sizes: dict[str, int],
    base: str,
    flood_base: str,
) -> None:
    """One round of the wanted groups, each library run next to its baseline."""
    n = sizes["ingest"]
    if "ingest" in wanted:
        record("ingest_100B_lib", lambda: ingest_lib(base, n, 100))
        record("ingest_100B_raw", lambda: ingest_raw(base, n, 100))
        # The keywords return on the last message, so raw stops there too.
        record("ingest_100B_receive_lib", lambda: ingest_lib(base, n, 100, "receive"))
        record("ingest_100B_receive_raw", lambda: ingest_raw(base, n, 100, False))
        record("ingest_100B_parse_lib", lambda: ingest_lib(base, n, 100, "parse"))
        record("ingest_100B_count_lib", lambda: ingest_lib(base, n, 100, "count"))
        record("ingest_100B_count_raw", lambda: ingest_raw(base, n, 100, False))
        record("ingest_16KiB_lib", lambda: ingest_lib(base, sizes["ingest_big"], 16384))
        record("ingest_16KiB_raw", lambda: ingest_raw(base, sizes["ingest_big"], 16384))
    if "rr" in wanted:
        record("rr_lib", lambda: rr_lib(base, sizes["rr"]))
        record("rr_raw", lambda: rr_raw(base, sizes["rr"]))
    if "flood" in wanted:
        record("rr_flood_lib", lambda: rr_lib(base, sizes["flood_rr"], flood_base))
        record("rr_flood_raw", lambda: rr_raw(base, sizes["flood_rr"], flood_base))
    if "extract" in wanted:
        history, calls = sizes["extract_history"], sizes["extract_calls"]
        record("extract_lib", lambda: extraction_lib(base, history, calls))
        record("extract_jsonpath_only", lambda: extraction_raw(base, history, calls))
    if "scale" in wanted:
        record("scale_lib", lambda: scale("lib", base, sizes["scale"]))
        record("scale_raw", lambda: scale("raw", base, sizes["scale"]))
    if "robot" in wanted:
        record("robot", lambda: through_robot(base, sizes["robot"]))
