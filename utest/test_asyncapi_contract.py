"""Contracts against the AsyncAPI specification's own examples: matching URLs and topics,
directions for clients and mock servers, violations with pointers and the closest
definition, the published documents' known mistakes, coverage, correlation and mock answers."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from test_asyncapi_loader import (
    GEMINI,
    GEMINI_26,
    KRAKEN,
    KRAKEN_FILTER,
    SOCIAL,
    STREETLIGHTS,
    STREETLIGHTS_26,
    write,
)

from RobotWebSocket.asyncapi import MISSING, Contract, ContractError, Correlation, member_path
from RobotWebSocket.asyncapi.contract import payload_of, server_action

KRAKEN_URL = "wss://ws.kraken.com/"

# What Kraken's WebSocket API v1 really sends (docs.kraken.com, "subscriptionStatus").
REAL_SUBSCRIPTION_STATUS = {
    "channelID": 10001,
    "channelName": "ticker",
    "event": "subscriptionStatus",
    "pair": "XBT/EUR",
    "status": "subscribed",
    "subscription": {"name": "ticker"},
}
SUBSCRIBE = {
    "event": "subscribe",
    "reqid": 0,
    "pair": ["XBT/USD"],
    "subscription": {"name": "ticker"},
}
# What Gemini's market data v1 really sends: asks are "ask".
GEMINI_UPDATE = {
    "type": "update",
    "eventId": 5375461993,
    "timestamp": 1547760288,
    "timestampms": 1547760288001,
    "socket_sequence": 1,
    "events": [
        {
            "type": "change",
            "side": "ask",
            "price": 3626.73,
            "remaining": 1.6,
            "delta": 0.8,
            "reason": "place",
        }
    ],
}


@pytest.fixture(scope="module")
def kraken() -> Contract:
    return Contract(KRAKEN, KRAKEN_URL)


# Matching ---------------------------------------------------------------------------------


def test_every_channel_at_the_urls_path_is_pooled(kraken: Contract) -> None:
    assert [c.key for c in kraken.channels] == [
        "ping", "pong", "heartbeat", "systemStatus", "currencyInfo", "subscribe", "unsubscribe",
    ]  # fmt: skip
    assert kraken.servers == []  # the document has none
    assert [op.id for op in kraken.operations] == [
        "receivePing",
        "heartbeat",
        "systemStatus",
        "subscribe",
        "unsubscribe",
    ]


def test_a_url_that_matches_no_channel_names_the_file_and_its_channels() -> None:
    with pytest.raises(ContractError) as caught:
        Contract(KRAKEN, "wss://ws.kraken.com/v2")
    assert str(caught.value) == (
        f"{KRAKEN}: the URL wss://ws.kraken.com/v2 matches no channel of the document; its channels: "
        "/ (ping, pong, heartbeat, systemStatus, currencyInfo, subscribe, unsubscribe)"
    )


@pytest.mark.parametrize("document", [GEMINI, GEMINI_26])
def test_parameters_match_one_segment_and_their_enum_or_schema(document: Path) -> None:
    contract = Contract(document, "wss://api.gemini.com/v1/marketdata/btcusd?heartbeat=true")
    assert [s.name for s in contract.servers] == ["public"]
    assert [c.address for c in contract.channels] == ["/v1/marketdata/{symbol}"]
    assert Contract(document, "ws://127.0.0.1:8765/v1/marketdata/ethusd").servers == []
    for url in (
        "ws://h/v1/marketdata/dogeusd",
        "ws://h/v1/marketdata/btc/usd",
        "ws://h/v1/marketdata/",
    ):
        with pytest.raises(
            ContractError, match=r"matches no channel .* its channels: /v1/marketdata/\{symbol\}"
        ):
            Contract(document, url)


def test_channels_bound_to_other_servers_are_left_out_when_a_server_matches() -> None:
    backend = SOCIAL / "backend" / "asyncapi.yaml"
    # The WebSocket server's endpoint: its channels share it.
    at_endpoint = Contract(backend, "ws://mycompany.com/ws")
    assert [c.key for c in at_endpoint.channels] == ["newLikeComment", "updateCommentsCount"]
    # An address below the server's pathname.
    below = Contract(backend, "ws://mycompany.com/ws/like/comment")
    assert [c.key for c in below.channels] == ["newLikeComment"]
    # No server matches: servers are left out and the address alone decides.
    elsewhere = Contract(backend, "ws://127.0.0.1:9/comment/liked")
    assert [c.key for c in elsewhere.channels] == ["notifyAllCommentLiked"]
    with pytest.raises(ContractError, match="matches no channel"):
        Contract(backend, "ws://mycompany.com/ws/comment/liked")  # bound to the MQTT broker


def test_a_channel_without_address_matches_every_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "doc.yml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  any: {address: null, messages: {m: {payload: {type: integer}}}}\n"
        "operations:\n  o: {action: send, channel: {$ref: '#/channels/any'}}\n",
    )
    assert Contract(path, "ws://h/whatever/path").check("1", "received").messages == ("m",)


def test_mqtt_topics_pick_channels_per_message() -> None:
    contract = Contract(STREETLIGHTS, "ws://127.0.0.1:9001/mqtt", topics=True)
    measured = "smartylighting/streetlights/1/0/event/lamp-7/lighting/measured"
    # The document's application receives measurements: a client publishes them...
    verdict = contract.check(
        {"lumens": 300, "sentAt": "2026-01-01T00:00:00Z"}, "sent", topic=measured
    )
    assert (verdict.messages, verdict.operations) == (
        ("lightMeasured",),
        ("receiveLightMeasurement",),
    )
    # ...and receives the commands the application sends.
    on = "smartylighting/streetlights/1/0/action/lamp-7/turn/on"
    assert contract.check({"command": "on"}, "received", topic=on).operations == ("turnOn",)
    assert contract.check(
        {"command": "on"}, "received", topic=on.replace("/on", "/off")
    ).operations == ("turnOff",)
    assert not contract.check({"command": "on"}, "sent", topic=on)
    # {streetlightId} is one topic level.
    verdict = contract.check(
        {"command": "on"}, "received", topic="smartylighting/streetlights/1/0/action/a/b/turn/on"
    )
    assert verdict.format(4) == (
        f"#4 received: no channel of {STREETLIGHTS} has the address "
        "'smartylighting/streetlights/1/0/action/a/b/turn/on' (channels: "
        "smartylighting/streetlights/1/0/event/{streetlightId}/lighting/measured (lightingMeasured), "
        "smartylighting/streetlights/1/0/action/{streetlightId}/turn/on (lightTurnOn), "
        "smartylighting/streetlights/1/0/action/{streetlightId}/turn/off (lightTurnOff), "
        "smartylighting/streetlights/1/0/action/{streetlightId}/dim (lightsDim))"
    )


# Directions -------------------------------------------------------------------------------


def test_server_actions_for_clients_and_mock_servers() -> None:
    assert server_action("received", "client") == "send"
    assert server_action("sent", "client") == "receive"
    assert server_action("received", "server") == "receive"
    assert server_action("sent", "server") == "send"
    with pytest.raises(ValueError, match="direction must be received or sent"):
        server_action("in", "client")


def test_a_client_receives_what_the_server_sends_and_replies(kraken: Contract) -> None:
    assert kraken.check('{"event": "heartbeat"}', "received").operations == ("heartbeat",)
    pong = kraken.check({"event": "pong", "reqid": 7}, "received")
    assert [(m.message, m.operation, m.reply) for m in pong.matches] == [
        ("pong", "receivePing", True)
    ]
    # The server receives pings, so a client never gets one.
    verdict = kraken.check({"event": "ping", "reqid": 7}, "received")
    assert not verdict.conforms
    assert verdict.closest in {"pong", "heartbeat"}


def test_a_client_sends_what_the_server_receives(kraken: Contract) -> None:
    assert kraken.check(json.dumps(SUBSCRIBE), "sent").operations == ("subscribe",)
    assert kraken.check({"event": "ping"}, "sent").format(1) == "#1 sent: ping (receivePing)"
    verdict = kraken.check({"event": "heartbeat"}, "sent")
    assert verdict.format(2) == "#2 sent: closest ping: /event: 'ping' was expected"


def test_a_mock_server_is_the_documents_server(kraken: Contract) -> None:
    assert kraken.check(SUBSCRIBE, "received", role="server").operations == ("subscribe",)
    assert not kraken.check(SUBSCRIBE, "sent", role="server")
    assert kraken.check({"event": "heartbeat"}, "sent", role="server").conforms
    assert not kraken.check({"event": "heartbeat"}, "received", role="server")


def test_a_message_shared_by_two_replies_names_both_operations(kraken: Contract) -> None:
    status = copy.deepcopy(REAL_SUBSCRIPTION_STATUS) | {"status": "online", "pair": ["XBT/EUR"]}
    verdict = kraken.check(status, "received")
    assert verdict.format(9) == "#9 received: subscriptionStatus (subscribe, unsubscribe)"


def test_a_server_that_receives_nothing_on_a_channel(tmp_path: Path) -> None:
    verdict = Contract(GEMINI, "ws://h/v1/marketdata/btcusd").check('{"type": "heartbeat"}', "sent")
    assert (
        verdict.format(1)
        == f"#1 sent: the server of {GEMINI} receives no message on /v1/marketdata/{{symbol}} (marketDataV1)"
    )


# Violations and the published documents' mistakes -------------------------------------------


def test_krakens_real_subscription_status_breaks_the_published_document(kraken: Contract) -> None:
    verdict = kraken.check(json.dumps(REAL_SUBSCRIPTION_STATUS), "received")
    assert not verdict.conforms
    assert verdict.format(12) == (
        "#12 received: closest subscriptionStatus: /pair: 'XBT/EUR' is not of type 'array'; "
        "/status: 'subscribed' is not one of ['online', 'maintenance', 'cancel_only', 'limit_only', 'post_only']"
    )
    assert [(p.pointer, p.reason) for p in verdict.problems][0] == (
        "/pair",
        "'XBT/EUR' is not of type 'array'",
    )


def test_krakens_own_examples_break_its_document(kraken: Contract) -> None:
    operations = {op.id: op for op in kraken.operations}
    message = operations["subscribe"].reply.messages[0]
    first, second = message.examples
    assert kraken.check(first, "received").format() == (
        "received: closest subscriptionStatus: /pair: 'XBT/EUR' is not of type 'array'; "
        "/status: 'unsubscribed' is not one of ['online', 'maintenance', 'cancel_only', 'limit_only', 'post_only']"
    )
    assert not kraken.check(second, "received")


def test_the_closest_definition_has_the_fewest_errors_and_a_mismatched_const_weighs_most(
    kraken: Contract,
) -> None:
    verdict = kraken.check(
        {"event": "systemStatus", "status": "offline", "connectionID": "x"}, "received"
    )
    assert verdict.format(3) == (
        "#3 received: closest systemStatus: /connectionID: 'x' is not of type 'integer'; "
        "/status: 'offline' is not one of ['online', 'maintenance', 'cancel_only', 'limit_only', 'post_only']"
    )


def test_geminis_side_enum_rejects_the_real_apis_ask() -> None:
    contract = Contract(GEMINI, "wss://api.gemini.com/v1/marketdata/btcusd")
    assert contract.check(
        GEMINI_UPDATE | {"events": [GEMINI_UPDATE["events"][0] | {"side": "bid"}]}, "received"
    )
    verdict = contract.check(GEMINI_UPDATE, "received")
    assert (
        verdict.format(5)
        == "#5 received: closest marketData: /events/0/side: 'ask' is not one of ['bid', 'side']"
    )
    assert contract.check('{"type": "heartbeat", "socket_sequence": 0}', "received").messages == (
        "marketData",
    )


def test_the_2_6_streetlights_on_off_enum_is_read_as_booleans() -> None:
    contract = Contract(STREETLIGHTS_26, "ws://127.0.0.1:9001/", topics=True)
    topic = "smartylighting/streetlights/1/0/action/12/turn/on"
    verdict = contract.check({"command": "on"}, "received", topic=topic)
    assert (
        verdict.format(1)
        == "#1 received: closest turnOnOff: /command: 'on' is not one of [True, False]"
    )
    # The 3.x document quotes them.
    assert Contract(STREETLIGHTS, "ws://127.0.0.1:9001/", topics=True).check(
        {"command": "on"}, "received", topic=topic
    )


def test_text_that_is_not_json_is_checked_as_a_string(kraken: Contract) -> None:
    assert payload_of("not json") == "not json"
    assert payload_of(b'{"a": 1}') == {"a": 1}
    assert payload_of(b"\xff") == "\ufffd"
    assert payload_of([1]) == [1]
    verdict = kraken.check("hello", "received")
    assert verdict.format(1).startswith(
        "#1 received: closest pong: /: 'hello' is not of type 'object'"
    )


def test_a_message_nested_too_deeply_is_a_violation_not_a_crash(kraken: Contract) -> None:
    deep: object = "x"
    for _ in range(100000):
        deep = [deep]
    verdict = kraken.check(deep, "received")
    assert not verdict.conforms


def test_checking_leaves_the_message_as_it_was(tmp_path: Path) -> None:
    """fastjsonschema writes schema defaults into what it validates unless told not to."""
    path = write(
        tmp_path,
        "doc.yml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    address: /\n    messages:\n"
        "      m: {payload: {type: object, properties: {depth: {type: integer, default: 10}}}}\n"
        "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n",
    )
    message: dict = {}
    assert Contract(path).check(message, "received").conforms
    assert message == {}


def test_an_integer_written_as_a_float_conforms_where_fastjsonschema_and_jsonschema_differ(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "doc.yml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  c: {address: /, messages: {m: {payload: {enum: [1]}}}}\n"
        "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n",
    )
    contract = Contract(path)
    assert contract.check("1.0", "received").conforms  # 1.0 == 1 in JSON Schema
    assert not contract.check("true", "received")


# Coverage ---------------------------------------------------------------------------------


def test_coverage_counts_operations_messages_uncovered_and_violations(kraken: Contract) -> None:
    coverage = kraken.coverage()
    conversation = [
        (
            {"event": "systemStatus", "status": "online", "connectionID": 1, "version": "1.9.0"},
            "received",
        ),
        (SUBSCRIBE, "sent"),
        ({**REAL_SUBSCRIPTION_STATUS, "status": "online", "pair": ["XBT/USD"]}, "received"),
        ({"event": "currencyInfo", "data": {}}, "received"),
        ({"event": "heartbeat"}, "received"),
        ({"event": "heartbeat"}, "received"),
        (REAL_SUBSCRIPTION_STATUS, "received"),
    ]
    for message, direction in conversation:
        coverage.add(kraken.check(message, direction))
    assert coverage.as_dict() == {
        # subscriptionStatus also answers unsubscribe, but only subscribe was asked.
        "operations": {
            "receivePing": 0,
            "heartbeat": 2,
            "systemStatus": 1,
            "subscribe": 3,
            "unsubscribe": 0,
        },
        "messages": {
            "systemStatus": 1,
            "subscribe": 1,
            "subscriptionStatus": 1,
            "dummyCurrencyInfo": 1,
            "heartbeat": 2,
        },
        "uncovered": ["receivePing", "unsubscribe"],
        "violations": 1,
    }


def test_a_reply_seen_without_its_request_credits_every_operation_it_answers(
    kraken: Contract,
) -> None:
    coverage = kraken.coverage()
    coverage.add(
        kraken.check(
            {**REAL_SUBSCRIPTION_STATUS, "status": "online", "pair": ["XBT/USD"]}, "received"
        )
    )
    assert coverage.as_dict()["uncovered"] == ["receivePing", "heartbeat", "systemStatus"]


# Correlation ------------------------------------------------------------------------------


def test_the_documents_correlation_location_stamps_a_fresh_id(kraken: Contract) -> None:
    correlation = kraken.correlation(json.dumps(SUBSCRIBE))
    assert correlation is not None and str(correlation) == "$.reqid (replies: $.reqid)"
    stamped, value = correlation.stamp(SUBSCRIBE, kraken.next_id())
    assert (value, stamped["reqid"], SUBSCRIBE["reqid"]) == (1, 1, 0)
    assert correlation.stamp({**SUBSCRIBE, "reqid": "a"}, kraken.next_id())[1] == "2"
    # A member that is not there yet is added.
    assert (
        correlation.stamp({"event": "subscribe", "subscription": {"name": "ticker"}}, 9)[0]["reqid"]
        == 9
    )
    reply = {**REAL_SUBSCRIPTION_STATUS, "reqid": 1}
    assert correlation.answers(reply, 1)
    assert not correlation.answers(reply, "1")
    assert correlation.reply_id(REAL_SUBSCRIPTION_STATUS) is MISSING


def test_a_definition_without_correlation_id_gives_none(kraken: Contract) -> None:
    assert kraken.correlation({"event": "heartbeat"}) is None  # not something a client sends
    gemini = Contract(GEMINI, "ws://h/v1/marketdata/btcusd")
    assert gemini.correlation({"type": "heartbeat", "socket_sequence": 1}, role="server") is None


def test_the_reply_definitions_location_is_where_replies_carry_the_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "doc.yml",
        """\
asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  rpc:
    address: /rpc
    messages:
      call: {payload: {type: object}, correlationId: {location: '$message.payload#/id'}}
      result: {payload: {type: object}, correlationId: {$ref: '#/components/correlationIds/meta'}, examples: [{payload: {meta: {for: 0}, ok: true}}]}
operations:
  call:
    action: receive
    channel: {$ref: '#/channels/rpc'}
    messages: [{$ref: '#/channels/rpc/messages/call'}]
    reply:
      messages: [{$ref: '#/channels/rpc/messages/result'}]
components:
  correlationIds:
    meta: {location: '$message.payload#/meta/for'}
""",
    )
    contract = Contract(path, "ws://h/rpc")
    correlation = contract.correlation({"id": 5, "method": "x"})
    assert correlation == Correlation(("id",), (("meta", "for"),))
    assert correlation.answers({"meta": {"for": 5}}, 5)
    answer = contract.answer({"id": 5, "method": "x"})
    assert answer.payload == {"meta": {"for": 5}, "ok": True}


@pytest.mark.parametrize(
    "expression, path",
    [
        ("$.reqid", ("reqid",)),
        ("$.a.b", ("a", "b")),
        ("$['x-y']", ("x-y",)),
        ('$["x.y"].z', ("x.y", "z")),
        ("$.items[0].id", ("items", 0, "id")),
        ("$['it\\'s']", ("it's",)),
    ],
)
def test_member_paths(expression: str, path: tuple) -> None:
    assert member_path(expression) == path


@pytest.mark.parametrize("expression", ["reqid", "$", "$..id", "$.a[*]", "$[?(@.a)]", "$.a b"])
def test_member_paths_that_name_no_single_member(expression: str) -> None:
    with pytest.raises(ValueError, match="correlation"):
        member_path(expression)


def test_an_explicit_correlation_needs_no_document() -> None:
    correlation = Correlation.of("$.meta['req-id']")
    document, value = correlation.stamp({"op": "get", "meta": {"req-id": "old"}}, 41)
    assert (document, value) == ({"op": "get", "meta": {"req-id": "41"}}, "41")
    assert correlation.answers({"meta": {"req-id": "41"}}, "41")
    assert not correlation.answers({"meta": {"req-id": 41}}, "41")
    with pytest.raises(ValueError, match=r"the message has no member \$.meta to hold"):
        correlation.stamp({"op": "get"}, 1)


# Mock answers -----------------------------------------------------------------------------


@pytest.mark.parametrize("document", [KRAKEN, KRAKEN_FILTER])
def test_a_mock_server_answers_from_the_replys_first_example_with_the_id_copied(
    document: Path,
) -> None:
    contract = Contract(document, "ws://127.0.0.1:1/")
    answer = contract.answer(json.dumps({**SUBSCRIBE, "reqid": 77}))
    assert (answer.message, answer.missing) == ("subscriptionStatus", False)
    assert answer.payload == {
        "channelID": 10001,
        "channelName": "ohlc-5",
        "event": "subscriptionStatus",
        "pair": "XBT/EUR",
        "reqid": 77,
        "status": "unsubscribed",
        "subscription": {"interval": 5, "name": "ohlc"},
    }
    # The example itself is left as it was for the next answer.
    assert contract.answer({**SUBSCRIBE, "reqid": 78}).payload["reqid"] == 78
    assert (
        contract.answer({"event": "subscribe", "subscription": {"name": "ticker"}}).payload["reqid"]
        == 42
    )


def test_a_reply_without_example_is_a_marker_to_warn_about(kraken: Contract) -> None:
    answer = kraken.answer({"event": "ping", "reqid": 3})
    assert answer.missing and answer.payload is None and answer.operation == "receivePing"
    assert answer.warning == (
        f"operation receivePing of {KRAKEN} has a reply (pong) without an example, so the mock server does not answer it"
    )


def test_no_answer_for_messages_without_a_reply(kraken: Contract) -> None:
    assert kraken.answer({"event": "heartbeat"}) is None  # not a client's message
    assert Contract(GEMINI, "ws://h/v1/marketdata/btcusd").answer({"type": "heartbeat"}) is None


def test_the_quick_half_answers_conforming_messages_only(kraken: Contract) -> None:
    verdict = kraken.conforming('{"event": "heartbeat"}', "received")
    assert verdict is kraken.check('{"event": "heartbeat"}', "received")  # made once, shared
    assert kraken.conforming(REAL_SUBSCRIPTION_STATUS, "received") is None
    assert kraken.conforming({"type": "heartbeat"}, "sent", topic="x") is None
