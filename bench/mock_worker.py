"""The mock server against a raw websockets server, each in a fresh process, with the clients
in another one (``bench/peer.py``): ``python bench/mock_worker.py flood|many lib|raw N``.

- ``flood``: one client writes N messages of 100 bytes and closes; timed from the client's
  ``go`` to the server seeing the close, with all N messages kept. The raw server's handler
  appends each message to a list.
- ``many``: N clients connect at once; the client process times the opening, this process
  reports its own RSS growth per client.

Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from scale_worker import rss_kib  # noqa: E402
from websockets.asyncio.server import ServerConnection, serve  # noqa: E402

SIZE = 100


def peer(*args: object) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "peer.py"), *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        process.kill()
        raise RuntimeError(f"peer {args[0]} did not get ready")
    return process


def tell(process: subprocess.Popen[str], word: str) -> None:
    assert process.stdin is not None
    process.stdin.write(word + "\n")
    process.stdin.flush()


def answer(process: subprocess.Popen[str]) -> dict[str, Any]:
    assert process.stdout is not None
    return json.loads(process.stdout.readline())


def lib_flood(count: int) -> dict[str, float]:
    from RobotWebSocket import RobotWebSocket

    lib = RobotWebSocket(timeout=300, buffer_size=max(count, 1000))
    url = lib.start_mock_server(max_size=None)
    client = peer("flood", url, count, SIZE)
    name = lib.wait_for_client(timeout=30)
    started = time.perf_counter()
    tell(client, "go")
    lib.wait_until_closed(name, timeout=300)
    elapsed = time.perf_counter() - started
    received = lib.get_connection_info(name)["received"]
    client.wait(30)
    lib.close()
    assert received == count, f"mock server received {received} of {count}"
    return {"msg_per_s": count / elapsed, "seconds": elapsed}


async def raw_flood(count: int) -> dict[str, float]:
    received: list[Any] = []
    done = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        async for message in ws:
            received.append(message)
        done.set()

    async with serve(handler, "127.0.0.1", 0, compression=None, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        client = await asyncio.to_thread(peer, "flood", f"ws://127.0.0.1:{port}", count, SIZE)
        started = time.perf_counter()
        tell(client, "go")
        await asyncio.wait_for(done.wait(), 300)
        elapsed = time.perf_counter() - started
        await asyncio.to_thread(client.wait, 30)
    assert len(received) == count, f"raw server received {len(received)} of {count}"
    return {"msg_per_s": count / elapsed, "seconds": elapsed}


def lib_many(count: int) -> dict[str, float]:
    from RobotWebSocket import RobotWebSocket

    lib = RobotWebSocket(timeout=120)
    url = lib.start_mock_server()
    client = peer("many", url, count)
    before = rss_kib()
    tell(client, "go")
    opened = answer(client)["open_s"]
    after = rss_kib()
    tell(client, "close")
    client.wait(120)
    lib.close()
    return {"open_s": opened, "rss_kib_per_client": (after - before) / count}


async def raw_many(count: int) -> dict[str, float]:
    kept: list[Any] = []

    async def handler(ws: ServerConnection) -> None:
        async for message in ws:
            kept.append(message)

    async with serve(handler, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        client = await asyncio.to_thread(peer, "many", f"ws://127.0.0.1:{port}", count)
        before = rss_kib()
        tell(client, "go")
        opened = (await asyncio.to_thread(answer, client))["open_s"]
        after = rss_kib()
        tell(client, "close")
        await asyncio.to_thread(client.wait, 120)
    return {"open_s": opened, "rss_kib_per_client": (after - before) / count}


if __name__ == "__main__":
    scenario, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if scenario == "flood":
        result = lib_flood(n) if kind == "lib" else asyncio.run(raw_flood(n))
    else:
        result = lib_many(n) if kind == "lib" else asyncio.run(raw_many(n))
    print(json.dumps(result))
