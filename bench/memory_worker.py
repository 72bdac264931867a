"""Measure what a history costs in memory, in a fresh process, and report it as JSON.

``python bench/memory_worker.py kept lib|raw BASE N``: N JSON messages of 100 bytes from
``BASE/flood``, all kept (the library with ``buffer_size=N``; raw websockets' asyncio client
appending each received string to a list); the RSS growth from just before the connection
to the close, divided by the number of messages kept.

``python bench/memory_worker.py bounded BASE N BOUND``: the library imported with
``buffer_bytes=BOUND`` receives N messages of 1 MiB from ``BASE/flood`` (more data than
BOUND); the RSS growth at the end and at its peak during the flood.

Both open one warm-up connection to ``BASE/echo`` first, so that the event loop, its thread
and websockets' first-connection allocations are in the RSS measured before.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from scale_worker import rss_kib

MIB = 1024 * 1024


def reset_peak() -> None:
    """Start VmHWM (the peak RSS) again from the current RSS (Linux 4.0 and later)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass  # the peak then counts from the process's start, which is no higher here


def peak_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return rss_kib()


def library() -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from RobotWebSocket import RobotWebSocket

    return RobotWebSocket


def kept_lib(base: str, count: int) -> dict[str, float]:
    lib = library()(timeout=600, buffer_size=count)
    lib.connect(f"{base}/echo", alias="warm", compression=False)
    url = f"{base}/flood?count={count}&size=100"
    before = rss_kib()
    lib.connect(url, compression=False)
    lib.wait_until_closed(url, timeout=600)
    kept = lib.get_message_count(url)
    after = rss_kib()
    lib.close()
    assert kept == count, f"the library kept {kept} of {count}"
    return {"bytes_per_message": (after - before) * 1024 / kept, "kept": kept}


async def kept_raw(base: str, count: int) -> dict[str, float]:
    from websockets.asyncio.client import connect

    warm = await connect(f"{base}/echo", compression=None)
    kept: list[str | bytes] = []
    before = rss_kib()
    async with connect(f"{base}/flood?count={count}&size=100", compression=None) as ws:
        async for message in ws:
            kept.append(message)
    after = rss_kib()
    await warm.close()
    assert len(kept) == count, f"raw websockets kept {len(kept)} of {count}"
    return {"bytes_per_message": (after - before) * 1024 / len(kept), "kept": len(kept)}


def bounded(base: str, count: int, bound: int) -> dict[str, float]:
    lib = library()(timeout=600, buffer_bytes=bound)
    lib.connect(f"{base}/echo", alias="warm", compression=False)
    url = f"{base}/flood?count={count}&size={MIB}"
    before = rss_kib()
    reset_peak()
    # The payload is exactly 1 MiB (bench/server.py), the default max_size: twice that
    # leaves no doubt that every message is taken.
    lib.connect(url, compression=False, max_size=2 * MIB)
    close = lib.wait_until_closed(url, timeout=600)
    kept = lib.get_message_count(url)
    after, peak = rss_kib(), peak_kib()
    lib.close()
    assert close["code"] == 1000, f"the flood ended with {close}"
    return {
        "growth_mib": (after - before) / 1024,
        "peak_growth_mib": (peak - before) / 1024,
        "kept": kept,
        "received_mib": count,
    }


if __name__ == "__main__":
    if sys.argv[1] == "kept":
        kind, base, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
        result = kept_lib(base, n) if kind == "lib" else asyncio.run(kept_raw(base, n))
    else:
        result = bounded(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    print(json.dumps(result))
