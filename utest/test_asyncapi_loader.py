"""Reading AsyncAPI documents: versions, YAML and JSON, every form of $ref, recursion and
what is reported when a document cannot be used."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml

from RobotWebSocket.asyncapi import Contract, ContractError, read
from RobotWebSocket.asyncapi.loader import Place, parse_text, walk

DOCS = Path(__file__).resolve().parents[1] / "atest" / "resources" / "asyncapi"
KRAKEN = DOCS / "kraken-websocket-request-reply-multiple-channels-asyncapi.yml"
KRAKEN_FILTER = DOCS / "kraken-websocket-request-reply-message-filter-in-reply-asyncapi.yml"
GEMINI = DOCS / "websocket-gemini-asyncapi.yml"
STREETLIGHTS = DOCS / "streetlights-mqtt-asyncapi.yml"
STREETLIGHTS_26 = DOCS / "v2.6.0" / "streetlights-mqtt.yml"
GEMINI_26 = DOCS / "v2.6.0" / "websocket-gemini.yml"
SOCIAL = DOCS / "social-media"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def ws3(channels: str, operations: str = "", components: str = "") -> str:
    """A small 3.0 document with one object message on / unless told otherwise."""
    parts = (textwrap.dedent(part) for part in (channels, operations, components))
    return "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n" + "".join(parts)


# The official examples ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, version, channels, operations",
    [
        (KRAKEN, "3.1.0", 7, 5),
        (KRAKEN_FILTER, "3.1.0", 1, 5),
        (GEMINI, "3.1.0", 1, 1),
        (STREETLIGHTS, "3.1.0", 4, 4),
        (STREETLIGHTS_26, "2.6.0", 4, 4),
        (GEMINI_26, "2.6.0", 1, 1),
        (SOCIAL / "backend" / "asyncapi.yaml", "3.1.0", 4, 4),
        (SOCIAL / "frontend" / "asyncapi.yaml", "3.1.0", 2, 2),
        (SOCIAL / "comments-service" / "asyncapi.yaml", "3.1.0", 2, 2),
    ],
)
def test_official_examples_are_read(
    path: Path, version: str, channels: int, operations: int
) -> None:
    document = read(path)
    assert document.version == version
    assert len(document.channels) == channels
    assert len(document.operations) == operations
    # Every payload schema compiles, and to the fast validator.
    contract = Contract(path)
    assert contract.notes == []
    assert all(checker is not None and checker.fast for checker in contract._checkers.values())


def test_kraken_3x_operations_messages_and_replies() -> None:
    document = read(KRAKEN)
    operations = {op.id: op for op in document.operations}
    assert operations["heartbeat"].action == "send"
    assert [m.name for m in operations["heartbeat"].messages] == ["heartbeat"]
    subscribe = operations["subscribe"]
    assert subscribe.action == "receive"
    assert subscribe.channel.key == "subscribe"
    assert [m.name for m in subscribe.reply.messages] == ["subscriptionStatus", "dummyCurrencyInfo"]
    assert subscribe.reply.channel.key == "currencyInfo"
    # The reply's message list, when given, picks the channel's own definitions.
    unsubscribe = operations["unsubscribe"]
    assert unsubscribe.reply.messages == (subscribe.reply.messages[0],)
    assert subscribe.messages[0].correlation == "$message.payload#/reqid"
    subscription_status = subscribe.reply.messages[0]
    assert subscription_status.examples[0]["status"] == "unsubscribed"
    assert subscription_status.payload.pointer == "/components/schemas/subscriptionStatus"


def test_2x_operations_take_the_servers_view() -> None:
    document = read(STREETLIGHTS_26)
    operations = {op.id: op for op in document.operations}
    # 2.x publish: the application (server) receives; subscribe: it sends.
    assert operations["receiveLightMeasurement"].action == "receive"
    assert operations["turnOn"].action == "send"
    assert (
        operations["turnOn"].channel.address
        == "smartylighting/streetlights/1/0/action/{streetlightId}/turn/on"
    )
    assert operations["turnOn"].messages[0].name == "turnOnOff"
    parameter = operations["turnOn"].channel.parameters["streetlightId"]
    assert parameter.schema.pointer == "/components/parameters/streetlightId/schema"
    [server] = document.servers
    assert (server.host, server.protocol) == ("test.mosquitto.org:{port}", "mqtt")


def test_2x_messages_are_named_by_name_then_message_id_then_component_key_then_title(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "a.yml",
        """\
        asyncapi: 2.4.0
        info: {title: t, version: '1'}
        channels:
          /:
            subscribe:
              message:
                oneOf:
                  - {name: named, messageId: ignored, payload: {type: object}}
                  - {messageId: byId, payload: {type: object}}
                  - $ref: '#/components/messages/byKey'
                  - payload: {title: byTitle, type: object}
        components:
          messages:
            byKey: {payload: {type: string}}
        """,
    )
    [operation] = read(path).operations
    assert operation.id == "subscribe /"
    assert [m.name for m in operation.messages] == ["named", "byId", "byKey", "byTitle"]


def test_3x_servers_and_a_server_in_another_file() -> None:
    document = read(SOCIAL / "backend" / "asyncapi.yaml")
    servers = {s.name: s for s in document.servers}
    assert (servers["websiteWebSocketServer"].host, servers["websiteWebSocketServer"].pathname) == (
        "mycompany.com",
        "/ws",
    )
    channels = {c.key: c for c in document.channels}
    assert channels["newLikeComment"].servers == ("websiteWebSocketServer",)
    assert channels["commentsCountChange"].parameters["commentId"].enum is None


def test_json_and_yaml_give_the_same_model(tmp_path: Path) -> None:
    as_json = tmp_path / "kraken.json"
    as_json.write_text(json.dumps(yaml.safe_load(KRAKEN.read_text())), encoding="utf-8")
    from_yaml, from_json = read(KRAKEN), read(as_json)
    assert [(op.id, op.action, [m.name for m in op.messages]) for op in from_yaml.operations] == [
        (op.id, op.action, [m.name for m in op.messages]) for op in from_json.operations
    ]
    assert Contract(as_json).check('{"event": "heartbeat"}', "received").conforms


# Every form of $ref -----------------------------------------------------------------------


def test_every_ref_form_resolves(tmp_path: Path) -> None:
    write(
        tmp_path,
        "common/messages.yaml",
        """\
        order:
          name: order
          payload: {$ref: 'schemas.yaml#/order'}
        """,
    )
    write(
        tmp_path,
        "common/schemas.yaml",
        """\
        order:
          type: object
          required: [id]
          properties:
            id: {$ref: '#/id'}
            status: {$ref: 'status.yaml'}
        id: {type: integer}
        """,
    )
    write(tmp_path, "common/status.yaml", "type: string\nenum: [new, filled]\n")
    path = write(
        tmp_path,
        "api/asyncapi.yaml",
        """\
        asyncapi: 2.6.0
        info: {title: t, version: '1'}
        channels:
          /orders/{id}:
            parameters:
              id: {$ref: '#/components/parameters/id'}
            subscribe:
              operationId: orderUpdates
              message: {$ref: '#/components/messages/order'}
        components:
          parameters:
            id: {schema: {type: integer}}
          messages:
            order: {$ref: '../common/messages.yaml#/order'}
            alias: {$ref: '#/components/messages/order'}
        """,
    )
    contract = Contract(path, "ws://localhost:1/orders/42")
    assert contract.check('{"id": 1, "status": "new"}', "received").messages == ("order",)
    verdict = contract.check('{"id": "1", "status": "old"}', "received")
    assert verdict.format(3) == (
        "#3 received: closest order: /id: '1' is not of type 'integer'; "
        "/status: 'old' is not one of ['new', 'filled']"
    )
    # A path segment is checked against the parameter's schema as the number it spells.
    with pytest.raises(ContractError, match="matches no channel"):
        Contract(path, "ws://localhost:1/orders/abc")


def test_escaped_and_percent_encoded_pointers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.yml",
        """\
        asyncapi: 2.6.0
        info: {title: t, version: '1'}
        channels:
          /a/{x}:
            publish:
              message: {name: m, payload: {type: integer}}
          /b:
            publish:
              message: {$ref: '#/channels/~1a~1%7Bx%7D/publish/message'}
        """,
    )
    contract = Contract(path, "ws://h/b")
    assert contract.check("5", "sent").messages == ("m",)
    assert walk({"a/b": {"~c": 1}}, "/a~1b/~0c") == 1


def test_a_schema_that_refers_to_itself_is_checked_without_looping(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tree.yml",
        ws3(
            """\
            channels:
              tree:
                address: /
                messages:
                  node: {payload: {$ref: '#/components/schemas/node'}}
            """,
            """\
            operations:
              push: {action: send, channel: {$ref: '#/channels/tree'}}
            """,
            """\
            components:
              schemas:
                node:
                  type: object
                  required: [value]
                  properties:
                    value: {type: integer}
                    children: {type: array, items: {$ref: '#/components/schemas/node'}}
            """,
        ),
    )
    contract = Contract(path)
    deep: dict = {"value": 0}
    for i in range(50):
        deep = {"value": i, "children": [deep]}
    assert contract.check(json.dumps(deep), "received").conforms
    deep["children"][0]["children"][0]["value"] = "x"
    verdict = contract.check(deep, "received")
    assert str(verdict.problems[0]) == "/children/0/children/0/value: 'x' is not of type 'integer'"
    bundle = contract.schemas.bundle(contract.document.channels[0].messages["node"].payload)
    assert bundle["definitions"]["0"]["properties"]["children"]["items"] == {
        "$ref": "#/definitions/0"
    }


def test_schemas_that_refer_to_each_other_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "type: object\nproperties:\n  b: {$ref: 'b.yaml'}\n")
    write(
        tmp_path,
        "b.yaml",
        "type: object\nproperties:\n  a: {$ref: 'a.yaml'}\n  n: {type: integer}\n",
    )
    path = write(
        tmp_path,
        "doc.yml",
        ws3(
            "channels:\n  c:\n    address: /\n    messages:\n      m: {payload: {$ref: 'a.yaml'}}\n",
            "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n",
        ),
    )
    contract = Contract(path)
    assert contract.check({"b": {"a": {"b": {"n": 1}}}}, "received").conforms
    assert str(contract.check({"b": {"a": {"b": {"n": "1"}}}}, "received").problems[0]) == (
        "/b/a/b/n: '1' is not of type 'integer'"
    )


# What is wrong, reported ------------------------------------------------------------------


def test_a_chain_of_references_that_goes_round(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "loop.yml",
        ws3(
            "channels:\n  c: {$ref: '#/components/channels/d'}\n",
            components="components:\n  channels:\n    d: {$ref: '#/channels/c'}\n",
        ),
    )
    with pytest.raises(ContractError, match=r"goes round in a circle to .*loop\.yml#/channels/c"):
        read(path)


def test_a_missing_file_names_the_file_and_where_it_was_referenced(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "doc.yml",
        ws3("channels:\n  c:\n    address: /\n    messages:\n      m: {$ref: 'gone.yaml#/m'}\n"),
    )
    with pytest.raises(ContractError) as caught:
        read(path)
    assert str(caught.value) == (
        f"AsyncAPI file {tmp_path / 'gone.yaml'} does not exist "
        f"(referenced from {path}#/channels/c/messages/m)"
    )
    with pytest.raises(ContractError, match=r"AsyncAPI file .*nowhere\.yml does not exist$"):
        read(tmp_path / "nowhere.yml")


def test_a_pointer_that_does_not_resolve(tmp_path: Path) -> None:
    write(tmp_path, "schemas.yaml", "order: {type: object}\n")
    path = write(
        tmp_path,
        "doc.yml",
        ws3(
            "channels:\n  c:\n    address: /\n    messages:\n      m: {$ref: 'schemas.yaml#/ordr'}\n"
        ),
    )
    with pytest.raises(ContractError) as caught:
        read(path)
    assert str(caught.value) == (
        f"$ref 'schemas.yaml#/ordr' at {path}#/channels/c/messages/m does not resolve: "
        f"{tmp_path / 'schemas.yaml'} has nothing at '#/ordr'"
    )


def test_a_schema_ref_deep_inside_a_payload_that_does_not_resolve_fails_at_once(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "doc.yml",
        ws3(
            "channels:\n  c:\n    address: /\n    messages:\n      m:\n        payload:\n"
            "          properties:\n            a: {items: {$ref: '#/components/schemas/nope'}}\n",
            "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n",
        ),
    )
    with pytest.raises(
        ContractError,
        match=r"\$ref '#/components/schemas/nope' at .*doc\.yml#/channels/c/messages/m/payload/properties/a/items does not resolve",
    ):
        Contract(path)


def test_a_file_that_is_not_yaml_or_json(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yml", "asyncapi: 3.0.0\nchannels: [unclosed\n")
    with pytest.raises(ContractError, match=r"bad\.yml is not YAML or JSON: while parsing"):
        read(path)
    with pytest.raises(ContractError, match="not YAML or JSON"):
        parse_text('{"a": [}', "x.json")


@pytest.mark.parametrize(
    "text, reason",
    [
        (
            "openapi: 3.0.0\ninfo: {title: t}\n",
            "is not an AsyncAPI document: it has no 'asyncapi' field",
        ),
        ("- a\n- b\n", "is not an AsyncAPI document: it has no 'asyncapi' field"),
        ("asyncapi: 1.2.0\n", "is AsyncAPI 1.2.0; the versions read are 2.0 to 2.6 and 3.0 to 3.1"),
        ("asyncapi: 3.2.0\n", "is AsyncAPI 3.2.0; the versions read are 2.0 to 2.6 and 3.0 to 3.1"),
        ("asyncapi: 2.7.0\n", "is AsyncAPI 2.7.0"),
    ],
)
def test_a_document_that_is_not_asyncapi(tmp_path: Path, text: str, reason: str) -> None:
    path = write(tmp_path, "doc.yml", text)
    with pytest.raises(ContractError) as caught:
        read(path)
    assert str(caught.value).startswith(f"{path} {reason}")


def test_only_file_references_are_followed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "doc.yml",
        ws3("channels:\n  c: {$ref: 'https://example.com/c.yaml#/c'}\n"),
    )
    with pytest.raises(
        ContractError, match="only references to files are followed, not https://example.com/c.yaml"
    ):
        read(path)


def test_an_operation_action_that_is_neither_send_nor_receive(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "doc.yml",
        ws3(
            "channels:\n  c: {address: /}\n",
            "operations:\n  o: {action: publish, channel: {$ref: '#/channels/c'}}\n",
        ),
    )
    with pytest.raises(
        ContractError, match="operation o in .*: action 'publish' is not send or receive"
    ):
        read(path)


def test_place_names_file_and_pointer() -> None:
    place = Place(KRAKEN.as_uri()).child("channels", "a/b")
    assert str(place) == f"{KRAKEN}#/channels/a~1b"


# Schema formats -------------------------------------------------------------------------


def test_schema_formats_other_than_json_schema_are_noted_once_and_never_violate(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "doc.yml",
        ws3(
            """\
            channels:
              c:
                address: /
                messages:
                  avro:
                    payload:
                      schemaFormat: application/vnd.apache.avro;version=1.9.0
                      schema: {type: record, name: User, fields: [{name: id, type: int}]}
                  old:
                    payload:
                      schemaFormat: application/schema+json;version=draft-04
                      schema: {type: number, maximum: 10, exclusiveMaximum: true}
            """,
            "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n",
        ),
    )
    contract = Contract(path)
    assert contract.notes == [
        "not checked: schema format application/vnd.apache.avro;version=1.9.0 (messages avro)"
    ]
    assert contract.check("9", "received").messages == ("old",)
    # Draft 4's boolean exclusiveMaximum: 10 itself is out; only the Avro message is left, unchecked.
    verdict = contract.check("10", "received")
    assert verdict.conforms and verdict.unchecked == ("avro",) and verdict.matches == ()
    assert verdict.format(2) == "#2 received: not checked (avro: schema format not checked)"


def test_message_traits_give_the_correlation_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "doc.yml",
        ws3(
            "channels:\n  c:\n    address: /\n    messages:\n      m:\n        traits: [{$ref: '#/components/messageTraits/t'}]\n        payload: {type: object}\n",
            "operations:\n  o: {action: receive, channel: {$ref: '#/channels/c'}}\n",
            "components:\n  messageTraits:\n    t: {correlationId: {location: '$message.payload#/id'}, name: fromTrait}\n",
        ),
    )
    [message] = read(path).channels[0].messages.values()
    assert (message.name, message.correlation) == ("fromTrait", "$message.payload#/id")
