"""Benchmark rows for AsyncAPI contracts: ingestion of 100-byte JSON messages on a connection
with a document and ``violations=fail`` against raw websockets in the same round, and the
cost of ``Validate Messages`` over a full history. ``bench/run.py`` runs them
(``--only contracts``); the document is ``bench/contract.asyncapi.yml``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from RobotWebSocket import RobotWebSocket

DOCUMENT = str(Path(__file__).resolve().with_name("contract.asyncapi.yml"))

GROUPS = ["contracts"]
FULL = {"contract_ingest": 200_000, "contract_validate": 10_000}
QUICK = {"contract_ingest": 5_000, "contract_validate": 1_000}

#: Rows for run.py's table, in its format.
TABLE: list[tuple[str, tuple[str, str], Any, str, str]] = [
    ("contracts: ingest 100 B, violations=fail (lib/raw)", ("contract_ingest_lib", "msg_per_s"), ("contract_ingest_raw", "msg_per_s"), "msg/s", ">= 0.5"),
    ("  same, no document (ref)", ("contract_ingest_none_lib", "msg_per_s"), ("contract_ingest_raw", "msg_per_s"), "msg/s", "(reference)"),
    ("contracts: Validate Messages (vs 1 s)", ("contract_validate", "seconds"), 1.0, "s", "< 1 (1 s)"),
]  # fmt: skip


def ingest_lib(base: str, count: int, document: bool = True) -> dict[str, float]:
    """``Wait Until Closed`` on a burst of 100-byte messages, each checked against the
    document as it arrives; `Get Contract Coverage` proves each was."""
    lib = RobotWebSocket(timeout=300, buffer_size=max(count, 300_000))
    url = f"{base}/flood?count={count}&size=100"
    options = {"asyncapi": DOCUMENT, "violations": "fail"} if document else {}
    started = time.perf_counter()
    lib.connect(url, compression=False, **options)
    lib.wait_until_closed(url, timeout=300)
    elapsed = time.perf_counter() - started
    if document:
        coverage = lib.get_contract_coverage(url)
        assert coverage["messages"] == {"tick": count}, coverage
    lib.close()
    return {"msg_per_s": count / elapsed, "seconds": elapsed}


def validate(base: str, count: int) -> dict[str, float]:
    """`Validate Messages` over ``count`` received messages (the keyword alone, logging
    off as outside Robot)."""
    lib = RobotWebSocket(timeout=300, buffer_size=count)
    url = f"{base}/flood?count={count}&size=100"
    lib.connect(url, compression=False)
    lib.wait_until_closed(url, timeout=300)
    started = time.perf_counter()
    checked = lib.validate_messages(url, asyncapi=DOCUMENT)
    elapsed = time.perf_counter() - started
    lib.close()
    assert checked == count, checked
    return {"seconds": elapsed, "per_message_us": elapsed / count * 1e6}


def run_round(
    record: Callable[[str, Callable[[], dict[str, float]]], None],
    wanted: set[str],
    sizes: dict[str, int],
    base: str,
    ingest_raw: Callable[..., dict[str, float]],
) -> None:
    """One round: the library with a document next to raw websockets, then the no-document
    reference, then Validate Messages."""
    if "contracts" not in wanted:
        return
    n = sizes["contract_ingest"]
    record("contract_ingest_lib", lambda: ingest_lib(base, n))
    record("contract_ingest_raw", lambda: ingest_raw(base, n, 100))
    record("contract_ingest_none_lib", lambda: ingest_lib(base, n, document=False))
    record("contract_validate", lambda: validate(base, sizes["contract_validate"]))
