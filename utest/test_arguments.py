from datetime import timedelta

import pytest

from RobotWebSocket.arguments import (
    check_close_code,
    check_headers,
    check_subprotocols,
    check_url,
    positive_int,
    seconds,
)
from RobotWebSocket.errors import InvalidArgument


def test_seconds_accepts_robot_times_numbers_and_timedeltas():
    assert seconds("5s") == 5
    assert seconds("500ms") == 0.5
    assert seconds("1 min 30 s") == 90
    assert seconds(2) == 2
    assert seconds(timedelta(seconds=3)) == 3
    assert seconds(None) is None


@pytest.mark.parametrize("bad", ["-1s", -1, "soon", [1]])
def test_seconds_rejects_negative_and_nonsense(bad):
    with pytest.raises(InvalidArgument, match="timeout"):
        seconds(bad)


@pytest.mark.parametrize("bad", [0, -3, "x", True])
def test_positive_int(bad):
    with pytest.raises(InvalidArgument, match="'last'"):
        positive_int(bad, "last")


@pytest.mark.parametrize(
    "url, complaint",
    [
        ("http://h/x", "scheme must be ws:// or wss://"),
        ("ws://", "no host"),
        ("ws://h:99999/", "Invalid URL"),
        ("", "non-empty"),
        ("ws://h/a b", "white space"),
    ],
)
def test_bad_urls(url, complaint):
    with pytest.raises(InvalidArgument, match=complaint):
        check_url(url)


def test_bad_url_messages_mask_tokens():
    with pytest.raises(InvalidArgument) as error:
        check_url("http://h/x?token=s3cr3t")
    assert "s3cr3t" not in str(error.value)


def test_headers_are_checked_for_injection_and_types():
    assert check_headers({"X-A": "1", "X-N": 2}) == [("X-A", "1"), ("X-N", "2")]
    with pytest.raises(InvalidArgument, match="line break"):
        check_headers({"X-A": "1\r\nX-Evil: yes"})
    with pytest.raises(InvalidArgument, match="Invalid header name"):
        check_headers({"Bad Name": "1"})
    with pytest.raises(InvalidArgument, match="string value"):
        check_headers({"X-A": ["list"]})
    with pytest.raises(InvalidArgument, match="dictionary"):
        check_headers("X-A: 1")


def test_subprotocols():
    assert check_subprotocols("a, b") == ["a", "b"]
    assert check_subprotocols(["chat.v2"]) == ["chat.v2"]
    with pytest.raises(InvalidArgument, match="Invalid subprotocol"):
        check_subprotocols(["bad name"])


def test_close_codes():
    assert check_close_code(1000) == 1000
    assert check_close_code("4001") == 4001
    for bad in (999, 1005, 1006, 5000, "x"):
        with pytest.raises(InvalidArgument):
            check_close_code(bad)
