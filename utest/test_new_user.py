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
