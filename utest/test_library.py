"""The keyword methods driven from Python against the in-process server."""

import json
import time

import pytest

from RobotWebSocket import RobotWebSocket
from RobotWebSocket.errors import (
    ConnectionAlreadyOpen,
    ConnectionClosed,
    ConnectionFailed,
    ConnectionNotFound,
    InvalidArgument,
    InvalidExpression,
    ReceiveFailed,
)
from RobotWebSocket.history import Message


def test_names_are_urls_with_query_strings_or_aliases(lib, server):
    one, two = server.url("/echo?u=1"), server.url("/echo?u=2")
    assert lib.connect(one) == one
    assert lib.connect(two) == two
    assert lib.connect(one, alias="again") == "again"
    lib.send(one, "1")
    lib.send("again", "A")
    assert lib.receive(one) == "1"
    assert lib.receive("again") == "A"
    assert lib.get_message_count(two) == 0


def test_connecting_an_open_name_fails_and_a_closed_one_reopens(lib, server):
    url = server.url("/echo")
    lib.connect(url)
    with pytest.raises(ConnectionAlreadyOpen):
        lib.connect(url)
    lib.disconnect(url)
    lib.disconnect(url)  # idempotent
    lib.connect(url)
    assert lib.get_connection_info(url)["state"] == "open"


def test_unknown_names_list_open_ones(lib, server):
    lib.connect(server.url("/echo"), alias="open-one")
    with pytest.raises(ConnectionNotFound, match="Open connections: open-one."):
        lib.receive("missing")


def test_operators_may_be_strings_from_python(lib, server):
    url = server.url("/echo")
    lib.connect(url)
    lib.send(url, {"count": 42, "ok": True})
    assert lib.receive(url, "$.count", ">=", "40") == 42
    assert lib.receive(url, "$.ok", "==", "true") is True


def test_send_and_receive_from_python(lib, server):
    url = server.url("/echo")
    assert lib.send_and_receive(url, json.dumps({"a": 1}), "$.a", "==", "1") == 1
    assert lib.get_connection_info(url)["sent"] == 1


def test_last_must_be_positive(lib, server):
    url = server.url("/echo")
    lib.connect(url)
    for bad in (0, -1):
        with pytest.raises(InvalidArgument, match="'last' must be a positive number"):
            lib.receive(url, last=bad)


def test_malformed_expression_fails_before_waiting(lib, server):
    url = server.url("/silent")
    lib.connect(url)
    with pytest.raises(InvalidExpression):
        lib.receive(url, "$[?(", timeout=60)


def test_receive_failure_says_what_was_waited_for(lib, server):
    url = server.url("/echo")
    lib.connect(url)
    lib.send(url, '{"status": "NEW"}')
    with pytest.raises(ReceiveFailed) as error:
        lib.receive(url, "$.status", "==", "FILLED", timeout=0.3)
    text = str(error.value)
    assert "timed out after 0.3 s" in text
    assert "$.status == 'FILLED'" in text
    assert "Last value: 'NEW'" in text
    assert '{"status": "NEW"}' in text


def test_connect_errors(lib, server):
    with pytest.raises(ConnectionFailed, match="HTTP 401"):
        lib.connect(server.url("/auth"))
    with pytest.raises(ConnectionFailed, match="refused"):
        lib.connect("ws://127.0.0.1:1/")
    with pytest.raises(InvalidArgument, match="scheme"):
        lib.connect("https://example.com/")
    with pytest.raises(InvalidArgument, match="line break"):
        lib.connect(server.url("/echo"), headers={"X-A": "a\nb"})
    with pytest.raises(InvalidArgument, match="proxy"):
        lib.connect(server.url("/echo"), proxy="socks://x")


def test_send_on_dropped_connection_fails_with_code(lib, server):
    url = server.url("/drop")
    lib.connect(url)
    assert lib.wait_until_closed(url)["code"] == 1006
    with pytest.raises(ConnectionClosed, match="close code 1006"):
        lib.send(url, "x")


def test_auto_connect_uses_send_headers(lib, server):
    url = server.url("/headers")
    lib.send(url, "hello", headers={"X-Auto": "yes"})
    assert lib.receive(url, "$['X-Auto']") == "yes"


def test_unknown_alias_does_not_auto_connect(lib):
    with pytest.raises(ConnectionNotFound):
        lib.send("alias-never-opened", "x")


def test_import_arguments_are_checked():
    with pytest.raises(InvalidArgument, match="buffer_size"):
        RobotWebSocket(buffer_size=0)
    with pytest.raises(InvalidArgument, match="timeout"):
        RobotWebSocket(timeout="-1s")


def test_close_closes_every_connection(server):
    library = RobotWebSocket()
    library.connect(server.url("/echo"), alias="a")
    library.connect(server.url("/echo"), alias="b")
    library.close()
    assert {library.get_connection_info(n)["state"] for n in ("a", "b")} == {"closed"}


def test_receive_until_without_send_judges_a_message_that_arrived_between_iterations(
    lib, server, monkeypatch
):
    """Iterations resumed from the total read after the previous wait gave up, so a message
    arriving in that gap was never judged."""
    url = server.url("/silent")
    lib.connect(url)
    waits = lib.keywords["receive_until"].__self__._waits
    real_wait = waits.wait
    calls = []

    def wait_then_arrive(conn, query, deadline, after=None, sending=None):
        result = real_wait(conn, query, deadline, after=after, sending=sending)
        if not calls:
            # Lands after the first wait gave up.
            conn.history.append_message(Message(0, time.time(), '{"status": "done"}'))
        calls.append(after)
        return result

    monkeypatch.setattr(waits, "wait", wait_then_arrive)
    assert (
        lib.receive_until(url, "$.status", "==", "done", max_iterations=2, interval=0.1) == "done"
    )


def test_send_after_disconnect_reopens_an_alias_on_its_url(lib, server):
    """Send on an alias closed by Disconnect tried to connect to the alias as a URL."""
    lib.connect(server.url("/echo"), alias="alice")
    lib.disconnect("alice")
    assert lib.send_and_receive("alice", "back") == "back"
    info = lib.get_connection_info("alice")
    assert info["state"] == "open" and info["url"] == server.url("/echo")
