"""Both roles of each protocol codec, talking to each other through an in-memory pipe: the
handshake, keep-alives through a quiet spell, documents and requests both ways, a peer that
falls silent, and refusals. Decoding on the server role never raises, whatever a client
sends (the near-valid frames of ``test_codec_fuzz``)."""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_codec_fuzz import (
    FUZZ,
    MQTT_EXPECTED,
    MQTT_VALID,
    check,
    graphql_messages,
    mqtt_messages,
    ocpp_frames,
    socketio_messages,
    stomp_frames,
    with_bad_utf8,
)

from RobotWebSocket.protocols import Codec, Output, codec_class
from RobotWebSocket.protocols.base import Frame
from RobotWebSocket.protocols.mqtt_packets import packet


class Pipe:
    """A client codec and a server codec joined as the connection layer joins them: what
    one side's ``Output`` sends, the other receives at once, on one shared clock."""

    def __init__(self, name: str, client_init: Any = None, server_init: Any = None) -> None:
        self.client = codec_class(name)(client_init)
        self.server = codec_class(name)(server_init, server=True)
        self.now = 0.0
        self.seen: dict[str, list[Any]] = {"client": [], "server": []}
        self.sent: dict[str, list[Frame]] = {"client": [], "server": []}
        self.closed: dict[str, tuple[int, str] | None] = {"client": None, "server": None}
        self.refused: str | None = None
        self.ready = {"client": False, "server": False}
        #: A muted side's frames are lost on the way, as from a peer that hangs.
        self.muted: set[str] = set()

    def open(self, offered: list[str] | None = None) -> Pipe:
        offered = list(self.client.subprotocols) if offered is None else offered
        selected = type(self.server).select_subprotocol(offered)
        # The server's side opens as it answers the upgrade, the client's as it reads the
        # answer: what the server sends first reaches a client that has opened.
        first = self.server.opened(selected, self.now)
        self.carry("client", self.client.opened(selected, self.now))
        self.carry("server", first)
        return self

    def carry(self, side: str, out: Output) -> None:
        assert isinstance(out, Output)
        self.seen[side] += [received.document for received in out.documents]
        self.ready[side] = self.ready[side] or out.ready
        self.refused = self.refused or out.refused
        other = "client" if side == "server" else "server"
        peer = self.client if other == "client" else self.server
        for frame in out.send:
            self.sent[side].append(frame)
            if side not in self.muted and self.closed[side] is None:
                self.carry(other, peer.receive(frame, self.now))
        # As the connection layer does, the frames go before the close.
        if out.close is not None and self.closed[side] is None:
            self.closed[side] = out.close

    def send(self, side: str, document: Any) -> None:
        codec = self.client if side == "client" else self.server
        self.carry(side, Output(send=codec.encode(document)))

    def request(self, side: str, document: Any) -> Any:
        """Send a request; the peer's documents that answer it (the test answers for it)."""
        codec = self.client if side == "client" else self.server
        frames, is_reply = codec.request(document)
        self.carry(side, Output(send=frames))
        return is_reply

    def run(self, seconds: float, step: float = 0.05) -> None:
        """Let ``seconds`` pass, ticking each codec at its own interval."""
        due = {side: self.now for side in ("client", "server")}
        end = self.now + seconds
        while self.now < end - 1e-9:
            self.now = round(self.now + step, 6)
            for side, codec in (("client", self.client), ("server", self.server)):
                interval = codec.tick_interval
                if interval and self.now - due[side] >= interval - 1e-9 and not self.closed[side]:
                    due[side] = self.now
                    self.carry(side, codec.tick(self.now))

    def last(self, side: str) -> Any:
        return self.seen[side][-1]


def up(pipe: Pipe) -> Pipe:
    assert pipe.ready == {"client": True, "server": True}, pipe.sent
    assert pipe.client.ready and pipe.server.ready and pipe.refused is None
    assert pipe.seen == {"client": [], "server": []}
    return pipe


def quiet(pipe: Pipe, seconds: float) -> None:
    """Keep-alives go both ways through a quiet spell, and nothing enters a history."""
    before = {side: len(frames) for side, frames in pipe.sent.items()}
    pipe.run(seconds)
    assert pipe.closed == {"client": None, "server": None}
    assert pipe.seen == {"client": [], "server": []}
    assert (
        len(pipe.sent["server"]) > before["server"] or len(pipe.sent["client"]) > before["client"]
    )


# -- Socket.IO ---------------------------------------------------------------------------------


def socketio(init: Any = None, url: str = "http://h/chat") -> Pipe:
    pipe = Pipe("socketio", {"token": "t"}, init or {"pingInterval": 1000, "pingTimeout": 500})
    pipe.client.connect_url(url)
    return pipe.open()


def test_socketio_handshake_keep_alives_documents_and_requests_both_ways() -> None:
    pipe = up(socketio())
    assert pipe.server.session == {"token": "t"} and pipe.server.namespace == "/chat"
    assert isinstance(pipe.client.session, str) and pipe.client.session != pipe.server.sid
    quiet(pipe, 5.0)
    assert pipe.sent["server"].count("2") >= 4 and pipe.sent["client"].count("3") >= 4
    pipe.send("client", {"event": "chat", "args": ["hi", b"\x00\x01"]})
    assert pipe.last("server") == {
        "type": "event", "namespace": "/chat", "event": "chat", "args": ["hi", b"\x00\x01"],
        "id": None,
    }  # fmt: skip
    pipe.send("server", ["news", {"n": 1}])
    assert pipe.last("client")["event"] == "news" and pipe.last("client")["namespace"] == "/chat"
    for asking, answering in (("client", "server"), ("server", "client")):
        is_reply = pipe.request(asking, {"event": "ask", "args": [1]})
        question = pipe.last(answering)
        pipe.send(answering, {"type": "ack", "id": question["id"], "args": ["yes"]})
        assert is_reply(pipe.last(asking)) and pipe.last(asking)["args"] == ["yes"]


def test_socketio_server_drops_a_client_that_stops_answering_pings() -> None:
    pipe = up(socketio())
    pipe.muted.add("client")
    pipe.run(3.0)
    assert pipe.closed["server"] is not None and "ping timeout" in pipe.closed["server"][1]


def test_socketio_client_drops_a_server_that_stops_pinging() -> None:
    pipe = up(socketio())
    pipe.muted.add("server")
    pipe.run(3.0)
    assert pipe.closed["client"] is not None and "ping timeout" in pipe.closed["client"][1]


def test_socketio_connect_error_from_the_server_refuses_the_client() -> None:
    server, client = codec_class("socketio")(server=True), codec_class("socketio")()
    client.connect_url("http://h/admin")
    client.opened(None, 0.0)
    [connect] = client.receive(server.opened(None, 0.0).send[0], 0.0).send
    assert server.receive(connect, 0.0).ready  # its answer is lost on the way
    refusal = server.encode(
        {"type": "connect_error", "namespace": "/admin", "data": {"message": "no"}}
    )
    assert client.receive(refusal[0], 0.0).refused == "no"


# -- GraphQL over WebSocket --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["graphql-transport-ws", "graphql-ws"])
def test_graphql_handshake_operations_and_results(name: str) -> None:
    pipe = up(Pipe(name, {"token": "t"}, {"server": "mock"}).open())
    assert pipe.server.session == {"token": "t"} and pipe.client.session == {"server": "mock"}
    is_reply = pipe.request("client", {"query": "subscription { n }"})
    operation = pipe.last("server")
    assert operation["type"] == pipe.client.start and operation["payload"]["query"]
    kind = "next" if name == "graphql-transport-ws" else "data"
    pipe.send("server", {"type": kind, "id": operation["id"], "payload": {"data": {"n": 1}}})
    assert is_reply(pipe.last("client")) and pipe.server.operations == {operation["id"]}
    pipe.send("server", {"type": "complete", "id": operation["id"]})
    assert is_reply(pipe.last("client")) and pipe.server.operations == set()
    stop = "complete" if name == "graphql-transport-ws" else "stop"
    pipe.send("client", {"type": stop, "id": "9"})
    assert pipe.last("server") == {"type": stop, "id": "9"}


def test_graphql_transport_ws_pings_are_answered_both_ways() -> None:
    pipe = up(Pipe("graphql-transport-ws").open())
    pipe.send("client", {"type": "ping"})
    pipe.send("server", {"type": "ping", "payload": {"n": 1}})
    assert pipe.sent["client"][-1] == json.dumps({"type": "pong", "payload": {"n": 1}})
    assert pipe.sent["server"][-2] == json.dumps({"type": "pong"})
    assert pipe.seen == {"client": [], "server": []}


def test_legacy_graphql_ws_keep_alives_never_enter_the_clients_history() -> None:
    pipe = Pipe("graphql-ws")
    pipe.server.keep_alive = 1.0
    up(pipe.open())
    quiet(pipe, 3.5)
    assert pipe.sent["server"].count(json.dumps({"type": "ka"})) == 4


def test_graphql_server_closes_a_client_that_reuses_an_operation_id() -> None:
    pipe = up(Pipe("graphql-transport-ws").open())
    pipe.send("client", {"type": "subscribe", "id": "1", "payload": {}})
    pipe.send("client", {"type": "subscribe", "id": "1", "payload": {}})
    assert pipe.closed["server"] == (4409, "Subscriber for 1 already exists")


# -- STOMP -------------------------------------------------------------------------------------


def stomp(client_beats: str = "1000,1000", server_beats: str = "1000,1000") -> Pipe:
    return Pipe(
        "stomp", {"heart-beat": client_beats, "login": "u"}, {"heart-beat": server_beats}
    ).open()


def test_stomp_handshake_heart_beats_subscriptions_and_receipts() -> None:
    pipe = up(stomp())
    assert pipe.server.session["login"] == "u" and pipe.client.session["version"] == "1.2"
    assert pipe.client.version == pipe.server.version == "1.2"
    quiet(pipe, 5.0)
    assert pipe.sent["client"].count("\n") >= 4 and pipe.sent["server"].count("\n") >= 4
    is_reply = pipe.request(
        "client", {"command": "SUBSCRIBE", "headers": {"destination": "/topic/a", "ack": "client"}}
    )
    assert is_reply(pipe.last("client")) and pipe.last("client")["command"] == "RECEIPT"
    assert pipe.server.destinations == ["/topic/a"]
    is_reply = pipe.request("server", {"headers": {"destination": "/topic/a"}, "body": {"n": 1}})
    message = pipe.last("client")
    assert message["command"] == "MESSAGE" and message["body"] == {"n": 1}
    assert message["headers"]["subscription"] == pipe.last("server")["headers"]["id"]
    pipe.send("client", {"command": "ACK", "headers": {"id": message["headers"]["ack"]}})
    assert is_reply(pipe.last("server"))
    is_reply = pipe.request("client", {"headers": {"destination": "/queue/b"}, "body": "x"})
    assert pipe.last("server")["command"] == "SEND" and is_reply(pipe.last("client"))


def test_stomp_server_closes_a_silent_client_and_the_client_a_silent_server() -> None:
    for silent, watcher in (("client", "server"), ("server", "client")):
        pipe = up(stomp())
        pipe.muted.add(silent)
        pipe.run(5.0)
        assert pipe.closed[watcher] is not None and "heart-beat missed" in pipe.closed[watcher][1]


def test_stomp_version_the_server_cannot_speak_refuses_the_client() -> None:
    pipe = Pipe("stomp", {"accept-version": "2.0"}).open()
    assert pipe.refused is not None and "Supported protocol versions" in pipe.refused
    assert pipe.closed["server"] is not None


# -- MQTT --------------------------------------------------------------------------------------


def mqtt(client_init: Any = None, server_init: Any = None) -> Pipe:
    init = {"client_id": "dev-1", "username": "u", "password": "p", "keepalive": 1}
    return Pipe("mqtt", client_init or init, server_init).open()


def test_mqtt_handshake_keep_alives_subscriptions_and_publishes_both_ways() -> None:
    pipe = up(mqtt())
    assert pipe.server.session["client_id"] == "dev-1" and pipe.server.session["password"] == "p"
    assert pipe.client.session is False
    quiet(pipe, 4.0)
    is_reply = pipe.request("client", {"type": "subscribe", "topics": ["dev/+/cmd"], "qos": 2})
    assert is_reply(pipe.last("client")) and pipe.last("client")["granted"] == [2]
    assert pipe.server.wants({"topic": "dev/1/cmd"}) and not pipe.server.wants({"topic": "x"})
    for qos, reply in ((1, "puback"), (2, "pubcomp")):
        for asking, answering in (("server", "client"), ("client", "server")):
            is_reply = pipe.request(
                asking, {"topic": "dev/1/cmd", "payload": {"q": qos}, "qos": qos}
            )
            assert pipe.last(answering)["payload"] == {"q": qos}
            assert pipe.last(asking)["type"] == reply and is_reply(pipe.last(asking))
    pipe.send("server", {"topic": "dev/1/cmd", "payload": b"\xff"})
    assert pipe.last("client")["payload"] == b"\xff"


def test_mqtt_server_drops_a_silent_client_and_the_client_a_server_that_does_not_answer() -> None:
    pipe = up(mqtt())
    pipe.muted.add("client")
    pipe.run(2.0)
    assert pipe.closed["server"] is not None and "keep-alive" in pipe.closed["server"][1]
    pipe = up(mqtt())
    pipe.muted.add("server")
    pipe.run(3.0)
    assert pipe.closed["client"] is not None and "PINGREQ" in pipe.closed["client"][1]


def test_mqtt_server_refusal_names_the_return_code_on_the_client() -> None:
    pipe = mqtt(server_init={"code": 5})
    assert pipe.refused == "not authorized" and pipe.closed["server"] is not None


# -- OCPP --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ocpp1.6", "ocpp2.0.1", "ocpp2.1"])
def test_ocpp_calls_both_ways(name: str) -> None:
    pipe = up(Pipe(name).open())
    assert pipe.client.session == pipe.server.session == name
    for asking, answering in (("client", "server"), ("server", "client")):
        is_reply = pipe.request(asking, ["Heartbeat", {}])
        call = pipe.last(answering)
        pipe.send(answering, [3, call[1], {"currentTime": "2026-01-01T00:00:00Z"}])
        assert is_reply(pipe.last(asking))


def test_ocpp_client_that_offers_no_version_is_refused_before_the_upgrade() -> None:
    cls = codec_class("ocpp1.6")
    assert cls.refuse_request("/CP-1", {"Sec-WebSocket-Protocol": "ocpp2.0.1"})[0] == 400
    pipe = Pipe("ocpp1.6").open(offered=[])
    assert pipe.refused == "the server did not select subprotocol ocpp1.6"


# -- what a hostile client sends to a server ---------------------------------------------------


#: A client's CONNECT: MQTT 3.1.1, clean session, keep-alive 60 s, an empty client id.
CONNECT = b"\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c\x00\x00"


def feed(codec: Codec, frames: list[Frame]) -> None:
    for frame in frames:
        check(codec.receive(frame, 1.0))
        assert isinstance(codec.wants({"topic": "t", "headers": {}}), bool)


def serving(name: str, *handshake: Frame) -> Codec:
    codec = codec_class(name)(server=True)
    codec.opened(codec.select_subprotocol(list(codec.subprotocols)), 0.0)
    for frame in handshake:
        codec.receive(frame, 0.0)
    return codec


@FUZZ
@given(st.lists(ocpp_frames(), min_size=1, max_size=3), st.sampled_from(["ocpp1.6", "ocpp2.1"]))
def test_ocpp_server_decoding_survives_hostile_arrays(frames: list[Frame], name: str) -> None:
    feed(serving(name), frames)


_CLIENT_HEADERS = st.sampled_from(
    [
        "accept-version:1.2,1.1",
        "accept-version:",
        "accept-version:9," + "1" * 5_000,
        "heart-beat:1,-1",
        "heart-beat:" + "9" * 400 + ",0",
        "heart-beat:a",
        "id:s-1",
        "id:",
        "destination:/t",
        "destination:\\c\\n",
        "receipt:r",
        "receipt:\\x",
        "ack:client",
        "content-length:" + "9" * 30,
    ]
)


@st.composite
def stomp_client_frames(draw: st.DrawFn) -> Frame:
    """What a hostile client sends a STOMP server: its commands, with near-valid headers."""
    command = draw(st.sampled_from(["CONNECT", "STOMP", "SUBSCRIBE", "UNSUBSCRIBE", "SEND", "ACK"]))
    headers = draw(st.lists(_CLIENT_HEADERS, max_size=4))
    text = "\n".join([command, *headers]) + "\n\n" + draw(st.sampled_from(["", "{}", "x"]))
    text += draw(st.sampled_from(["\0", "", "\0\n"]))
    return draw(st.just(text) | with_bad_utf8(text))


@FUZZ
@given(st.lists(stomp_frames() | stomp_client_frames(), min_size=1, max_size=4))
def test_stomp_server_decoding_survives_hostile_frames(frames: list[Frame]) -> None:
    feed(serving("stomp"), frames)
    codec = serving("stomp", "CONNECT\naccept-version:1.2\n\n\0")
    feed(codec, frames)
    [document] = check(codec.receive("SEND\ndestination:/ok\n\nfine\0", 2.0))
    assert document["body"] == "fine"


@st.composite
def mqtt_client_packets(draw: st.DrawFn) -> bytes:
    """CONNECT, SUBSCRIBE and UNSUBSCRIBE packets with near-valid bodies: names, levels and
    flags of every value, strings whose length lies or that are not UTF-8, cut short."""
    kind = draw(st.sampled_from([1, 8, 10]))
    if kind == 1:
        name = draw(
            st.sampled_from(
                [b"\x00\x04MQTT", b"\x00\x06MQIsdp", b"\x00\x09MQ", b"", b"\x00\x02\xff\xfe"]
            )
        )
        fixed = bytes(
            draw(st.lists(st.integers(min_value=0, max_value=255), min_size=0, max_size=4))
        )
        body = name + fixed
    else:
        body = draw(st.sampled_from([b"", b"\x00", b"\x00\x01"]))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        text = draw(st.binary(max_size=6) | with_bad_utf8("a/b"))
        size = draw(st.sampled_from([len(text), len(text) + 9, 0xFFFF]))
        body += (
            struct.pack("!H", size) + text + draw(st.sampled_from([b"", b"\x01", b"\x03", b"\xff"]))
        )
    return packet(kind, draw(st.sampled_from([0, 2, 15])), body)


@FUZZ
@given(st.lists(mqtt_client_packets(), min_size=1, max_size=3))
def test_mqtt_server_decoding_survives_hostile_handshakes_and_subscriptions(
    packets: list[bytes],
) -> None:
    feed(serving("mqtt"), packets)
    codec = serving("mqtt", CONNECT)
    feed(codec, packets)
    assert check(codec.receive(MQTT_VALID, 2.0))[-1:] == [MQTT_EXPECTED]


@FUZZ
@given(mqtt_messages())
def test_mqtt_server_decoding_survives_hostile_packets(messages: list[bytes]) -> None:
    feed(serving("mqtt"), messages)
    feed(serving("mqtt", CONNECT), messages)


@FUZZ
@given(socketio_messages())
def test_socketio_server_decoding_survives_hostile_packets(frames: list[Frame]) -> None:
    feed(serving("socketio", "40"), frames)


@FUZZ
@given(
    st.sampled_from(["graphql-transport-ws", "graphql-ws"]),
    st.lists(graphql_messages(), min_size=1, max_size=3),
)
def test_graphql_server_decoding_survives_hostile_messages(name: str, frames: list[Frame]) -> None:
    feed(serving(name, '{"type": "connection_init"}'), frames)
