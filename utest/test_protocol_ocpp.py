"""The OCPP-J codecs, fed messages as a central system (the ``ocpp`` package) sends them."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from RobotWebSocket.protocols import ProtocolError, codec_class
from RobotWebSocket.protocols.ocpp import (
    Ocpp16,
    Ocpp16Server,
    Ocpp21,
    Ocpp21Server,
    Ocpp201,
    Ocpp201Server,
)

CODECS = [Ocpp16, Ocpp201, Ocpp21]


def opened(cls=Ocpp16):
    codec = cls()
    assert codec.opened(cls.name, 0.0).ready
    return codec


@pytest.mark.parametrize(
    "name, cls", [("ocpp1.6", Ocpp16), ("ocpp2.0.1", Ocpp201), ("OCPP2.1", Ocpp21)]
)
def test_the_table_names_each_version_which_offers_its_own_subprotocol(name, cls):
    assert codec_class(name) is cls
    assert cls.subprotocols == (cls.name,)


@pytest.mark.parametrize("cls", CODECS)
def test_the_session_is_up_when_the_server_selects_the_version(cls):
    codec = cls()
    out = codec.opened(cls.name, 0.0)
    assert out.ready and out.send == [] and codec.ready
    assert codec.session == cls.name and codec.tick_interval is None


@pytest.mark.parametrize("selected", [None, "ocpp2.0.1"])
def test_a_server_that_selects_another_subprotocol_refuses_the_session(selected):
    codec = Ocpp16()
    out = codec.opened(selected, 0.0)
    assert out.refused == "the server did not select subprotocol ocpp1.6"
    assert not out.ready and not codec.ready


@pytest.mark.parametrize(
    "message",
    [
        [2, "19223201", "Reset", {"type": "Soft"}],
        [3, "19223201", {"currentTime": "2024-01-01T00:00:00Z", "interval": 300}],
        [4, "19223201", "NotImplemented", "No handler", {}],
    ],
)
def test_messages_are_documents_as_they_are(message):
    text = json.dumps(message)
    [item] = opened().receive(text, 1.0).documents
    assert item.document == message and item.raw == text


def test_a_binary_message_in_utf8_is_read_as_well():
    [item] = opened().receive(b'[3, "a", {}]', 1.0).documents
    assert item.document == [3, "a", {}]


def test_a_callerror_without_details_is_still_an_error_reply():
    [item] = opened().receive('[4, "a", "InternalError", "boom"]', 1.0).documents
    assert item.document == [4, "a", "InternalError", "boom"]


def test_only_ocpp_21_knows_callresulterror_and_send():
    result_error = '[5, "a", "InternalError", "", {}]'
    send = '[6, "b", "NotifyPeriodicEventStream", {}]'
    assert opened(Ocpp21).receive(result_error, 1.0).documents[0].document[0] == 5
    assert opened(Ocpp21).receive(send, 1.0).documents[0].document[0] == 6
    for cls in (Ocpp16, Ocpp201):
        [item] = opened(cls).receive(send, 1.0).documents
        assert item.document["type"] == "undecodable"


@pytest.mark.parametrize(
    "message, words",
    [
        ("not json", "Expecting value"),
        ('{"type": "call"}', "JSON array"),
        ("[]", "JSON array"),
        ('[9, "a", {}]', "message type 9"),
        ('[true, "a", {}]', "message type True"),
        ("[3, 17, {}]", "id is not a string"),
        ('[2, "a", 5, {}]', "action is not a string"),
        ('[3, "a"]', "at least 3 members"),
        (b"\xff", "utf-8"),
    ],
)
def test_a_message_that_is_not_ocpp_j_is_kept_as_undecodable(message, words):
    [item] = opened().receive(message, 1.0).documents
    assert item.document["type"] == "undecodable"
    assert words in item.document["error"]
    assert item.raw == message


def test_encode_sends_arrays_and_json_text_as_they_are():
    codec = opened()
    assert codec.encode([3, "x", {"status": "Accepted"}]) == ['[3, "x", {"status": "Accepted"}]']
    assert codec.encode('[2, "y", "Heartbeat", {}]') == ['[2, "y", "Heartbeat", {}]']
    # A malformed array is sent too: a test may want to see how the server takes it.
    assert codec.encode([7]) == ["[7]"]
    assert codec.encode([3, "é", {}]) == ['[3, "é", {}]']


@pytest.mark.parametrize(
    "document, words",
    [({"action": "Heartbeat"}, "JSON array"), ("not json", "JSON array"), ([{1}], "as JSON")],
)
def test_encode_refuses_what_is_not_an_array(document, words):
    with pytest.raises(ProtocolError, match=words):
        opened().encode(document)


def test_request_makes_a_call_with_a_fresh_id_and_matches_result_or_error():
    codec = opened()
    [frame], pending = codec.request(["BootNotification", {"chargePointVendor": "ACME"}])
    call = json.loads(frame)
    assert call[0] == 2 and call[2:] == ["BootNotification", {"chargePointVendor": "ACME"}]
    ident = call[1]
    assert isinstance(ident, str) and 0 < len(ident) <= 36
    assert pending([3, ident, {"status": "Accepted"}])
    assert pending([4, ident, "FormationViolation", "", {}])
    assert not pending([3, "other", {}])
    assert not pending([2, ident, "Reset", {}])
    assert not pending({"type": "undecodable"})
    [again], _ = codec.request(["Heartbeat", {}])
    assert json.loads(again)[1] != ident


def test_request_takes_json_text_a_missing_payload_and_a_whole_call():
    codec = opened()
    [frame], _ = codec.request('["Heartbeat"]')
    assert json.loads(frame)[2:] == ["Heartbeat", {}]
    [frame], pending = codec.request([2, "mine", "Heartbeat", {}])
    assert frame == '[2, "mine", "Heartbeat", {}]'
    assert pending([3, "mine", {}])


def test_ocpp_21_requests_are_also_answered_by_callresulterror():
    _, pending = opened(Ocpp21).request([2, "id", "Heartbeat", {}])
    assert pending([5, "id", "InternalError", "", {}])
    _, pending = opened(Ocpp16).request([2, "id", "Heartbeat", {}])
    assert not pending([5, "id", "InternalError", "", {}])


@pytest.mark.parametrize(
    "document, words",
    [
        ([3, "x", {}], "request is"),
        ([], "request is"),
        (["Heartbeat", {}, "extra"], "request is"),
        ({"action": "Heartbeat"}, "JSON array"),
    ],
)
def test_request_refuses_what_is_not_an_action_and_payload(document, words):
    with pytest.raises(ProtocolError, match=words):
        opened().request(document)


@given(st.one_of(st.text(), st.binary()))
def test_decoding_arbitrary_messages_never_raises(message):
    for cls in CODECS:
        [item] = opened(cls).receive(message, 1.0).documents
        assert item.raw == message


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(st.text(min_size=1), _json)
def test_a_request_decodes_to_the_call_that_was_encoded(action, payload):
    codec = opened(Ocpp201)
    [frame], _ = codec.request([action, payload])
    [item] = opened(Ocpp201).receive(frame, 1.0).documents
    assert item.document[2:] == [action, payload]


@pytest.mark.parametrize("cls", CODECS)
def test_json_nested_too_deeply_is_undecodable_and_the_next_message_reads(cls):
    # Deep JSON raises RecursionError, not ValueError: it escaped decoding and cost the
    # connection.
    codec = opened(cls)
    deep = '[2, "id", "A", ' + "[" * 100_000 + "]" * 100_000 + "]"
    for message in (deep, deep.encode()):
        [item] = codec.receive(message, 1.0).documents
        assert item.document == {"type": "undecodable", "raw": deep, "error": "nested too deeply"}
    [item] = codec.receive('[3, "x", {}]', 1.0).documents
    assert item.document == [3, "x", {}]


@pytest.mark.parametrize(
    "message",
    [
        '[2, 5, "A", {}]',
        '[2, "id", 7, {}]',
        '[[2], "id"]',
        '[{}, "id", "A"]',
        '["2", "id", "A", {}]',
    ],
)
def test_wrong_shaped_arrays_are_undecodable_and_the_next_message_reads(message):
    codec = opened()
    [item] = codec.receive(message, 1.0).documents
    assert item.document["type"] == "undecodable" and item.document["raw"] == message
    assert codec.receive('[3, "x", {}]', 1.0).documents[0].document == [3, "x", {}]


# -- the server role (the central system's side) -----------------------------------------------

SERVERS = {Ocpp16: Ocpp16Server, Ocpp201: Ocpp201Server, Ocpp21: Ocpp21Server}


@pytest.mark.parametrize("cls", CODECS)
def test_server_true_gives_the_central_systems_side_up_at_once(cls):
    codec = codec_class(cls.name)(server=True)
    assert type(codec) is SERVERS[cls] and isinstance(codec, cls) and codec.server
    out = codec.opened(cls.name, 0.0)
    assert out.ready and out.send == [] and codec.session == cls.name


@pytest.mark.parametrize("cls", CODECS)
def test_server_selects_its_version_and_refuses_a_client_that_does_not_offer_it(cls):
    assert cls.select_subprotocol(["ocpp1.5", cls.name]) == cls.name
    assert cls.select_subprotocol(["ocpp1.5"]) is None
    assert cls.refuse_request("/CP-1", {"Sec-WebSocket-Protocol": f"ocpp1.5, {cls.name}"}) is None
    for headers in ({}, {"sec-websocket-protocol": "ocpp1.5"}):
        status, body = cls.refuse_request("/CP-1", headers)
        assert status == 400 and cls.name in body and "did not offer" in body


def test_refuse_request_reads_several_protocol_header_lines():
    class Lines:
        def get_all(self, name):
            return ["ocpp1.5", "ocpp2.0.1"] if name == "Sec-WebSocket-Protocol" else []

    assert Ocpp201.refuse_request("/CP-1", Lines()) is None
    assert Ocpp16.refuse_request("/CP-1", Lines())[0] == 400


def test_server_reads_the_charge_points_arrays_and_sends_its_own():
    codec = Ocpp16(server=True)
    codec.opened("ocpp1.6", 0.0)
    boot = [2, "b-1", "BootNotification", {"chargePointVendor": "A", "chargePointModel": "X"}]
    assert [r.document for r in codec.receive(json.dumps(boot), 1.0).documents] == [boot]
    reply = [3, "b-1", {"status": "Accepted", "currentTime": "t", "interval": 300}]
    assert json.loads(codec.encode(reply)[0]) == reply


def test_server_requests_are_calls_answered_by_the_charge_points_result_or_error():
    codec = Ocpp201(server=True)
    codec.opened("ocpp2.0.1", 0.0)
    frames, is_reply = codec.request(["Reset", {"type": "Immediate"}])
    call = json.loads(frames[0])
    assert call[0] == 2 and call[2:] == ["Reset", {"type": "Immediate"}]
    assert is_reply([3, call[1], {"status": "Accepted"}])
    assert is_reply([4, call[1], "NotImplemented", "", {}])
    assert not is_reply([3, "other", {}])
