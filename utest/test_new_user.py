"""What a new user tripped over (round 3): each point, as the user met it."""

from __future__ import annotations

import time
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


def test_get_connection_info_and_disconnect_log_what_rules_did(
    lib: RobotWebSocket, server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines: list[str] = []
    monkeypatch.setattr(lib._context, "log", lambda text, level="INFO": lines.append(text))
    url = server.url("/echo")
    lib.reply_to_messages(url, "$.op", "==", "ping", reply='{"op": "pong"}')
    lib.connect(url)
    conn = lib._context.registry.get(url).connection
    assert conn is not None
    lib.send(url, '{"op": "ping"}')
    lib.get_message_count(url, "==", "2")  # The echoed ping, then the echoed pong.
    lines.clear()
    lib.send(url, '{"op": "ping"}')
    lib.get_message_count(url, "==", "4")
    lines.clear()
    lib.send(url, '{"op": "ping"}')
    while conn.event_counts["replied"] < 3:  # The reply is sent on the loop.
        time.sleep(0.01)
    lib.get_connection_info(url)
    assert any("1 automatic reply(ies) sent" in line for line in lines), lines
    assert any("the first: rule-" in line and "pong" in line for line in lines), lines


def test_a_failure_shows_the_newest_three_messages_and_leaves_the_rest_to_the_log(
    lib: RobotWebSocket, server: Any
) -> None:
    url = server.url("/echo")
    lib.connect(url)
    for n in range(6):
        lib.send(url, f'{{"n": {n}}}')
    lib.get_message_count(url, "==", "6")
    with pytest.raises(ReceiveFailed) as failure:
        lib.receive(url, "$.n", "==", "9", last=6, timeout=0.1)
    text = str(failure.value)
    assert "Messages examined (6, the newest 3 shown; the log has them all" in text, text
    assert '{"n": 5}' in text and '{"n": 2}' not in text


def test_counts_read_plainly(lib: RobotWebSocket, server: Any, monkeypatch: Any) -> None:
    lines: list[str] = []
    monkeypatch.setattr(lib._context, "log", lambda text, level="INFO": lines.append(text))
    url = server.url("/echo")
    lib.connect(url)
    lib.get_message_count(url)
    assert lines[-1] == f"'{url}' holds 0 message(s).", lines


def test_importing_shows_no_return_value() -> None:
    from robot.libdocpkg import LibraryDocumentation

    init = LibraryDocumentation("RobotWebSocket").inits[0]
    assert init.to_dictionary().get("returnType") is None
