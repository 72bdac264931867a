"""Benchmark rows for memory: what the history costs per kept message, and whether
``buffer_bytes`` bounds it under a flood of large messages. ``bench/run.py`` runs them
(``--only memory``); each figure comes from a fresh process, ``bench/memory_worker.py``.

How they are measured:

- **RSS per kept 100-byte message** (target: at most 300 B): a fresh process imports the
  library with ``buffer_size=1000000``, opens a warm-up connection, reads its RSS
  (``VmRSS``), connects to the benchmark server's ``/flood``, which sends 1,000,000 JSON
  messages of 100 bytes and closes, waits with ``Wait Until Closed``, checks with
  ``Get Message Count`` that all 1,000,000 are kept, and reads its RSS again: the growth
  divided by the messages kept. The reference row is the same with raw websockets' asyncio
  client appending each received string to a list, the least a client that keeps the
  messages can take (a Python string of 100 ASCII characters alone is 149 B).
- **Peak RSS under a flood of 1 MiB messages**: a fresh process imports the library with
  ``buffer_bytes`` of 64 MiB, opens a warm-up connection, reads its RSS and starts its peak
  RSS (``VmHWM``) from there, connects with ``max_size`` of 2 MiB to ``/flood``, which sends
  300 messages of 1 MiB (300 MiB, more than the bound) and closes, and waits with
  ``Wait Until Closed``. The figure is the peak RSS growth during the flood, against the
  bound plus a fixed 32 MiB for everything but the kept data (a message being read and
  decoded, the allocator's slack): at most 1 means the history stayed within its bound.
  The RSS growth at the end is the reference row.

``--quick`` keeps 50,000 messages and sends 100 of 1 MiB: a smoke test, not a figure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

GROUPS = ["memory"]
FULL = {"memory_kept": 1_000_000, "memory_flood": 300}
QUICK = {"memory_kept": 50_000, "memory_flood": 100}

MIB = 1024 * 1024
#: ``buffer_bytes`` in the flood of 1 MiB messages, and what the process may take beyond it.
BOUND = 64 * MIB
OVERHEAD = 32 * MIB

#: Rows for run.py's table, in its format.
TABLE: list[tuple[str, tuple[str, str], Any, str, str]] = [
    ("memory: RSS per kept 100 B message (vs 300 B)", ("memory_kept_lib", "bytes_per_message"), 300.0, "B", "<= 1 (300 B)"),
    ("  raw websockets, each str kept in a list (ref)", ("memory_kept_raw", "bytes_per_message"), 300.0, "B", "(reference)"),
    ("memory: 1 MiB flood, peak RSS vs buffer_bytes+32 MiB", ("memory_flood_lib", "peak_growth_mib"), (BOUND + OVERHEAD) / MIB, "MiB", "<= 1 (96 MiB)"),
    ("  same, RSS growth at the end (ref)", ("memory_flood_lib", "growth_mib"), (BOUND + OVERHEAD) / MIB, "MiB", "(reference)"),
]  # fmt: skip


def worker(*args: object) -> dict[str, float]:
    """``bench/memory_worker.py`` with these arguments, in a fresh process: its figures."""
    result = subprocess.run(
        [sys.executable, str(HERE / "memory_worker.py"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode:
        raise RuntimeError(f"memory worker failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_round(
    record: Callable[[str, Callable[[], dict[str, float]]], None],
    wanted: set[str],
    sizes: dict[str, int],
    base: str,
) -> None:
    """One round: the library's history next to raw websockets' list, then the flood."""
    if "memory" not in wanted:
        return
    n = sizes["memory_kept"]
    record("memory_kept_lib", lambda: worker("kept", "lib", base, n))
    record("memory_kept_raw", lambda: worker("kept", "raw", base, n))
    record("memory_flood_lib", lambda: worker("bounded", base, sizes["memory_flood"], BOUND))
