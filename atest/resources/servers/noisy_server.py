"""A WebSocket server full of housekeeping traffic, for the message-rule acceptance tests.

``python noisy_server.py --port-file F`` listens on 127.0.0.1 on a free port and writes the
port number to ``F`` once it is listening.

| path | behaviour |
|---|---|
| ``/noisy?count=N&beat=MS`` | for each of N data messages sends a WebSocket ping frame, ``{"type": "heartbeat"}`` and ``{"type": "data", "n": i}``; then one more heartbeat and ``{"type": "done", "count": N, "pongs": P}`` (P: ping frames the client answered); then, with ``beat``, a ping frame and a heartbeat every MS ms until the client leaves |
| ``/greet`` | sends ``{"type": "heartbeat"}`` and ``{"type": "welcome", "id": "w-1"}`` the moment the connection opens, then records |
| ``/strict?ids=str|num&interval=MS&grace=MS&count=N`` | sends ``{"type": "ping", "id": ...}`` every ``interval`` ms (200), with string ids ``"p-1"``, ``"p-2"``... or numeric ids 1, 2...; closes with 4000 when the matching ``{"type": "pong", "id": ...}`` (same value, same JSON type) has not come within ``grace`` ms (600), with 4001 on a pong whose id it is not waiting for; stops pinging after ``count`` pings when given; records |
| ``/record`` | records |
| ``/deaf?for=MS`` | stops reading the socket for MS ms (3000) after the upgrade, so ping frames sent then are not answered |
| ``/echo`` | sends back every message as it came |

A path that *records* keeps every message it receives, with the time it arrived, except two
commands it obeys: ``{"op": "send", "messages": [...]}`` makes it send each item (a string as
it is, anything else as JSON), and ``{"op": "report"}`` is answered with
``{"type": "report", "count": n, "messages": [...], "times": [...]}``: what it recorded, in
arrival order (JSON text parsed, other text as it came, binary as ``{"binary": "<hex>"}``)
and when each arrived, in seconds since the epoch (``time.time()``, comparable with the test's
own clock on the same machine).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from RobotWebSocket.demo import router, run_until_stopped, write_port_file  # noqa: E402


def query(ws: ServerConnection) -> dict[str, str]:
    assert ws.request is not None
    return {k: v[0] for k, v in parse_qs(urlsplit(ws.request.path).query).items()}


def decode(message: str | bytes) -> Any:
    if isinstance(message, bytes):
        return {"binary": message.hex()}
    try:
        return json.loads(message)
    except ValueError:
        return message


def encode(item: Any) -> str:
    return item if isinstance(item, str) else json.dumps(item)


async def record(ws: ServerConnection, on_message: Any = None) -> None:
    """Records what arrives and obeys the ``send`` and ``report`` commands; hands each
    recorded message to ``on_message`` too."""
    messages: list[Any] = []
    times: list[float] = []
    async for raw in ws:
        arrived = time.time()
        message = decode(raw)
        command = message.get("op") if isinstance(message, dict) else None
        if command == "report":
            report = {"type": "report", "count": len(messages), "messages": messages}
            await ws.send(json.dumps({**report, "times": times}))
        elif command == "send":
            for item in message.get("messages", []):
                await ws.send(encode(item))
        else:
            messages.append(message)
            times.append(arrived)
            if on_message is not None:
                await on_message(message)


async def noisy(ws: ServerConnection) -> None:
    args = query(ws)
    count = int(args.get("count", 5))
    beat = float(args.get("beat", 0)) / 1000
    pongs = []
    for n in range(1, count + 1):
        pongs.append(await ws.ping(f"noise-{n}"))
        await ws.send(json.dumps({"type": "heartbeat"}))
        await ws.send(json.dumps({"type": "data", "n": n}))
    await ws.send(json.dumps({"type": "heartbeat"}))
    # The client answers ping frames on its own; waiting for the answers shows that frames
    # below the application level neither disturb it nor reach its history.
    done, _ = await asyncio.wait(pongs, timeout=5)
    await ws.send(json.dumps({"type": "done", "count": count, "pongs": len(done)}))
    if not beat:
        await record(ws)
        return
    keep_beating = asyncio.create_task(_beat(ws, beat))
    try:
        await record(ws)
    finally:
        keep_beating.cancel()


async def _beat(ws: ServerConnection, interval: float) -> None:
    with contextlib.suppress(ConnectionClosed):
        while True:
            await asyncio.sleep(interval)
            await ws.ping()
            await ws.send(json.dumps({"type": "heartbeat"}))


async def greet(ws: ServerConnection) -> None:
    await ws.send(json.dumps({"type": "heartbeat"}))
    await ws.send(json.dumps({"type": "welcome", "id": "w-1"}))
    await record(ws)


async def strict(ws: ServerConnection) -> None:
    args = query(ws)
    numeric = args.get("ids", "str") == "num"
    interval = float(args.get("interval", 200)) / 1000
    grace = float(args.get("grace", 600)) / 1000
    limit = int(args["count"]) if "count" in args else None
    loop = asyncio.get_running_loop()
    # Ids are compared as JSON text, so "2" and 2 are different ids, as they are on the wire.
    waiting: dict[str, asyncio.TimerHandle] = {}

    def give_up(key: str) -> None:
        loop.create_task(ws.close(4000, f"no pong for ping {key}"))

    async def ping() -> None:
        with contextlib.suppress(ConnectionClosed):
            for n in itertools.count(1):
                if limit is not None and n > limit:
                    return
                ping_id: Any = n if numeric else f"p-{n}"
                key = json.dumps(ping_id)
                waiting[key] = loop.call_later(grace, give_up, key)
                await ws.send(json.dumps({"type": "ping", "id": ping_id}))
                await asyncio.sleep(interval)

    async def on_message(message: Any) -> None:
        if not (isinstance(message, dict) and message.get("type") == "pong"):
            return
        key = json.dumps(message.get("id"))
        handle = waiting.pop(key, None)
        if handle is None:
            expected = ", ".join(waiting) or "none"
            await ws.close(4001, f"unexpected pong id {key} (waiting for {expected})")
        else:
            handle.cancel()

    pinging = asyncio.create_task(ping())
    try:
        await record(ws, on_message)
    finally:
        pinging.cancel()
        for handle in waiting.values():
            handle.cancel()


async def deaf(ws: ServerConnection) -> None:
    ws.transport.pause_reading()
    # Deaf for a while only, so the server still notices when the client goes away.
    await asyncio.sleep(float(query(ws).get("for", 3000)) / 1000)
    ws.transport.resume_reading()
    await ws.wait_closed()


async def echo(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(message)


ROUTES = {
    "/noisy": noisy,
    "/greet": greet,
    "/strict": strict,
    "/record": record,
    "/deaf": deaf,
    "/echo": echo,
}


async def main(port_file: str) -> None:
    # The server sends its own ping frames only on /noisy; keepalive pings would add frames
    # the tests do not count.
    server = await serve(router(ROUTES), "127.0.0.1", 0, ping_interval=None)
    write_port_file(port_file, str(server.sockets[0].getsockname()[1]))
    await run_until_stopped(server=server)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port-file", required=True)
    asyncio.run(main(parser.parse_args().port_file))
