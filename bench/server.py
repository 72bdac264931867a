"""The benchmark's WebSocket server, run as its own process so that it does not share the
client's GIL: ``python bench/server.py --port-file F``.

| path | behaviour |
|---|---|
| ``/echo`` | sends every message back |
| ``/flood?count=N&size=B`` | sends N JSON messages of about B bytes as fast as it can, then closes with 1000; the last one, and only it, has ``"n": N - 1`` |
| ``/stream?size=B`` | sends messages of about B bytes until the client leaves (at most 10 million or 300 s) |
| ``/pinger?count=N`` | sends ``{"type": "ping", "id": n, "t": T}`` N times, each after the previous one was answered, times each answer from the send of its ping (the answer must echo ``id``), then sends ``{"type": "result", "median_ms": ..., "p99_ms": ...}`` and closes |
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed


def _args(ws: ServerConnection) -> dict[str, int]:
    assert ws.request is not None
    query = parse_qs(urlsplit(ws.request.path).query)
    return {key: int(values[0]) for key, values in query.items()}


def payload(n: int, size: int) -> str:
    head = json.dumps({"type": "tick", "n": n, "pad": ""})
    return head[:-2] + "x" * max(0, size - len(head)) + '"}'


async def pinger(ws: ServerConnection, count: int) -> None:
    # Timed here, at the server, so that both clients are measured by the same clock and
    # the same code: from the ping's send to its answer's arrival.
    times = []
    for n in range(count):
        started = time.perf_counter()
        await ws.send(json.dumps({"type": "ping", "id": n, "t": time.time()}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
        times.append(time.perf_counter() - started)
        if answer.get("id") != n:
            raise RuntimeError(f"answer {answer!r} to ping {n}")
    ordered = sorted(times)
    result = {
        "type": "result",
        "median_ms": statistics.median(times) * 1e3,
        "p99_ms": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1e3,
    }
    await ws.send(json.dumps(result))
    await ws.close()


async def handler(ws: ServerConnection) -> None:
    assert ws.request is not None
    path = urlsplit(ws.request.path).path
    try:
        if path == "/echo":
            async for message in ws:
                await ws.send(message)
        elif path == "/flood":
            args = _args(ws)
            count, size = args["count"], args.get("size", 100)
            messages = [payload(n, size) for n in range(min(count, 1000))]
            for n in range(count - 1):
                await ws.send(messages[n % len(messages)])
            # The n of the others repeats every 1,000 messages: a client waiting for the
            # last message by its content (Receive  $.n  ==  N - 1) sees it only at the end.
            if count:
                await ws.send(payload(count - 1, size))
            await ws.close()
        elif path == "/stream":
            message = payload(0, _args(ws).get("size", 100))
            ends = time.monotonic() + 300
            for n in range(10_000_000):
                await ws.send(message)
                if n % 100 == 0:
                    # send() does not yield while the socket takes data: without this the
                    # server's other connections (the quiet echo) would starve.
                    await asyncio.sleep(0)
                    if time.monotonic() > ends:
                        break
            await ws.close()
        elif path == "/pinger":
            await pinger(ws, _args(ws).get("count", 1000))
    except ConnectionClosed:
        pass


async def main(port_file: str) -> None:
    async with serve(handler, "127.0.0.1", 0, compression=None, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        with open(port_file + ".tmp", "w") as handle:
            handle.write(str(port))
        os.replace(port_file + ".tmp", port_file)
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    asyncio.run(main(parser.parse_args().port_file))
