"""The other end of a benchmark, in its own process so that it does not share the measured
side's GIL: ``python bench/peer.py MODE ...``.

Each mode prepares (connects, builds its frames), prints ``ready``, waits for a ``go`` line
on stdin, does its work and prints one JSON line. The measured side times from its ``go``.

| mode | arguments | work |
|---|---|---|
| ``flood`` | ``URL COUNT SIZE`` | a WebSocket client that writes ``COUNT`` text messages of ``SIZE`` bytes, prebuilt and masked, in one go, then closes |
| ``many`` | ``URL COUNT`` | opens ``COUNT`` WebSocket connections at once, prints ``{"open_s": ...}``, keeps them open until a ``close`` line, then closes them |
| ``mqtt`` | ``SOCKET TOPIC COUNT SIZE USER PASSWORD`` | an MQTT client on mosquitto's Unix socket that publishes ``COUNT`` QoS 0 messages of about ``SIZE`` bytes to ``TOPIC`` in one write (the last, and only it, has ``"n": COUNT - 1``) |
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import sys
import time

from websockets.asyncio.client import connect
from websockets.frames import Frame, Opcode
from websockets.sync.client import connect as sync_connect


def wait_for(word: str) -> None:
    line = sys.stdin.readline().strip()
    if line != word:
        raise SystemExit(f"expected {word!r} on stdin, got {line!r}")


def say(value: object) -> None:
    print(value if isinstance(value, str) else json.dumps(value), flush=True)


def body(n: int, size: int) -> bytes:
    head = json.dumps({"type": "tick", "n": n, "pad": ""})
    return (head[:-2] + "x" * max(0, size - len(head)) + '"}').encode()


def flood(url: str, count: int, size: int) -> None:
    with sync_connect(url, compression=None, max_size=None) as ws:
        # Prebuilt frames written straight to the socket: the sender is then not what
        # limits the rate, the receiving server is. websockets' protocol object does not
        # track data frames a client sends, so its close handshake is unaffected.
        frames = [
            Frame(Opcode.TEXT, body(n % 1000, size)).serialize(mask=True, extensions=[])
            for n in range(min(count, 1000))
        ]
        blob = b"".join(frames[n % len(frames)] for n in range(count))
        say("ready")
        wait_for("go")
        ws.socket.sendall(blob)
    say({"sent": count})


async def many(url: str, count: int) -> None:
    say("ready")
    await asyncio.to_thread(wait_for, "go")
    started = time.perf_counter()
    conns = await asyncio.gather(
        *(
            connect(url, compression=None, ping_interval=None, open_timeout=120)
            for _ in range(count)
        )
    )
    say({"open_s": time.perf_counter() - started})
    await asyncio.to_thread(wait_for, "close")
    await asyncio.gather(*(ws.close() for ws in conns))


def mqtt_string(value: str) -> bytes:
    data = value.encode()
    return struct.pack("!H", len(data)) + data


def mqtt_packet(first: int, body_: bytes) -> bytes:
    length, encoded = len(body_), bytearray()
    while True:
        byte, length = length % 128, length // 128
        encoded.append(byte | (0x80 if length else 0))
        if not length:
            break
    return bytes([first]) + bytes(encoded) + body_


def mqtt(path: str, topic: str, count: int, size: int, user: str, password: str) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    connect_body = mqtt_string("MQTT") + bytes([4, 0xC2]) + struct.pack("!H", 60)
    connect_body += mqtt_string(f"bench-pub-{time.monotonic_ns()}")
    connect_body += mqtt_string(user) + mqtt_string(password)
    sock.sendall(mqtt_packet(0x10, connect_body))
    connack = sock.recv(4)
    if connack[:1] != b"\x20" or connack[3:4] != b"\0":
        raise SystemExit(f"mosquitto refused the publisher: {connack!r}")
    packets = [
        mqtt_packet(0x30, mqtt_string(topic) + body(n, size)) for n in range(min(count, 1000))
    ]
    blob = b"".join(packets[n % len(packets)] for n in range(count - 1))
    blob += mqtt_packet(0x30, mqtt_string(topic) + body(count - 1, size))
    say("ready")
    wait_for("go")
    sock.sendall(blob + b"\xe0\x00")  # DISCONNECT after the last publish
    sock.close()
    say({"sent": count})


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "flood":
        flood(args[0], int(args[1]), int(args[2]))
    elif mode == "many":
        asyncio.run(many(args[0], int(args[1])))
    elif mode == "mqtt":
        mqtt(args[0], args[1], int(args[2]), int(args[3]), args[4], args[5])
    else:
        raise SystemExit(f"unknown mode {mode!r}")
