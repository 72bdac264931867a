"""Keywords that run real protocol servers for the acceptance tests, each on free ports.

- RabbitMQ with ``web_stomp`` and ``web_mqtt``, as a private node: its own ``epmd``, its own
  ``HOME``, database, log and configuration files in a temporary directory, so it neither
  needs nor touches a system service. Starting it takes seconds, so the protocol suites share
  one node, started by their parent suite.
- mosquitto with a WebSocket listener (it speaks MQTT QoS 2, which RabbitMQ does not, and
  answers bad credentials with a CONNACK return code instead of closing).
- An OCPP central system (``servers/ocpp_csms.py``, the ``ocpp`` package on websockets).

Each server runs in its own process group, which is stopped as a whole by the Stop keyword or,
whatever happens to the suite teardown, when the interpreter exits.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import hashlib
import json
import os
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from robot.api import logger
from robot.libraries.BuiltIn import BuiltIn
from robot.utils import timestr_to_secs
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

HERE = Path(__file__).parent
OCPP_SERVER = HERE / "servers" / "ocpp_csms.py"
RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"

# The users every broker knows. ``robot`` is the one tests log in with; ``intruder`` exists
# nowhere, so logging in with it (or with a wrong password) is a bad-credentials test.
USERS = {"robot": "robot-secret", "guest": "guest"}
BAD_USER = "intruder"


def free_port() -> int:
    """A port that was free a moment ago, for servers that cannot listen on port 0 and report
    the port they got."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rabbitmq_password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256``: base64 of salt + sha256(salt + password)."""
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def mosquitto_password_line(user: str, password: str, salt: bytes | None = None) -> str:
    """A mosquitto password file line in its ``$6$`` form: sha512(password + salt)."""
    salt = os.urandom(12) if salt is None else salt
    digest = hashlib.sha512(password.encode() + salt).digest()
    return f"{user}:$6${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def stomp_connect_frame(user: str, password: str) -> str:
    return f"CONNECT\naccept-version:1.2\nhost:/\nlogin:{user}\npasscode:{password}\n\n\0"


def _mqtt_string(value: str) -> bytes:
    data = value.encode()
    return struct.pack("!H", len(data)) + data


def mqtt_connect_packet(client_id: str, user: str, password: str, keepalive: int = 60) -> bytes:
    """An MQTT 3.1.1 CONNECT with a clean session, user name and password."""
    body = _mqtt_string("MQTT") + bytes([4, 0xC2]) + struct.pack("!H", keepalive)
    body += _mqtt_string(client_id) + _mqtt_string(user) + _mqtt_string(password)
    # Remaining length is a variable-length integer; these packets stay under 16384 bytes.
    length = len(body)
    encoded = bytearray()
    while True:
        byte, length = length % 128, length // 128
        encoded.append(byte | (0x80 if length else 0))
        if not length:
            break
    return bytes([0x10]) + bytes(encoded) + body


def stomp_session_works(url: str, user: str, password: str, timeout: float = 2) -> bool:
    """True when the broker answers a STOMP CONNECT over WebSocket with CONNECTED."""
    try:
        with connect(url, subprotocols=["v12.stomp"], open_timeout=timeout) as ws:
            ws.send(stomp_connect_frame(user, password))
            while True:
                frame = ws.recv(timeout)
                if isinstance(frame, bytes):
                    frame = frame.decode()
                if frame.strip("\n"):
                    return frame.startswith("CONNECTED")
    except (OSError, TimeoutError, WebSocketException):
        return False


def mqtt_session_works(url: str, user: str, password: str, timeout: float = 2) -> bool:
    """True when the broker answers an MQTT CONNECT over WebSocket with CONNACK 0."""
    client_id = f"ready-{os.getpid()}-{time.monotonic_ns()}"
    try:
        with connect(url, subprotocols=["mqtt"], open_timeout=timeout) as ws:
            ws.send(mqtt_connect_packet(client_id, user, password))
            packet = ws.recv(timeout)
            return isinstance(packet, bytes) and packet[:1] == b"\x20" and packet[3:4] == b"\0"
    except (OSError, TimeoutError, WebSocketException):
        return False


class _Server:
    """One server process (group) and the files it reads and writes."""

    def __init__(self, name: str, directory: str, process: subprocess.Popen[bytes]) -> None:
        self.name = name
        self.directory = directory
        self.process = process

    def output(self) -> str:
        log = Path(self.directory, "output.log")
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""

    def stop(self, grace: float = 10) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL for what is left."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        # Children (epmd, Erlang's port programs) may outlive the leader.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        shutil.rmtree(self.directory, ignore_errors=True)


def _spawn(command: list[str], directory: str, env: dict[str, str] | None = None):
    # The child keeps its own copy of the descriptor; ours is closed at once.
    output = open(os.path.join(directory, "output.log"), "ab")
    try:
        return subprocess.Popen(
            command,
            cwd=directory,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        output.close()


def _wait_for(condition, server: _Server, timeout: str | float, what: str) -> float:
    """Wait until ``condition()`` is true; returns the seconds it took."""
    timeout = timestr_to_secs(timeout)
    start = time.monotonic()
    while not condition():
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode} before {what}:\n"
                f"{server.output()}"
            )
        if time.monotonic() - start > timeout:
            raise RuntimeError(
                f"{server.name} was not ready ({what}) within {timeout:g} s:\n{server.output()}"
            )
        time.sleep(0.2)
    return time.monotonic() - start


class Brokers:
    """Start and stop RabbitMQ, mosquitto and the OCPP central system on free ports.

    Each Start keyword returns the server's URL(s) and also sets them as global variables
    (``${RABBITMQ_STOMP}``, ``${RABBITMQ_MQTT}``, ``${MOSQUITTO}``, ``${CSMS}``), with the
    credentials every broker accepts: ``${BROKER_USER}``, ``${BROKER_PASSWORD}``, and a user
    that none knows, ``${BAD_USER}``.
    """

    ROBOT_LIBRARY_SCOPE = "GLOBAL"

    def __init__(self) -> None:
        self._servers: dict[str, _Server] = {}
        self._csms_url = ""
        # Whatever happens to the suite teardown, no server outlives the run.
        atexit.register(self._stop_all)

    # -- RabbitMQ ---------------------------------------------------------------------------

    def start_rabbitmq(self, timeout: str | float = 90) -> dict[str, str]:
        """Start a private RabbitMQ node with web-STOMP and web-MQTT on free ports.

        Ready means a STOMP ``CONNECTED`` and an MQTT ``CONNACK`` were received over WebSocket.
        Returns ``stomp`` and ``mqtt`` URLs and sets ``${RABBITMQ_STOMP}`` and
        ``${RABBITMQ_MQTT}``.
        """
        self.stop_rabbitmq()
        if not os.path.exists(RABBITMQ_SERVER):
            raise RuntimeError(
                f"{RABBITMQ_SERVER} is missing: run 'python atest/resources/install_servers.py'."
            )
        directory = tempfile.mkdtemp(prefix="rws-rabbitmq-")
        epmd_port, node_port, dist_port = free_port(), free_port(), free_port()
        stomp_port, mqtt_port = free_port(), free_port()
        definitions = os.path.join(directory, "definitions.json")
        with open(definitions, "w", encoding="utf-8") as handle:
            json.dump(self._rabbitmq_definitions(), handle)
        config = os.path.join(directory, "rabbitmq.conf")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(
                "listeners.tcp = none\n"
                "stomp.listeners.tcp = none\n"
                "mqtt.listeners.tcp = none\n"
                "mqtt.allow_anonymous = false\n"
                "loopback_users = none\n"
                f"web_stomp.tcp.port = {stomp_port}\n"
                "web_stomp.tcp.ip = 127.0.0.1\n"
                f"web_mqtt.tcp.port = {mqtt_port}\n"
                "web_mqtt.tcp.ip = 127.0.0.1\n"
                f"load_definitions = {definitions}\n"
            )
        plugins = os.path.join(directory, "enabled_plugins")
        with open(plugins, "w", encoding="utf-8") as handle:
            handle.write("[rabbitmq_web_stomp,rabbitmq_web_mqtt].\n")
        conf_env = os.path.join(directory, "rabbitmq-env.conf")
        Path(conf_env).touch()
        env = dict(
            os.environ,
            HOME=directory,
            ERL_EPMD_PORT=str(epmd_port),
            RABBITMQ_CONF_ENV_FILE=conf_env,
            RABBITMQ_CONFIG_FILE=config,
            RABBITMQ_ADVANCED_CONFIG_FILE=os.path.join(directory, "advanced.config"),
            RABBITMQ_ENABLED_PLUGINS_FILE=plugins,
            RABBITMQ_MNESIA_BASE=os.path.join(directory, "mnesia"),
            RABBITMQ_LOG_BASE=os.path.join(directory, "log"),
            RABBITMQ_NODENAME=f"rws{os.getpid()}x{time.monotonic_ns() % 100000}@localhost",
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(node_port),
            RABBITMQ_DIST_PORT=str(dist_port),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-start_epmd false",
        )
        # epmd and the node share one process group (the shell's), so stopping the group
        # stops epmd too; the node waits until its epmd answers.
        script = (
            f"epmd -port {epmd_port} -address 127.0.0.1 &\n"
            f"until epmd -port {epmd_port} -names >/dev/null 2>&1; do sleep 0.1; done\n"
            f'exec "{RABBITMQ_SERVER}"\n'
        )
        server = _Server("RabbitMQ", directory, _spawn(["sh", "-c", script], directory, env))
        self._servers["rabbitmq"] = server
        stomp = f"ws://127.0.0.1:{stomp_port}/ws"
        mqtt = f"ws://127.0.0.1:{mqtt_port}/ws"
        user, password = "robot", USERS["robot"]
        try:
            took = _wait_for(
                lambda: (
                    stomp_session_works(stomp, user, password)
                    and mqtt_session_works(mqtt, user, password)
                ),
                server,
                timeout,
                "STOMP CONNECTED and MQTT CONNACK",
            )
        except Exception:
            self.stop_rabbitmq()
            raise
        logger.info(f"RabbitMQ was ready in {took:.1f} s: STOMP {stomp}, MQTT {mqtt}.")
        urls = {"stomp": stomp, "mqtt": mqtt}
        self._set_globals(RABBITMQ_STOMP=stomp, RABBITMQ_MQTT=mqtt)
        return urls

    def stop_rabbitmq(self) -> None:
        """Stop the RabbitMQ node and its epmd, and remove its files."""
        self._stop("rabbitmq")

    @staticmethod
    def _rabbitmq_definitions() -> dict[str, Any]:
        return {
            "users": [
                {
                    "name": name,
                    "password_hash": rabbitmq_password_hash(password),
                    "hashing_algorithm": "rabbit_password_hashing_sha256",
                    "tags": ["administrator"],
                }
                for name, password in USERS.items()
            ],
            "vhosts": [{"name": "/"}],
            "permissions": [
                {"user": name, "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}
                for name in USERS
            ],
        }

    # -- mosquitto --------------------------------------------------------------------------

    def start_mosquitto(self, timeout: str | float = 15) -> str:
        """Start mosquitto with a WebSocket listener on a free port and a password file.

        Returns its URL and sets ``${MOSQUITTO}``; anonymous clients are refused.
        """
        self.stop_mosquitto()
        mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not os.path.exists(mosquitto):
            raise RuntimeError(
                "mosquitto is missing: run 'python atest/resources/install_servers.py'."
            )
        directory = tempfile.mkdtemp(prefix="rws-mosquitto-")
        passwords = os.path.join(directory, "passwords")
        with open(passwords, "w", encoding="utf-8") as handle:
            handle.writelines(mosquitto_password_line(*item) + "\n" for item in USERS.items())
        port = free_port()
        config = os.path.join(directory, "mosquitto.conf")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(
                # Run as whoever we are: as root it would switch to a user that cannot
                # read this private directory.
                f"user {pwd.getpwuid(os.getuid()).pw_name}\n"
                "persistence false\n"
                "log_dest stdout\n"
                "allow_anonymous false\n"
                f"password_file {passwords}\n"
                f"listener {port} 127.0.0.1\n"
                "protocol websockets\n"
                # mosquitto 2.0.11 exits with "Unable to start any listening sockets" when
                # its only listener is a WebSocket one; a Unix socket takes no port.
                f"listener 0 {os.path.join(directory, 'mqtt.sock')}\n"
            )
        server = _Server("mosquitto", directory, _spawn([mosquitto, "-c", config], directory))
        self._servers["mosquitto"] = server
        url = f"ws://127.0.0.1:{port}/mqtt"
        try:
            took = _wait_for(
                lambda: mqtt_session_works(url, "robot", USERS["robot"]),
                server,
                timeout,
                "MQTT CONNACK",
            )
        except Exception:
            self.stop_mosquitto()
            raise
        logger.info(f"mosquitto was ready in {took:.1f} s: {url}.")
        self._set_globals(MOSQUITTO=url)
        return url

    def stop_mosquitto(self) -> None:
        """Stop mosquitto and remove its files."""
        self._stop("mosquitto")

    # -- OCPP central system ----------------------------------------------------------------

    def start_ocpp_central_system(self, timeout: str | float = 15) -> str:
        """Start the OCPP central system (1.6 and 2.0.1) on a free port.

        Returns its base URL and sets ``${CSMS}``. Charge points connect to
        ``${CSMS}/ocpp1.6/<id>`` or ``${CSMS}/ocpp2.0.1/<id>`` (that version only), or to
        ``${CSMS}/<id>`` (either, by the subprotocol offered).
        """
        self.stop_ocpp_central_system()
        directory = tempfile.mkdtemp(prefix="rws-csms-")
        port_file = os.path.join(directory, "port")
        command = [sys.executable, str(OCPP_SERVER), "--port-file", port_file, "--verbose"]
        server = _Server("OCPP central system", directory, _spawn(command, directory))
        self._servers["csms"] = server
        try:
            _wait_for(lambda: os.path.exists(port_file), server, timeout, "its port file")
        except Exception:
            self.stop_ocpp_central_system()
            raise
        url = f"ws://127.0.0.1:{Path(port_file).read_text().strip()}"
        self._csms_url = url
        self._set_globals(CSMS=url)
        return url

    def call_charge_point(
        self, charge_point: str, action: str, payload: Any = None, timeout: str | float = 5
    ) -> dict[str, Any]:
        """Make the central system send ``action`` to a connected charge point and return
        the charge point's answer.

        ``payload`` is a dictionary or JSON text (default ``{}``). The answer is a dictionary:
        ``{"result": {...}}`` for a CALLRESULT, ``{"error": code, "description": ...}`` for
        a CALLERROR. Fails when the charge point is not connected or does not answer in
        ``timeout`` seconds.
        """
        if "csms" not in self._servers:
            raise RuntimeError("The OCPP central system is not running.")
        if payload is None:
            payload = {}
        if isinstance(payload, str):
            payload = json.loads(payload)
        seconds = timestr_to_secs(timeout)
        query = urllib.parse.urlencode({"payload": json.dumps(payload), "timeout": str(seconds)})
        url = self._csms_url.replace("ws://", "http://", 1)
        url += f"/_call/{urllib.parse.quote(charge_point)}/{urllib.parse.quote(action)}?{query}"
        try:
            with urllib.request.urlopen(url, timeout=seconds + 5) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as error:
            raise AssertionError(error.read().decode(errors="replace")) from None
        logger.info(f"{charge_point} answered {action}: {json.dumps(answer)}")
        return answer

    def stop_ocpp_central_system(self) -> None:
        """Stop the OCPP central system."""
        self._stop("csms")

    # -- shared -----------------------------------------------------------------------------

    def _set_globals(self, **urls: str) -> None:
        builtin = BuiltIn()
        for name, value in urls.items():
            builtin.set_global_variable(f"${{{name}}}", value)
        builtin.set_global_variable("${BROKER_USER}", "robot")
        builtin.set_global_variable("${BROKER_PASSWORD}", USERS["robot"])
        builtin.set_global_variable("${BAD_USER}", BAD_USER)

    def _stop(self, key: str) -> None:
        server = self._servers.pop(key, None)
        if server is not None:
            server.stop()

    def _stop_all(self) -> None:
        for key in list(self._servers):
            self._stop(key)
