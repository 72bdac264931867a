"""Codec fuzzers: near-valid frames (each protocol's framing, hostile contents) reach every
codec's decoding, which must never raise, must turn what it cannot read into an
``undecodable`` document, and must read the next valid frame as if nothing had happened.

The hostile contents are those a broken or malicious server sends: JSON nested deeper than
Python can parse, members of the wrong type, huge numbers and counts, text cut short, and
bytes that are not UTF-8 where text is expected.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from RobotWebSocket.protocols import Codec, Output, codec_class
from RobotWebSocket.protocols.base import json_document
from RobotWebSocket.protocols.mqtt_packets import packet

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- hostile contents -------------------------------------------------------------------------

_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
#: JSON values of every type and shape: members of the wrong type where a protocol wants one.
values = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=10,
)


@st.composite
def deep_json(draw: st.DrawFn) -> str:
    """Arrays or objects nested far deeper than Python's recursion limit, closed or not."""
    depth = draw(st.integers(min_value=1_100, max_value=60_000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    inner = draw(st.sampled_from(["1", '"x"', "[]", ""]))
    return opener * depth + inner + (closer * depth if draw(st.booleans()) else "")


@st.composite
def truncated_json(draw: st.DrawFn) -> str:
    text = json.dumps(draw(values))
    return text[: draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))]


#: JSON text that reads as a value of the wrong type, or does not read as JSON at all.
hostile_json = st.one_of(
    deep_json(),
    values.map(json.dumps),
    truncated_json(),
    st.sampled_from(["9" * 5_000, "[" + "1," * 20_000 + "1]", "NaN", "-Infinity", "1e999", ""]),
    st.text(max_size=30),
)

#: Byte sequences that are never UTF-8: a lone continuation byte, a cut sequence, an overlong
#: form, an encoded surrogate, a byte UTF-8 never uses.
_BAD_UTF8 = st.sampled_from([b"\x80", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xff", b"\xf4\x90"])


@st.composite
def with_bad_utf8(draw: st.DrawFn, text: str) -> bytes:
    data = text.encode()
    at = draw(st.integers(min_value=0, max_value=len(data)))
    return data[:at] + draw(_BAD_UTF8) + data[at:]


# -- what every decoding must do ---------------------------------------------------------------


def check(out: Output) -> list[Any]:
    """The documents of ``out``, each a proper document or a well-formed undecodable one."""
    assert isinstance(out, Output)
    found = []
    for received in out.documents:
        document = received.document
        assert isinstance(document, (dict, list))
        assert isinstance(received.raw, (str, bytes))
        if isinstance(document, dict) and document.get("type") == "undecodable":
            assert isinstance(document["raw"], str)
            assert isinstance(document["error"], str) and document["error"]
        found.append(document)
    return found


def survives(codec: Codec, frames: list[str | bytes], valid: str | bytes, expected: Any) -> None:
    """Feeding ``frames`` never raises; the documents are proper or undecodable, and no
    request's reply test chokes on them; then ``valid`` decodes to ``expected`` alone."""
    pending = _pending(codec)
    for frame in frames:
        for document in check(codec.receive(frame, 1.0)):
            assert pending(document) in (True, False)
    assert check(codec.receive(valid, 2.0))[-1:] == [expected]


def _pending(codec: Codec) -> Any:
    requests: dict[str, Any] = {
        "socketio": {"event": "q", "args": []},
        "stomp": {"command": "SEND", "headers": {"destination": "/q"}, "body": "x"},
        "mqtt": {"topic": "t", "payload": "x", "qos": 1},
    }
    document = requests.get(codec.name, ["Heartbeat", {}])
    if codec.name.startswith("graphql"):
        document = {"query": "subscription { n }"}
    return codec.request(document)[1]


# -- OCPP-J ------------------------------------------------------------------------------------

OCPP_VALID = '[3, "ok-1", {"status": "Accepted"}]'


@st.composite
def ocpp_frames(draw: st.DrawFn) -> str | bytes:
    kind = draw(st.sampled_from(["2", "3", "4", "5", "6", "2.0", "-1", "true", "null", "9" * 400]))
    members = [kind, *draw(st.lists(hostile_json | values.map(json.dumps), max_size=5))]
    text = draw(st.sampled_from(["[{}]", "[{}", "{{{}}}"])).format(", ".join(members))
    return draw(st.just(text) | with_bad_utf8(text) | st.just(text.encode()))


@FUZZ
@given(
    st.sampled_from(["ocpp1.6", "ocpp2.0.1", "ocpp2.1"]),
    st.lists(ocpp_frames(), min_size=1, max_size=3),
)
def test_ocpp_decoding_survives_hostile_arrays(name: str, frames: list[str | bytes]) -> None:
    codec = codec_class(name)()
    codec.opened(name, 0.0)
    survives(codec, frames, OCPP_VALID, json.loads(OCPP_VALID))


# -- STOMP -------------------------------------------------------------------------------------

STOMP_VALID = "MESSAGE\ndestination:/q\ncontent-type:application/json\n\n" + '{"ok": 1}\0'
_STOMP_HEADERS = st.sampled_from(
    [
        "content-type:application/json",
        "content-type:text/plain",
        "content-length:0",
        "content-length:3",
        "content-length:" + "9" * 30,
        "content-length:" + "9" * 5_000,
        "content-length:-1",
        "content-length:²",
        "destination:/q\\x",
        "no colon",
        "heart-beat:a,b",
        "message:\\c\\n",
    ]
)


@st.composite
def stomp_frames(draw: st.DrawFn) -> str | bytes:
    command = draw(st.sampled_from(["MESSAGE", "ERROR", "RECEIPT", "CONNECTED", "message", ""]))
    headers = draw(st.lists(_STOMP_HEADERS, max_size=3))
    body = draw(hostile_json)
    end = draw(st.sampled_from(["\0", "", "\0\n", "\0MESSAGE\n"]))
    text = "\n".join([command, *headers]) + "\n\n" + body + end
    return draw(st.just(text) | with_bad_utf8(text))


@FUZZ
@given(st.lists(stomp_frames(), min_size=1, max_size=3))
def test_stomp_decoding_survives_hostile_frames(frames: list[str | bytes]) -> None:
    codec = codec_class("stomp")()
    codec.opened("v12.stomp", 0.0)
    codec.receive("CONNECTED\nversion:1.2\n\n\0", 0.0)
    expected = {"command": "MESSAGE", "headers": {"destination": "/q"}, "body": {"ok": 1}}
    expected["headers"]["content-type"] = "application/json"
    survives(codec, frames, STOMP_VALID, expected)


@FUZZ
@given(st.lists(stomp_frames(), min_size=1, max_size=3))
def test_stomp_handshake_survives_hostile_frames(frames: list[str | bytes]) -> None:
    codec = codec_class("stomp")()
    codec.opened("v12.stomp", 0.0)
    for frame in frames:
        check(codec.receive(frame, 1.0))


# -- MQTT --------------------------------------------------------------------------------------

MQTT_VALID = packet(3, 0, b"\x00\x04t/ok" + b'{"ok": 1}')
MQTT_EXPECTED = {
    "type": "publish", "topic": "t/ok", "payload": {"ok": 1},
    "qos": 0, "retain": False, "dup": False, "id": None,
}  # fmt: skip


#: Remaining lengths beyond the codec's max_size, or longer than four bytes.
_LOST = (b"\xff\xff\xff\x7f", b"\x80\x80\x80\x80\x01", b"\x81\x80\x80\x01")


@st.composite
def mqtt_packets(draw: st.DrawFn) -> bytes:
    """Whole packets (their remaining length is right) with hostile bodies, or a fixed
    header announcing more than the codec takes."""
    choice = draw(st.integers(min_value=0, max_value=3))
    if choice == 0:
        topic = draw(st.text(max_size=8)).encode()
        topic = draw(st.just(topic) | with_bad_utf8(topic.decode()))
        size = draw(st.sampled_from([len(topic), len(topic) + 50, 0xFFFF]))
        qos = draw(st.integers(min_value=0, max_value=3))
        ident = draw(st.sampled_from([b"", b"\x00", b"\x00\x07"])) if qos else b""
        payload = draw(hostile_json.map(str.encode) | with_bad_utf8("{}"))
        flags = (
            qos << 1 | draw(st.integers(min_value=0, max_value=1)) | draw(st.sampled_from([0, 8]))
        )
        return packet(3, flags, struct.pack("!H", size) + topic + ident + payload)
    if choice == 1:
        kind = draw(st.integers(min_value=0, max_value=15))
        return packet(
            kind, draw(st.integers(min_value=0, max_value=15)), draw(st.binary(max_size=8))
        )
    if choice == 2:
        # A remaining length beyond max_size (or five length bytes): the stream is lost.
        return b"\x30" + draw(st.sampled_from(_LOST)) + draw(st.binary(max_size=20))
    return packet(9, 0, b"\x00\x01" + draw(st.binary(max_size=6)))


@st.composite
def mqtt_messages(draw: st.DrawFn) -> list[bytes]:
    """Hostile packets, cut into WebSocket messages at arbitrary points (MQTT is a stream).
    A packet whose length cannot be taken ends its message: the bytes after it cannot be
    told from a packet's, so reading starts again with the next message."""
    messages: list[bytes] = []
    stream = b""
    for data in draw(st.lists(mqtt_packets(), min_size=1, max_size=3)):
        lost = data[:1] == b"\x30" and data[1:].startswith(_LOST)
        if not lost:
            stream += data
            continue
        messages += _cut(draw, stream + data, len(stream))
        stream = b""
    return messages + _cut(draw, stream, len(stream))


def _cut(draw: st.DrawFn, data: bytes, within: int) -> list[bytes]:
    """``data`` in pieces, cut at arbitrary points of its first ``within`` bytes."""
    cuts = sorted(draw(st.lists(st.integers(min_value=1, max_value=max(within, 1)), max_size=3)))
    bounds = [0, *(cut for cut in cuts if cut < within), len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


@FUZZ
@given(mqtt_messages())
def test_mqtt_decoding_survives_hostile_packets(messages: list[bytes]) -> None:
    codec = codec_class("mqtt")(max_size=1_000_000)
    codec.opened("mqtt", 0.0)
    codec.receive(b"\x20\x02\x00\x00", 0.0)
    survives(codec, messages, MQTT_VALID, MQTT_EXPECTED)


# -- Socket.IO ---------------------------------------------------------------------------------

SIO_OPEN = '0{"sid":"e","upgrades":[],"pingTimeout":20000,"pingInterval":25000}'
SIO_VALID = '42["ok",{"n":1}]'
SIO_EXPECTED = {"type": "event", "namespace": "/", "event": "ok", "args": [{"n": 1}], "id": None}
_PLACEHOLDERS = st.sampled_from(
    [
        '{"_placeholder":true,"num":0}',
        '{"_placeholder":true,"num":-1}',
        '{"_placeholder":true,"num":99999999999999999999}',
        '{"_placeholder":true,"num":"0"}',
    ]
)


@st.composite
def socketio_messages(draw: st.DrawFn) -> list[str | bytes]:
    kind = draw(st.integers(min_value=0, max_value=6))
    count = draw(st.sampled_from(["", "1-", "3-", "1000000-", "9" * 5_000 + "-", "x-", "-"]))
    namespace = draw(st.sampled_from(["", "/,", "/chat,", "/" + "a" * 1000 + ","]))
    ack = draw(st.sampled_from(["", "7", "9" * 5_000]))
    data = draw(
        hostile_json
        | st.lists(_PLACEHOLDERS, max_size=3).map(
            lambda p: f'["e",{",".join(p)}]' if p else '["e"]'
        )
    )
    frames: list[str | bytes] = [f"4{kind}{count}{namespace}{ack}{data}"]
    frames += draw(st.lists(st.binary(max_size=64) | with_bad_utf8("x"), max_size=4))
    if draw(st.booleans()):
        frames.append(
            draw(st.sampled_from(["0", "0{}", "7", "", "4", "2probe", "3"])) + draw(hostile_json)
        )
    return frames


@FUZZ
@given(socketio_messages())
def test_socketio_decoding_survives_hostile_packets(frames: list[str | bytes]) -> None:
    codec = codec_class("socketio")(max_size=100)
    codec.connect_url("http://h/")
    codec.opened(None, 0.0)
    codec.receive(SIO_OPEN, 0.0)
    codec.receive("40", 0.0)
    survives(codec, frames, SIO_VALID, SIO_EXPECTED)


# -- GraphQL over WebSocket --------------------------------------------------------------------

GRAPHQL_VALID = '{"type": "next", "id": "ok", "payload": {"data": {"n": 1}}}'


@st.composite
def graphql_messages(draw: st.DrawFn) -> str | bytes:
    kind = draw(
        st.sampled_from(['"next"', '"data"', '"error"', '"complete"', '"ping"', '"ka"'])
        | hostile_json
    )
    members = [f'"type": {kind}']
    for name in draw(st.lists(st.sampled_from(["id", "payload"]), max_size=2, unique=True)):
        members.append(f'"{name}": {draw(hostile_json | values.map(json.dumps))}')
    text = "{" + ", ".join(members) + "}"
    return draw(st.just(text) | with_bad_utf8(text) | st.just(text.encode()) | hostile_json)


@FUZZ
@given(
    st.sampled_from(["graphql-transport-ws", "graphql-ws"]),
    st.lists(graphql_messages(), min_size=1, max_size=3),
)
def test_graphql_decoding_survives_hostile_messages(name: str, messages: list[str | bytes]) -> None:
    codec = codec_class(name)()
    codec.opened(name, 0.0)
    codec.receive('{"type": "connection_ack"}', 0.0)
    survives(codec, messages, GRAPHQL_VALID, json.loads(GRAPHQL_VALID))


@given(values)
def test_a_graphql_message_with_an_id_of_any_type_is_kept_as_it_is(ident: Any) -> None:
    codec = codec_class("graphql-transport-ws")()
    codec.opened("graphql-transport-ws", 0.0)
    codec.receive('{"type": "connection_ack"}', 0.0)
    message = json.dumps({"type": "next", "id": ident, "payload": {}})
    assert check(codec.receive(message, 1.0)) == [json.loads(message)]


@given(
    st.one_of(
        st.text(max_size=40),
        st.recursive(
            st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner),
            max_leaves=10,
        ).map(json.dumps),
    ),
    st.sampled_from(["", " ", "\n", " x", "]"]),
    st.sampled_from(["", " ", "\t"]),
)
def test_json_documents_are_read_as_the_decoder_reads_them(text, after, before):
    text = before + text + after
    try:
        expected: Any = json.JSONDecoder().decode(text)
    except ValueError as error:
        expected = ("error", str(error))
    try:
        found: Any = json_document(text)
    except ValueError as error:
        found = ("error", str(error))
    assert json.dumps(found) == json.dumps(expected)


def test_json_nested_too_deeply_is_no_document():
    with pytest.raises(ValueError, match="nested too deeply"):
        json_document("[" * 100_000 + "]" * 100_000)
