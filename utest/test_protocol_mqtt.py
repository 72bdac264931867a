"""The MQTT 3.1.1 codec, fed packets as a broker (mosquitto) sends them."""

from __future__ import annotations

import json
import struct
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from RobotWebSocket._client import Connection
from RobotWebSocket.history import History
from RobotWebSocket.protocols import ProtocolError, codec_class
from RobotWebSocket.protocols.base import NOTHING
from RobotWebSocket.protocols.mqtt import Mqtt, MqttServer
from RobotWebSocket.protocols.mqtt_packets import (
    decode_payload,
    decode_publish,
    packet,
    remaining_length,
    split_packet,
    topic_matches,
    valid_filter,
)

CONNACK_OK = b"\x20\x02\x00\x00"
PINGREQ, PINGRESP = b"\xc0\x00", b"\xd0\x00"


def connected(init=None, now=0.0):
    codec = Mqtt(init)
    codec.opened("mqtt", now)
    assert codec.receive(CONNACK_OK, now).ready
    return codec


def publish(topic, payload, qos=0, ident=None, flags=0):
    body = struct.pack("!H", len(topic)) + topic.encode()
    if qos:
        body += struct.pack("!H", ident)
    return packet(3, qos << 1 | flags, body + payload)


def read_connect(data):
    """The fields of a CONNECT packet, read back."""
    kind, _, body, size = split_packet(data)
    assert kind == 1 and size == len(data)
    assert body[:7] == b"\x00\x04MQTT\x04"
    flags, keepalive = body[7], struct.unpack("!H", body[8:10])[0]
    fields, pos = [], 10
    while pos < len(body):
        (length,) = struct.unpack_from("!H", body, pos)
        fields.append(body[pos + 2 : pos + 2 + length].decode())
        pos += 2 + length
    return flags, keepalive, fields


def test_the_table_names_the_codec():
    assert codec_class("mqtt") is Mqtt
    assert Mqtt.subprotocols == ("mqtt",)


def test_connect_has_a_generated_client_id_clean_session_and_keepalive():
    codec = Mqtt()
    [frame] = codec.opened("mqtt", 0.0).send
    flags, keepalive, fields = read_connect(frame)
    assert (flags, keepalive) == (0x02, 60)
    assert fields == [codec.client_id]
    assert codec.client_id.isalnum() and 1 <= len(codec.client_id) <= 23
    assert Mqtt().client_id != codec.client_id


def test_connect_carries_init_credentials_and_options():
    codec = Mqtt(
        {
            "client_id": "c1",
            "username": "u",
            "password": "p",
            "keepalive": "30",
            "clean_session": "false",
        }
    )
    flags, keepalive, fields = read_connect(codec.opened("mqtt", 0.0).send[0])
    assert (flags, keepalive, fields) == (0xC0, 30, ["c1", "u", "p"])


def test_an_empty_client_id_is_sent_as_given():
    _, _, fields = read_connect(Mqtt({"client_id": ""}).opened("mqtt", 0.0).send[0])
    assert fields == [""]


@pytest.mark.parametrize(
    "init, words",
    [
        ({"password": "p"}, "without a username"),
        ({"keepalive": -1}, "keepalive must be a whole number"),
        ({"keepalive": "soon"}, "keepalive must be a whole number"),
        ({"clean_session": "maybe"}, "clean_session must be true or false"),
        ({"clientid": "x"}, "has no clientid"),
        ("not json", "dictionary"),
    ],
)
def test_unusable_init_is_refused_with_a_reason(init, words):
    with pytest.raises(ProtocolError, match=words):
        Mqtt(init)


def test_connack_accepted_makes_the_session_with_the_session_present_flag():
    codec = Mqtt({"keepalive": 10})
    codec.opened("mqtt", 0.0)
    out = codec.receive(b"\x20\x02\x01\x00", 0.0)
    assert out.ready and out.documents == []
    assert codec.session is True
    assert codec.tick_interval == 10.0


@pytest.mark.parametrize(
    "code, name",
    [
        (1, "unacceptable protocol version"),
        (2, "identifier rejected"),
        (3, "server unavailable"),
        (4, "bad user name or password"),
        (5, "not authorized"),
        (9, "CONNACK return code 9"),
    ],
)
def test_connack_refusal_is_named(code, name):
    codec = Mqtt()
    codec.opened("mqtt", 0.0)
    out = codec.receive(bytes([0x20, 2, 0, code]), 0.0)
    assert out.refused == name and not out.ready and not codec.ready


def test_keepalive_zero_has_no_ticks():
    assert connected({"keepalive": 0}).tick_interval is None


def test_pingreq_every_tick_and_pingresp_is_never_a_document():
    codec = connected({"keepalive": 5})
    assert codec.tick(5.0).send == [PINGREQ]
    assert codec.receive(PINGRESP, 5.01).documents == []
    assert codec.tick(10.0).send == [PINGREQ]


def test_a_server_that_does_not_answer_pingreq_is_closed():
    codec = connected({"keepalive": 5})
    codec.tick(5.0)
    out = codec.tick(10.0)
    assert out.close is not None and out.close[0] == 1002 and "PINGREQ" in out.close[1]


def test_a_publish_becomes_a_document_with_json_text_or_bytes_payload():
    codec = connected()
    out = codec.receive(publish("a/b", b'{"x": 1}', flags=1), 1.0)
    assert out.documents[0].document == {
        "type": "publish", "topic": "a/b", "payload": {"x": 1},
        "qos": 0, "retain": True, "dup": False, "id": None,
    }  # fmt: skip
    assert out.send == []
    assert codec.receive(publish("t", b"hello"), 1.0).documents[0].document["payload"] == "hello"
    assert codec.receive(publish("t", b"\xff"), 1.0).documents[0].document["payload"] == b"\xff"
    assert codec.receive(publish("t", b""), 1.0).documents[0].document["payload"] == ""


def test_a_qos_1_publish_is_acknowledged():
    codec = connected()
    out = codec.receive(publish("t", b"x", qos=1, ident=7, flags=8), 1.0)
    assert out.send == [b"\x40\x02\x00\x07"]
    assert out.documents[0].document["id"] == 7 and out.documents[0].document["dup"] is True


def test_a_qos_2_publish_is_received_released_and_completed_once():
    codec = connected()
    out = codec.receive(publish("t", b"x", qos=2, ident=9), 1.0)
    assert out.send == [b"\x50\x02\x00\x09"]
    assert len(out.documents) == 1
    # The server resends before it got our PUBREC: acknowledged again, not delivered twice.
    again = codec.receive(publish("t", b"x", qos=2, ident=9, flags=8), 1.0)
    assert again.send == [b"\x50\x02\x00\x09"] and again.documents == []
    released = codec.receive(b"\x62\x02\x00\x09", 1.0)
    assert released.send == [b"\x70\x02\x00\x09"] and released.documents == []
    assert len(codec.receive(publish("t", b"y", qos=2, ident=9), 1.0).documents) == 1


def test_our_qos_2_publish_is_released_on_pubrec():
    codec = connected()
    out = codec.receive(b"\x50\x02\x00\x03", 1.0)
    assert out.send == [b"\x62\x02\x00\x03"] and out.documents == []


def test_acknowledgements_are_documents_with_their_packet_id():
    codec = connected()
    message = (
        b"\x40\x02\x00\x01"
        + b"\x70\x02\x00\x02"
        + b"\xb0\x02\x00\x03"
        + b"\x90\x04\x00\x04\x01\x80"
    )
    documents = [item.document for item in codec.receive(message, 1.0).documents]
    assert documents == [
        {"type": "puback", "id": 1},
        {"type": "pubcomp", "id": 2},
        {"type": "unsuback", "id": 3},
        {"type": "suback", "id": 4, "granted": [1, 128]},
    ]


def test_a_packet_split_across_messages_is_put_back_together():
    codec = connected()
    data = publish("topic", b"p" * 300, qos=1, ident=1)
    assert codec.receive(data[:1], 1.0).documents == []
    assert codec.receive(data[1:2], 1.0).documents == []
    out = codec.receive(data[2:] + PINGRESP + data[:3], 1.0)
    assert [item.raw for item in out.documents] == [data]
    assert codec.receive(data[3:], 1.0).documents[0].document["payload"] == "p" * 300


@pytest.mark.parametrize(
    "message, words",
    [
        ("text", "binary messages"),
        (b"\x30\xff\xff\xff\xff\x01", "longer than four bytes"),
        (b"\x36\x03\x00\x01t", "QoS 3"),
        (b"\x30\x02\x00\x05", "cut short"),
        (b"\x30\x03\x00\x01\xff", "not UTF-8"),
        (b"\x40\x01\x00", "packet id is cut short"),
        (b"\x20\x03\x00\x00\x00", "two bytes"),
        (b"\x80\x00", "does not send SUBSCRIBE"),
        (b"\x00\x00", "packet type 0"),
    ],
)
def test_a_packet_that_does_not_decode_is_kept_as_undecodable(message, words):
    codec = connected()
    [item] = codec.receive(message, 1.0).documents
    assert item.document["type"] == "undecodable" and words in item.document["error"]


def test_a_malformed_packet_leaves_the_following_ones_readable():
    codec = connected()
    out = codec.receive(b"\x80\x00" + publish("t", b"ok"), 1.0)
    assert out.documents[0].document["type"] == "undecodable"
    assert out.documents[1].document["payload"] == "ok"


def test_encode_publish_with_json_text_and_bytes_payloads():
    codec = connected()
    assert codec.encode({"topic": "a", "payload": {"x": 1}}) == [publish("a", b'{"x": 1}')]
    assert codec.encode({"topic": "a", "payload": "hi", "retain": True}) == [
        publish("a", b"hi", flags=1)
    ]
    assert codec.encode('{"type": "publish", "topic": "a", "payload": "\\u00e9"}') == [
        publish("a", "é".encode())
    ]
    assert codec.encode({"topic": "a", "payload": b"\x00\xff", "qos": 1}) == [
        publish("a", b"\x00\xff", qos=1, ident=1)
    ]
    assert codec.encode({"topic": "a", "qos": "2"}) == [publish("a", b"", qos=2, ident=2)]


def test_encode_subscribe_unsubscribe_and_control_packets():
    codec = connected()
    [subscribe] = codec.encode({"type": "subscribe", "topics": ["a/#", "b/+"], "qos": 1})
    assert subscribe == b"\x82\x0e\x00\x01\x00\x03a/#\x01\x00\x03b/+\x01"
    [unsubscribe] = codec.encode({"type": "unsubscribe", "topic": "a/#"})
    assert unsubscribe == b"\xa2\x07\x00\x02\x00\x03a/#"
    assert codec.encode({"type": "pingreq"}) == [PINGREQ]
    assert codec.encode({"type": "DISCONNECT"}) == [b"\xe0\x00"]


@pytest.mark.parametrize(
    "document, words",
    [
        ("not json", "dictionary"),
        ({"topic": "a/#"}, "without wildcards"),
        ({"payload": "x"}, "needs a topic"),
        ({"topic": "a", "qos": 3}, "qos must be"),
        ({"type": "subscribe", "topics": []}, "needs topics"),
        ({"type": "subscribe", "topics": [1]}, "needs topics"),
        ({"type": "connect"}, "cannot send type 'connect'"),
        ({"topic": "a", "payload": {1, 2}}, "cannot be sent as JSON"),
    ],
)
def test_encode_refuses_what_is_not_an_mqtt_document(document, words):
    with pytest.raises(ProtocolError, match=words):
        connected().encode(document)


def test_packet_ids_run_from_1_to_65535_and_wrap():
    codec = connected()
    codec._next_id = 65534
    ids = [split_packet(codec.encode({"topic": "a", "qos": 1})[0])[2][3:5] for _ in range(3)]
    assert ids == [b"\xff\xff", b"\x00\x01", b"\x00\x02"]


def test_request_correlates_by_packet_id_and_kind():
    codec = connected()
    _, suback = codec.request({"type": "subscribe", "topics": ["a"], "qos": 1})
    _, puback = codec.request({"topic": "a", "payload": 1, "qos": 1})
    _, pubcomp = codec.request({"topic": "a", "payload": 2, "qos": 2})
    _, unsuback = codec.request({"type": "unsubscribe", "topics": ["a"]})
    assert suback({"type": "suback", "id": 1, "granted": [1]})
    assert not suback({"type": "puback", "id": 1})
    assert puback({"type": "puback", "id": 2}) and not puback({"type": "puback", "id": 3})
    assert pubcomp({"type": "pubcomp", "id": 3})
    # A broker without QoS 2 answers with PUBACK.
    assert pubcomp({"type": "puback", "id": 3})
    assert unsuback({"type": "unsuback", "id": 4}) and not unsuback([4])


def test_a_qos_0_publish_has_no_reply():
    with pytest.raises(ProtocolError, match="QoS 0 has no reply"):
        connected().request({"topic": "a", "payload": "x"})
    with pytest.raises(ProtocolError, match="no reply"):
        connected().request({"type": "disconnect"})


@pytest.mark.parametrize(
    "length, encoded",
    [
        (0, b"\x00"),
        (127, b"\x7f"),
        (128, b"\x80\x01"),
        (16383, b"\xff\x7f"),
        (16384, b"\x80\x80\x01"),
        (2097151, b"\xff\xff\x7f"),
        (2097152, b"\x80\x80\x80\x01"),
        (268435455, b"\xff\xff\xff\x7f"),
    ],
)
def test_remaining_length_uses_one_to_four_bytes(length, encoded):
    assert remaining_length(length) == encoded


def test_a_remaining_length_past_four_bytes_cannot_be_sent():
    with pytest.raises(ProtocolError, match="cannot be 268435456 bytes"):
        remaining_length(268435456)


@given(st.lists(st.binary(), max_size=5))
def test_decoding_arbitrary_messages_never_raises(messages):
    codec = connected()
    for message in messages:
        for item in codec.receive(message, 1.0).documents:
            assert isinstance(item.document, dict)


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_decoding_arbitrary_text_never_raises(message):
    codec = connected()
    assert codec.receive(message, 1.0).documents[0].document["type"] == "undecodable"


_topic = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="#+"), min_size=1)


@given(
    _topic,
    st.one_of(st.binary(), st.text(), st.dictionaries(st.text(), st.integers())),
    st.integers(0, 2),
    st.booleans(),
    st.lists(st.integers(1, 5), max_size=3),
)
def test_what_is_encoded_decodes_to_the_same_publish(topic, payload, qos, retain, cuts):
    sender, receiver = connected(), connected()
    [data] = sender.encode({"topic": topic, "payload": payload, "qos": qos, "retain": retain})
    documents = []
    # Cut the packet anywhere: the receiver must put it back together.
    pieces, rest = [], data
    for cut in cuts:
        pieces.append(rest[:cut])
        rest = rest[cut:]
    for piece in [*pieces, rest]:
        documents += [item.document for item in receiver.receive(piece, 1.0).documents]
    [document] = documents
    assert (document["topic"], document["qos"], document["retain"]) == (topic, qos, retain)
    assert (document["id"] is None) == (qos == 0)
    if isinstance(payload, bytes):
        assert document["payload"] == decode_payload(payload)
    elif isinstance(payload, str):
        assert document["payload"] in (payload, _json_or(payload))
    else:
        assert document["payload"] == payload


def _json_or(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


DEEP = b"[" * 100_000 + b"]" * 100_000


def test_a_payload_nested_too_deeply_for_json_is_kept_as_text():
    # Deep JSON raises RecursionError, not ValueError: it escaped decoding and cost the
    # connection.
    codec = connected()
    [item] = codec.receive(publish("t", DEEP), 1.0).documents
    assert item.document["payload"] == DEEP.decode()


def test_a_packet_announcing_more_than_max_size_is_undecodable_at_once():
    # The codec waited for the announced bytes, swallowing every packet that followed.
    codec = Mqtt(max_size=1000)
    codec.opened("mqtt", 0.0)
    codec.receive(CONNACK_OK, 0.0)
    [item] = codec.receive(b"\x30" + remaining_length(1001) + b"\x00\x01t", 1.0).documents
    assert item.document["type"] == "undecodable"
    assert "1001 bytes" in item.document["error"] and "max_size 1000" in item.document["error"]
    [item] = codec.receive(publish("t", b"next"), 1.0).documents
    assert item.document["payload"] == "next"


def test_max_size_is_one_mebibyte_unless_the_connection_says_otherwise():
    huge = b"\x30" + remaining_length(2**20 + 1)
    assert connected().receive(huge, 1.0).documents[0].document["type"] == "undecodable"
    codec = Mqtt(max_size=None)
    codec.opened("mqtt", 0.0)
    codec.receive(CONNACK_OK, 0.0)
    assert codec.receive(huge, 1.0).documents == []


def test_a_packet_in_many_messages_is_reassembled_in_linear_time():
    # Each message re-copied the whole buffer: 40,000 pieces of one packet took seconds.
    codec = connected()
    data = publish("t", b"y" * 1_000_000)
    started = time.perf_counter()
    found = []
    for at in range(0, len(data), 25):
        found += codec.receive(data[at : at + 25], 1.0).documents
    assert time.perf_counter() - started < 0.5
    [item] = found
    assert item.document["payload"] == "y" * 1_000_000


def test_a_header_cut_between_messages_is_reassembled():
    codec = connected()
    data = publish("t", b"z" * 300) + publish("t", b"w")
    found = [d for b in data for d in codec.receive(bytes([b]), 1.0).documents]
    assert [item.document["payload"] for item in found] == ["z" * 300, "w"]


# -- the server role (the broker's side) -------------------------------------------------------


def connect_packet(client_id="c1", flags=0x02, keepalive=10, rest=b"", name=b"MQTT", level=4):
    body = struct.pack("!H", len(name)) + name + bytes([level, flags])
    body += struct.pack("!H", keepalive) + struct.pack("!H", len(client_id)) + client_id.encode()
    return packet(1, 0, body + rest)


def serving(init=None, **connect):
    codec = Mqtt(init, server=True)
    assert codec.opened("mqtt", 0.0).send == []
    out = codec.receive(connect_packet(**connect), 0.0)
    assert out.ready and out.send == [CONNACK_OK] and out.documents == []
    return codec


def documents(codec, *frames):
    return [r.document for frame in frames for r in codec.receive(frame, 1.0).documents]


def test_server_true_gives_the_brokers_side():
    codec = codec_class("mqtt")(server=True)
    assert type(codec) is MqttServer and isinstance(codec, Mqtt) and codec.server
    assert Mqtt.select_subprotocol(["mqttv3.1", "mqtt"]) == "mqtt"
    assert Mqtt.refuse_request("/mqtt", {}) is None


def test_server_reads_connect_fields_as_the_session():
    will = struct.pack("!H", 4) + b"w/up" + struct.pack("!H", 2) + b"{}"
    rest = will + struct.pack("!H", 1) + b"u" + struct.pack("!H", 2) + b"pw"
    codec = serving(flags=0xC2 | 0x04 | 0x08 | 0x20, keepalive=30, rest=rest)
    assert codec.session == {
        "client_id": "c1", "username": "u", "password": "pw", "keepalive": 30,
        "clean_session": True, "will": {"topic": "w/up", "payload": {}, "qos": 1, "retain": True},
    }  # fmt: skip
    assert codec.tick_interval == 7.5


def test_server_reads_what_the_client_codec_sends():
    client = Mqtt({"client_id": "dev", "username": "u", "password": "p", "clean_session": False})
    codec = Mqtt(server=True)
    out = codec.receive(client.opened("mqtt", 0.0).send[0], 0.0)
    assert out.ready and codec.session == {
        "client_id": "dev", "username": "u", "password": "p", "keepalive": 60,
        "clean_session": False,
    }  # fmt: skip
    assert client.receive(out.send[0], 0.0).ready


@pytest.mark.parametrize(
    ("init", "connect", "code", "present"),
    [
        ({"session_present": True}, {"flags": 0}, 0, 1),
        ({"session_present": True}, {}, 0, 0),
        ({"code": 5}, {}, 5, 0),
        ({"code": "4", "session_present": True}, {"flags": 0}, 4, 0),
        (None, {"name": b"MQTT", "level": 5}, 1, 0),
        (None, {"name": b"MQIsdp", "level": 3}, 0, 0),
        (None, {"client_id": "", "flags": 0}, 2, 0),
        (None, {"client_id": ""}, 0, 0),
    ],
)
def test_server_connack_says_what_init_and_the_specification_say(init, connect, code, present):
    codec = Mqtt(init, server=True)
    out = codec.receive(connect_packet(**connect), 0.0)
    assert out.send == [bytes([0x20, 2, present, code])]
    assert out.ready == (code == 0) and codec.session["client_id"] == connect.get("client_id", "c1")
    if code:
        assert out.close[0] == 1000 and "refused" in out.close[1]
        assert (
            "bad user name"
            in Mqtt({"code": 4}, server=True).receive(connect_packet(), 0.0).close[1]
        )


@pytest.mark.parametrize("init", [{"code": 256}, {"client_id": "x"}, {"session_present": "x"}, [1]])
def test_server_init_that_is_not_usable_is_refused(init):
    with pytest.raises(ProtocolError, match="MQTT"):
        Mqtt(init, server=True)


def test_server_closes_a_client_whose_first_packet_is_not_connect_or_that_connects_twice():
    out = Mqtt(server=True).receive(PINGREQ, 0.0)
    assert out.documents[0].document["type"] == "undecodable" and out.close[0] == 1002
    out = serving().receive(connect_packet(), 1.0)
    assert "CONNECT" in out.documents[0].document["error"] and out.close[0] == 1002


def test_server_grants_subscriptions_and_tracks_them_until_unsubscribed():
    codec = serving()
    body = struct.pack("!H", 5)
    for topic, qos in (("a/+", 1), ("b/#", 2), ("c/#/d", 0), ("e", 3)):
        body += struct.pack("!H", len(topic)) + topic.encode() + bytes([qos])
    out = codec.receive(packet(8, 2, body), 1.0)
    assert out.send == [packet(9, 0, b"\x00\x05" + bytes([1, 2, 0x80, 0x80]))]
    assert [r.document for r in out.documents] == [
        {"type": "subscribe", "id": 5, "topics": ["a/+", "b/#", "c/#/d", "e"], "qos": [1, 2, 0, 3]}
    ]
    assert codec.subscriptions == {"a/+": 1, "b/#": 2}
    out = codec.receive(packet(10, 2, b"\x00\x06\x00\x03a/+"), 1.0)
    assert out.send == [packet(11, 0, b"\x00\x06")]
    assert out.documents[0].document == {"type": "unsubscribe", "id": 6, "topics": ["a/+"]}
    assert codec.subscriptions == {"b/#": 2}
    assert documents(codec, packet(8, 2, b"\x00\x07"))[0]["type"] == "undecodable"


def test_server_answers_pings_and_acknowledges_publishes_as_a_client_does():
    codec = serving()
    out = codec.receive(PINGREQ, 1.0)
    assert out.send == [PINGRESP] and out.documents == []
    out = codec.receive(publish("t", b"1", qos=1, ident=3), 1.0)
    assert out.send == [packet(4, 0, b"\x00\x03")] and out.documents[0].document["payload"] == 1
    out = codec.receive(publish("t", b"2", qos=2, ident=4), 1.0)
    assert out.send == [packet(5, 0, b"\x00\x04")] and len(out.documents) == 1
    assert codec.receive(publish("t", b"2", qos=2, ident=4, flags=8), 1.0).documents == []
    assert codec.receive(packet(6, 2, b"\x00\x04"), 1.0).send == [packet(7, 0, b"\x00\x04")]


def test_server_disconnect_is_a_document_and_closes():
    out = serving().receive(b"\xe0\x00", 1.0)
    assert [r.document for r in out.documents] == [{"type": "disconnect"}] and out.close == (
        1000,
        "",
    )


def test_server_closes_a_client_silent_for_one_and_a_half_keepalives():
    codec = serving(keepalive=2)
    codec.receive(PINGREQ, 1.0)
    assert codec.tick(4.0).close is None
    out = codec.tick(4.1)
    assert out.close[0] == 1002 and "keepalive 2 s" in out.close[1]
    assert serving(keepalive=0).tick_interval is None


def test_server_publishes_and_requests_wait_for_the_clients_acknowledgement():
    codec = serving()
    assert codec.encode({"topic": "a/b", "payload": {"n": 1}}) == [publish("a/b", b'{"n": 1}')]
    frames, is_reply = codec.request({"topic": "a/b", "payload": "x", "qos": 2})
    assert frames == [publish("a/b", b"x", qos=2, ident=1)]
    assert codec.receive(packet(5, 0, b"\x00\x01"), 1.0).send == [packet(6, 2, b"\x00\x01")]
    [done] = documents(codec, packet(7, 0, b"\x00\x01"))
    assert done == {"type": "pubcomp", "id": 1} and is_reply(done)
    frames, is_reply = codec.request({"topic": "a/b", "qos": 1})
    assert is_reply(documents(codec, packet(4, 0, b"\x00\x02"))[0])


@pytest.mark.parametrize("kind", ["subscribe", "unsubscribe", "pingreq", "connack"])
def test_server_sends_publishes_only(kind):
    with pytest.raises(ProtocolError, match="server sends publish packets"):
        serving().encode({"type": kind, "topics": ["a"]})


@pytest.mark.parametrize(
    ("topic_filter", "topic", "matches"),
    [
        ("a/b", "a/b", True),
        ("a/+", "a/b", True),
        ("a/+", "a/b/c", False),
        ("a/#", "a", True),
        ("a/#", "a/b/c", True),
        ("#", "a/b", True),
        ("+/+", "a/b", True),
        ("+", "/a", False),
        ("+/a", "/a", True),
        ("#", "$SYS/x", False),
        ("+/x", "$SYS/x", False),
        ("$SYS/#", "$SYS/x", True),
        ("a/b", "a/c", False),
    ],
)
def test_server_wants_publishes_matching_a_filter_the_client_subscribed_to(
    topic_filter, topic, matches
):
    codec = serving()
    body = struct.pack("!H", 1) + struct.pack("!H", len(topic_filter)) + topic_filter.encode()
    codec.receive(packet(8, 2, body + b"\x00"), 1.0)
    assert codec.wants({"topic": topic}) is matches
    assert topic_matches(topic_filter, topic) is matches
    assert codec.wants({"type": "subscribe"}) and codec.wants("not json")


@pytest.mark.parametrize(
    ("topic_filter", "valid"),
    [
        ("a/#", True),
        ("#", True),
        ("+/b/+", True),
        ("a#", False),
        ("a/#/b", False),
        ("a+", False),
        ("", False),
    ],
)
def test_valid_filters(topic_filter, valid):
    assert valid_filter(topic_filter) is valid


@given(
    topic=st.text(min_size=1, max_size=40),
    payload=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner),
            max_leaves=10,
        ).map(lambda value: json.dumps(value).encode()),
    ),
    flags=st.sampled_from([0, 1, 8, 9]),
)
def test_a_message_that_is_one_qos0_publish_reads_as_the_packet_reader_reads_it(
    topic, payload, flags
):
    name = topic.encode()
    body = struct.pack("!H", len(name)) + name + payload
    data = packet(3, flags, body)
    documents = connected().receive(data, 1.0).documents
    assert [(item.document, item.raw) for item in documents] == [
        (decode_publish(flags, body), data)
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"\x30\x03\x00\x05a",  # the topic is cut short
        b"\x30\x05\x00\x01\xff{}",  # the topic is not UTF-8
        b"\x30\x01\x00" + PINGRESP,  # too short for a topic, then another packet
    ],
)
def test_a_publish_the_quick_reading_refuses_is_explained_as_before(data):
    documents = connected().receive(data, 1.0).documents
    assert [item.document["type"] for item in documents] == ["undecodable"]


def test_the_start_of_a_packet_gives_the_shared_empty_output():
    codec = connected()
    data = publish("topic", b"p" * 300)
    assert codec.receive(data[:1], 1.0) is NOTHING
    assert codec.receive(data[1:3], 1.0) is NOTHING
    assert codec.receive(data[3:10], 1.0) is NOTHING
    assert codec.receive(data[10:], 1.0).documents[0].document["payload"] == "p" * 300
    with pytest.raises(TypeError):
        NOTHING.documents.append(None)
    with pytest.raises(TypeError):
        NOTHING.send.extend([b""])
    assert NOTHING.documents == [] and NOTHING.send == []


def test_each_piece_of_a_packet_keeps_its_place_in_the_wire_log():
    connection = Connection(
        name="c", url="ws://x", alias=None, history=History(10), display_url="ws://x"
    )
    connection.codec, connection._codec_opened = connected(), True
    data = publish("topic", b'{"n": 1}')
    pieces = [data[:1], data[1:2], data[2:5], data[5:]]
    for piece in pieces:
        connection.deliver(None, piece)
    assert [(way, m.data, mark) for way, m, mark in connection.wire_log] == [
        ("receive", piece, "protocol") for piece in pieces[:3]
    ]
    assert [m.document["payload"] for m in connection.history.all()] == [{"n": 1}]
