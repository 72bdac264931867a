"""The STOMP codec, fed frames as a broker (RabbitMQ's web-stomp) sends them."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from RobotWebSocket.protocols import ProtocolError, codec_class
from RobotWebSocket.protocols.stomp import Stomp, StompServer, parse_message

CONNECTED = "CONNECTED\nversion:1.2\nheart-beat:{}\nserver:RabbitMQ/3.10.8\n\n\0\n"


def connected(init=None, heart_beat="10000,10000", now=0.0):
    codec = Stomp(init)
    codec.opened("v12.stomp", now)
    out = codec.receive(CONNECTED.format(heart_beat), now)
    assert out.ready and codec.ready
    return codec


def decode(frames):
    """The (command, headers, body) of each frame the codec would send, read back."""
    return [
        (item.document["command"], item.document["headers"], item.document["body"])
        for frame in frames
        for item in parse_message(frame, "1.2")
    ]


def test_the_table_names_the_codec():
    assert codec_class("stomp") is Stomp
    assert Stomp.subprotocols == ("v12.stomp", "v11.stomp", "v10.stomp")


def test_connect_offers_versions_virtual_host_and_heart_beats():
    out = Stomp().opened("v12.stomp", 0.0)
    assert out.send == ["CONNECT\naccept-version:1.2,1.1,1.0\nhost:/\nheart-beat:10000,10000\n\n\0"]
    assert not out.ready


def test_init_headers_are_added_and_replace_the_librarys_own():
    codec = Stomp({"login": "guest", "passcode": "s:cret", "host": "vhost", "heart-beat": "0,0"})
    [(command, headers, _)] = decode(codec.opened(None, 0.0).send)
    assert command == "CONNECT"
    assert headers == {
        "accept-version": "1.2,1.1,1.0", "host": "vhost", "heart-beat": "0,0",
        "login": "guest", "passcode": "s:cret",
    }  # fmt: skip


@pytest.mark.parametrize(
    "init, words",
    [
        ("not a dictionary", "dictionary"),
        ({"login": "a\nb"}, "cannot be sent in CONNECT"),
        ({"heart-beat": "fast"}, "two numbers"),
    ],
)
def test_unusable_init_is_refused_with_a_reason(init, words):
    with pytest.raises(ProtocolError, match=words):
        Stomp(init)


def test_connected_makes_the_session_with_its_headers():
    codec = Stomp()
    codec.opened("v12.stomp", 0.0)
    out = codec.receive(CONNECTED.format("10000,10000"), 0.0)
    assert out.ready and out.documents == [] and out.send == []
    assert codec.session == {
        "version": "1.2", "heart-beat": "10000,10000", "server": "RabbitMQ/3.10.8",
    }  # fmt: skip
    assert codec.version == "1.2"


def test_error_before_connected_is_a_refusal_with_message_and_body():
    codec = Stomp()
    codec.opened("v12.stomp", 0.0)
    error = "ERROR\nmessage:Bad CONNECT\ncontent-type:text/plain\n\nAccess refused for user 'x'\0\n"
    out = codec.receive(error, 0.0)
    assert out.refused == "Bad CONNECT: Access refused for user 'x'"
    assert not out.ready and out.documents == []


def test_frames_after_connected_in_the_same_message_are_documents():
    codec = Stomp()
    codec.opened("v12.stomp", 0.0)
    message = CONNECTED.format("0,0") + "MESSAGE\ndestination:/queue/a\n\nhi\0"
    out = codec.receive(message, 0.0)
    assert out.ready
    assert [item.document["body"] for item in out.documents] == ["hi"]


def test_heart_beats_are_agreed_as_the_slower_of_both_sides():
    codec = connected(heart_beat="5000,20000")
    assert codec.tick_interval == 10.0
    # We send every 20 s (the server wants no more often), and expect the server every 10 s.
    assert codec.tick(10.0).send == []
    assert codec.tick(20.0).send == ["\n"]


def test_no_heart_beats_when_either_side_says_zero():
    assert connected(heart_beat="0,0").tick_interval is None
    assert connected({"heart-beat": "0,0"}, heart_beat="10000,10000").tick_interval is None


def test_a_stomp_10_server_without_heart_beat_header_gets_no_ticks():
    codec = Stomp()
    codec.opened("v10.stomp", 0.0)
    assert codec.receive("CONNECTED\nsession:1\n\n\0", 0.0).ready
    assert codec.version == "1.0" and codec.tick_interval is None


def test_a_silent_server_is_closed_after_several_missed_heart_beats():
    codec = connected(heart_beat="10000,10000")
    assert codec.receive("\n", 25.0).documents == []
    assert codec.tick(50.0).close is None
    out = codec.tick(56.0)
    assert out.close is not None and out.close[0] == 1002
    assert "heart-beat" in out.close[1] and "31.0 s" in out.close[1]


def test_heart_beat_messages_are_never_documents():
    codec = connected()
    for beat in ("\n", "\r\n", "\n\n", b"\n"):
        assert codec.receive(beat, 1.0).documents == []


def test_several_frames_in_one_message_are_several_documents():
    codec = connected()
    message = "MESSAGE\ndestination:/a\n\none\0\nMESSAGE\ndestination:/b\n\ntwo\0\r\n\n"
    out = codec.receive(message, 1.0)
    assert [item.document["body"] for item in out.documents] == ["one", "two"]
    assert out.documents[1].raw == "MESSAGE\ndestination:/b\n\ntwo\0"


def test_content_length_lets_a_body_hold_nul():
    codec = connected()
    out = codec.receive("MESSAGE\ncontent-length:5\n\na\0b\0c\0\n", 1.0)
    assert out.documents[0].document["body"] == "a\0b\0c"


def test_headers_are_unescaped_and_the_first_repeated_one_counts():
    codec = connected()
    frame = "MESSAGE\ndestination:/queue/a\\cb\nnote:x\\ny\\r\\\\\nnote:second\n\n\0"
    headers = codec.receive(frame, 1.0).documents[0].document["headers"]
    assert headers == {"destination": "/queue/a:b", "note": "x\ny\r\\"}


def test_crlf_line_endings_are_accepted():
    codec = connected()
    out = codec.receive("MESSAGE\r\ndestination:/a\r\n\r\nbody\0", 1.0)
    assert out.documents[0].document == {
        "command": "MESSAGE", "headers": {"destination": "/a"}, "body": "body",
    }  # fmt: skip


@pytest.mark.parametrize(
    "content_type, body, expected",
    [
        ("application/json", '{"a": 1}', {"a": 1}),
        ("application/vnd.x+json;charset=utf-8", "[1, 2]", [1, 2]),
        ("application/json", "42", 42),
        ("application/json", "not json", "not json"),
        (None, '{"a": 1}', {"a": 1}),
        (None, "42", "42"),
        (None, "{broken", "{broken"),
        ("text/plain", '{"a": 1}', '{"a": 1}'),
    ],
)
def test_body_is_json_when_content_type_says_so_or_looks_like_an_object(
    content_type, body, expected
):
    codec = connected()
    header = f"content-type:{content_type}\n" if content_type else ""
    out = codec.receive(f"MESSAGE\n{header}\n{body}\0", 1.0)
    assert out.documents[0].document["body"] == expected


def test_a_body_that_is_not_utf8_is_bytes():
    codec = connected()
    out = codec.receive(b"MESSAGE\n\n\xff\xfe\0", 1.0)
    assert out.documents[0].document["body"] == b"\xff\xfe"
    assert out.documents[0].raw == b"MESSAGE\n\n\xff\xfe\0"


@pytest.mark.parametrize(
    "message, words",
    [
        ("MESSAGE\ndestination:/a\n\nno terminator", "not terminated by NUL"),
        ("MESSAGE\ncontent-length:9\n\nshort\0", "after content-length 9"),
        ("MESSAGE\ncontent-length:x\n\n\0", "not a number"),
        ("MESSAGE\nbad header\n\n\0", "without a colon"),
        ("MESSAGE\nh:\\t\n\n\0", "undefined escape"),
        ("hello world", "frame ends"),
        ("lower\n\n\0", "is not a STOMP command"),
    ],
)
def test_a_message_that_does_not_decode_is_kept_as_undecodable(message, words):
    codec = connected()
    [item] = codec.receive(message, 1.0).documents
    assert item.document["type"] == "undecodable"
    assert words in item.document["error"]
    assert item.raw == message


def test_a_bad_frame_after_a_good_one_keeps_the_good_one():
    codec = connected()
    out = codec.receive("RECEIPT\nreceipt-id:1\n\n\0GARBAGE", 1.0)
    assert out.documents[0].document["command"] == "RECEIPT"
    assert out.documents[1].document["type"] == "undecodable"
    assert out.documents[1].raw == "GARBAGE"


def test_encode_sends_a_json_body_with_type_and_length():
    codec = connected()
    frames = codec.encode({"headers": {"destination": "/queue/a"}, "body": {"n": 1}})
    assert frames == [
        'SEND\ndestination:/queue/a\ncontent-type:application/json\ncontent-length:8\n\n{"n": 1}\0'
    ]


def test_encode_takes_json_text_and_defaults_to_send():
    codec = connected()
    [(command, headers, body)] = decode(
        codec.encode('{"headers": {"destination": "/topic/x"}, "body": "hello"}')
    )
    assert (command, headers, body) == (
        "SEND", {"destination": "/topic/x", "content-length": "5"}, "hello",
    )  # fmt: skip


def test_encode_escapes_headers_and_sends_binary_bodies_as_binary_messages():
    codec = connected()
    doc = {"command": "send", "headers": {"destination": "/a:b", "flag": True}, "body": b"\xff\0"}
    [frame] = codec.encode(doc)
    assert frame == b"SEND\ndestination:/a\\cb\nflag:true\ncontent-length:2\n\n\xff\0\0"


def test_frames_without_a_body_carry_no_content_length():
    codec = connected()
    [frame] = codec.encode({"command": "UNSUBSCRIBE", "headers": {"id": "1"}})
    assert frame == "UNSUBSCRIBE\nid:1\n\n\0"


@pytest.mark.parametrize(
    "document, words",
    [
        ("plain text", "dictionary"),
        ([1, 2], "dictionary"),
        ({"destination": "/a", "body": "x"}, "not destination"),
        ({"command": "SEND NOW"}, "not a STOMP command"),
        ({"headers": ["destination"]}, "headers must be a dictionary"),
        ({"body": {"x": {1, 2}}}, "cannot be sent as JSON"),
    ],
)
def test_encode_refuses_what_is_not_a_stomp_document(document, words):
    with pytest.raises(ProtocolError, match=words):
        connected().encode(document)


def test_stomp_10_sends_headers_without_escaping_and_refuses_line_breaks():
    codec = Stomp()
    codec.opened("v10.stomp", 0.0)
    codec.receive("CONNECTED\n\n\0", 0.0)
    assert codec.encode({"headers": {"destination": "/a:b"}})[0].startswith(
        "SEND\ndestination:/a:b\n"
    )
    with pytest.raises(ProtocolError, match="line break"):
        codec.encode({"headers": {"note": "a\nb"}})


def test_request_adds_receipt_and_subscription_id_and_matches_the_receipt():
    codec = connected()
    frames, pending = codec.request({"command": "SUBSCRIBE", "headers": {"destination": "/a"}})
    [(command, headers, _)] = decode(frames)
    assert command == "SUBSCRIBE"
    assert headers == {"destination": "/a", "receipt": "rws-1", "id": "rws-sub-1"}
    receipt = {"command": "RECEIPT", "headers": {"receipt-id": "rws-1"}, "body": ""}
    assert pending(receipt)
    assert not pending({**receipt, "headers": {"receipt-id": "rws-2"}})


def test_a_message_that_copies_the_receipt_header_is_not_the_reply():
    codec = connected()
    _, pending = codec.request({"headers": {"destination": "/queue/a"}, "body": "x"})
    # RabbitMQ copies a SEND's receipt header into the MESSAGE it delivers.
    message = {"command": "MESSAGE", "headers": {"receipt": "rws-1"}, "body": "x"}
    assert not pending(message)
    assert not pending("\n") and not pending({"command": "RECEIPT"})


def test_an_error_answers_a_request_unless_it_names_another_receipt():
    codec = connected()
    _, pending = codec.request({"headers": {"destination": "/x"}})
    assert pending({"command": "ERROR", "headers": {"message": "no"}, "body": ""})
    assert pending({"command": "ERROR", "headers": {"receipt-id": "rws-1"}, "body": ""})
    assert not pending({"command": "ERROR", "headers": {"receipt-id": "other"}, "body": ""})


def test_request_keeps_a_receipt_the_test_gave():
    codec = connected()
    frames, pending = codec.request({"command": "DISCONNECT", "headers": {"receipt": "bye"}})
    assert frames == ["DISCONNECT\nreceipt:bye\n\n\0"]
    assert pending({"command": "RECEIPT", "headers": {"receipt-id": "bye"}, "body": ""})


@given(st.one_of(st.text(), st.binary()))
def test_decoding_arbitrary_messages_never_raises(message):
    codec = connected()
    out = codec.receive(message, 1.0)
    for item in out.documents:
        assert isinstance(item.document, dict)


_header_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"))


@given(
    st.dictionaries(_header_text.filter(bool), _header_text, max_size=5),
    st.one_of(
        st.binary(), st.text(), st.dictionaries(st.text(), st.integers()), st.lists(st.integers())
    ),
)
def test_what_is_encoded_decodes_to_the_same_frame(headers, body):
    codec = connected()
    headers.pop("content-length", None)
    headers.pop("content-type", None)
    [(command, decoded, received)] = decode(codec.encode({"headers": headers, "body": body}))
    assert command == "SEND"
    assert {name: decoded[name] for name in headers} == headers
    if isinstance(body, bytes):
        expected = body.decode() if _is_utf8(body) else body
        assert received in (expected, _json_or(expected))
    elif isinstance(body, str):
        assert received in (body, _json_or(body))
    else:
        assert received == body


def _is_utf8(data):
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


def _json_or(text):
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return text


def test_a_json_body_nested_too_deeply_is_kept_as_text():
    # Deep JSON raises RecursionError, not ValueError: it escaped decoding and cost the
    # connection.
    codec = connected()
    body = "[" * 100_000 + "]" * 100_000
    frame = f"MESSAGE\ndestination:/q\ncontent-type:application/json\n\n{body}\0"
    [item] = codec.receive(frame, 1.0).documents
    assert item.document["body"] == body
    [item] = codec.receive(frame.replace("content-type:application/json\n", ""), 1.0).documents
    assert item.document["body"] == body


def test_an_error_frame_nested_too_deeply_still_refuses_the_session():
    codec = Stomp()
    codec.opened("v12.stomp", 0.0)
    body = "[" * 100_000 + "]" * 100_000
    out = codec.receive(f"ERROR\nmessage:no\ncontent-type:application/json\n\n{body}\0", 1.0)
    assert out.refused is not None and out.refused.startswith("no: [[[")


def test_a_frame_without_nul_is_undecodable_and_the_next_message_reads():
    codec = connected()
    [item] = codec.receive('MESSAGE\ndestination:/q\n\n{"a": 1}', 1.0).documents
    assert item.document["type"] == "undecodable" and "NUL" in item.document["error"]
    [item] = codec.receive('MESSAGE\ndestination:/q\n\n{"a": 1}\0', 1.0).documents
    assert item.document["body"] == {"a": 1}


# -- the server role ---------------------------------------------------------------------------


def serving(init=None, connect="CONNECT\naccept-version:1.2,1.1\nhost:/\nheart-beat:0,0\n\n\0"):
    codec = Stomp(init, server=True)
    assert codec.opened("v12.stomp", 0.0).send == []
    assert codec.receive(connect, 0.0).ready
    return codec


def subscribed(ack="auto", version="1.2"):
    codec = serving(connect=f"CONNECT\naccept-version:{version}\n\n\0")
    codec.receive(f"SUBSCRIBE\nid:s-1\ndestination:/topic/a\nack:{ack}\n\n\0", 0.0)
    return codec


def test_server_true_gives_the_server_role():
    codec = codec_class("stomp")(server=True)
    assert type(codec) is StompServer and isinstance(codec, Stomp) and codec.server
    assert Stomp.select_subprotocol(["v10.stomp", "v12.stomp", "v11.stomp"]) == "v12.stomp"
    assert Stomp.select_subprotocol(["v11.stomp"]) == "v11.stomp"
    assert Stomp.select_subprotocol(["stomp"]) is None


@pytest.mark.parametrize(
    ("accept", "version"),
    [("1.2,1.1,1.0", "1.2"), ("1.1,1.0", "1.1"), ("1.0", "1.0"), (None, "1.0"), ("1.1, 9", "1.1")],
)
def test_server_answers_connect_with_the_newest_version_in_common(accept, version):
    header = "" if accept is None else f"accept-version:{accept}\n"
    codec = Stomp({"server": "mock/1"}, server=True)
    for command in ("CONNECT", "STOMP"):
        codec = Stomp({"server": "mock/1"}, server=True)
        out = codec.receive(f"{command}\n{header}login:u\n\n\0", 0.0)
        assert out.ready and out.documents == [] and codec.version == version
        [(name, headers, _)] = decode(out.send)
        assert name == "CONNECTED" and headers["version"] == version
        assert headers["server"] == "mock/1" and headers["heart-beat"] == "10000,10000"
        assert codec.session["login"] == "u"


def test_server_refuses_a_client_with_no_version_in_common():
    out = Stomp(server=True).receive("CONNECT\naccept-version:2.0\n\n\0", 0.0)
    [(name, headers, body)] = decode(out.send)
    assert name == "ERROR" and headers["version"] == "1.2,1.1,1.0"
    assert "Supported protocol versions" in body and out.close[0] == 1002 and not out.ready


@pytest.mark.parametrize(
    ("server_offer", "client_offer", "send_every", "expect_every"),
    [
        ("1000,2000", "3000,500", 1.0, 3.0),
        ("0,0", "1000,1000", 0.0, 0.0),
        ("500,500", "0,1000", 1.0, 0.0),
        ("500,500", "bad", 0.0, 0.0),
    ],
)
def test_server_agrees_heart_beats_as_the_specification_says(
    server_offer, client_offer, send_every, expect_every
):
    codec = Stomp({"heart-beat": server_offer}, server=True)
    codec.receive(f"CONNECT\naccept-version:1.2\nheart-beat:{client_offer}\n\n\0", 0.0)
    assert (codec._send_every, codec._expect_every) == (send_every, expect_every)


def test_server_sends_heart_beats_and_closes_a_silent_client():
    codec = serving(
        {"heart-beat": "1000,1000"}, "CONNECT\naccept-version:1.2\nheart-beat:1000,1000\n\n\0"
    )
    assert codec.tick_interval == 1.0 and codec.tick(1.0).send == ["\n"]
    assert codec.receive("\n", 2.5) == codec.receive("\r\n", 2.5)
    assert codec.receive("\n", 2.5).documents == []
    assert codec.tick(5.0).close is None
    out = codec.tick(5.6)
    assert out.close[0] == 1002 and "nothing from the client" in out.close[1]


def test_server_answers_receipts_and_keeps_every_other_frame_as_a_document():
    codec = serving()
    out = codec.receive(
        "SEND\ndestination:/queue/a\ncontent-type:application/json\nreceipt:r-1\n\n"
        '{"n": 1}\0DISCONNECT\nreceipt:77\n\n\0',
        1.0,
    )
    assert [(d.document["command"], d.document["body"]) for d in out.documents] == [
        ("SEND", {"n": 1}),
        ("DISCONNECT", ""),
    ]
    assert decode(out.send) == [
        ("RECEIPT", {"receipt-id": "r-1"}, ""),
        ("RECEIPT", {"receipt-id": "77"}, ""),
    ]
    assert out.close is None


def test_server_tracks_subscriptions_until_unsubscribe():
    codec = subscribed()
    codec.receive("SUBSCRIBE\nid:s-2\ndestination:/queue/b\n\n\0", 0.0)
    codec.receive("SUBSCRIBE\ndestination:/queue/old\n\n\0", 0.0)
    assert codec.destinations == ["/topic/a", "/queue/b", "/queue/old"]
    codec.receive("UNSUBSCRIBE\nid:s-2\n\n\0", 0.0)
    assert list(codec.subscriptions) == ["s-1", "/queue/old"]


def test_server_fills_a_message_from_the_clients_subscription():
    codec = subscribed()
    [(name, headers, body)] = decode(
        codec.encode({"headers": {"destination": "/topic/a"}, "body": [1]})
    )
    assert name == "MESSAGE" and body == [1]
    assert headers["subscription"] == "s-1" and headers["message-id"] == "rws-1"
    assert "ack" not in headers and headers["content-type"] == "application/json"
    [(_, again, _)] = decode(
        codec.encode('{"headers": {"destination": "/topic/a", "message-id": "m"}}')
    )
    assert again["message-id"] == "m"


def test_server_delivers_a_message_to_each_subscription_to_its_destination():
    codec = subscribed()
    codec.receive("SUBSCRIBE\nid:s-9\ndestination:/topic/a\n\n\0", 0.0)
    frames = decode(codec.encode({"headers": {"destination": "/topic/a"}, "body": "x"}))
    assert [headers["subscription"] for _, headers, _ in frames] == ["s-1", "s-9"]


def test_server_refuses_a_message_to_a_destination_the_client_did_not_subscribe_to():
    codec = subscribed()
    with pytest.raises(
        ProtocolError, match=r"no subscription to /topic/b \(it subscribed to /topic/a\)"
    ):
        codec.encode({"headers": {"destination": "/topic/b"}})
    with pytest.raises(ProtocolError, match="needs a destination"):
        codec.encode({"command": "MESSAGE"})
    [(_, headers, _)] = decode(
        codec.encode({"headers": {"destination": "/x", "subscription": "z"}})
    )
    assert headers["subscription"] == "z" and headers["message-id"]


def test_server_sends_other_frames_as_they_are():
    codec = serving()
    assert decode(
        codec.encode({"command": "ERROR", "headers": {"message": "no"}, "body": "x"})
    ) == [("ERROR", {"message": "no", "content-length": "1"}, "x")]


@pytest.mark.parametrize(("version", "ack_header"), [("1.2", "id"), ("1.1", "message-id")])
def test_server_requests_a_message_and_waits_for_the_clients_ack(version, ack_header):
    codec = subscribed("client-individual", version)
    frames, is_reply = codec.request({"headers": {"destination": "/topic/a"}, "body": "x"})
    [(_, headers, _)] = decode(frames)
    ident = headers.get("ack", headers["message-id"])
    assert ("ack" in headers) == (version == "1.2")
    ack = {"command": "NACK", "headers": {ack_header: ident}, "body": ""}
    assert is_reply(ack) and is_reply({**ack, "command": "ACK"})
    assert not is_reply({**ack, "headers": {ack_header: "other"}})
    assert not is_reply({"command": "SEND", "headers": {ack_header: ident}})
    assert not is_reply("text")


def test_server_requests_need_a_message_the_client_acknowledges():
    with pytest.raises(ProtocolError, match="ack:auto"):
        subscribed("auto").request({"headers": {"destination": "/topic/a"}})
    with pytest.raises(ProtocolError, match="ERROR from a server has no reply"):
        subscribed().request({"command": "ERROR"})


def test_server_wants_messages_to_destinations_the_client_subscribed_to():
    codec = subscribed()
    assert codec.wants({"headers": {"destination": "/topic/a"}})
    assert not codec.wants({"headers": {"destination": "/topic/b"}})
    assert codec.wants({"headers": {"destination": "/x", "subscription": "s-1"}})
    assert not codec.wants({"headers": {"subscription": "nope"}})
    assert codec.wants({"command": "ERROR"}) and codec.wants("not json")


def test_server_keeps_what_does_not_decode_and_reads_on():
    codec = serving()
    out = codec.receive("SEND\nno colon\n\n\0", 1.0)
    assert out.documents[0].document["type"] == "undecodable"
    assert codec.receive("SEND\ndestination:/q\n\nx\0", 1.0).documents[0].document["body"] == "x"


def test_server_init_that_cannot_be_sent_is_refused():
    with pytest.raises(ProtocolError, match="CONNECTED"):
        Stomp({"bad\nname": "x"}, server=True)
