"""The GraphQL over WebSocket codecs, fed the messages strawberry and graphql-ws send."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from RobotWebSocket.protocols import Output, ProtocolError, codec_class
from RobotWebSocket.protocols.graphql import (
    GraphQLCodec,
    GraphQLServer,
    GraphQLTransportWS,
    GraphQLTransportWSServer,
    GraphQLWS,
    GraphQLWSServer,
)

BOTH = pytest.mark.parametrize("cls", [GraphQLTransportWS, GraphQLWS])


def acked(cls: type[GraphQLCodec], init: Any = None) -> GraphQLCodec:
    codec = cls(init)
    codec.opened(cls.subprotocols[0], 0.0)
    assert codec.receive('{"type":"connection_ack"}', 0.0).ready
    return codec


def documents(codec: GraphQLCodec, *frames: str | bytes) -> list[Any]:
    found = []
    for frame in frames:
        found += [received.document for received in codec.receive(frame, 1.0).documents]
    return found


def test_the_table_names_both_classes() -> None:
    assert codec_class("graphql-transport-ws") is GraphQLTransportWS
    assert codec_class("graphql-ws") is GraphQLWS
    assert GraphQLTransportWS.subprotocols == ("graphql-transport-ws",)
    assert GraphQLWS.subprotocols == ("graphql-ws",)


@BOTH
def test_connection_init_has_no_payload_without_init(cls: type[GraphQLCodec]) -> None:
    out = cls().opened(cls.subprotocols[0], 0.0)
    assert [json.loads(frame) for frame in out.send] == [{"type": "connection_init"}]
    assert not out.ready


@BOTH
def test_connection_init_carries_init_as_its_payload(cls: type[GraphQLCodec]) -> None:
    codec = cls('{"token": "abc"}')
    out = codec.opened(cls.subprotocols[0], 0.0)
    assert [json.loads(frame) for frame in out.send] == [
        {"type": "connection_init", "payload": {"token": "abc"}}
    ]


@BOTH
@pytest.mark.parametrize("init", ["not json", "[1]", 3, [1], {"b": b"x"}])
def test_init_that_is_not_an_object_is_refused(cls: type[GraphQLCodec], init: Any) -> None:
    with pytest.raises(ProtocolError, match="init|JSON"):
        cls(init)


@BOTH
def test_a_server_that_selects_no_subprotocol_refuses(cls: type[GraphQLCodec]) -> None:
    out = cls().opened(None, 0.0)
    assert out.refused == f"the server did not select subprotocol {cls.name}"


@BOTH
def test_connection_ack_makes_the_session_ready_with_its_payload(cls: type[GraphQLCodec]) -> None:
    codec = cls()
    codec.opened(cls.subprotocols[0], 0.0)
    out = codec.receive('{"type":"connection_ack","payload":{"user":"ann"}}', 0.0)
    assert out.ready and out.documents == [] and codec.session == {"user": "ann"}
    assert acked(cls).session is None


def test_ping_is_answered_with_pong_echoing_its_payload() -> None:
    codec = acked(GraphQLTransportWS)
    out = codec.receive('{"type":"ping","payload":{"n":1}}', 1.0)
    assert [json.loads(frame) for frame in out.send] == [{"type": "pong", "payload": {"n": 1}}]
    assert out.documents == []
    assert codec.receive('{"type":"ping"}', 1.0).send == ['{"type": "pong"}']
    assert codec.receive('{"type":"pong"}', 1.0).documents == []


def test_legacy_ka_is_dropped() -> None:
    out = acked(GraphQLWS).receive('{"type":"ka"}', 1.0)
    assert out.send == [] and out.documents == []


def test_legacy_connection_error_refuses_with_its_message() -> None:
    codec = GraphQLWS({"token": "bad"})
    codec.opened("graphql-ws", 0.0)
    out = codec.receive('{"type":"connection_error","payload":{"message":"invalid token"}}', 0.0)
    assert out.refused == "invalid token" and not codec.ready
    assert GraphQLWS().receive('{"type":"connection_error","payload":"no"}', 0).refused == "no"
    assert GraphQLWS().receive('{"type":"connection_error","payload":[1]}', 0).refused == "[1]"


@BOTH
def test_other_messages_are_documents_as_they_are(cls: type[GraphQLCodec]) -> None:
    codec = acked(cls)
    frame = '{"id":"1","type":"next","payload":{"data":{"hello":"Hello!"}}}'
    (received,) = codec.receive(frame, 1.0).documents
    assert received.raw == frame and received.document == json.loads(frame)
    assert documents(codec, b'{"type":"complete","id":"1"}') == [{"type": "complete", "id": "1"}]


@BOTH
@pytest.mark.parametrize("frame", ["", "{", "[]", "1", '{"type":1}', '{"id":"1"}', b"\xff"])
def test_what_does_not_decode_is_kept_as_undecodable(
    cls: type[GraphQLCodec], frame: str | bytes
) -> None:
    (received,) = acked(cls).receive(frame, 1.0).documents
    assert received.document["type"] == "undecodable" and received.raw == frame


@BOTH
def test_encode_sends_the_message_as_it_is(cls: type[GraphQLCodec]) -> None:
    codec = acked(cls)
    message = {"type": "complete", "id": "7"}
    assert [json.loads(frame) for frame in codec.encode(message)] == [message]
    assert [json.loads(frame) for frame in codec.encode(json.dumps(message))] == [message]


@BOTH
@pytest.mark.parametrize(
    ("document", "words"),
    [
        ("not json", "not JSON"),
        ("[1]", "JSON object"),
        (b"x", "not bytes"),
        ({"id": "1", "payload": {}}, "needs a string 'type'"),
        ({"type": "x", "n": {1, 2}}, "cannot be written as JSON"),
    ],
)
def test_messages_that_cannot_be_sent_raise_protocol_error(
    cls: type[GraphQLCodec], document: Any, words: str
) -> None:
    with pytest.raises(ProtocolError, match=words):
        acked(cls).encode(document)


@BOTH
def test_request_wraps_a_bare_payload_and_adds_type_and_id(cls: type[GraphQLCodec]) -> None:
    codec = acked(cls)
    frames, pending = codec.request({"query": "{ hello }", "variables": {"a": 1}})
    sent = json.loads(frames[0])
    assert sent == {
        "type": cls.start,
        "id": "1",
        "payload": {"query": "{ hello }", "variables": {"a": 1}},
    }
    for kind in ("next", "data", "error", "complete"):
        assert pending({"type": kind, "id": "1"})
    assert not pending({"type": "next", "id": "2"})
    assert not pending({"type": "ka", "id": "1"})
    assert not pending("text")


@BOTH
def test_request_keeps_a_given_id_and_skips_used_ids(cls: type[GraphQLCodec]) -> None:
    codec = acked(cls)
    codec.encode({"type": cls.start, "id": "1", "payload": {"query": "{ a }"}})
    frames, _ = codec.request('{"payload": {"query": "{ b }"}}')
    assert json.loads(frames[0])["id"] == "2"
    frames, pending = codec.request({"id": "mine", "payload": {"query": "{ c }"}})
    assert json.loads(frames[0])["id"] == "mine" and pending({"type": "complete", "id": "mine"})


@BOTH
def test_request_of_a_message_without_replies_is_refused(cls: type[GraphQLCodec]) -> None:
    with pytest.raises(ProtocolError, match="has replies"):
        acked(cls).request({"type": "ping"})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@BOTH
@given(frame=st.one_of(st.text(), st.binary()))
def test_receive_never_raises(cls: type[GraphQLCodec], frame: str | bytes) -> None:
    codec = cls()
    codec.opened(cls.subprotocols[0], 0.0)
    for _ in range(2):
        codec.receive(frame, 1.0)
    codec.receive('{"type":"connection_ack"}', 1.0)
    codec.receive(frame, 1.0)


@BOTH
@given(
    kind=st.sampled_from(["next", "data", "error", "complete", "custom"]),
    operation=st.text(),
    payload=json_values,
)
def test_encoded_messages_decode_to_the_same_document(
    cls: type[GraphQLCodec], kind: str, operation: str, payload: Any
) -> None:
    message = {"type": kind, "id": operation, "payload": payload}
    found = documents(acked(cls), *acked(cls).encode(message))
    assert found == [message]


@BOTH
def test_json_nested_too_deeply_is_undecodable_saying_so(cls: type[GraphQLCodec]) -> None:
    codec = acked(cls)
    deep = '{"type": "next", "id": "1", "payload": ' + "[" * 100_000 + "]" * 100_000 + "}"
    [found] = documents(codec, deep)
    assert found == {"type": "undecodable", "raw": deep, "error": "nested too deeply"}
    assert documents(codec, '{"type": "complete", "id": "1"}') == [{"type": "complete", "id": "1"}]


@BOTH
def test_a_message_whose_id_is_not_a_string_is_kept_as_it_is(cls: type[GraphQLCodec]) -> None:
    codec = acked(cls)
    _, is_reply = codec.request({"query": "{ n }"})
    for ident in (1, None, ["1"], {"1": 1}, 1.5):
        [found] = documents(codec, json.dumps({"type": "next", "id": ident, "payload": {}}))
        assert found["id"] == ident and not is_reply(found)


# -- the server roles --------------------------------------------------------------------------


def initialised(cls: type[GraphQLCodec], init: Any = None, payload: Any = None) -> GraphQLServer:
    codec = cls(init, server=True)
    assert isinstance(codec, GraphQLServer) and codec.opened(cls.subprotocols[0], 0.0).send == []
    message: dict[str, Any] = {"type": "connection_init"}
    if payload is not None:
        message["payload"] = payload
    assert codec.receive(json.dumps(message), 0.0).ready
    return codec


@BOTH
def test_server_true_gives_each_protocols_server_role(cls: type[GraphQLCodec]) -> None:
    codec = codec_class(cls.name)(server=True)
    assert isinstance(codec, cls) and isinstance(codec, GraphQLServer) and codec.server
    assert {GraphQLTransportWS: GraphQLTransportWSServer, GraphQLWS: GraphQLWSServer}[cls] is type(
        codec
    )
    assert cls.select_subprotocol(["x", cls.name]) == cls.name
    assert cls.select_subprotocol(["x"]) is None
    assert cls.refuse_request("/graphql", {}) is None


@BOTH
def test_server_acknowledges_connection_init_and_keeps_its_payload_as_session(
    cls: type[GraphQLCodec],
) -> None:
    codec = cls({"server": "mock"}, server=True)
    out = codec.receive('{"type": "connection_init", "payload": {"token": "t"}}', 0.0)
    assert out.ready and out.documents == [] and codec.session == {"token": "t"}
    assert json.loads(out.send[0]) == {"type": "connection_ack", "payload": {"server": "mock"}}
    bare = initialised(cls)
    assert bare.session is None


@BOTH
def test_server_init_that_is_not_an_object_is_refused(cls: type[GraphQLCodec]) -> None:
    with pytest.raises(ProtocolError, match="connection_ack payload"):
        cls("[1]", server=True)


def test_transport_ws_server_answers_pings_and_drops_pongs() -> None:
    codec = initialised(GraphQLTransportWS)
    out = codec.receive('{"type": "ping", "payload": {"n": 1}}', 1.0)
    assert [json.loads(f) for f in out.send] == [{"type": "pong", "payload": {"n": 1}}]
    assert out.documents == [] and codec.receive('{"type": "pong"}', 1.0) == Output()
    assert codec.tick_interval is None


def test_legacy_server_sends_ka_after_the_ack_and_every_keep_alive() -> None:
    codec = GraphQLWS(server=True, keep_alive=2.0)
    out = codec.receive('{"type": "connection_init"}', 0.0)
    assert [json.loads(f)["type"] for f in out.send] == ["connection_ack", "ka"]
    assert codec.tick_interval == 2.0 and codec.tick(2.0).send == ['{"type": "ka"}']
    assert GraphQLWS(server=True, keep_alive=None).receive(
        '{"type": "connection_init"}', 0.0
    ).send == ['{"type": "connection_ack"}']


@BOTH
def test_server_reads_operations_and_tracks_them_until_completed(cls: type[GraphQLCodec]) -> None:
    codec = initialised(cls)
    start = {"type": cls.start, "id": "1", "payload": {"query": "subscription { n }"}}
    assert documents(codec, json.dumps(start)) == [start]
    assert codec.operations == {"1"}
    codec.encode({"type": "next" if cls is GraphQLTransportWS else "data", "id": "1"})
    assert codec.operations == {"1"}
    codec.encode('{"type": "complete", "id": "1"}')
    assert codec.operations == set()
    codec.receive(json.dumps({**start, "id": "2"}), 1.0)
    stop = {"type": "complete" if cls is GraphQLTransportWS else "stop", "id": "2"}
    assert documents(codec, json.dumps(stop)) == [stop] and codec.operations == set()


def test_transport_ws_server_closes_on_what_the_protocol_forbids() -> None:
    codec = GraphQLTransportWS(server=True)
    early = codec.receive('{"type": "subscribe", "id": "1", "payload": {}}', 0.0)
    assert early.close == (4401, "Unauthorized") and len(early.documents) == 1
    codec = initialised(GraphQLTransportWS)
    again = codec.receive('{"type": "connection_init"}', 0.0)
    assert again.close == (4429, "Too many initialisation requests") and not again.ready
    codec.receive('{"type": "subscribe", "id": "1", "payload": {}}', 0.0)
    reused = codec.receive('{"type": "subscribe", "id": "1", "payload": {}}', 0.0)
    assert reused.close == (4409, "Subscriber for 1 already exists")


def test_legacy_server_is_lenient_and_closes_on_connection_terminate() -> None:
    codec = GraphQLWS(server=True)
    assert codec.receive('{"type": "start", "id": "1", "payload": {}}', 0.0).close is None
    codec = initialised(GraphQLWS)
    assert codec.receive('{"type": "connection_init"}', 0.0).close is None
    out = codec.receive('{"type": "connection_terminate"}', 0.0)
    assert out.close == (1000, "") and out.documents[0].document["type"] == "connection_terminate"


@BOTH
@pytest.mark.parametrize("ident", [7, None, {"a": 1}, ["1"]])
def test_server_keeps_an_operation_whose_id_is_not_a_string(
    cls: type[GraphQLCodec], ident: Any
) -> None:
    codec = initialised(cls)
    start = {"type": cls.start, "id": ident, "payload": {}}
    assert documents(codec, json.dumps(start)) == [start]
    assert documents(codec, json.dumps({"type": "complete", "id": ident}))[0]["id"] == ident
    assert codec.operations == set()


@BOTH
def test_server_makes_no_requests(cls: type[GraphQLCodec]) -> None:
    with pytest.raises(ProtocolError, match="makes no requests"):
        initialised(cls).request({"type": "next", "id": "1"})
