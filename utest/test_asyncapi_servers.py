"""The AsyncAPI test servers keep their documents, and break them when told to: every message
checked through a real socket with the contract engine."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_asyncapi_loader import GEMINI, GEMINI_26, KRAKEN, KRAKEN_FILTER
from websockets.sync.client import connect

from RobotWebSocket.asyncapi import Contract

SERVERS = Path(__file__).resolve().parents[1] / "atest" / "resources" / "servers"


def start(name: str, tmp_path: Path) -> Iterator[int]:
    port_file = tmp_path / f"{name}.port"
    process = subprocess.Popen(
        [sys.executable, str(SERVERS / f"{name}.py"), "--port-file", str(port_file)]
    )
    try:
        deadline = time.monotonic() + 15
        while not port_file.exists():
            assert process.poll() is None, f"{name} exited with {process.returncode}"
            assert time.monotonic() < deadline, f"{name} wrote no port file"
            time.sleep(0.05)
        yield int(port_file.read_text())
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def kraken_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    yield from start("asyncapi_kraken", tmp_path_factory.mktemp("kraken"))


@pytest.fixture(scope="module")
def gemini_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    yield from start("asyncapi_gemini", tmp_path_factory.mktemp("gemini"))


def converse(url: str, requests: list[dict], count: int) -> list[tuple[str, str]]:
    """Send ``requests``, receive ``count`` messages; every message with its direction."""
    conversation = []
    with connect(url) as ws:
        conversation.append(("received", ws.recv(timeout=5)))
        for request in requests:
            ws.send(json.dumps(request))
            conversation.append(("sent", json.dumps(request)))
        for _ in range(count - 1):
            conversation.append(("received", ws.recv(timeout=5)))
    return conversation


def reports(contract: Contract, conversation: list[tuple[str, str]]) -> list[str]:
    coverage = contract.coverage()
    result = []
    for number, (direction, text) in enumerate(conversation, 1):
        verdict = contract.check(text, direction)
        coverage.add(verdict)
        if not verdict.conforms:
            result.append(verdict.format(number))
    return result


KRAKEN_REQUESTS = [
    {"event": "ping", "reqid": 1},
    {
        "event": "subscribe",
        "reqid": 2,
        "pair": ["XBT/USD", "XBT/EUR"],
        "subscription": {"name": "ticker"},
    },
    {"event": "unsubscribe", "reqid": 3, "pair": ["XBT/USD"], "subscription": {"name": "ticker"}},
]
# systemStatus, pong, 2 statuses, 6 tickers, heartbeat, 1 status
KRAKEN_RECEIVED = 12


@pytest.mark.parametrize("document", [KRAKEN, KRAKEN_FILTER])
def test_the_kraken_server_keeps_the_document(kraken_port: int, document: Path) -> None:
    url = f"ws://127.0.0.1:{kraken_port}/"
    contract = Contract(document, url)
    conversation = converse(url, KRAKEN_REQUESTS, KRAKEN_RECEIVED)
    coverage = contract.coverage()
    for direction, text in conversation:
        verdict = contract.check(text, direction)
        assert verdict.conforms, verdict.format()
        coverage.add(verdict)
    assert coverage.as_dict()["uncovered"] == []
    pong = json.loads(conversation[4][1])
    assert pong == {"event": "pong", "reqid": 1}
    assert contract.correlation(KRAKEN_REQUESTS[1]).answers(json.loads(conversation[5][1]), 2)


def test_the_kraken_server_breaks_the_document_when_told(kraken_port: int) -> None:
    url = f"ws://127.0.0.1:{kraken_port}/?break=1"
    found = reports(Contract(KRAKEN, url), converse(url, KRAKEN_REQUESTS, KRAKEN_RECEIVED))
    enum = "['online', 'maintenance', 'cancel_only', 'limit_only', 'post_only']"
    assert found == [
        f"#6 received: closest subscriptionStatus: /status: 'subscribd' is not one of {enum}",
        f"#7 received: closest subscriptionStatus: /status: 'subscribd' is not one of {enum}",
        f"#15 received: closest subscriptionStatus: /status: 'subscribd' is not one of {enum}",
    ]


def test_the_kraken_server_speaks_as_the_real_api_when_told(kraken_port: int) -> None:
    url = f"ws://127.0.0.1:{kraken_port}/?real=1"
    found = reports(Contract(KRAKEN, url), converse(url, KRAKEN_REQUESTS, KRAKEN_RECEIVED))
    assert len(found) == 9  # 3 statuses and 6 ticker arrays
    assert found[0] == (
        "#6 received: closest subscriptionStatus: /pair: 'XBT/USD' is not of type 'array'; "
        "/status: 'subscribed' is not one of ['online', 'maintenance', 'cancel_only', 'limit_only', 'post_only']"
    )
    assert found[2].startswith("#8 received: closest pong: /: [10")
    assert "is not of type 'object'" in found[2]


@pytest.mark.parametrize("document", [GEMINI, GEMINI_26])
def test_the_gemini_server_keeps_the_document(gemini_port: int, document: Path) -> None:
    url = f"ws://127.0.0.1:{gemini_port}/v1/marketdata/btcusd?heartbeat=true"
    conversation = converse(url, [], 4)
    assert json.loads(conversation[-1][1]) == {"type": "heartbeat", "socket_sequence": 3}
    assert reports(Contract(document, url), conversation) == []


def test_the_gemini_server_breaks_the_document_when_told(gemini_port: int) -> None:
    url = f"ws://127.0.0.1:{gemini_port}/v1/marketdata/ethusd?break=1"
    found = reports(Contract(GEMINI, url), converse(url, [], 3))
    assert found == ["#2 received: closest marketData: /: 'eventId' is a required property"]


def test_the_gemini_server_speaks_as_the_real_api_when_told(gemini_port: int) -> None:
    url = f"ws://127.0.0.1:{gemini_port}/v1/marketdata/btcusd?real=1"
    found = reports(Contract(GEMINI, url), converse(url, [], 3))
    assert len(found) == 3
    assert "/events/1/side: 'ask' is not one of ['bid', 'side']" in found[0]
    assert "/events/0/price: '3641.61' is not of type 'number'" in found[0]
