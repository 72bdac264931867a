"""The protocol rows' scenarios and servers: Socket.IO, MQTT and STOMP against raw
websockets clients that speak the protocol by hand. ``bench/features.py`` runs them.

The servers are real ones: python-socketio under uvicorn (``bench/sio_server.py``), a private
mosquitto and a private RabbitMQ node, started with the acceptance tests' own code
(``atest/resources/Brokers.py``, used as it is). A row whose server is missing is skipped
with a note.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect as raw_connect
from websockets.sync.client import connect as sync_connect

from RobotWebSocket import RobotWebSocket

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def latencies(times: list[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(times) * 1e3, "p99_ms": percentile(times, 99) * 1e3}


# -- servers --------------------------------------------------------------------------------


class Servers:
    """The protocol servers the wanted groups need; ``None`` for one that is missing."""

    def __init__(self, wanted: set[str]) -> None:
        self.wanted = wanted
        self.sio: str | None = None
        self.mosquitto: str | None = None
        self.mosquitto_socket = ""
        self.stomp: str | None = None
        self._sio_process: subprocess.Popen[bytes] | None = None
        self._sio_dir = ""
        self._brokers: Any = None

    def __enter__(self) -> Servers:
        if "socketio" in self.wanted:
            self._start_socketio()
        if self.wanted & {"mqtt", "stomp"}:
            self._start_brokers()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._sio_process is not None:
            self._sio_process.terminate()
            self._sio_process.wait(10)
            shutil.rmtree(self._sio_dir, ignore_errors=True)
        if self._brokers is not None:
            self._brokers._stop_all()

    def _start_socketio(self) -> None:
        if not all(importlib.util.find_spec(m) for m in ("socketio", "uvicorn")):
            print("note: python-socketio or uvicorn is not installed: socketio rows skipped")
            return
        self._sio_dir = tempfile.mkdtemp(prefix="rws-bench-sio-")
        port_file = os.path.join(self._sio_dir, "port")
        self._sio_process = subprocess.Popen(
            [sys.executable, str(HERE / "sio_server.py"), "--port-file", port_file]
        )
        deadline = time.monotonic() + 20
        while not os.path.exists(port_file):
            if time.monotonic() > deadline or self._sio_process.poll() is not None:
                print("note: the Socket.IO server did not start: socketio rows skipped")
                return
            time.sleep(0.05)
        self.sio = f"ws://127.0.0.1:{Path(port_file).read_text()}"

    def _start_brokers(self) -> None:
        try:
            sys.path.insert(0, str(ROOT / "atest" / "resources"))
            import Brokers  # the acceptance tests' broker code, used as it is
        except ImportError as error:
            print(f"note: cannot import atest/resources/Brokers.py ({error}): broker rows skipped")
            return

        class Quiet(Brokers.Brokers):
            # Outside Robot there are no global variables to set.
            def _set_globals(self, **urls: str) -> None:
                pass

        self._brokers = Quiet()
        self.user, self.password = "robot", Brokers.USERS["robot"]
        if "mqtt" in self.wanted:
            try:
                self._start_mosquitto(Brokers)
            except (RuntimeError, OSError) as error:
                print(f"note: mosquitto did not start ({str(error)[:200]}): mqtt rows skipped")
        if "stomp" in self.wanted:
            try:
                started = time.monotonic()
                self.stomp = self._brokers.start_rabbitmq()["stomp"]
                print(f"RabbitMQ ready in {time.monotonic() - started:.1f} s", flush=True)
            except (RuntimeError, OSError) as error:
                print(f"note: RabbitMQ did not start ({str(error)[:200]}): stomp rows skipped")

    def _start_mosquitto(self, brokers: Any) -> None:
        """mosquitto as ``Brokers.start_mosquitto`` starts it, with its helpers, and with no
        limit on the messages queued for a client: with its default of 1,000, mosquitto 2
        drops the QoS 0 publishes of a burst that a subscriber has not yet taken."""
        mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not os.path.exists(mosquitto):
            raise RuntimeError("mosquitto is not installed")
        directory = tempfile.mkdtemp(prefix="rws-bench-mosquitto-")
        passwords = os.path.join(directory, "passwords")
        with open(passwords, "w", encoding="utf-8") as handle:
            handle.write(brokers.mosquitto_password_line(self.user, self.password) + "\n")
        port = brokers.free_port()
        self.mosquitto_socket = os.path.join(directory, "mqtt.sock")
        config = os.path.join(directory, "mosquitto.conf")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(
                f"user {pwd.getpwuid(os.getuid()).pw_name}\n"
                "persistence false\n"
                "log_dest stdout\n"
                "allow_anonymous false\n"
                f"password_file {passwords}\n"
                "max_queued_messages 0\n"
                f"listener {port} 127.0.0.1\n"
                "protocol websockets\n"
                # mosquitto 2.0.11 needs a listener besides the WebSocket one; the
                # publisher uses this one.
                f"listener 0 {self.mosquitto_socket}\n"
            )
        process = brokers._spawn([mosquitto, "-c", config], directory)
        server = brokers._Server("mosquitto", directory, process)
        self._brokers._servers["mosquitto"] = server  # stopped with the others
        url = f"ws://127.0.0.1:{port}/mqtt"
        works = brokers.mqtt_session_works
        brokers._wait_for(lambda: works(url, self.user, self.password), server, 15, "CONNACK")
        self.mosquitto = url


# -- Socket.IO ------------------------------------------------------------------------------


def sio_ingest_lib(base: str, count: int) -> dict[str, float]:
    """The library waiting with ``Get Message Count`` for the ``count`` events."""
    lib = RobotWebSocket(timeout=300, buffer_size=count + 10)
    url = f"{base}/"
    lib.connect(url, protocol="socketio", compression=False)
    started = time.perf_counter()
    lib.send(url, {"event": "flood", "args": [count, 100]})
    lib.get_message_count(url, None, ">=", count, timeout=120)
    elapsed = time.perf_counter() - started
    last = lib.receive(url, "$.args[0].n")
    lib.close()
    assert last == count - 1, f"the library's last event has n {last}"
    return {"msg_per_s": count / elapsed, "seconds": elapsed}


def sio_ingest_raw(base: str, count: int) -> dict[str, float]:
    """A raw websockets client doing Engine.IO's open and the namespace connect by hand,
    then counting the event frames up to the ``count``-th."""

    async def run() -> float:
        url = f"{base}/socket.io/?EIO=4&transport=websocket"
        ticks = 0
        async with raw_connect(url, compression=None) as ws:
            opened = await ws.recv()
            assert str(opened).startswith("0{"), opened
            await ws.send("40")
            assert str(await ws.recv()).startswith("40"), "no namespace connect"
            started = time.perf_counter()
            await ws.send(f'42["flood",{count},100]')
            while ticks < count:
                frame = await asyncio.wait_for(ws.recv(), 120)
                if isinstance(frame, str) and frame.startswith('42["tick"'):
                    ticks += 1
                elif frame == "2":
                    await ws.send("3")
            elapsed = time.perf_counter() - started
        return elapsed

    elapsed = asyncio.run(run())
    return {"msg_per_s": count / elapsed, "seconds": elapsed}


def sio_rr_lib(base: str, count: int) -> dict[str, float]:
    lib = RobotWebSocket(timeout=10, buffer_size=1000)
    url = f"{base}/"
    lib.connect(url, protocol="socketio", compression=False)
    times = []
    for n in range(count):
        started = time.perf_counter()
        lib.request(url, {"event": "echo", "args": [{"n": n}]})
        times.append(time.perf_counter() - started)
    lib.close()
    return latencies(times)


def sio_rr_raw(base: str, count: int) -> dict[str, float]:
    """Raw websockets' sync client: an event with an ack id, then frames until that ack."""
    times = []
    url = f"{base}/socket.io/?EIO=4&transport=websocket"
    with sync_connect(url, compression=None) as ws:
        assert str(ws.recv(timeout=10)).startswith("0{")
        ws.send("40")
        assert str(ws.recv(timeout=10)).startswith("40")
        for n in range(count):
            started = time.perf_counter()
            ws.send(f'42{n}["echo",{{"n":{n}}}]')
            while True:
                frame = ws.recv(timeout=10)
                if frame == "2":
                    ws.send("3")
                elif isinstance(frame, str) and frame.startswith(f"43{n}["):
                    break
            times.append(time.perf_counter() - started)
    return latencies(times)


# -- MQTT -----------------------------------------------------------------------------------


class Publisher:
    """``bench/peer.py mqtt``: a publisher on mosquitto's Unix socket, ready to flood."""

    def __init__(self, servers: Servers, topic: str, count: int) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "peer.py"),
                "mqtt",
                servers.mosquitto_socket,
                topic,
                str(count),
                "100",
                servers.user,
                servers.password,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stdin is not None
        if self.process.stdout.readline().strip() != "ready":
            self.process.kill()
            raise RuntimeError("the MQTT publisher did not get ready")

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def wait(self) -> None:
        self.process.wait(60)


def _topic() -> str:
    return f"bench/flood/{os.getpid()}/{time.monotonic_ns()}"


def mqtt_ingest_lib(servers: Servers, count: int) -> dict[str, float]:
    assert servers.mosquitto is not None
    lib = RobotWebSocket(timeout=300, buffer_size=count + 10)
    url, topic = servers.mosquitto, _topic()
    init = {"client_id": f"bench-lib-{os.getpid()}", "username": servers.user}
    init["password"] = servers.password
    lib.connect(url, protocol="mqtt", init=init, compression=False)
    lib.request(url, {"type": "subscribe", "topics": [topic], "qos": 0})
    before = lib.get_message_count(url)
    publisher = Publisher(servers, topic, count)
    started = time.perf_counter()
    publisher.go()
    lib.get_message_count(url, None, ">=", before + count, timeout=300)
    elapsed = time.perf_counter() - started
    publisher.wait()
    lib.close()
    return {"msg_per_s": count / elapsed, "seconds": elapsed}


def mqtt_ingest_raw(servers: Servers, count: int) -> dict[str, float]:
    """A raw websockets client that sent CONNECT and SUBSCRIBE by hand and counts the
    PUBLISH packets in the frames it receives."""
    sys.path.insert(0, str(HERE))
    from peer import mqtt_packet, mqtt_string

    assert servers.mosquitto is not None
    topic = _topic()
    connect_body = mqtt_string("MQTT") + bytes([4, 0xC2]) + (60).to_bytes(2, "big")
    connect_body += mqtt_string(f"bench-raw-{os.getpid()}")
    connect_body += mqtt_string(servers.user) + mqtt_string(servers.password)

    async def run() -> float:
        async with raw_connect(servers.mosquitto, subprotocols=["mqtt"], compression=None) as ws:
            await ws.send(mqtt_packet(0x10, connect_body))
            connack = await ws.recv()
            assert connack[:1] == b"\x20" and connack[3:4] == b"\0", connack
            await ws.send(mqtt_packet(0x82, b"\x00\x01" + mqtt_string(topic) + b"\x00"))
            suback = await ws.recv()
            assert suback[:1] == b"\x90", suback
            publisher = await asyncio.to_thread(Publisher, servers, topic, count)
            started = time.perf_counter()
            publisher.go()
            publishes = 0
            while publishes < count:
                data = await ws.recv()
                # A frame may carry more than one packet: walk their lengths.
                at = 0
                while at < len(data):
                    publishes += data[at] >> 4 == 3
                    length, shift = 0, 0
                    at += 1
                    while True:
                        byte = data[at]
                        at += 1
                        length |= (byte & 0x7F) << shift
                        shift += 7
                        if byte < 0x80:
                            break
                    at += length
            elapsed = time.perf_counter() - started
        await asyncio.to_thread(publisher.wait)
        return elapsed

    elapsed = asyncio.run(run())
    return {"msg_per_s": count / elapsed, "seconds": elapsed}


# -- STOMP ----------------------------------------------------------------------------------

DESTINATION = "/topic/bench"


def stomp_rr_lib(servers: Servers, count: int) -> dict[str, float]:
    assert servers.stomp is not None
    lib = RobotWebSocket(timeout=10, buffer_size=1000)
    url = servers.stomp
    init = {"login": servers.user, "passcode": servers.password}
    lib.connect(url, protocol="stomp", init=init, compression=False)
    message = {"command": "SEND", "headers": {"destination": DESTINATION}, "body": "x"}
    times = []
    for _ in range(count):
        started = time.perf_counter()
        reply = lib.request(url, message)
        times.append(time.perf_counter() - started)
    assert reply["command"] == "RECEIPT", reply
    lib.close()
    return latencies(times)


def stomp_rr_raw(servers: Servers, count: int) -> dict[str, float]:
    """Raw websockets' sync client: SEND with a receipt header, then frames until the
    RECEIPT."""
    assert servers.stomp is not None
    times = []
    connect_frame = (
        f"CONNECT\naccept-version:1.2\nhost:/\nlogin:{servers.user}\n"
        f"passcode:{servers.password}\n\n\0"
    )
    with sync_connect(servers.stomp, subprotocols=["v12.stomp"], compression=None) as ws:
        ws.send(connect_frame)
        assert str(ws.recv(timeout=10)).startswith("CONNECTED")
        for n in range(count):
            started = time.perf_counter()
            ws.send(f"SEND\ndestination:{DESTINATION}\nreceipt:r{n}\ncontent-length:1\n\nx\0")
            while True:
                frame = ws.recv(timeout=10)
                if isinstance(frame, str) and frame.startswith("RECEIPT"):
                    break
            times.append(time.perf_counter() - started)
    return latencies(times)
