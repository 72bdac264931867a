"""The SignalR test hub against Microsoft's own client, and the codec against both.

- ``@microsoft/signalr`` (JSON and MessagePack, with and without negotiation) runs a scripted
  session against atest/resources/servers/signalr_hub.py: the hub the acceptance tests use
  is one that the official client accepts.
- The codec's client side runs the same kind of session against that hub.
- The codec's server side, driven by a small websockets server, serves the official client.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

from RobotWebSocket.protocols.signalr import (
    SignalR,
    negotiate_url,
    parse_negotiate,
    websocket_url,
)

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "atest" / "resources" / "servers" / "signalr_hub.py"
CLIENT = ROOT / "atest" / "resources" / "clients" / "signalr_client.js"
NODE_MODULES = ROOT / "atest" / "resources" / "node" / "node_modules" / "@microsoft" / "signalr"
TOKEN = "sekret"

needs_node = pytest.mark.skipif(
    shutil.which("node") is None or not NODE_MODULES.exists(),
    reason="node and atest/resources/node's packages (npm ci there) run Microsoft's client",
)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    port_file = tmp_path_factory.mktemp("hub") / "port.json"
    process = subprocess.Popen(
        [sys.executable, str(HUB), "--port-file", str(port_file), "--token", TOKEN,
         "--keep-alive", "0.5"],
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while not port_file.exists() or not port_file.read_text().strip():
        assert process.poll() is None, "the hub exited"
        assert time.monotonic() < deadline, "the hub did not start"
        time.sleep(0.05)
    time.sleep(0.05)
    yield f"http://127.0.0.1:{json.loads(port_file.read_text())['port']}"
    process.terminate()
    process.wait(10)


def official_client(url: str, *options: str) -> dict[str, dict]:
    result = subprocess.run(
        ["node", str(CLIENT), url, *options],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    steps = {}
    for line in result.stdout.splitlines():
        entry = json.loads(line)
        steps[entry.pop("step")] = entry
    assert "crash" not in steps, steps["crash"]
    return steps


@needs_node
@pytest.mark.parametrize(
    "options",
    [(), ("--msgpack",), ("--skip-negotiation",), ("--msgpack", "--skip-negotiation")],
    ids=["json", "messagepack", "json direct", "messagepack direct"],
)
def test_the_official_client_accepts_the_hub(hub, options):
    steps = official_client(f"{hub}/hub", "--token", TOKEN, *options)
    protocol = "messagepack" if "--msgpack" in options else "json"
    assert steps["start"]["value"]["protocol"] == protocol
    if "--skip-negotiation" in options:
        assert steps["start"]["value"]["connectionId"] is None
    else:
        assert steps["start"]["value"]["connectionId"]
    assert steps["Echo"] == {"value": {"text": "hi", "n": [1, 2.5, None, True]}}
    assert steps["Add"] == {"value": 42}
    assert steps["Void"] == {"value": None}
    assert steps["Fail"] == {"error": "it did not work"}
    assert steps["Missing"] == {"error": "Method does not exist."}
    assert steps["Counter"] == {"value": [0, 1, 2]}
    assert steps["AskClient"] == {"value": "answer to why"}
    assert steps["Broadcast"] == {"value": [["hello", 7]]}
    assert steps["Send"] == {"value": None}
    stats = steps["Stats"]["value"]
    # What the hub received: every invocation, the client's completion (type 3) of
    # GetAnswer, the non-blocking Echo; and the Authorization header of the connection.
    assert stats["targets"] == [
        "Echo", "Add", "Void", "Fail", "NoSuchMethod", "Counter", "AskClient", 3,
        "Broadcast", "Echo",
    ]  # fmt: skip
    assert stats["authorization"] == f"Bearer {TOKEN}"
    assert steps["closed"] == {"error": None}


@needs_node
def test_the_official_client_hears_a_refused_negotiate_and_a_close_message(hub):
    steps = official_client(f"{hub}/hub")
    assert "Status code '401'" in steps["start"]["error"]
    steps = official_client(
        f"{hub}/hub", "--token", TOKEN, "--msgpack", "--close-me", "bye now",
        "--steps", "Echo",
    )  # fmt: skip
    assert steps["closed"] == {"error": "Server returned an error on close: bye now"}


def negotiate(url: str, token: str | None = TOKEN) -> bytes:
    request = urllib.request.Request(negotiate_url(url), method="POST", data=b"")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def test_the_negotiate_helpers_against_the_hub(hub):
    negotiated = parse_negotiate(negotiate(f"{hub}/hub"))
    assert negotiated.negotiate_version == 1 and negotiated.connection_token
    assert negotiated.transports == ["WebSockets"]
    redirect = parse_negotiate(negotiate(f"{hub}/redirect"))
    assert redirect.redirect == f"{hub}/hub" and redirect.access_token == TOKEN
    with pytest.raises(ValueError, match="refused to negotiate: This connection is not allowed."):
        parse_negotiate(negotiate(f"{hub}/denied"))
    with pytest.raises(urllib.error.HTTPError, match="401"):
        negotiate(f"{hub}/hub", token=None)


async def session(url: str, codec: SignalR) -> list:
    """Run the codec's client side against the hub: a request, a stream, a server
    invocation and a client result; the documents that entered the history."""
    history: list = []
    async with connect(url, additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:

        async def apply(out) -> None:
            for frame in out.send:
                await ws.send(frame)
            history.extend(received.document for received in out.documents)
            assert out.refused is None

        await apply(codec.opened(None, time.monotonic()))
        while not codec.ready:
            await apply(codec.receive(await ws.recv(), time.monotonic()))

        async def until(test) -> dict:
            while True:
                for document in history:
                    if test(document):
                        return document
                await apply(codec.receive(await ws.recv(), time.monotonic()))

        frames, is_reply = codec.request({"target": "Add", "arguments": [40, 2]})
        for frame in frames:
            await ws.send(frame)
        assert (await until(is_reply))["result"] == 42
        frames, is_reply = codec.request({"type": 4, "target": "Counter", "arguments": [3, 0]})
        for frame in frames:
            await ws.send(frame)
        await until(is_reply)
        frames, is_reply = codec.request({"target": "AskClient", "arguments": ["why"]})
        for frame in frames:
            await ws.send(frame)
        question = await until(lambda d: d.get("target") == "GetAnswer")
        for frame in codec.encode(
            {"type": 3, "invocationId": question["invocationId"], "result": "because"}
        ):
            await ws.send(frame)
        assert (await until(is_reply))["result"] == "because"
        for frame in codec.encode({"target": "CloseMe", "arguments": ["done"]}):
            await ws.send(frame)
        close = await until(lambda d: d.get("type") == 7)
        assert close["error"] == "done"
    return history


@pytest.mark.parametrize("messagepack", [False, True], ids=["json", "messagepack"])
@pytest.mark.parametrize("negotiated", [False, True], ids=["direct", "negotiated"])
def test_the_codec_speaks_to_the_hub(hub, messagepack, negotiated):
    found = parse_negotiate(negotiate(f"{hub}/hub")) if negotiated else None
    url = websocket_url(f"{hub}/hub", found)
    assert ("id=" in url) is negotiated
    history = asyncio.run(session(url, SignalR(messagepack=messagepack)))
    items = [d["item"] for d in history if d["type"] == 2]
    assert items == [0, 1, 2]
    assert all(d["type"] != 6 for d in history), "pings stay out of the history"


# -- the codec's server side serves the official client ---------------------------------------


async def codec_hub(websocket) -> None:
    """Echo, Counter and AskClient, served through the codec's server side."""
    codec = SignalR(server=True)
    pending: dict = {}

    async def apply(out) -> list:
        for frame in out.send:
            await websocket.send(frame)
        return [received.document for received in out.documents]

    await apply(codec.opened(None, time.monotonic()))
    async for message in websocket:
        for document in await apply(codec.receive(message, time.monotonic())):
            ident, target = document.get("invocationId"), document.get("target")
            if document["type"] == 3:
                caller = pending.pop(document["invocationId"])
                reply = {"type": 3, "invocationId": caller, "result": document["result"]}
            elif target == "Echo":
                reply = {"type": 3, "invocationId": ident, "result": document["arguments"][0]}
            elif target == "Counter":
                for item in range(document["arguments"][0]):
                    for frame in codec.encode({"type": 2, "invocationId": ident, "item": item}):
                        await websocket.send(frame)
                reply = {"type": 3, "invocationId": ident}
            elif target == "AskClient":
                question = {
                    "target": "GetAnswer",
                    "arguments": ["why"],
                    "invocationId": f"q{ident}",
                }
                frames, _ = codec.request(question)
                pending[f"q{ident}"] = ident
                for frame in frames:
                    await websocket.send(frame)
                continue
            else:
                reply = {"type": 3, "invocationId": ident, "error": "Method does not exist."}
            if ident is not None or document["type"] == 3:
                for frame in codec.encode(reply):
                    await websocket.send(frame)


@needs_node
@pytest.mark.parametrize("options", [(), ("--msgpack",)], ids=["json", "messagepack"])
def test_the_official_client_accepts_the_codecs_server_side(options):
    async def main() -> dict:
        async with serve(codec_hub, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            process = await asyncio.create_subprocess_exec(
                "node", str(CLIENT), f"http://127.0.0.1:{port}/hub", "--skip-negotiation",
                "--steps", "Echo,Counter,AskClient,Missing", *options,
                stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out, _ = await asyncio.wait_for(process.communicate(), 60)
        steps = {}
        for line in out.decode().splitlines():
            entry = json.loads(line)
            steps[entry.pop("step")] = entry
        return steps

    steps = asyncio.run(main())
    assert steps["start"]["value"]["protocol"] == ("messagepack" if options else "json")
    assert steps["Echo"] == {"value": {"text": "hi", "n": [1, 2.5, None, True]}}
    assert steps["Counter"] == {"value": [0, 1, 2]}
    assert steps["AskClient"] == {"value": "answer to why"}
    assert steps["Missing"] == {"error": "Method does not exist."}
    assert steps["closed"] == {"error": None}
