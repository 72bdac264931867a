"""RobotWebSocket against raw websockets, in the same run on the same machine.

    python bench/run.py [--quick] [--repeat N] [--output results.json] [--only GROUP...]

Starts its own server process on 127.0.0.1, runs every scenario ``--repeat`` times,
alternating library and baseline, and prints medians and the ratios library/baseline. The
raw figures go to a JSON file. A row whose ratio misses its target says ``MISSED`` in the
``met`` column, and the line under the table lists them; the exit status does not depend on
it (the benchmark reports, it does not test). The last line sums up every ratio. Every loop
is bounded in count and time. ``--quick`` uses small counts, as a smoke test (CI), not for
figures.

The rows live in modules by concern, each with its sizes, its table rows and one round:
``core.py`` (ingestion, request/reply, flood, extraction, connections, Robot),
``features.py``, ``mock_protocols.py``, ``proxy.py``, ``binary.py``, ``contracts.py`` and
``memory.py``; ``report.py`` turns the rounds into the table. This module parses the
arguments, starts the servers and runs the rounds.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import websockets  # noqa: E402

from RobotWebSocket import __version__  # noqa: E402

sys.path.insert(0, str(HERE))
import binary  # noqa: E402
import contracts  # noqa: E402
import core  # noqa: E402
import features  # noqa: E402
import memory  # noqa: E402
import mock_protocols  # noqa: E402
import proxy as proxy_rows  # noqa: E402
import report  # noqa: E402

FULL = {
    **core.FULL,
    **features.FULL,
    **mock_protocols.FULL,
    **proxy_rows.FULL,
    **binary.FULL,
    **contracts.FULL,
    **memory.FULL,
}
QUICK = {
    **core.QUICK,
    **features.QUICK,
    **mock_protocols.QUICK,
    **proxy_rows.QUICK,
    **binary.QUICK,
    **contracts.QUICK,
    **memory.QUICK,
}
TABLE = core.TABLE + features.TABLE + mock_protocols.TABLE + proxy_rows.TABLE + binary.TABLE
TABLE += contracts.TABLE + memory.TABLE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke test")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 3, quick 1)")
    parser.add_argument("--output", default=str(HERE / "results.json"))
    parser.add_argument(
        "--only",
        nargs="*",
        help="run only these groups: "
        + " ".join(
            core.GROUPS
            + features.GROUPS
            + mock_protocols.GROUPS
            + proxy_rows.GROUPS
            + binary.GROUPS
            + contracts.GROUPS
            + memory.GROUPS
        )
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
        # Each scenario's library instance (its registry, connections and histories) is
        # garbage in reference cycles now: collected here, outside the timed part, so that
        # no later scenario pays for scanning or collecting it.
        gc.collect()
        print(f"  {name}: {runs[name][-1]}", flush=True)
        # Written as it goes, so that a run that fails late keeps the rounds before.
        save({"sizes": sizes, "repeat": repeat, "runs": runs, "complete": False})

    groups = core.GROUPS + features.GROUPS + mock_protocols.GROUPS + proxy_rows.GROUPS
    groups += binary.GROUPS + contracts.GROUPS + memory.GROUPS
    wanted = {g for name in (args.only or groups) for g in features.ALIASES.get(name, [name])}
    if wanted - set(groups):
        parser.error(f"unknown groups: {', '.join(sorted(wanted - set(groups)))}")
    started = time.monotonic()
    with core.Server() as base, core.Server() as flood_base, features.Servers(wanted) as servers:
        for round_ in range(1, repeat + 1):
            print(f"round {round_} of {repeat}", flush=True)
            core.run_round(record, wanted, sizes, base, flood_base)
            features.run_round(record, wanted, sizes, base, servers, core.ingest_raw)
            mock_protocols.run_round(record, wanted, sizes)
            proxy_rows.run_round(record, wanted, sizes, base)
            binary.run_round(record, wanted, sizes)
            contracts.run_round(record, wanted, sizes, base, core.ingest_raw)
            memory.run_round(record, wanted, sizes, base)

    judged = report.judge(runs, TABLE)
    report.print_table(
        judged,
        TABLE,
        f"RobotWebSocket {__version__}, websockets {websockets.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()} {os.cpu_count()} cores, {repeat} round(s){' (quick)' if args.quick else ''}, "
        f"{time.monotonic() - started:.0f} s",
    )
    save(
        {
            "sizes": sizes,
            "repeat": repeat,
            "runs": runs,
            "complete": True,
            "medians": judged.medians,
            "ratios": judged.ratios,
            "missed": judged.missed,
        }
    )
    print(f"raw figures: {args.output}")
    print("ratios: " + "; ".join(f"{k.strip()} {v:.2f}" for k, v in judged.ratios.items()))


if __name__ == "__main__":
    main()
