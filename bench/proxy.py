"""Benchmark rows for the proxy (`Start Proxy`) against a raw websockets relay, in the same
round: forwarding throughput of 100-byte messages and the latency a hop adds.

The relay is the least a proxy can be: websockets' server in a thread with its own event
loop (as the library's proxy runs in the library's loop thread); for each client it opens
a connection upstream and forwards in a loop, both ways (``async for`` and ``send``). The
client is websockets' own, in this thread; the server is ``bench/server.py``'s ``/flood``
(throughput, N messages then close) and ``/echo`` (latency). A hop's added latency is the
median round trip through it less the median round trip straight to the server, measured
in the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import connect as raw_connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as sync_connect

from RobotWebSocket import RobotWebSocket

GROUPS = ["proxy"]
ALIASES: dict[str, list[str]] = {}
FULL = {"proxy_flood": 200_000, "proxy_rr": 5_000}
QUICK = {"proxy_flood": 20_000, "proxy_rr": 200}

#: Rows for run.py's table, in its format.
TABLE: list[tuple[str, tuple[str, str], Any, str, str]] = [
    ("proxy: forward 100 B (proxy/relay)", ("proxy_flood_lib", "msg_per_s"), ("proxy_flood_relay", "msg_per_s"), "msg/s", ">= 0.8"),
    ("proxy: added latency median", ("proxy_rr_lib", "added_median_ms"), ("proxy_rr_relay", "added_median_ms"), "ms", "<= 1.5"),
    ("  proxy: round trip median (ref)", ("proxy_rr_lib", "median_ms"), ("proxy_rr_relay", "median_ms"), "ms", "(reference)"),
]  # fmt: skip


class Relay:
    """A raw websockets relay to ``upstream`` in a thread of its own; ``url`` once started."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.url = ""
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Future[None] | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _handle(self, client: ServerConnection) -> None:
        assert client.request is not None
        async with raw_connect(
            self.upstream + client.request.path, compression=None, max_size=None
        ) as server:

            async def pipe(source: Any, target: Any) -> None:
                try:
                    async for message in source:
                        await target.send(message)
                except ConnectionClosed:
                    pass
                await target.close()

            await asyncio.gather(pipe(client, server), pipe(server, client))

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def main() -> None:
            self._stop = self._loop.create_future()
            async with serve(
                self._handle, "127.0.0.1", 0, compression=None, max_size=None
            ) as server:
                self.url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
                self._ready.set()
                await self._stop

        self._loop.run_until_complete(main())

    def __enter__(self) -> str:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the relay did not start")
        return self.url

    def __exit__(self, *exc: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set_result, None)
        self._thread.join(10)


class Proxy:
    """The library's proxy to ``upstream``, as a context manager giving its URL."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.lib = RobotWebSocket(timeout=30)

    def __enter__(self) -> str:
        return self.lib.start_proxy(self.upstream, alias="bench-proxy")

    def __exit__(self, *exc: object) -> None:
        self.lib.close()


def flood(hop: Callable[[str], Any], base: str, count: int) -> dict[str, float]:
    """``count`` 100-byte messages from the server to a client through the hop."""

    async def receive(url: str) -> int:
        got = 0
        async with raw_connect(
            f"{url}/flood?count={count}&size=100", compression=None, max_size=None
        ) as ws:
            async for _ in ws:
                got += 1
        return got

    with hop(base) as url:
        started = time.perf_counter()
        got = asyncio.run(receive(url))
        elapsed = time.perf_counter() - started
    if got != count:
        raise RuntimeError(f"{got} of {count} messages came through")
    return {"msg_per_s": count / elapsed}


def _round_trips(url: str, count: int) -> list[float]:
    times = []
    message = "x" * 100
    with sync_connect(f"{url}/echo", compression=None) as ws:
        for _ in range(count):
            started = time.perf_counter()
            ws.send(message)
            ws.recv()
            times.append(time.perf_counter() - started)
    return times


def round_trip(hop: Callable[[str], Any], base: str, count: int) -> dict[str, float]:
    """Median round trip through the hop, and what it adds to the direct one."""
    direct = statistics.median(_round_trips(base, count))
    with hop(base) as url:
        through = statistics.median(_round_trips(url, count))
    return {"median_ms": through * 1e3, "added_median_ms": (through - direct) * 1e3}


def run_round(
    record: Callable[[str, Callable[[], dict[str, float]]], None],
    wanted: set[str],
    sizes: dict[str, int],
    base: str,
) -> None:
    """One round: the proxy next to the relay, for each figure."""
    if "proxy" not in wanted:
        return
    record("proxy_flood_lib", lambda: flood(Proxy, base, sizes["proxy_flood"]))
    record("proxy_flood_relay", lambda: flood(Relay, base, sizes["proxy_flood"]))
    record("proxy_rr_lib", lambda: round_trip(Proxy, base, sizes["proxy_rr"]))
    record("proxy_rr_relay", lambda: round_trip(Relay, base, sizes["proxy_rr"]))
