"""The contract of a connection at work (RobotWebSocket.contracts): what the loop checks, what
a keyword finishes, what is housekeeping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from RobotWebSocket.asyncapi import Contract
from RobotWebSocket.contracts import Checking, contract_for, document_subject, report_text
from RobotWebSocket.history import Message

DOCS = Path(__file__).parents[1] / "atest" / "resources" / "asyncapi"
KRAKEN = DOCS / "kraken-websocket-request-reply-multiple-channels-asyncapi.yml"
BROKEN = '{"event": "heartbeat", "extra": [1]}'


def kraken(mode: str = "fail") -> Checking:
    return Checking(Contract(KRAKEN, "ws://127.0.0.1:1/"), mode)


def test_a_conforming_message_is_counted_on_the_loop_and_leaves_nothing_to_report() -> None:
    checking = kraken()
    message = Message(0, 0.0, '{"event": "heartbeat"}')
    assert checking.received(message, answered=False) == (None, None)
    message.seq = 1
    assert checking.settle() == []
    assert checking.as_dict()["messages"] == {"heartbeat": 1}


def test_a_violation_waits_for_its_number_before_it_is_reported() -> None:
    checking = kraken()
    message = Message(0, 0.0, '{"event": "systemStatus", "status": "sleeping"}')
    checking.received(message, answered=False)
    assert checking.settle() == []  # Not in the history yet: no number to report.
    message.seq = 4
    ((number, verdict),) = checking.settle()
    assert number == 4
    assert verdict.format(number).startswith("#4 received: closest systemStatus: /status:")
    assert checking.as_dict()["violations"] == 1
    assert checking.settle() == []  # Reported once.


def test_the_report_says_the_connection_breaks_the_contract() -> None:
    checking = kraken()
    message = Message(0, 0.0, '{"event": "systemStatus", "status": "sleeping"}')
    checking.received(message, answered=False)
    message.seq = 2
    text = report_text("k", checking.document, checking.settle())
    assert text.startswith("What 'k' received breaks the AsyncAPI contract of ")
    assert "\n#2 received: closest systemStatus" in text


def test_protocol_housekeeping_is_not_checked() -> None:
    assert document_subject("mqtt", {"type": "suback", "id": 1}, "received") is None
    assert document_subject("mqtt", {"topic": "a/b", "payload": {"x": 1}}, "sent") == (
        {"x": 1},
        "a/b",
    )
    assert document_subject("stomp", {"command": "RECEIPT", "headers": {}}, "received") is None
    assert document_subject("stomp", {"headers": {"destination": "/q/a"}, "body": "b"}, "sent") == (
        "b",
        "/q/a",
    )
    assert document_subject(None, [1, 2], "received") == ([1, 2], None)


def test_a_sent_message_is_judged_in_the_servers_direction() -> None:
    checking = kraken()
    assert checking.check_sent('{"event": "ping", "reqid": 1}').conforms
    assert not checking.check_sent({"event": "heartbeat"}).conforms
    mock = Checking(Contract(KRAKEN, None), "fail", role="server")
    assert mock.check_sent({"event": "heartbeat"}).conforms


def test_a_contract_is_compiled_once_per_document_and_url() -> None:
    first = contract_for(str(KRAKEN), "ws://127.0.0.1:1/", False)
    assert contract_for(str(KRAKEN), "ws://127.0.0.1:1/", False) is first
    assert contract_for(str(KRAKEN), "ws://127.0.0.1:2/", False) is not first


def test_a_mock_server_answers_from_the_example_unless_a_rule_did() -> None:
    server = Checking(Contract(KRAKEN, None), "fail", role="server", answers=True)
    request = '{"event": "subscribe", "reqid": 9, "pair": ["XBT/USD"], "subscription": {"name": "ticker"}}'
    answer, warning = server.received(Message(0, 0.0, request), answered=False)
    assert warning is None and answer["event"] == "subscriptionStatus" and answer["reqid"] == 9
    assert server.received(Message(0, 0.0, request), answered=True) == (None, None)
    ping = '{"event": "ping", "reqid": 1}'
    answer, warning = server.received(Message(0, 0.0, ping), answered=False)
    assert answer is None and "pong" in warning
    assert server.received(Message(0, 0.0, ping), answered=False) == (None, None)  # Once.


def test_counting_a_run_of_one_verdict_at_once_counts_as_one_by_one() -> None:
    contract = Contract(KRAKEN, None)
    texts = [
        '{"event": "subscribe", "reqid": 1, "pair": ["XBT/USD"], "subscription": {"name": "ticker"}}',
        '{"event": "heartbeat"}',
    ]
    sent = contract.check(texts[0], "received", role="server")
    status = contract.check(
        '{"event": "subscriptionStatus", "channelID": 1, "channelName": "ticker", '
        '"pair": ["XBT/USD"], "status": "online", "subscription": {"name": "ticker"}}',
        "sent",
        role="server",
    )
    for order in ([status, status, sent, sent, status, status, status], [sent, status, status]):
        one_by_one, in_runs = contract.coverage(), contract.coverage()
        for verdict in order:
            one_by_one.add(verdict)
        runs: list[list[Any]] = []
        for verdict in order:
            if runs and runs[-1][0] is verdict:
                runs[-1][1] += 1
            else:
                runs.append([verdict, 1])
        for verdict, times in runs:
            in_runs.add(verdict, times)
        assert in_runs.as_dict() == one_by_one.as_dict()


def test_the_loop_counts_runs_and_a_keyword_sees_them_all() -> None:
    checking = kraken()
    for _ in range(5):
        checking.received(Message(0, 0.0, '{"event": "heartbeat"}'), answered=False)
    checking.received(
        Message(0, 0.0, '{"event": "systemStatus", "status": "online", "version": "1"}'), False
    )
    assert checking.as_dict()["messages"] == {"heartbeat": 5, "systemStatus": 1}
