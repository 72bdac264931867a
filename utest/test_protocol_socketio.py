"""The Socket.IO codec, fed the frames a python-socketio server sends."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from RobotWebSocket.protocols import Output, ProtocolError, codec_class
from RobotWebSocket.protocols.socketio import SocketIO, parse_packet
from RobotWebSocket.protocols.socketio_server import SocketIOServer

OPEN = (
    '0{"sid":"eio-sid","upgrades":[],"pingTimeout":20000,"pingInterval":25000,"maxPayload":1000000}'
)


def connected(namespace_url: str = "http://h/", init: Any = None) -> SocketIO:
    """A codec whose namespace is connected, as after Connect."""
    codec = SocketIO(init)
    codec.connect_url(namespace_url)
    codec.opened(None, 0.0)
    codec.receive(OPEN, 0.0)
    prefix = "40" if codec.namespace == "/" else f"40{codec.namespace},"
    assert codec.receive(prefix + '{"sid":"ns-sid"}', 0.0).ready
    return codec


def documents(codec: SocketIO, *frames: str | bytes) -> list[Any]:
    found = []
    for frame in frames:
        found += [received.document for received in codec.receive(frame, 1.0).documents]
    return found


def test_the_table_names_the_class() -> None:
    assert codec_class("socketio") is SocketIO
    assert SocketIO.subprotocols == ()


@pytest.mark.parametrize(
    ("url", "expected", "namespace"),
    [
        ("http://h:1", "ws://h:1/socket.io/?EIO=4&transport=websocket", "/"),
        ("https://h/", "wss://h/socket.io/?EIO=4&transport=websocket", "/"),
        ("ws://h/chat?room=1", "ws://h/socket.io/?room=1&EIO=4&transport=websocket", "/chat"),
        ("wss://h/a/b", "wss://h/socket.io/?EIO=4&transport=websocket", "/a/b"),
        (
            "http://h/engine/?EIO=4&transport=websocket",
            "ws://h/engine/?EIO=4&transport=websocket",
            "/",
        ),
    ],
)
def test_connect_url_maps_the_namespace_to_the_engine_path(
    url: str, expected: str, namespace: str
) -> None:
    codec = SocketIO()
    assert codec.connect_url(url) == expected
    assert codec.namespace == namespace


def test_connect_url_refuses_other_schemes() -> None:
    with pytest.raises(ProtocolError, match="http://, https://, ws:// or wss://"):
        SocketIO().connect_url("ftp://h/")


def test_handshake_waits_for_open_then_connects_the_namespace_with_auth() -> None:
    codec = SocketIO({"token": "abc"})
    codec.connect_url("http://h/chat")
    assert codec.opened(None, 0.0).send == []
    out = codec.receive(OPEN, 0.0)
    assert out.send == ['40/chat,{"token":"abc"}'] and not out.ready
    assert codec.tick_interval == 12.5
    out = codec.receive('40/chat,{"sid":"ns-sid"}', 0.0)
    assert out.ready and out.documents == [] and codec.ready
    assert codec.session == "ns-sid"


def test_root_namespace_without_auth_sends_a_bare_connect() -> None:
    codec = SocketIO()
    codec.connect_url("http://h")
    assert codec.receive(OPEN, 0.0).send == ["40"]


def test_init_may_be_json_text() -> None:
    codec = SocketIO('{"token": "abc", "n": 1}')
    assert codec.init == {"token": "abc", "n": 1}


def test_robot_secrets_in_init_are_unwrapped() -> None:
    class Secret:
        def __init__(self, value: str) -> None:
            self.value = value

    assert SocketIO({"token": Secret("abc")}).init == {"token": "abc"}


@pytest.mark.parametrize("init", [[1, 2], "not json", 5, "[1]", {"b": b"x"}])
def test_init_that_is_not_an_auth_object_is_refused(init: Any) -> None:
    with pytest.raises(ProtocolError, match="Socket.IO init"):
        SocketIO(init)


def test_connect_error_refuses_with_the_servers_message() -> None:
    codec = SocketIO({"token": "bad"})
    codec.connect_url("http://h/private")
    codec.receive(OPEN, 0.0)
    out = codec.receive('44/private,{"message":"invalid token"}', 0.0)
    assert out.refused == "invalid token" and not codec.ready and out.documents == []


def test_connect_error_for_another_namespace_is_a_document() -> None:
    codec = connected()
    assert documents(codec, '44/other,{"message":"no"}') == [
        {"type": "connect_error", "namespace": "/other", "data": {"message": "no"}}
    ]


def test_a_ping_is_answered_with_a_pong_and_never_a_document() -> None:
    codec = connected()
    out = codec.receive("2", 5.0)
    assert out.send == ["3"] and out.documents == []
    assert codec.receive("2probe", 5.0).send == ["3probe"]
    assert codec.receive("6", 5.0).documents == []


def test_tick_closes_when_the_server_fell_silent() -> None:
    codec = connected()
    codec.receive("2", 10.0)
    assert codec.tick(50.0).close is None
    close = codec.tick(56.0).close
    assert close is not None and close[0] == 1000 and "ping timeout" in close[1]


def test_events_acks_and_disconnects_become_documents() -> None:
    codec = connected()
    assert documents(codec, '42["chat","hi",{"n":1}]', '423["question","why?"]') == [
        {"type": "event", "namespace": "/", "event": "chat", "args": ["hi", {"n": 1}], "id": None},
        {"type": "event", "namespace": "/", "event": "question", "args": ["why?"], "id": 3},
    ]
    assert documents(codec, '437[{"sum":3}]', "41") == [
        {"type": "ack", "namespace": "/", "id": 7, "args": [{"sum": 3}]},
        {"type": "disconnect", "namespace": "/"},
    ]


def test_packets_of_a_namespace_carry_it() -> None:
    codec = connected("http://h/chat")
    assert documents(codec, '42/chat,1["a"]') == [
        {"type": "event", "namespace": "/chat", "event": "a", "args": [], "id": 1}
    ]


def test_binary_event_waits_for_its_attachments() -> None:
    codec = connected()
    header = '452-["file",{"a":{"_placeholder":true,"num":0}},{"_placeholder":true,"num":1}]'
    assert codec.receive(header, 1.0).documents == []
    assert codec.receive(b"\x00\x01", 1.0).documents == []
    out = codec.receive(b"\xff", 1.0)
    assert out.documents[0].raw == header
    assert out.documents[0].document == {
        "type": "event",
        "namespace": "/",
        "event": "file",
        "args": [{"a": b"\x00\x01"}, b"\xff"],
        "id": None,
    }


def test_binary_ack_puts_attachments_in_place() -> None:
    codec = connected()
    found = documents(codec, '461-/x,4[{"_placeholder":true,"num":0}]', b"ab")
    assert found == [{"type": "ack", "namespace": "/x", "id": 4, "args": [b"ab"]}]


def test_a_text_frame_before_the_attachments_keeps_both() -> None:
    codec = connected()
    found = documents(codec, '451-["f",{"_placeholder":true,"num":0}]', '42["next"]')
    assert found[0]["type"] == "undecodable" and "attachments missing" in found[0]["error"]
    assert found[1]["event"] == "next"


@pytest.mark.parametrize(
    "frame",
    ["", "9", "4", "49", "42", "42{", '42{"a":1}', "42[1]", '43["no id"]', b"\x01", "0[]", "5"],
)
def test_what_does_not_decode_is_kept_as_undecodable(frame: str | bytes) -> None:
    (received,) = connected().receive(frame, 1.0).documents
    assert received.document["type"] == "undecodable"
    assert received.raw == frame


def test_encode_event_in_either_form_and_as_json_text() -> None:
    codec = connected()
    assert codec.encode({"event": "chat", "args": ["hi", 1]}) == ['42["chat","hi",1]']
    assert codec.encode(["chat", {"ü": True}]) == ['42["chat",{"ü":true}]']
    assert codec.encode('{"event": "chat"}') == ['42["chat"]']
    assert codec.encode('["chat", null]') == ['42["chat",null]']


def test_encode_uses_the_connections_namespace_and_an_ack() -> None:
    codec = connected("http://h/chat")
    assert codec.encode({"event": "a"}) == ['42/chat,["a"]']
    assert codec.encode({"type": "ack", "id": 3, "args": ["ok"]}) == ['43/chat,3["ok"]']
    assert codec.encode({"type": "disconnect"}) == ["41/chat,"]
    assert codec.encode({"event": "a", "namespace": "/"}) == ['42["a"]']


def test_bytes_in_args_make_a_binary_event_and_frames() -> None:
    codec = connected()
    frames = codec.encode({"event": "up", "args": [b"\x00", {"f": bytearray(b"\x01")}]})
    assert frames == [
        '452-["up",{"_placeholder":true,"num":0},{"f":{"_placeholder":true,"num":1}}]',
        b"\x00",
        b"\x01",
    ]
    assert codec.encode({"type": "ack", "id": 2, "args": [b"z"]}) == [
        '461-2[{"_placeholder":true,"num":0}]',
        b"z",
    ]


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ("not json", "not JSON"),
        (5, "dictionary or a list"),
        ({"args": []}, "needs its name"),
        ([], "needs its name"),
        ([1, 2], "needs its name"),
        ({"type": "ack", "args": []}, "needs the 'id'"),
        ({"type": "ack", "id": -1}, "ack id"),
        ({"type": "connect"}, "not 'connect'"),
        ({"event": "a", "args": "x"}, "'args' must be a list"),
        ({"event": "a", "namespace": "chat"}, "starts with '/'"),
    ],
)
def test_documents_that_cannot_be_sent_raise_protocol_error(document: Any, words: str) -> None:
    with pytest.raises(ProtocolError, match=words):
        connected().encode(document)


def test_request_takes_a_fresh_ack_id_and_matches_its_ack() -> None:
    codec = connected("http://h/chat")
    frames, pending = codec.request({"event": "add", "args": [1, 2]})
    assert frames == ['42/chat,0["add",1,2]']
    second, pending_second = codec.request(["add", 3, 4])
    assert second == ['42/chat,1["add",3,4]']
    (reply,) = documents(codec, '43/chat,0[{"sum":3}]')
    assert pending(reply) and not pending_second(reply)
    assert not pending({"type": "event", "id": 0, "namespace": "/chat"})
    assert not pending({"type": "ack", "id": 0, "namespace": "/"})


def test_request_ids_skip_ids_the_test_sent_itself() -> None:
    codec = connected()
    codec.encode({"event": "a", "id": 5})
    frames, _ = codec.request({"event": "b"})
    assert frames == ['426["b"]']


def test_an_ack_is_not_a_request() -> None:
    with pytest.raises(ProtocolError, match="Only a Socket.IO event"):
        connected().request({"type": "ack", "id": 1})


def test_parse_packet_splits_every_part() -> None:
    assert parse_packet('52-/chat,12["e"]') == (5, 2, "/chat", 12, ["e"])
    assert parse_packet("1/chat,") == (1, 0, "/chat", None, None)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.binary(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.one_of(st.text(), st.binary()))
def test_receive_never_raises(frame: str | bytes) -> None:
    codec = connected()
    for _ in range(2):
        out = codec.receive(frame, 1.0)
        for received in out.documents:
            json.dumps(received.document, default=repr)


@given(st.text(min_size=1), st.lists(json_values, max_size=4), st.none() | st.integers(0, 99))
def test_encoded_events_decode_to_the_same_event(
    event: str, args: list[Any], ack_id: int | None
) -> None:
    sender = connected("http://h/ns")
    receiver = connected("http://h/ns")
    found = documents(receiver, *sender.encode({"event": event, "args": args, "id": ack_id}))
    assert found == [
        {"type": "event", "namespace": "/ns", "event": event, "args": args, "id": ack_id}
    ]


@given(st.integers(0, 10**6), st.lists(json_values, max_size=4))
def test_encoded_acks_decode_to_the_same_ack(ack_id: int, args: list[Any]) -> None:
    sender, receiver = connected(), connected()
    found = documents(receiver, *sender.encode({"type": "ack", "id": ack_id, "args": args}))
    assert found == [{"type": "ack", "namespace": "/", "id": ack_id, "args": args}]


def test_json_nested_too_deeply_is_undecodable_saying_so() -> None:
    codec = connected()
    [received] = codec.receive('42["e",' + "[" * 100_000 + "]" * 100_000 + "]", 1.0).documents
    assert received.document["type"] == "undecodable"
    assert received.document["error"] == "nested too deeply"
    assert documents(codec, '42["next"]')[0]["event"] == "next"


def test_a_packet_announcing_a_million_attachments_is_undecodable_at_once() -> None:
    # The codec waited for a million binary frames, keeping every one it got.
    codec = connected()
    found = documents(codec, '451000000-["e",{"_placeholder":true,"num":0}]')
    assert found[0]["type"] == "undecodable" and "1000000 attachments" in found[0]["error"]
    assert codec._partial is None
    found = documents(codec, b"stray", '42["next"]')
    assert "no packet waiting" in found[0]["error"] and found[1]["event"] == "next"


def test_attachments_are_bounded_by_max_size_in_total() -> None:
    codec = SocketIO(max_size=100)
    codec.connect_url("http://h/")
    codec.opened(None, 0.0)
    codec.receive(OPEN, 0.0)
    codec.receive("40", 0.0)
    header = '453-["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'
    found = documents(codec, header, b"a" * 60, b"b" * 60)
    assert [d["type"] for d in found] == ["undecodable"]
    assert "more than max_size 100" in found[0]["error"] and found[0]["raw"] == header
    assert codec._partial is None
    found = documents(codec, b"c", '42["next"]')
    assert "no packet waiting" in found[0]["error"] and found[1]["event"] == "next"
    # Within the bound, attachments are put in place as before.
    found = documents(
        codec,
        '452-["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
        b"a" * 50,
        b"b" * 50,
    )
    assert found[0]["args"] == [b"a" * 50, b"b" * 50]


# -- the server role ---------------------------------------------------------------------------


def serving(init: Any = None) -> SocketIOServer:
    """A server codec whose client has connected the root namespace."""
    codec = SocketIO(init, server=True)
    codec.opened(None, 0.0)
    assert codec.receive("40", 0.0).ready
    return codec


def test_server_true_gives_the_server_role_of_the_same_protocol() -> None:
    codec = codec_class("socketio")(server=True)
    assert isinstance(codec, SocketIOServer) and isinstance(codec, SocketIO)
    assert codec.server and not SocketIO().server
    assert type(SocketIOServer()) is SocketIOServer


def test_server_opens_with_the_engine_open_packet_and_init_fields() -> None:
    codec = SocketIO({"pingInterval": 1000, "pingTimeout": 500, "extra": 1}, server=True)
    out = codec.opened(None, 5.0)
    assert len(out.send) == 1 and out.send[0][0] == "0" and not out.ready
    fields = json.loads(out.send[0][1:])
    assert fields["pingInterval"] == 1000 and fields["pingTimeout"] == 500
    assert fields["upgrades"] == [] and fields["maxPayload"] == 1_048_576
    assert fields["sid"] == codec.sid and len(codec.sid) >= 16 and fields["extra"] == 1
    assert codec.tick_interval == 0.25


@pytest.mark.parametrize(
    "init", [{"pingInterval": 0}, {"pingTimeout": "1"}, {"pingInterval": True}, [1], "x"]
)
def test_server_init_with_unusable_timing_is_refused(init: Any) -> None:
    with pytest.raises(ProtocolError, match="Engine.IO open packet"):
        SocketIO(init, server=True)


def test_server_accepts_a_namespace_connect_and_keeps_its_auth_as_session() -> None:
    codec = SocketIO(server=True)
    codec.opened(None, 0.0)
    out = codec.receive('40/chat,{"token":"abc"}', 0.0)
    assert out.ready and codec.ready and out.documents == []
    assert out.send[0].startswith('40/chat,{"sid":"')
    assert codec.session == {"token": "abc"} and codec.namespace == "/chat"
    # A second namespace is accepted too and shown, since it is no longer the handshake.
    out = codec.receive("40", 0.0)
    assert out.send[0].startswith('40{"sid":"') and not out.ready
    assert [r.document for r in out.documents] == [
        {"type": "connect", "namespace": "/", "data": None}
    ]
    assert codec.namespaces == {"/chat": {"token": "abc"}, "/": None}
    assert codec.encode({"event": "e"}) == ['42/chat,["e"]']


def test_server_pings_every_interval_and_closes_a_client_that_does_not_answer() -> None:
    codec = SocketIO({"pingInterval": 1000, "pingTimeout": 1000}, server=True)
    codec.opened(None, 0.0)
    assert codec.tick(0.5).send == []
    assert codec.tick(1.0).send == ["2"]
    assert codec.tick(1.5).send == [] and codec.receive("3", 1.6).documents == []
    assert codec.tick(2.0).send == ["2"]
    assert codec.tick(3.0).close is None
    out = codec.tick(3.1)
    assert out.close is not None and "ping timeout" in out.close[1] and out.close[0] == 1000


def test_server_keeps_engine_packets_out_of_the_history() -> None:
    codec = serving()
    assert codec.receive("2probe", 0.0).send == ["3probe"]
    assert codec.receive("6", 0.0) == codec.receive("5", 0.0) == Output()
    assert codec.receive("1", 0.0).close == (1000, "the Engine.IO client sent close")
    assert documents(codec, "0{}")[0]["type"] == "undecodable"


def test_server_reads_the_clients_events_acks_binary_events_and_disconnects() -> None:
    codec = serving()
    found = documents(codec, '42["chat","hi"]', '421["q",{}]', '431["ok"]', '451-["up",', "41")
    assert found[0] == {
        "type": "event",
        "namespace": "/",
        "event": "chat",
        "args": ["hi"],
        "id": None,
    }
    assert found[1]["id"] == 1 and found[2] == {
        "type": "ack",
        "namespace": "/",
        "id": 1,
        "args": ["ok"],
    }
    assert found[3]["type"] == "undecodable" and found[4] == {
        "type": "disconnect",
        "namespace": "/",
    }
    assert codec.namespaces == {}
    placeholder = '451-["up",{"_placeholder":true,"num":0}]'
    assert documents(codec, placeholder, b"\x01")[0]["args"] == [b"\x01"]


def test_server_refuses_a_connect_error_from_a_client_as_undecodable() -> None:
    codec = serving()
    assert documents(codec, '44{"message":"x"}')[0]["type"] == "undecodable"
    assert codec.ready


def test_server_requests_are_events_with_an_ack_id_answered_by_the_clients_ack() -> None:
    codec = serving()
    frames, is_reply = codec.request({"event": "ask", "args": [1]})
    assert frames == ['420["ask",1]']
    assert is_reply(documents(codec, '430["yes"]')[0])
    assert not is_reply(documents(codec, '431["other"]')[0])


def test_server_sends_connect_error_documents() -> None:
    codec = serving()
    assert codec.encode({"type": "connect_error", "namespace": "/a"}) == [
        '44/a,{"message":"Not authorized"}'
    ]
    assert codec.encode({"type": "connect_error", "data": {"message": "no"}}) == [
        '44{"message":"no"}'
    ]


def test_server_wants_documents_for_the_namespaces_the_client_connected() -> None:
    codec = SocketIO(server=True)
    codec.opened(None, 0.0)
    assert not codec.wants({"event": "e"})
    codec.receive("40/chat,", 0.0)
    assert codec.wants({"event": "e"}) and codec.wants('["e"]')
    assert not codec.wants({"event": "e", "namespace": "/"})
    assert codec.wants("not json")


@pytest.mark.parametrize(
    ("path", "upgrade", "refused"),
    [
        ("/socket.io/?EIO=4&transport=websocket", True, None),
        ("/any/path", True, None),
        ("/socket.io/?EIO=4&transport=polling", False, "Transport unknown"),
        ("/socket.io/?EIO=4&transport=polling", True, "Transport unknown"),
        ("/socket.io/?EIO=4&transport=websocket", False, "only the WebSocket"),
        ("/socket.io/?EIO=3&transport=websocket", True, "Unsupported protocol version"),
    ],
)
def test_refuse_request_answers_polling_and_other_engine_versions_with_400(
    path: str, upgrade: bool, refused: str | None
) -> None:
    headers = {"Upgrade": "websocket"} if upgrade else {"Accept": "*/*"}
    answer = SocketIOServer.refuse_request(path, headers)
    if refused is None:
        assert answer is None
    else:
        assert answer is not None and answer[0] == 400 and refused in answer[1]
        assert json.loads(answer[1])["message"]
    assert SocketIO.select_subprotocol(["x"]) is None


# -- socket.io-msgpack-parser ------------------------------------------------------------------

# Frames a socket.io 4.8 server with socket.io-msgpack-parser 3 sent (notepack.io writes
# the connect's undefined ``pid`` as extension 0).
PACKED_CONNECT = b"\x83\xa4type\x00\xa4data\x82\xa3sid\xa2s1\xa3pid\xd4\x00\x00\xa3nsp\xa1/"
PACKED_GREET = (
    b"\x83\xa4type\x02\xa4data\x92\xa5greet\x82\xa4auth\x81\xa5token\xa3abc\xa3nsp\xa1/\xa3nsp\xa1/"
)
PACKED_ACK = (
    b"\x84\xa2id\x00\xa4type\x03\xa4data\x94\x01\xa1x\xc4\x02\x00\xff\x81\xa1a\xc0\xa3nsp\xa1/"
)


def packed(namespace_url: str = "http://h/", init: Any = None) -> SocketIO:
    """A msgpack-parser codec whose namespace is connected."""
    import msgpack

    codec = SocketIO(init, msgpack=True)
    codec.connect_url(namespace_url)
    codec.opened(None, 0.0)
    out = codec.receive(OPEN, 0.0)
    assert msgpack.unpackb(out.send[0]) == {
        "type": 0,
        "nsp": codec.namespace,
        **({} if init is None else {"data": init}),
    }
    connect = {"type": 0, "nsp": codec.namespace, "data": {"sid": "s1"}}
    assert codec.receive(msgpack.packb(connect), 0.0).ready
    return codec


def test_msgpack_connects_with_the_auth_in_a_binary_packet() -> None:
    codec = SocketIO({"token": "abc"}, msgpack=True)
    codec.connect_url("http://h/")
    codec.opened(None, 0.0)
    (frame,) = codec.receive(OPEN, 0.0).send
    assert frame == b"\x83\xa4type\x00\xa3nsp\xa1/\xa4data\x81\xa5token\xa3abc"
    out = codec.receive(PACKED_CONNECT, 0.0)
    assert out.ready and codec.session == "s1" and not out.documents
    # Engine.IO stays text: pings are answered as before.
    assert codec.receive("2", 1.0).send == ["3"]
    packed("http://h/chat", {"n": 1})


def test_msgpack_events_and_acks_read_as_the_json_parser_gives_them() -> None:
    codec = packed()
    greet, ack = documents(codec, PACKED_GREET, PACKED_ACK)
    assert greet == {
        "type": "event",
        "namespace": "/",
        "event": "greet",
        "args": [{"auth": {"token": "abc"}, "nsp": "/"}],
        "id": None,
    }
    assert ack == {
        "type": "ack",
        "namespace": "/",
        "id": 0,
        "args": [1, "x", b"\x00\xff", {"a": None}],
    }
    received = codec.receive(PACKED_GREET, 1.0).documents[0]
    assert received.raw == PACKED_GREET


def test_msgpack_other_packets_and_extension_values() -> None:
    import msgpack

    codec = packed("http://h/chat")
    ext = msgpack.ExtType
    frames = [
        msgpack.packb({"type": 1, "nsp": "/chat"}),
        msgpack.packb({"type": 0, "nsp": "/other", "data": {"sid": "x"}}),
        msgpack.packb({"type": 4, "nsp": "/other", "data": {"message": "no"}}),
        msgpack.packb({"type": 2, "nsp": "/chat", "data": ["e", ext(0, b"ab"), ext(5, b"z")]}),
    ]
    found = documents(codec, *frames)
    assert found[0] == {"type": "disconnect", "namespace": "/chat"}
    assert found[1] == {"type": "connect", "namespace": "/other", "data": {"sid": "x"}}
    assert found[2] == {"type": "connect_error", "namespace": "/other", "data": {"message": "no"}}
    # An ArrayBuffer comes as extension 0 holding its bytes; other extensions as they are.
    assert found[3]["args"] == [b"ab", {"ext": 5, "data": b"z"}]


def test_msgpack_refusal_fails_the_connect() -> None:
    import msgpack

    codec = SocketIO(msgpack=True)
    codec.connect_url("http://h/admin")
    codec.opened(None, 0.0)
    codec.receive(OPEN, 0.0)
    error = {"type": 4, "nsp": "/admin", "data": {"message": "admins only"}}
    assert codec.receive(msgpack.packb(error), 0.0).refused == "admins only"


def test_msgpack_sends_events_acks_and_requests_as_binary_packets() -> None:
    import msgpack

    codec = packed("http://h/chat")
    (frame,) = codec.encode({"event": "up", "args": [b"\x01", {"k": [1.5, None]}]})
    assert msgpack.unpackb(frame) == {
        "type": 2,
        "nsp": "/chat",
        "data": ["up", b"\x01", {"k": [1.5, None]}],
    }
    (frame,) = codec.encode({"type": "ack", "id": 4, "args": ["ok"]})
    assert msgpack.unpackb(frame) == {"type": 3, "nsp": "/chat", "data": ["ok"], "id": 4}
    (frame,) = codec.encode('{"type": "disconnect", "namespace": "/"}')
    assert msgpack.unpackb(frame) == {"type": 1, "nsp": "/"}
    (frame,), is_reply = codec.request(["echo", 1])
    assert msgpack.unpackb(frame) == {"type": 2, "nsp": "/chat", "data": ["echo", 1], "id": 0}
    reply = {"type": 3, "nsp": "/chat", "id": 0, "data": [1]}
    (document,) = documents(codec, msgpack.packb(reply))
    assert is_reply(document) and document["args"] == [1]
    with pytest.raises(ProtocolError, match="MessagePack"):
        codec.encode({"event": "e", "args": [2**70]})


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        (b"\xc1", "not MessagePack"),
        (b"\x93\x01\x02\x03", "is a map"),
        (b"\x82\xa4type\x05\xa3nsp\xa1/", "invalid packet type 5"),
        (b"\x82\xa4type\xc3\xa3nsp\xa1/", "invalid packet type True"),
        (b"\x82\xa4type\x02\xa3nsp\x01", "invalid namespace"),
        (b"\x83\xa4type\x02\xa3nsp\xa1/\xa2id\xff", "invalid packet id"),
        (b"\x83\xa4type\x02\xa3nsp\xa1/\xa4data\xa1x", "must be a list"),
        (b"\x82\xa4type\x03\xa3nsp\xa1/", "ack must have an id"),
        (b"\x91" * 5000, "not MessagePack"),
        (b"\x84\xa2id\x00", "not MessagePack"),
    ],
)
def test_msgpack_hostile_frames_are_undecodable_documents(frame: bytes, error: str) -> None:
    codec = packed()
    (document,) = documents(codec, frame)
    assert document["type"] == "undecodable" and error in document["error"], document
    # The session goes on.
    assert documents(codec, PACKED_GREET)[0]["event"] == "greet"


def test_msgpack_text_socketio_packets_are_undecodable() -> None:
    codec = packed()
    (document,) = documents(codec, '42["e"]')
    assert document["type"] == "undecodable" and "binary frames" in document["error"]


@given(st.binary(max_size=200))
def test_msgpack_no_frame_raises(frame: bytes) -> None:
    codec = packed()
    codec.receive(frame, 1.0)


@given(
    st.lists(
        st.recursive(
            st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text() | st.binary(),
            lambda children: (
                st.lists(children, max_size=3)
                | st.dictionaries(st.text(max_size=5), children, max_size=3)
            ),
            max_leaves=10,
        ),
        max_size=4,
    )
)
def test_msgpack_round_trip_between_the_roles(args: list[Any]) -> None:
    client = packed()
    server = SocketIO(server=True, msgpack=True)
    server.opened(None, 0.0)
    (connect,) = SocketIO(msgpack=True).receive(OPEN, 0.0).send
    assert server.receive(connect, 0.0).ready
    (frame,) = client.encode({"event": "e", "args": args, "id": 3})
    (document,) = documents(server, frame)
    assert document == {"type": "event", "namespace": "/", "event": "e", "args": args, "id": 3}
    (frame,) = server.encode({"type": "ack", "id": 3, "args": args})
    assert documents(client, frame) == [{"type": "ack", "namespace": "/", "id": 3, "args": args}]


def test_msgpack_server_answers_the_connect_in_its_encoding() -> None:
    import msgpack

    server = SocketIO(server=True, msgpack=True)
    assert server.opened(None, 0.0).send[0][0] == "0"
    out = server.receive(msgpack.packb({"type": 0, "nsp": "/", "data": {"token": "t"}}), 0.0)
    assert out.ready and server.session == {"token": "t"}
    answer = msgpack.unpackb(out.send[0])
    assert answer["type"] == 0 and answer["nsp"] == "/" and set(answer["data"]) == {"sid"}
    (frame,) = server.encode({"type": "connect_error", "data": {"message": "no"}})
    assert msgpack.unpackb(frame) == {"type": 4, "nsp": "/", "data": {"message": "no"}}
