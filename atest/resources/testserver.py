"""The WebSocket server the acceptance and unit tests talk to.

``python testserver.py --port-file F [--cert C --key K --ca CA]`` listens on 127.0.0.1 on
free ports and writes ``{"ws": port, "wss": port, "mtls": port, "hang": port}`` to ``F``.
``wss`` uses the certificate ``C``; ``mtls`` also requires a client certificate signed by
``CA``; ``hang`` accepts TCP connections and never answers (for upgrade timeouts);
``mute`` completes the upgrade, sends ``hello`` and never answers a close frame;
``ping`` pings every 0.2 s and drops clients that do not answer; ``proxy`` is an HTTP
CONNECT proxy that alone resolves ``through-proxy.test`` (to 127.0.0.1).
``--ws-port`` fixes the ``ws`` port (to restart a killed server where it was).

Besides the demo's endpoints (``/echo``, ``/orders``, ``/poll``, ``/chat``, ``/ticks``):

| path | behaviour |
|---|---|
| ``/headers`` | sends the upgrade request's headers as one JSON object |
| ``/auth`` | rejects the upgrade with 401 unless ``Authorization: Bearer good-token`` |
| ``/status/NNN`` | rejects the upgrade with HTTP status NNN |
| ``/close?code=C&reason=R`` | closes at once with that code and reason |
| ``/silent`` | reads and discards, never sends |
| ``/push?count=N&interval=MS`` | pushes N messages ``{"type": "tick", "n": i}`` |
| ``/xml`` | answers each message with an XML order |
| ``/drop`` | sends ``bye`` and drops the TCP connection without a close frame |
| ``/big?size=N`` | sends one text message of N bytes |
| ``/script`` | obeys JSON commands: ``delay`` (ms, first), ``send``, ``send_hex``, ``close``, ``drop``, ``burst``, ``stop_reading`` |

Subprotocols ``chat.v1`` and ``chat.v2`` are accepted on every path.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from RobotWebSocket.demo import ROUTES, router, run_until_stopped, write_port_file  # noqa: E402

SUBPROTOCOLS = ("chat.v2", "chat.v1")
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3


def query(ws: ServerConnection) -> dict[str, str]:
    assert ws.request is not None
    return {k: v[0] for k, v in parse_qs(urlsplit(ws.request.path).query).items()}


async def headers(ws: ServerConnection) -> None:
    assert ws.request is not None
    await ws.send(json.dumps(dict(ws.request.headers.raw_items())))
    async for _ in ws:
        pass


async def close_now(ws: ServerConnection) -> None:
    args = query(ws)
    await ws.close(int(args.get("code", 1000)), args.get("reason", ""))


async def silent(ws: ServerConnection) -> None:
    async for _ in ws:
        pass


async def push(ws: ServerConnection) -> None:
    args = query(ws)
    interval = float(args.get("interval", 0)) / 1000
    for n in range(1, int(args.get("count", 10)) + 1):
        await ws.send(json.dumps({"type": "tick", "n": n}))
        if interval:
            await asyncio.sleep(interval)
    async for _ in ws:
        pass


async def xml(ws: ServerConnection) -> None:
    async for message in ws:
        await ws.send(
            f'<order id="42" status="open"><item sku="a">2</item><item sku="b">3</item>'
            f"<note>{message if isinstance(message, str) else 'binary'}</note></order>"
        )


async def drop(ws: ServerConnection) -> None:
    await ws.send("bye")
    await asyncio.sleep(0.05)
    ws.transport.abort()


async def big(ws: ServerConnection) -> None:
    await ws.send("x" * int(query(ws).get("size", 2_000_000)))
    async for _ in ws:
        pass


async def script(ws: ServerConnection) -> None:
    async for raw in ws:
        command: dict[str, Any] = json.loads(raw)
        if "delay" in command:
            await asyncio.sleep(float(command["delay"]) / 1000)
        for item in command.get("send", []):
            await ws.send(item if isinstance(item, str) else json.dumps(item))
        if "send_hex" in command:
            await ws.send(bytes.fromhex(command["send_hex"]))
        if "burst" in command:
            for n in range(1, int(command["burst"]) + 1):
                await ws.send(f'{{"seq": {n}}}')
        if "close" in command:
            await ws.close(int(command["close"]), command.get("reason", ""))
            return
        if command.get("drop"):
            ws.transport.abort()
            return
        if command.get("stop_reading"):
            await asyncio.Event().wait()


TEST_ROUTES = {
    **ROUTES,
    "/headers": headers,
    "/auth": silent,
    "/close": close_now,
    "/silent": silent,
    "/push": push,
    "/xml": xml,
    "/drop": drop,
    "/big": big,
    "/script": script,
}


def process_request(connection: ServerConnection, request: Request) -> Response | None:
    path = urlsplit(request.path).path
    if path.startswith("/status/"):
        status = int(path.rsplit("/", 1)[1])
        return connection.respond(status, f"Rejected with {status} by the test server\n")
    if path == "/auth" and request.headers.get("Authorization") != "Bearer good-token":
        return connection.respond(401, "Unauthorized: a valid bearer token is required\n")
    return None


def select_subprotocol(connection: ServerConnection, offered: Sequence[str]) -> Any:
    for protocol in SUBPROTOCOLS:
        if protocol in offered:
            return protocol
    return None


async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read()  # Never answers; ends when the client goes away.
    writer.close()


async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Completes the upgrade, sends one text frame, then ignores everything: it never
    answers a close frame."""
    request = await reader.readuntil(b"\r\n\r\n")
    key = next(
        line.split(b":", 1)[1].strip()
        for line in request.split(b"\r\n")
        if line.lower().startswith(b"sec-websocket-key:")
    )
    accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest())
    writer.write(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
    )
    writer.write(b"\x81\x05hello")  # One unmasked text frame: "hello".
    while await reader.read(65536):
        pass
    writer.close()


#: Host names that only the proxy knows: reaching them proves the proxy was used.
PROXY_HOSTS = {"through-proxy.test": "127.0.0.1"}


async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A minimal HTTP CONNECT proxy."""
    request = await reader.readuntil(b"\r\n\r\n")
    method, target = request.split(b" ")[:2]
    host, port = target.decode().rsplit(":", 1)
    if method != b"CONNECT" or host not in PROXY_HOSTS:
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        writer.close()
        return
    upstream_reader, upstream_writer = await asyncio.open_connection(PROXY_HOSTS[host], int(port))
    writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")

    async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        finally:
            sink.close()

    await asyncio.gather(
        pipe(reader, upstream_writer), pipe(upstream_reader, writer), return_exceptions=True
    )


async def main(
    port_file: str, cert: str | None, key: str | None, ca: str | None, ws_port: int = 0
) -> None:
    options: dict[str, Any] = {
        "process_request": process_request,
        "select_subprotocol": select_subprotocol,
        "max_size": 2**24,
    }
    handler = router(TEST_ROUTES)
    servers = {"ws": await serve(handler, "127.0.0.1", ws_port, **options)}
    if cert and key:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        servers["wss"] = await serve(handler, "127.0.0.1", 0, ssl=tls, **options)
        if ca:
            mutual = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            mutual.load_cert_chain(cert, key)
            mutual.load_verify_locations(ca)
            mutual.verify_mode = ssl.CERT_REQUIRED
            servers["mtls"] = await serve(handler, "127.0.0.1", 0, ssl=mutual, **options)
    # Pings every 0.2 s and drops a client that has not answered within 0.5 s.
    servers["ping"] = await serve(
        handler, "127.0.0.1", 0, **options, ping_interval=0.2, ping_timeout=0.5
    )
    hanging = await asyncio.start_server(hang, "127.0.0.1", 0)
    muted = await asyncio.start_server(mute, "127.0.0.1", 0)
    proxying = await asyncio.start_server(proxy, "127.0.0.1", 0)
    ports = {name: s.sockets[0].getsockname()[1] for name, s in servers.items()}
    ports["hang"] = hanging.sockets[0].getsockname()[1]
    ports["mute"] = muted.sockets[0].getsockname()[1]
    ports["proxy"] = proxying.sockets[0].getsockname()[1]
    write_port_file(port_file, ports)
    await run_until_stopped(**servers, hang=hanging, mute=muted, proxy=proxying)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--ca")
    parser.add_argument("--ws-port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(main(args.port_file, args.cert, args.key, args.ca, args.ws_port))
