"""The HAR 1.2 document of a conversation, built without a network."""

from __future__ import annotations

import json

from RobotWebSocket.har import conversation, messages_in_time_order
from RobotWebSocket.history import Message


def _har(**overrides: object) -> dict:
    arguments: dict = {
        "url": "wss://shop.example.com/orders?userId=1&token=t0k3n",
        "request_headers": [
            ("Host", "shop.example.com"),
            ("Authorization", "Bearer abc123"),
            ("X-Api-Key", "k-42"),
            ("X-Trace-Id", "trace-1"),
        ],
        "response_headers": [("Upgrade", "websocket"), ("Set-Cookie", "sid=s3cr3t")],
        "sent": [Message(1, 1700000000.5, "hello"), Message(2, 1700000002.0, b"\x00\xff")],
        "received": [Message(1, 1700000001.0, '{"type": "welcome"}')],
        "started": 1700000000.0,
        "connect_time": 0.25,
        "creator_version": "1.0",
    }
    arguments.update(overrides)
    url = arguments.pop("url")
    request = arguments.pop("request_headers")
    response = arguments.pop("response_headers")
    sent = arguments.pop("sent")
    received = arguments.pop("received")
    return conversation(url, request, response, sent, received, **arguments)


def test_one_entry_with_a_completed_upgrade() -> None:
    har = _har()
    assert har["log"]["version"] == "1.2"
    assert har["log"]["creator"] == {"name": "RobotWebSocket", "version": "1.0"}
    (entry,) = har["log"]["entries"]
    assert entry["response"]["status"] == 101
    assert entry["request"]["method"] == "GET"
    assert entry["startedDateTime"] == "2023-11-14T22:13:20.000Z"
    assert entry["time"] == 250.0
    assert entry["_resourceType"] == "websocket"


def test_credential_headers_are_kept_with_their_values_masked() -> None:
    har = _har()
    entry = har["log"]["entries"][0]
    request = {h["name"]: h["value"] for h in entry["request"]["headers"]}
    assert request == {
        "Host": "shop.example.com",
        "Authorization": "***",
        "X-Api-Key": "***",
        "X-Trace-Id": "trace-1",
    }
    response = {h["name"]: h["value"] for h in entry["response"]["headers"]}
    assert response["Set-Cookie"] == "***"
    text = json.dumps(har)
    for secret in ("abc123", "k-42", "s3cr3t", "t0k3n"):
        assert secret not in text


def test_credential_query_parameters_of_the_url_are_masked() -> None:
    request = _har()["log"]["entries"][0]["request"]
    assert request["url"] == "wss://shop.example.com/orders?userId=1&token=***"
    assert request["queryString"] == [
        {"name": "userId", "value": "1"},
        {"name": "token", "value": "***"},
    ]


def test_messages_are_in_time_order_with_type_opcode_and_base64_for_binary() -> None:
    messages = _har()["log"]["entries"][0]["_webSocketMessages"]
    assert messages == [
        {"type": "send", "time": 1700000000.5, "opcode": 1, "data": "hello"},
        {"type": "receive", "time": 1700000001.0, "opcode": 1, "data": '{"type": "welcome"}'},
        {"type": "send", "time": 1700000002.0, "opcode": 2, "data": "AP8="},
    ]


def test_at_equal_times_what_was_sent_comes_first() -> None:
    messages = messages_in_time_order([Message(1, 5.0, "question")], [Message(1, 5.0, "answer")])
    assert [m["data"] for m in messages] == ["question", "answer"]


def test_an_empty_conversation_is_a_valid_document() -> None:
    har = _har(sent=[], received=[])
    assert har["log"]["entries"][0]["_webSocketMessages"] == []
    json.dumps(har)
