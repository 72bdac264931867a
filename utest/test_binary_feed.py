"""The binary formats against frames of the real libraries, through a socket: the binary
feed test server encodes with msgpack, cbor2 and protoc-generated protobuf code, and
reports what those libraries decode of the frames the formats encode."""

from __future__ import annotations

import asyncio
import json
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from RobotWebSocket.binary import binary_format

ROOT = Path(__file__).resolve().parents[1]
FEED = ROOT / "atest" / "resources" / "servers" / "binary_feed.py"
PROTO = ROOT / "atest" / "resources" / "proto" / "feed.proto"


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    port_file = tmp_path_factory.mktemp("feed") / "port.json"
    process = subprocess.Popen([sys.executable, str(FEED), "--port-file", str(port_file)])
    deadline = time.monotonic() + 30
    while not port_file.exists():
        assert process.poll() is None, "the feed server exited"
        assert time.monotonic() < deadline, "the feed server did not start"
        time.sleep(0.05)
    yield f"ws://127.0.0.1:{json.loads(port_file.read_text())['port']}"
    process.terminate()
    process.wait(10)


async def exchange(url: str, first: int, sends: list[bytes]) -> tuple[list[bytes], list[dict]]:
    async with connect(url) as ws:
        received = [await ws.recv() for _ in range(first)]
        reports = []
        for frame in sends:
            await ws.send(frame)
            reports.append(json.loads(await ws.recv()))
        await ws.send("raw c1")
        received.append(await ws.recv())
    return received, reports


@pytest.mark.parametrize("name", ["msgpack", "cbor"])
def test_msgpack_and_cbor_against_the_real_libraries(feed, name):
    fmt = binary_format(name)
    sent = {"symbol": "A", "price": 1.5, "raw": b"\x00\xff", "list": [1, None, True], "n": -(2**63)}
    frames, reports = asyncio.run(exchange(f"{feed}/{name}", 5, [fmt.encode(sent)]))
    documents = [fmt.decode(frame) for frame in frames]
    assert documents[0] == {
        "type": "trade", "symbol": "BTC-USD", "price": 65000.5, "size": 0.25, "id": 2**40,
    }  # fmt: skip
    assert documents[2]["payload"] == b"\x00\x01\xfe\xff" and documents[2]["unicode"] == "Grüße ✓"
    assert documents[3]["at"].isoformat() == "2024-05-01T12:30:00+00:00"
    assert documents[4] == [1, "two", {"three": 3}]
    # 0xc1 is never used in MessagePack; in CBOR it is a tag without its content.
    assert documents[5]["type"] == "undecodable" and documents[5]["raw"] == b"\xc1"
    assert reports == [{"decoded": {**sent, "raw": {"base64": "AP8="}}}]


def test_protobuf_against_generated_code(feed):
    fmt = binary_format("protobuf", proto=str(PROTO), proto_message="feed.Trade")
    sent = fmt.encode({"symbol": "X", "id": -1, "side": "BUY", "legs": {"5": {"units": 2}}})
    quote = fmt.encode({"@type": "feed.Quote", "symbol": "Q", "bid": 1.25})
    frames, reports = asyncio.run(exchange(f"{feed}/protobuf", 2, [sent]))
    trade = fmt.decode(frames[0])
    assert trade["symbol"] == "BTC-USD" and trade["id"] == -42 and trade["volume"] == 2**63 + 5
    assert trade["side"] == "SELL" and trade["signature"] == b"\x00\xff"
    assert trade["legs"] == {"7": {"units": 1, "nanos": 0, "currency": ""}}
    assert trade["at"] == "2024-05-01T12:30:00Z" and trade["sequence"] == 0
    assert trade["note"] == "first" and trade["fills"] == [1, -1]
    raw = binary_format("protobuf").decode(frames[1])
    bits = [int.from_bytes(struct.pack("<d", value), "little") for value in (2999.5, 3000.5)]
    assert raw == {"1": "ETH-USD", "2": bits[0], "3": bits[1]}
    decoded = reports[0]["decoded"]
    assert decoded["symbol"] == "X" and decoded["id"] == "-1" and decoded["side"] == "BUY"
    assert decoded["legs"] == {"5": {"units": "2"}}
    _, reports = asyncio.run(exchange(f"{feed}/protobuf?type=feed.Quote", 2, [quote]))
    assert reports == [{"decoded": {"symbol": "Q", "bid": 1.25}}]
