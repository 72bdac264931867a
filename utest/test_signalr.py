"""The SignalR codec by itself: both sides, JSON and MessagePack, fed frames."""

from __future__ import annotations

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from RobotWebSocket.protocols.base import ProtocolError
from RobotWebSocket.protocols.signalr import (
    RS,
    SignalR,
    negotiate_path,
    negotiate_url,
    parse_negotiate,
    websocket_url,
)

PROTOCOLS = pytest.mark.parametrize("messagepack", [False, True], ids=["json", "messagepack"])


def pair(messagepack: bool, now: float = 0.0) -> tuple[SignalR, SignalR]:
    """A client and a server codec after the handshake."""
    client, server = SignalR(messagepack=messagepack), SignalR(server=True)
    request = client.opened(None, now).send
    assert server.opened(None, now).send == []
    answer = server.receive(request[0], now)
    assert answer.ready and server.ready and server.protocol == client.protocol
    assert client.receive(answer.send[0], now).ready and client.ready
    return client, server


def carry(frames: list, to: SignalR, now: float = 0.0) -> list:
    documents = []
    for frame in frames:
        out = to.receive(frame, now)
        assert out.refused is None
        documents.extend(received.document for received in out.documents)
    return documents


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
ids = st.text(min_size=1, max_size=12)
headers = st.dictionaries(
    st.text(min_size=1, max_size=5), st.text(max_size=5), min_size=1, max_size=2
)


def message(kind: int, **parts):
    return st.fixed_dictionaries({"type": st.just(kind), **parts})


hub_messages = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from([1, 4]),
            "target": st.text(min_size=1, max_size=10),
            "arguments": st.lists(values, max_size=3),
            "invocationId": ids,
        },
        optional={
            "streamIds": st.lists(ids, min_size=1, max_size=2),
            "headers": headers,
        },
    ),  # fmt: skip
    message(1, target=st.text(min_size=1, max_size=10), arguments=st.lists(values, max_size=3)),
    message(2, invocationId=ids, item=values),
    message(3, invocationId=ids, result=values),
    message(3, invocationId=ids, error=st.text(max_size=20)),
    message(3, invocationId=ids),
    message(5, invocationId=ids),
    st.fixed_dictionaries(
        {"type": st.just(7)},
        optional={"error": st.text(max_size=20), "allowReconnect": st.booleans()},
    ),
    message(8, sequenceId=st.integers(0, 2**31)),
    message(9, sequenceId=st.integers(0, 2**31)),
)


@PROTOCOLS
@given(document=hub_messages)
@settings(max_examples=300, deadline=None)
def test_messages_round_trip_both_ways(messagepack, document):
    client, server = pair(messagepack)
    assert carry(client.encode(document), server) == [document]
    client, server = pair(messagepack)
    assert carry(server.encode(document), client) == [document]


@PROTOCOLS
@given(frame=st.binary(max_size=60) | st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_random_frames_never_raise_on_either_side(messagepack, frame):
    for codec in pair(messagepack):
        out = codec.receive(frame, 1.0)
        assert all(isinstance(r.document, dict) for r in out.documents)
    # Before the handshake too.
    for codec in (SignalR(messagepack=messagepack), SignalR(server=True)):
        codec.opened(None, 0.0)
        codec.receive(frame, 1.0)


@PROTOCOLS
@given(document=hub_messages, data=st.data())
@settings(max_examples=300, deadline=None)
def test_near_valid_frames_never_raise(messagepack, document, data):
    client, server = pair(messagepack)
    frame = client.encode(document)[0]
    raw = bytearray(frame.encode() if isinstance(frame, str) else frame)
    at = data.draw(st.integers(0, len(raw) - 1))
    how = data.draw(st.sampled_from(["cut", "flip", "insert"]))
    if how == "cut":
        raw = raw[:at]
    elif how == "flip":
        raw[at] ^= data.draw(st.integers(1, 255))
    else:
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=3))
    hostile = bytes(raw).decode("utf-8", "replace") if isinstance(frame, str) else bytes(raw)
    out = server.receive(hostile, 1.0)
    for received in out.documents:
        assert isinstance(received.document, dict)


HOSTILE_MSGPACK = {
    "length longer than 5 bytes": b"\xff\xff\xff\xff\xff\x01",
    "length beyond the frame": b"\xff\xff\xff\xff\x07\x91\x06",
    "cut length": b"\x80",
    "not an array": b"\x01\x2a",
    "unknown type": b"\x02\x91\x63",
    "short invocation": b"\x03\x93\x01\x80\xc0",
    "headers not a map": b"\x07\x96\x01\x01\xc0\xa1x\x90\x90",
    "result kind 9": b"\x06\x95\x03\x80\xa1x\x09",
    "error kind without error": b"\x05\x94\x03\x80\xa1x\x01",
    "deep arguments": b"\x7f\x96\x01\x80\xc0\xa1x" + b"\x91" * 118 + b"\x00",
}


@pytest.mark.parametrize("frame", HOSTILE_MSGPACK.values(), ids=HOSTILE_MSGPACK)
def test_hostile_messagepack_frames_are_undecodable_documents(frame):
    client, _ = pair(True)
    out = client.receive(frame, 1.0)
    assert out.documents and out.documents[0].document["type"] == "undecodable"


def test_several_messages_in_one_frame_and_a_bad_record_among_them():
    client, server = pair(False)
    frame = '{"type":2,"invocationId":"1","item":1}\x1enot json\x1e{"type":6}\x1e{"type":3,"invocationId":"1"}\x1e'
    documents = carry([frame], client)
    assert [d["type"] for d in documents] == [2, "undecodable", 3]
    assert client.receive('{"type":1,"target":"x","arguments":[]}', 0.0).documents[0].document[
        "error"
    ] == ("a SignalR JSON message ends with the record separator 0x1E")
    client, _ = pair(True)
    ping = b"\x02\x91\x06"
    item = msgpack.packb([2, {}, "1", "x"])
    frame = bytes([len(item)]) + item + ping + bytes([len(item)]) + item
    assert carry([frame], client) == [{"type": 2, "invocationId": "1", "item": "x"}] * 2


@PROTOCOLS
def test_the_handshake(messagepack):
    client = SignalR(messagepack=messagepack)
    protocol = "messagepack" if messagepack else "json"
    assert client.opened(None, 0.0).send == [f'{{"protocol":"{protocol}","version":1}}{RS}']
    assert not client.ready
    # Messages may follow the handshake response in the same frame.
    if messagepack:
        item = msgpack.packb([1, {}, None, "Hello", ["x"], []])
        response: object = b"{}\x1e" + bytes([len(item)]) + item
    else:
        response = '{}\x1e{"type":1,"target":"Hello","arguments":["x"]}\x1e'
    out = client.receive(response, 0.0)
    assert out.ready and client.session == {}
    assert [r.document for r in out.documents] == [
        {"type": 1, "target": "Hello", "arguments": ["x"]}
    ]


def test_a_refused_handshake():
    client = SignalR(messagepack=True)
    server = SignalR(server=True, accept=("json",))
    answer = server.receive(client.opened(None, 0.0).send[0], 0.0)
    assert not server.ready
    assert answer.close == (1000, "Requested protocol 'messagepack' is not available.")
    out = client.receive(answer.send[0], 0.0)
    assert out.refused == "Requested protocol 'messagepack' is not available."
    assert not client.ready
    answer = SignalR(server=True).receive('{"protocol":"json","version":2}\x1e', 0.0)
    assert "version 2" in answer.close[1]
    not_handshake = SignalR(server=True).receive('{"type":1}', 0.0)
    assert not_handshake.documents[0].document["type"] == "undecodable"


@PROTOCOLS
def test_pings_stay_out_of_the_history_are_sent_when_quiet_and_a_silent_peer_is_closed(
    messagepack,
):
    client, server = pair(messagepack, now=0.0)
    ping = client.tick(15.0).send
    assert ping == ([b"\x02\x91\x06"] if messagepack else ['{"type": 6}\x1e'])
    # The server pinged nothing for 15 s: it answers; a second ping at once is not answered.
    out = server.receive(ping[0], 15.0)
    assert out.documents == [] and len(out.send) == 1
    assert server.receive(ping[0], 16.0).send == []
    assert server.tick(40.0).close is None  # it heard the ping at 16 s
    assert server.tick(46.5).close == (1000, "SignalR client sent nothing for 30 s")
    assert client.tick(45.0).close == (1000, "SignalR server sent nothing for 45 s")


@PROTOCOLS
def test_a_close_message_enters_the_history_and_closes_with_its_error(messagepack):
    client, server = pair(messagepack)
    out = client.receive(server.encode({"type": 7, "error": "x" * 200})[0], 1.0)
    assert out.documents[0].document == {"type": 7, "error": "x" * 200}
    assert out.close == (1000, "x" * 123)
    out = client.receive(server.encode({"type": 7})[0], 1.0)
    assert out.close == (1000, "the SignalR peer sent a close message")


@PROTOCOLS
def test_request_adds_an_invocation_id_and_waits_for_its_completion(messagepack):
    client, server = pair(messagepack)
    frames, is_reply = client.request({"target": "Add", "arguments": [1, 2]})
    [call] = carry(frames, server)
    assert call["type"] == 1 and call["invocationId"]
    ident = call["invocationId"]
    assert not is_reply({"type": 2, "invocationId": ident, "item": 1})
    assert not is_reply({"type": 3, "invocationId": "other"})
    assert is_reply({"type": 3, "invocationId": ident, "result": 3})
    frames, _ = client.request({"target": "Add", "arguments": []})
    assert carry(frames, server)[0]["invocationId"] != ident
    frames, is_reply = client.request('{"type": 4, "target": "Counter", "invocationId": "s"}')
    assert carry(frames, server) == [
        {"type": 4, "target": "Counter", "arguments": [], "invocationId": "s"}
    ]
    assert is_reply({"type": 3, "invocationId": "s"})
    # The server's side asks the client for a result the same way.
    frames, is_reply = server.request({"target": "GetAnswer", "arguments": ["q"]})
    [ask] = carry(frames, client)
    assert is_reply({"type": 3, "invocationId": ask["invocationId"], "result": "a"})


def test_what_cannot_be_sent():
    client, _ = pair(True)
    with pytest.raises(ProtocolError, match='has a "type"; an invocation may leave it out'):
        client.encode({"arguments": []})
    with pytest.raises(ProtocolError, match="not list"):
        client.encode([1])
    with pytest.raises(ProtocolError, match="this text is not JSON"):
        client.encode("hello")
    with pytest.raises(ProtocolError, match="no message type 12"):
        client.encode({"type": 12})
    with pytest.raises(ProtocolError, match="use Send for other messages"):
        client.request({"type": 5, "invocationId": "1"})
    with pytest.raises(ProtocolError, match="cannot be written as MessagePack"):
        client.encode({"target": "x", "arguments": [object()]})
    json_client, _ = pair(False)
    with pytest.raises(ProtocolError, match="cannot be written as JSON"):
        json_client.encode({"target": "x", "arguments": [object()]})
    # Bytes go as Base64 in JSON, as .NET writes byte[].
    assert json_client.encode({"target": "x", "arguments": [b"\x00\xff"]}) == [
        '{"type":1,"target":"x","arguments":["AP8="]}\x1e'
    ]


def test_negotiate_helpers():
    assert negotiate_url("https://h:5001/chat?tenant=a&id=old") == (
        "https://h:5001/chat/negotiate?tenant=a&negotiateVersion=1"
    )
    assert negotiate_path("http://h/hubs/chat/") == "/hubs/chat/negotiate?negotiateVersion=1"
    with pytest.raises(ProtocolError, match="negotiates over http"):
        negotiate_url("ws://h/chat")
    v1 = parse_negotiate(
        b'{"connectionToken":"t","connectionId":"c","negotiateVersion":1,'
        b'"availableTransports":[{"transport":"WebSockets","transferFormats":["Text","Binary"]}]}'
    )
    assert (v1.connection_token, v1.connection_id, v1.negotiate_version) == ("t", "c", 1)
    v0 = parse_negotiate('{"connectionId":"c","availableTransports":[]}')
    assert v0.connection_token == "c" and v0.negotiate_version == 0
    redirect = parse_negotiate(
        '{"url":"https://x.service.signalr.net/client/?hub=chat","accessToken":"jwt"}'
    )
    assert (redirect.redirect, redirect.access_token) == (
        "https://x.service.signalr.net/client/?hub=chat",
        "jwt",
    )
    for body, words in [
        ('{"error":"This connection is not allowed."}', "refused to negotiate: This connection"),
        ("<html>", "not JSON"),
        ("[1]", "not a JSON object"),
        ('{"negotiateVersion":1,"connectionId":"c"}', "no connectionToken"),
        (
            '{"connectionToken":"t","negotiateVersion":1,"availableTransports":[{"transport":"LongPolling"}]}',
            "does not offer the WebSockets transport, only LongPolling",
        ),
    ]:
        with pytest.raises(ProtocolError, match=words):
            parse_negotiate(body)
    assert websocket_url("https://h/chat?tenant=a&id=old", v1) == "wss://h/chat?tenant=a&id=t"
    assert websocket_url("ws://h/chat") == "ws://h/chat"
