"""What a new user tripped over (round 3): each point, as the user met it."""

from __future__ import annotations

from typing import Any

import pytest

from RobotWebSocket import RobotWebSocket
from RobotWebSocket.errors import InvalidArgument, ReceiveFailed


def test_receive_until_shows_what_the_server_answered_in_each_iteration(
    lib: RobotWebSocket, server: Any
) -> None:
    url = server.url("/echo")
    lib.connect(url)
    with pytest.raises(ReceiveFailed) as failure:
        lib.receive_until(
            url,
            "$.status",
            "==",
            "done",
            send='{"type": "error", "error": "unknown op"}',
            max_iterations=2,
            interval=0.3,
        )
    text = str(failure.value)
    assert 'iteration 1: no match; newest #1: {"type": "error", "error": "unknown op"}' in text
    assert "iteration 2: no match; newest #2: " in text


def test_a_protocol_name_that_is_nearly_right_gets_a_suggestion(lib: RobotWebSocket) -> None:
    with pytest.raises(InvalidArgument) as failure:
        lib.connect("ws://127.0.0.1:9/x", protocol="socket.io")
    text = str(failure.value)
    assert "did you mean 'socketio'?" in text
    assert text.count("socket.io") == 1, text


def test_should_not_receive_takes_timeout_as_the_other_receiving_keywords_do(
    lib: RobotWebSocket, server: Any
) -> None:
    url = server.url("/script")
    lib.connect(url)
    lib.should_not_receive(url, timeout=0.2)
    lib.send(url, '{"delay": 300, "send": ["now"]}')
    with pytest.raises(ReceiveFailed, match="within 5 s"):
        lib.should_not_receive(url, "regex=now", timeout=5)


def test_a_failed_receive_says_which_earlier_message_would_have_matched(
    lib: RobotWebSocket, server: Any
) -> None:
    url = server.url("/echo")
    lib.connect(url)
    for op in ("hello", "subscribe", "ack"):
        lib.send(url, f'{{"op": "{op}"}}')
    lib.get_message_count(url, "==", "3")
    with pytest.raises(ReceiveFailed) as failure:
        lib.receive(url, "$.op", "==", "hello", timeout=0.1)
    text = str(failure.value)
    assert "2 earlier message(s) are outside the window last=1; #1 would match" in text, text
    assert "use last=3 or more" in text
    assert "Last value: 'ack'" in text, text


def test_a_python_dictionary_sent_as_text_gets_a_hint(
    lib: RobotWebSocket, server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(lib._context, "warn", warnings.append)
    url = server.url("/echo")
    lib.send(url, "{'op': 'place'}")
    assert lib.receive(url) == "{'op': 'place'}"
    assert warnings and "is a Python dictionary, not JSON" in warnings[0], warnings
    lib.send(url, '{"op": "place"}')
    assert len(warnings) == 1


def test_reply_given_without_its_name_is_said_so(lib: RobotWebSocket) -> None:
    with pytest.raises(InvalidArgument, match=r"by name: write reply=\{\"op\": \"pong\"\}"):
        lib.reply_to_messages("ws://x/y", "$.op", "==", "ping", '{"op": "pong"}')
    with pytest.raises(InvalidArgument, match="needs the reply to send: write reply="):
        lib.reply_to_messages("ws://x/y", "$.op", "==", "ping")
