"""The pure parts of the proxy and of replay: URL joining, fault choice and marks, reading
recordings (Save Conversation's and Chrome's) and comparing messages."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from RobotWebSocket._proxy import upstream_url
from RobotWebSocket.errors import InvalidArgument
from RobotWebSocket.faults import Fault, Marked, first_fault
from RobotWebSocket.formatting import html_table
from RobotWebSocket.har import websocket_message
from RobotWebSocket.history import Message
from RobotWebSocket.query import Query
from RobotWebSocket.replay import compile_ignores, differences, read_recording, recording_of
from RobotWebSocket.rules import RuleSet

CHROME = Path(__file__).resolve().parents[1] / "atest" / "resources" / "har" / "chrome_echo.har"


@pytest.mark.parametrize(
    ("upstream", "path", "joined"),
    [
        ("ws://h:1", "/", "ws://h:1/"),
        ("ws://h:1/base", "/", "ws://h:1/base"),
        ("ws://h:1/base/", "/room?x=1", "ws://h:1/base/room?x=1"),
        ("ws://h:1/base?k=1", "/room/7?user=a", "ws://h:1/base/room/7?k=1&user=a"),
        ("wss://h/api", "/?t=2", "wss://h/api?t=2"),
    ],
)
def test_the_clients_path_is_joined_to_the_upstreams(upstream: str, path: str, joined: str) -> None:
    assert upstream_url(upstream, path) == joined


def test_the_first_active_fault_with_uses_left_acts_once() -> None:
    own, group = RuleSet(), RuleSet()
    only_b = own.add(Fault("fault", Query.build("$.n", "==", "2"), action="drop", times=1))
    every = group.add(Fault("fault", None, action="duplicate"))
    message = Marked(0, 0.0, '{"n": 2}')
    assert first_fault([own, group], message) is only_b
    assert first_fault([own, group], message) is every  # only_b has used its one time
    group.remove(every.id)
    assert first_fault([own, group], message) is None


def test_a_fault_that_cannot_judge_a_message_does_not_match() -> None:
    rules = RuleSet()
    rules.add(Fault("fault", Query.build("$.n", ">", "5"), action="drop"))
    assert first_fault([rules], Marked(0, 0.0, '{"n": null}')) is None
    assert first_fault([rules], Marked(0, 0.0, b"\x00")) is None


def test_marks_show_in_the_log_table_and_the_har_entry() -> None:
    message = Marked(1, 0.0, "original")
    message.mark, message.replacement = "replaced", "forged"
    table = html_table([("received", message)], 100)
    assert "<b>replaced</b>: forged" in table
    entry = websocket_message("send", message)
    assert entry["_replaced"] is True and entry["_replacement"] == "forged"
    assert "_replaced" not in websocket_message("send", Message(1, 0.0, "plain"))


def test_a_chrome_recording_is_read_with_its_binary_frames() -> None:
    recording = read_recording(str(CHROME))
    assert recording.greeting == []
    assert [t.sent.data for t in recording.turns][1:] == ["ping", b"\x00\x01\xff"]
    assert [len(t.replies) for t in recording.turns] == [1, 1, 1]
    assert recording.received == 3


def test_marked_messages_are_replayed_as_they_crossed() -> None:
    binary = base64.b64encode(b"\x01").decode()
    recording = recording_of(
        [
            {"type": "receive", "time": 1, "opcode": 1, "data": "hello"},
            {"type": "send", "time": 2, "opcode": 1, "data": "auth", "_auto": True},
            {
                "type": "send",
                "time": 3,
                "opcode": 1,
                "data": "a",
                "_replaced": True,
                "_replacement": "b",
            },
            {"type": "receive", "time": 4, "opcode": 1, "data": "x", "_dropped": True},
            {"type": "receive", "time": 5, "opcode": 2, "data": binary},
        ]
    )
    assert [m.data for m in recording.greeting] == ["hello"]
    assert [(t.sent.data, [r.data for r in t.replies]) for t in recording.turns] == [
        ("b", [b"\x01"])
    ]


@pytest.mark.parametrize(
    "content",
    [
        '{"log": {"entries": []}}',
        "not json",
        '{"log": {"entries": [{"_webSocketMessages": [{"type": "x"}]}]}}',
    ],
)
def test_files_that_are_not_recordings_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "file.har"
    path.write_text(content)
    with pytest.raises(InvalidArgument):
        read_recording(str(path))


def test_json_is_compared_by_value_with_ignored_paths_left_out() -> None:
    assert differences('{"a": 1, "b": [1, 2]}', '{"b": [1, 2], "a": 1}', []) == []
    assert differences('{"a": 1, "ts": 5}', '{"a": 2, "ts": 6}', compile_ignores("$.ts")) == [
        ("$.a", 1, 2)
    ]
    assert differences('{"a": true}', '{"a": 1}', []) == [("$.a", True, 1)]
    assert differences('{"l": [1]}', '{"l": [1, 2], "x-y": 0}', []) == [
        ("$.l[1]", "<missing>", 2),
        ('$["x-y"]', "<missing>", 0),
    ]
    assert differences("text", "text", []) == []
    assert differences("text", "other", []) == [("(text)", "text", "other")]
    assert differences(b"\x00", b"\x01", []) == [("(binary)", b"\x00", b"\x01")]


def test_bad_ignore_paths_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="starting with"):
        compile_ignores("ts")
    with pytest.raises(InvalidArgument, match="not valid"):
        compile_ignores(["$.[[["])
    assert json.dumps(compile_ignores(None)) == "[]"
