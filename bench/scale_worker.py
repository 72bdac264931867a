"""Open N connections in a fresh process and report times and memory as JSON.

``python bench/scale_worker.py lib|raw URL N``: ``lib`` uses RobotWebSocket's keyword
methods, ``raw`` websockets' asyncio client; both open the connections one after the other,
as a test would, then send one message on each and wait for its echo.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_lib(url: str, count: int) -> dict[str, float]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from RobotWebSocket import RobotWebSocket

    lib = RobotWebSocket(timeout=30, connect_timeout=30)
    lib.connect(f"{url}?warmup", compression=False, ping_interval=None)
    before = rss_kib()
    started = time.perf_counter()
    names = [
        lib.connect(url, alias=f"c{i}", compression=False, ping_interval=None) for i in range(count)
    ]
    opened = time.perf_counter() - started
    after = rss_kib()
    started = time.perf_counter()
    for name in names:
        lib.send_and_receive(name, "x")
    exchanged = time.perf_counter() - started
    started = time.perf_counter()
    lib.disconnect_all(timeout=30)
    closed = time.perf_counter() - started
    return {
        "open_s": opened,
        "rss_kib_per_conn": (after - before) / count,
        "send_receive_s": exchanged,
        "close_s": closed,
    }


async def run_raw(url: str, count: int) -> dict[str, float]:
    from websockets.asyncio.client import connect

    warm = await connect(f"{url}?warmup", compression=None, ping_interval=None)
    before = rss_kib()
    started = time.perf_counter()
    conns = [await connect(url, compression=None, ping_interval=None) for _ in range(count)]
    opened = time.perf_counter() - started
    after = rss_kib()
    started = time.perf_counter()
    for ws in conns:
        await ws.send("x")
        await ws.recv()
    exchanged = time.perf_counter() - started
    started = time.perf_counter()
    await asyncio.gather(*(ws.close() for ws in conns))
    closed = time.perf_counter() - started
    await warm.close()
    return {
        "open_s": opened,
        "rss_kib_per_conn": (after - before) / count,
        "send_receive_s": exchanged,
        "close_s": closed,
    }


if __name__ == "__main__":
    kind, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    result = run_lib(url, n) if kind == "lib" else asyncio.run(run_raw(url, n))
    print(json.dumps(result))
