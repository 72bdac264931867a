"""RobotWebSocket against raw websockets, in the same run on the same machine.

    python bench/run.py [--quick] [--repeat N] [--output results.json] [--only GROUP...]

Starts its own server process on 127.0.0.1, runs every scenario ``--repeat`` times,
alternating library and baseline, and prints medians and the ratios library/baseline. The
raw figures go to a JSON file. A row whose ratio misses its target says ``MISSED`` in the
``met`` column, and the line under the table lists them; the exit status does not depend on
it (the benchmark reports, it does not test). The last line sums up every ratio. Every loop
is bounded in count and time. ``--quick`` uses small counts, as a smoke test (CI), not for
figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import re
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import websockets  # noqa: E402
from websockets.asyncio.client import connect as raw_connect  # noqa: E402
from websockets.sync.client import connect as sync_connect  # noqa: E402

from RobotWebSocket import RobotWebSocket, __version__  # noqa: E402

sys.path.insert(0, str(HERE))
import binary  # noqa: E402
import contracts  # noqa: E402
import features  # noqa: E402
import mock_protocols  # noqa: E402
import proxy as proxy_rows  # noqa: E402

FULL = {
    "ingest": 200_000,
    "ingest_big": 20_000,
    "rr": 10_000,
    "flood_rr": 2_000,
    "extract_history": 10_000,
    "extract_calls": 2_000,
    "scale": 5_000,
    "robot": 2_000,
    **features.FULL,
    **mock_protocols.FULL,
    **proxy_rows.FULL,
    **binary.FULL,
    **contracts.FULL,
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
    **features.QUICK,
    **mock_protocols.QUICK,
    **proxy_rows.QUICK,
    **binary.QUICK,
    **contracts.QUICK,
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class Server:
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
    base: str, count: int, size: int, wait: Literal["closed", "receive", "count"] = "closed"
) -> dict[str, float]:
    """The library receiving a burst, waiting with ``Wait Until Closed`` (until the server
    closes), ``Receive`` (for the last message, by its content) or ``Get Message Count``."""
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


# -- the table ------------------------------------------------------------------------------

#: One row a figure: label, (run, key) of the library's figure, the baseline (a (run, key)
#: of the same run, a fixed target, or a function of all medians), unit, target.
TABLE: list[tuple[str, tuple[str, str], Any, str, str]] = [
    ("ingest 100 B msg/s (lib/raw)", ("ingest_100B_lib", "msg_per_s"), ("ingest_100B_raw", "msg_per_s"), "msg/s", ">= 0.9"),
    ("ingest 100 B, Receive $.n == N-1", ("ingest_100B_receive_lib", "msg_per_s"), ("ingest_100B_receive_raw", "msg_per_s"), "msg/s", ">= 0.9"),
    ("ingest 100 B, Get Message Count >= N", ("ingest_100B_count_lib", "msg_per_s"), ("ingest_100B_count_raw", "msg_per_s"), "msg/s", ">= 0.9"),
    ("ingest 16 KiB msg/s (lib/raw)", ("ingest_16KiB_lib", "msg_per_s"), ("ingest_16KiB_raw", "msg_per_s"), "msg/s", "(reported)"),
    ("request/reply median", ("rr_lib", "median_ms"), ("rr_raw", "median_ms"), "ms", "<= 1.5"),
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
TABLE += features.TABLE + mock_protocols.TABLE + proxy_rows.TABLE + binary.TABLE
TABLE += contracts.TABLE


#: Width of the scenario column.
WIDTH = max(len(row[0]) for row in TABLE)


def verdict(target: str, ratio: float) -> str:
    """``yes`` or ``MISSED`` for a target written ``<= X ...`` or ``>= X ...``, compared
    with the ratio; empty for a row that is only reported."""
    bound = re.match(r"(<=|>=) *([0-9.]+)", target)
    if bound is None or math.isnan(ratio):
        return ""
    limit = float(bound[2])
    held = ratio <= limit if bound[1] == "<=" else ratio >= limit
    return "yes" if held else "MISSED"


# -- the run --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke test")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 3, quick 1)")
    parser.add_argument("--output", default=str(HERE / "results.json"))
    parser.add_argument(
        "--only",
        nargs="*",
        help="run only these groups: ingest rr flood extract scale robot "
        + " ".join(features.GROUPS + mock_protocols.GROUPS + proxy_rows.GROUPS + contracts.GROUPS)
        + "; 'protocols' is socketio mqtt stomp, 'features' all of "
        + ", ".join(features.GROUPS),
    )
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    repeat = args.repeat or (1 if args.quick else 3)
    runs: dict[str, list[dict[str, float]]] = {}
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)

    def save(figures: dict[str, Any]) -> None:
        output.write_text(json.dumps(figures, indent=2))

    def record(name: str, function: Callable[[], dict[str, float]]) -> None:
        runs.setdefault(name, []).append(function())
        print(f"  {name}: {runs[name][-1]}", flush=True)
        # Written as it goes, so that a run that fails late keeps the rounds before.
        save({"sizes": sizes, "repeat": repeat, "runs": runs, "complete": False})

    groups = ["ingest", "rr", "flood", "extract", "scale", "robot", *features.GROUPS]
    groups += mock_protocols.GROUPS + proxy_rows.GROUPS
    groups += binary.GROUPS + contracts.GROUPS
    wanted = {g for name in (args.only or groups) for g in features.ALIASES.get(name, [name])}
    if wanted - set(groups):
        parser.error(f"unknown groups: {', '.join(sorted(wanted - set(groups)))}")
    n = sizes["ingest"]
    started = time.monotonic()
    with Server() as base, Server() as flood_base, features.Servers(wanted) as servers:
        for round_ in range(1, repeat + 1):
            print(f"round {round_} of {repeat}", flush=True)
            if "ingest" in wanted:
                record("ingest_100B_lib", lambda: ingest_lib(base, n, 100))
                record("ingest_100B_raw", lambda: ingest_raw(base, n, 100))
                # The keywords return on the last message, so raw stops there too.
                record("ingest_100B_receive_lib", lambda: ingest_lib(base, n, 100, "receive"))
                record("ingest_100B_receive_raw", lambda: ingest_raw(base, n, 100, False))
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
                record(
                    "extract_lib",
                    lambda: extraction_lib(base, sizes["extract_history"], sizes["extract_calls"]),
                )
                record(
                    "extract_jsonpath_only",
                    lambda: extraction_raw(base, sizes["extract_history"], sizes["extract_calls"]),
                )
            if "scale" in wanted:
                record("scale_lib", lambda: scale("lib", base, sizes["scale"]))
                record("scale_raw", lambda: scale("raw", base, sizes["scale"]))
            if "robot" in wanted:
                record("robot", lambda: through_robot(base, sizes["robot"]))
            features.run_round(record, wanted, sizes, base, servers, ingest_raw)
            mock_protocols.run_round(record, wanted, sizes)
            proxy_rows.run_round(record, wanted, sizes, base)
            binary.run_round(record, wanted, sizes)
            contracts.run_round(record, wanted, sizes, base, ingest_raw)

    med = {
        name: {k: statistics.median(r[k] for r in results) for k in results[0]}
        for name, results in runs.items()
    }
    ratios: dict[str, float] = {}
    rows: list[str] = []
    missed: list[str] = []
    for label, (run_name, key), baseline, unit, target in TABLE:
        if run_name not in med or (isinstance(baseline, tuple) and baseline[0] not in med):
            continue
        value = med[run_name][key]
        if isinstance(baseline, tuple):
            base_value = med[baseline[0]][baseline[1]]
            # Library and baseline ran back to back in each round: the median of the
            # per-round ratios is steadier on a noisy machine than a ratio of medians.
            pairs = zip(runs[run_name], runs[baseline[0]], strict=True)
            ratio = statistics.median(lib[key] / base[baseline[1]] for lib, base in pairs)
        else:
            base_value = baseline(med) if callable(baseline) else float(baseline)
            ratio = value / base_value if base_value else float("nan")
        ratios[label] = ratio
        met = verdict(target, ratio)
        if met == "MISSED":
            missed.append(label.strip())
        rows.append(
            f"| {label:<{WIDTH}} | {value:>12.3f} | {base_value:>12.3f} | {unit:<6} "
            f"| {ratio:>8.3f} | {target:<14} | {met:<6} |"
        )

    print()
    print(
        f"RobotWebSocket {__version__}, websockets {websockets.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()} {os.cpu_count()} cores, {repeat} round(s){' (quick)' if args.quick else ''}, "
        f"{time.monotonic() - started:.0f} s"
    )
    print(
        f"| {'scenario':<{WIDTH}} | {'library':>12} | {'baseline':>12} | {'unit':<6} "
        f"| {'ratio':>8} | {'target':<14} | {'met':<6} |"
    )
    print(f"|{'-' * (WIDTH + 2)}|{'-' * 14}|{'-' * 14}|{'-' * 8}|{'-' * 10}|{'-' * 16}|{'-' * 8}|")
    for line in rows:
        print(line)
    print(f"MISSED ({len(missed)}): " + "; ".join(missed) if missed else "every target met")
    save(
        {
            "sizes": sizes,
            "repeat": repeat,
            "runs": runs,
            "complete": True,
            "medians": med,
            "ratios": ratios,
            "missed": missed,
        }
    )
    print(f"raw figures: {args.output}")
    print("ratios: " + "; ".join(f"{k.strip()} {v:.2f}" for k, v in ratios.items()))


if __name__ == "__main__":
    main()
