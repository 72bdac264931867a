"""A SignalR hub server for the SignalR tests, written from Microsoft's specification
(HubProtocol.md and TransportProtocols.md in dotnet/aspnetcore), and checked against
Microsoft's own client ``@microsoft/signalr`` by utest/test_signalr_hub.py.

Run as ``python signalr_hub.py --port-file FILE [--token T] [--keep-alive S]
[--client-timeout S] [--cert PEM --key PEM [--ca PEM]]``: it serves on a free port of 127.0.0.1 and writes ``{"port": N}`` to
FILE once it accepts connections (https and wss with ``--cert``, requiring client
certificates signed by ``--ca`` when given). It is a plain ASGI app under uvicorn, independent of the
library's own codec, so that a mistake in one is not mirrored by the other.

- ``POST /hub/negotiate?negotiateVersion=1`` answers a connection token and the WebSockets
  transport; ``/hub`` is the hub, JSON or MessagePack as the handshake asks (with ``?id=``,
  the token must be one that negotiate gave, else HTTP 404). With ``--token``, both need
  ``Authorization: Bearer T`` (or ``access_token=T`` in the query, as browsers send it),
  else HTTP 401.
- ``POST /refused/negotiate`` answers HTTP 401; ``POST /denied/negotiate`` answers
  ``{"error": "This connection is not allowed."}``; ``POST /redirect/negotiate`` answers
  ``{"url": <the hub's URL>, "accessToken": T}``, as Azure SignalR does.
- Hub methods: ``Echo(x)`` returns x; ``Add(a, b)``; ``Void()`` returns nothing; ``Fail(m)``
  fails with m; ``Broadcast(...)`` invokes ``Receive(...)`` on every client; ``Counter(n,
  delay)`` streams 0..n-1 (a stream invocation); ``AskClient(q)`` invokes ``GetAnswer(q)``
  on the caller with an invocation id and returns the client's result (or fails with its
  error); ``CloseMe(error, allowReconnect)`` sends a close message and closes; ``Stats()``
  returns ``{"pings": N, "messages": [...], "authorization": ...}``: the pings and the other
  messages this connection received, and its Authorization header. Unknown methods fail
  with "Method does not exist.".
- The hub pings every ``--keep-alive`` seconds (15) and closes a client silent for
  ``--client-timeout`` seconds (30) with a close message, as ASP.NET Core does.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import ssl
import sys
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import msgpack

sys.path.insert(0, str(Path(__file__).parent))
from socketio_app import serve  # noqa: E402

RS = "\x1e"


class Hub:
    def __init__(self, token: str | None, keep_alive: float, client_timeout: float) -> None:
        self.token = token
        self.keep_alive = keep_alive
        self.client_timeout = client_timeout
        self.tokens: set[str] = set()
        self.clients: set[Connection] = set()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return
        path = scope["path"].rstrip("/")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
        if scope["type"] == "http":
            await self.http(path, scope["method"], headers, query, scope, send)
        elif scope["type"] == "websocket":
            await self.websocket(path, headers, query, scope, receive, send)

    def authorized(self, headers: dict[str, str], query: dict[str, str]) -> bool:
        if self.token is None:
            return True
        bearer = headers.get("authorization", "")
        return bearer == f"Bearer {self.token}" or query.get("access_token") == self.token

    async def http(self, path, method, headers, query, scope, send) -> None:
        if path == "/refused/negotiate" or (
            path == "/hub/negotiate" and not self.authorized(headers, query)
        ):
            return await respond(send, 401, {"error": "Unauthorized"})
        if method != "POST" or not path.endswith("/negotiate"):
            return await respond(send, 404, {"error": "not found"})
        if path == "/denied/negotiate":
            return await respond(send, 200, {"error": "This connection is not allowed."})
        if path == "/redirect/negotiate":
            host = headers.get("host", "127.0.0.1")
            return await respond(
                send,
                200,
                {
                    "url": f"{scope['scheme']}://{host}/hub",
                    "accessToken": self.token or "redirected",
                },
            )
        if path != "/hub/negotiate":
            return await respond(send, 404, {"error": "not found"})
        version = int(query.get("negotiateVersion", "0"))
        connection_id, token = str(uuid.uuid4()), str(uuid.uuid4())
        self.tokens.add(token if version >= 1 else connection_id)
        body: dict[str, Any] = {
            "connectionId": connection_id,
            "negotiateVersion": min(version, 1),
            "availableTransports": [
                {"transport": "WebSockets", "transferFormats": ["Text", "Binary"]}
            ],
        }
        if version >= 1:
            body["connectionToken"] = token
        await respond(send, 200, body)

    async def websocket(self, path, headers, query, scope, receive, send) -> None:
        status = 0
        if path != "/hub":
            status = 404
        elif not self.authorized(headers, query):
            status = 401
        elif "id" in query and query["id"] not in self.tokens:
            status = 404
        if status:
            if "websocket.http.response" in scope.get("extensions", {}):
                await send(
                    {"type": "websocket.http.response.start", "status": status, "headers": []}
                )
                await send({"type": "websocket.http.response.body", "body": b""})
            else:
                await send({"type": "websocket.close", "code": 1008})
            return
        self.tokens.discard(query.get("id", ""))
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        connection = Connection(self, send, headers.get("authorization"))
        self.clients.add(connection)
        try:
            await connection.run(receive)
        finally:
            self.clients.discard(connection)


async def respond(send: Any, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def varint(length: int) -> bytes:
    out = bytearray()
    while True:
        out.append((length & 0x7F) | (0x80 if length > 0x7F else 0))
        length >>= 7
        if not length:
            return bytes(out)


class Connection:
    ids = itertools.count(1)

    def __init__(self, hub: Hub, send: Any, authorization: str | None) -> None:
        self.hub = hub
        self._send = send
        self.authorization = authorization
        self.protocol: str | None = None
        self.lock = asyncio.Lock()
        self.pings = 0
        self.messages: list[dict[str, Any]] = []
        self.waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.streams: dict[str, asyncio.Task[None]] = {}
        self.last_received = asyncio.get_running_loop().time()
        self.closed = False

    async def run(self, receive: Any) -> None:
        pinger = asyncio.create_task(self.keep_alive())
        try:
            while True:
                event = await receive()
                if event["type"] == "websocket.disconnect":
                    return
                self.last_received = asyncio.get_running_loop().time()
                data = event.get("text") if event.get("text") is not None else event.get("bytes")
                if self.protocol is None:
                    if not await self.handshake(data):
                        return
                    continue
                for message in self.parse(data):
                    await self.dispatch(message)
        finally:
            pinger.cancel()
            for task in self.streams.values():
                task.cancel()

    async def handshake(self, data: str | bytes) -> bool:
        text = data if isinstance(data, str) else data.decode()
        request = json.loads(text.split(RS)[0])
        protocol = request.get("protocol")
        if protocol not in ("json", "messagepack") or request.get("version") != 1:
            error = f"Requested protocol '{protocol}' is not available."
            await self.send_raw(json.dumps({"error": error}) + RS)
            await self._send({"type": "websocket.close", "code": 1000})
            return False
        self.protocol = protocol
        # ASP.NET Core writes the response in the connection's transfer format: a binary
        # frame for MessagePack.
        response = "{}" + RS
        await self.send_raw(response.encode() if protocol == "messagepack" else response)
        return True

    def parse(self, data: str | bytes) -> list[dict[str, Any]]:
        if self.protocol == "json":
            text = data if isinstance(data, str) else data.decode()
            return [json.loads(record) for record in text.split(RS) if record]
        messages, pos = [], 0
        while pos < len(data):
            length = shift = 0
            while True:
                byte = data[pos]
                pos += 1
                length |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            messages.append(from_array(msgpack.unpackb(data[pos : pos + length])))
            pos += length
        return messages

    async def send(self, message: dict[str, Any]) -> None:
        if self.protocol == "json":
            await self.send_raw(json.dumps(message) + RS)
        else:
            body = msgpack.packb(to_array(message))
            await self.send_raw(varint(len(body)) + body)

    async def send_raw(self, data: str | bytes) -> None:
        if self.closed:
            return
        async with self.lock:
            key = "text" if isinstance(data, str) else "bytes"
            await self._send({"type": "websocket.send", key: data})

    async def keep_alive(self) -> None:
        loop = asyncio.get_running_loop()
        step = min(self.hub.keep_alive, self.hub.client_timeout) / 4
        last_ping = loop.time()
        while not self.closed:
            await asyncio.sleep(step)
            if self.protocol is None:
                continue
            now = loop.time()
            if now - self.last_received > self.hub.client_timeout:
                error = "Server timeout elapsed without receiving a message from the client."
                await self.close(error, False)
                return
            if now - last_ping >= self.hub.keep_alive:
                last_ping = now
                await self.send({"type": 6})

    async def close(self, error: str | None, allow_reconnect: bool) -> None:
        message: dict[str, Any] = {"type": 7}
        if error:
            message["error"] = error
        if allow_reconnect:
            message["allowReconnect"] = True
        await self.send(message)
        self.closed = True
        await self._send({"type": "websocket.close", "code": 1000})

    async def dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == 6:
            self.pings += 1
            return
        self.messages.append(message)
        if kind == 3 and message.get("invocationId") in self.waiting:
            self.waiting.pop(message["invocationId"]).set_result(message)
        elif kind == 5 and message.get("invocationId") in self.streams:
            self.streams.pop(message["invocationId"]).cancel()
            await self.send({"type": 3, "invocationId": message["invocationId"]})
        elif kind == 1:
            asyncio.create_task(self.invoke(message))
        elif kind == 4:
            ident = message["invocationId"]
            self.streams[ident] = asyncio.create_task(self.stream(message))
        elif kind == 7:
            self.closed = True
            await self._send({"type": "websocket.close", "code": 1000})

    async def invoke(self, message: dict[str, Any]) -> None:
        ident = message.get("invocationId")
        target, args = message.get("target"), message.get("arguments") or []
        completion: dict[str, Any] = {"type": 3, "invocationId": ident}
        try:
            if target == "Echo":
                completion["result"] = args[0] if args else None
            elif target == "Add":
                completion["result"] = args[0] + args[1]
            elif target == "Void":
                pass
            elif target == "Fail":
                completion["error"] = str(args[0] if args else "failed")
            elif target == "Broadcast":
                for client in list(self.hub.clients):
                    await client.send({"type": 1, "target": "Receive", "arguments": args})
            elif target == "AskClient":
                question = f"q{next(Connection.ids)}"
                future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
                self.waiting[question] = future
                await self.send(
                    {"type": 1, "invocationId": question, "target": "GetAnswer", "arguments": args}
                )
                answer = await asyncio.wait_for(future, 30)
                if answer.get("error") is not None:
                    completion["error"] = f"The client failed: {answer['error']}"
                else:
                    completion["result"] = answer.get("result")
            elif target == "CloseMe":
                await self.close(
                    args[0] if args else None, bool(args[1]) if len(args) > 1 else False
                )
                return
            elif target == "Stats":
                completion["result"] = {
                    "pings": self.pings,
                    "messages": [m for m in self.messages if m is not message],
                    "authorization": self.authorization,
                }
            else:
                completion["error"] = "Method does not exist."
        except Exception as error:  # noqa: BLE001
            completion.pop("result", None)
            completion["error"] = f"{type(error).__name__}: {error}"
        if ident is not None:
            await self.send(completion)

    async def stream(self, message: dict[str, Any]) -> None:
        ident = message["invocationId"]
        args = message.get("arguments") or []
        if message.get("target") != "Counter":
            await self.send({"type": 3, "invocationId": ident, "error": "Method does not exist."})
            return
        count, delay = (list(args) + [3, 0])[:2] if len(args) < 2 else args[:2]
        for item in range(int(count)):
            await asyncio.sleep(float(delay))
            await self.send({"type": 2, "invocationId": ident, "item": item})
        self.streams.pop(ident, None)
        await self.send({"type": 3, "invocationId": ident})


def from_array(array: list[Any]) -> dict[str, Any]:
    kind = array[0]
    if kind == 6:
        return {"type": 6}
    if kind == 7:
        return {"type": 7, "error": array[1]}
    message: dict[str, Any] = {"type": kind, "invocationId": array[2]}
    if kind in (1, 4):
        message.update(target=array[3], arguments=array[4])
        if len(array) > 5 and array[5]:
            message["streamIds"] = array[5]
    elif kind == 2:
        message["item"] = array[3]
    elif kind == 3:
        if array[3] == 1:
            message["error"] = array[4]
        elif array[3] == 3:
            message["result"] = array[4]
    if message["invocationId"] is None:
        del message["invocationId"]
    return message


def to_array(message: dict[str, Any]) -> list[Any]:
    kind = message["type"]
    ident = message.get("invocationId")
    if kind == 1:
        return [1, {}, ident, message["target"], message["arguments"], []]
    if kind == 2:
        return [2, {}, ident, message["item"]]
    if kind == 3:
        if "error" in message:
            return [3, {}, ident, 1, message["error"]]
        if "result" in message:
            return [3, {}, ident, 3, message["result"]]
        return [3, {}, ident, 2]
    if kind == 6:
        return [6]
    if kind == 7:
        array = [7, message.get("error")]
        if message.get("allowReconnect"):
            array.append(True)
        return array
    raise ValueError(f"no MessagePack form for type {kind}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--token", default=None)
    parser.add_argument("--keep-alive", type=float, default=15.0)
    parser.add_argument("--client-timeout", type=float, default=30.0)
    parser.add_argument("--cert", help="serve https/wss with this certificate (PEM)")
    parser.add_argument("--key", help="the certificate's private key (PEM)")
    parser.add_argument("--ca", help="require client certificates signed by this CA (PEM)")
    options = parser.parse_args()
    tls: dict[str, Any] = {}
    if options.cert:
        tls = {"ssl_certfile": options.cert, "ssl_keyfile": options.key}
    if options.ca:
        tls.update(ssl_ca_certs=options.ca, ssl_cert_reqs=ssl.CERT_REQUIRED)
    hub = Hub(options.token, options.keep_alive, options.client_timeout)
    serve(hub, options.port_file, **tls)


if __name__ == "__main__":
    main()
