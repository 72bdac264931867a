"""Connections' messages as the arrows of a conversation picture."""

from __future__ import annotations

from lxml import etree

from RobotWebSocket.extraction import compile_expression
from RobotWebSocket.history import Message
from RobotWebSocket.pictures import Side, events_of, lanes_of, picture, window_picture


def message(seq: int, at: float, data: str | bytes, document: object = None) -> Message:
    made = Message(seq, at, data) if document is None else Message(seq, at, data, document)
    return made


def arrows(svg: str) -> list[etree._Element]:
    root = etree.fromstring(svg.encode())
    return [g for g in root.iter("{*}g") if (g.get("class") or "").startswith("e ")]


def side() -> Side:
    ours, theirs = lanes_of("ws://127.0.0.1:9/orders", "ws://127.0.0.1:9/orders", None)
    return Side(
        "ws://127.0.0.1:9/orders",
        ours,
        theirs,
        sent=[message(1, 10.0, '{"op": "place"}')],
        received=[
            message(1, 10.1, '{"type": "ack"}'),
            message(2, 10.3, "x", {"type": "undecodable", "raw": "x", "error": "bad"}),
        ],
        marked=[
            ("receive", message(0, 10.2, '{"type": "heartbeat"}'), "ignored"),
            ("send", message(0, 10.25, '{"type": "pong"}'), "auto"),
        ],
    )


def test_a_library_client_is_drawn_between_itself_and_its_server() -> None:
    assert lanes_of("alice", "ws://h:1/chat?u=1", None) == ("alice", "ws://h:1")
    assert lanes_of("mock#1", "ws://h:1/x", "mock") == ("mock", "mock#1")


def test_every_message_is_an_arrow_of_its_kind_in_time_order() -> None:
    events = events_of(side())
    kinds = [e.kind for e in sorted(events, key=lambda e: e.time)]
    assert kinds == ["sent", "received", "ignored", "auto", "undecodable"]
    drawn = arrows(picture([side()], 50).svg)
    assert len(drawn) == 5
    assert [g.get("class").split()[1] for g in drawn] == [
        "k-sent",
        "k-received",
        "k-ignored",
        "k-auto",
        "k-undecodable",
    ]


def test_last_bounds_the_arrows_and_a_label_path_gives_the_caption() -> None:
    drawn = picture([side()], 2, compile_expression("$.type")).svg
    assert len(arrows(drawn)) == 2
    assert "undecodable" in drawn and "pong" in drawn


def test_dropped_messages_are_one_note() -> None:
    dropping = side()
    dropping.dropped = 7
    svg = picture([dropping], 50).svg
    assert "7 older message(s) were dropped" in svg


def test_a_failed_wait_draws_the_window_it_examined() -> None:
    whole = side()
    svg = window_picture(whole, whole.received[:1], None).svg
    assert len(arrows(svg)) == 1
    assert "examined" in svg
