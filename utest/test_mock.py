"""The mock server driven from Python: the library's own clients and websockets' sync client
connect to it, and every keyword works on the clients' connections."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import trustme
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from RobotWebSocket import RobotWebSocket
from RobotWebSocket.errors import ConnectionClosed as ClosedError
from RobotWebSocket.errors import ConnectionFailed, InvalidArgument, WebSocketError


@pytest.fixture
def mock(lib: RobotWebSocket) -> str:
    return lib.start_mock_server()


@pytest.fixture
def clients() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def _client(clients: ExitStack, url: str, **options: object) -> ClientConnection:
    """A websockets client, closed at the end of the test."""
    return clients.enter_context(connect(url, open_timeout=5, **options))  # type: ignore[arg-type]


def test_clients_are_named_in_connection_order_with_path_and_masked_headers(
    lib: RobotWebSocket, mock: str, clients: ExitStack
) -> None:
    _client(clients, mock + "/first?userId=7", additional_headers={"Authorization": "Bearer s3"})
    assert lib.wait_for_client() == "mock#1"
    _client(clients, mock + "/second")
    assert lib.wait_for_client("mock") == "mock#2"
    info = lib.get_connection_info("mock#1")
    assert info["state"] == "open"
    assert info["path"] == "/first?userId=7"
    assert info["request_headers"]["Authorization"] == "***"
    assert "s3" not in json.dumps(info)
    assert lib.get_connection_info("mock#2")["path"] == "/second"


def test_wait_for_client_returns_each_client_once_and_times_out(
    lib: RobotWebSocket, mock: str, clients: ExitStack
) -> None:
    _client(clients, mock)
    assert lib.wait_for_client(timeout=2) == "mock#1"
    with pytest.raises(WebSocketError, match="timed out"):
        lib.wait_for_client(timeout=0.3)


def test_messages_flow_both_ways(lib: RobotWebSocket, mock: str, clients: ExitStack) -> None:
    client = _client(clients, mock)
    name = lib.wait_for_client()
    client.send('{"type": "hello"}')
    assert lib.receive(name, "$.type", "==", "hello") == "hello"
    lib.send(name, "to the client")
    assert client.recv(timeout=2) == "to the client"
    lib.send(name, b"\x00\x01")
    assert client.recv(timeout=2) == b"\x00\x01"
    info = lib.get_connection_info(name)
    assert (info["received"], info["sent"]) == (1, 2)


def test_the_library_is_a_client_of_its_own_mock_server(lib: RobotWebSocket, mock: str) -> None:
    url = mock + "/chat"
    lib.connect(url)
    name = lib.wait_for_client()
    lib.send(url, "from the client")
    assert lib.receive(name) == "from the client"
    lib.send(name, "from the server")
    assert lib.receive(url) == "from the server"


def test_send_to_the_server_name_reaches_every_open_client(
    lib: RobotWebSocket, mock: str, clients: ExitStack
) -> None:
    leaving, staying = _client(clients, mock), _client(clients, mock)
    first, _ = lib.wait_for_client(), lib.wait_for_client()
    lib.send("mock", "to everyone")
    assert leaving.recv(timeout=2) == "to everyone"
    assert staying.recv(timeout=2) == "to everyone"
    leaving.close()
    lib.wait_until_closed(first)
    lib.send("mock", "after the close")
    assert staying.recv(timeout=2) == "after the close"


def test_rules_on_the_server_name_answer_a_future_clients_first_message(
    lib: RobotWebSocket, mock: str, clients: ExitStack
) -> None:
    lib.reply_to_messages("mock", "$.op", "==", "ping", reply="pong {{$.id}}")
    client = _client(clients, mock)
    client.send('{"op": "ping", "id": "p1"}')
    assert client.recv(timeout=2) == "pong p1"
    name = lib.wait_for_client()
    # The reply is written before it is counted: wait for the message to be kept, which
    # comes after.
    assert lib.get_message_count(name, None, "==", 1) == 1
    assert lib.get_connection_info(name)["auto_sent"] == 1


def test_a_heartbeat_on_the_server_name_reaches_present_clients(
    lib: RobotWebSocket, mock: str, clients: ExitStack
) -> None:
    client = _client(clients, mock)
    lib.wait_for_client()
    lib.start_heartbeat("mock", "beat", interval=0.1)
    assert client.recv(timeout=2) == "beat"


def test_disconnect_closes_a_client_with_the_code_and_reason(
    lib: RobotWebSocket, mock: str, clients: ExitStack
) -> None:
    client = _client(clients, mock)
    name = lib.wait_for_client()
    lib.disconnect(name, code=4001, reason="policy says no")
    with pytest.raises(ConnectionClosed):
        client.recv(timeout=2)
    assert client.close_code == 4001
    assert client.close_reason == "policy says no"
    assert lib.get_connection_info(name)["state"] == "closed"


def test_send_on_a_closed_client_fails_instead_of_connecting(
    lib: RobotWebSocket, mock: str, clients: ExitStack
) -> None:
    _client(clients, mock)
    name = lib.wait_for_client()
    lib.disconnect(name)
    with pytest.raises(ClosedError, match="closed"):
        lib.send(name, "anyone there?")
    with pytest.raises(WebSocketError, match="timed out"):
        lib.wait_for_client(timeout=0.3)


def test_wait_until_closed_returns_the_clients_code(
    lib: RobotWebSocket, mock: str, clients: ExitStack
) -> None:
    client = _client(clients, mock)
    name = lib.wait_for_client()
    client.close(4002, "client done")
    assert lib.wait_until_closed(name) == {"code": 4002, "reason": "client done"}


def test_reject_refuses_every_upgrade_with_the_status(lib: RobotWebSocket) -> None:
    url = lib.start_mock_server(reject=401)
    with pytest.raises(InvalidStatus, match="401"), connect(url, open_timeout=5):
        pass
    with pytest.raises(ConnectionFailed, match="401"):
        lib.connect(url)
    with pytest.raises(WebSocketError, match="timed out.*rejected with HTTP 401"):
        lib.wait_for_client(timeout=0.2)


def test_the_servers_preferred_subprotocol_is_chosen_and_none_is_accepted(
    lib: RobotWebSocket, clients: ExitStack
) -> None:
    url = lib.start_mock_server(subprotocols=["chat.v2", "chat.v1"])
    chosen = _client(clients, url, subprotocols=["chat.v1", "chat.v2"])
    assert chosen.subprotocol == "chat.v2"
    assert lib.get_connection_info(lib.wait_for_client())["subprotocol"] == "chat.v2"
    plain = _client(clients, url)
    assert plain.subprotocol is None
    assert lib.get_connection_info(lib.wait_for_client())["subprotocol"] is None
    unknown = _client(clients, url, subprotocols=["other.v9"])
    assert unknown.subprotocol is None


def test_wss_with_a_certificate(lib: RobotWebSocket, tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    cert.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    url = lib.start_mock_server(
        certfile=str(tmp_path / "cert.pem"), keyfile=str(tmp_path / "key.pem")
    )
    assert url.startswith("wss://127.0.0.1:")
    lib.connect(url + "/secure", ca_file=str(tmp_path / "ca.pem"))
    name = lib.wait_for_client()
    lib.send(name, "over tls")
    assert lib.receive(url + "/secure") == "over tls"


def test_stop_closes_clients_with_1001_or_the_given_code_and_frees_the_port(
    lib: RobotWebSocket, mock: str, clients: ExitStack
) -> None:
    first = _client(clients, mock)
    name = lib.wait_for_client()
    lib.stop_mock_server()
    with pytest.raises(ConnectionClosed):
        first.recv(timeout=2)
    assert first.close_code == 1001
    assert lib.get_connection_info(name)["state"] == "closed"
    with pytest.raises(OSError), connect(mock, open_timeout=2):
        pass
    lib.stop_mock_server()  # idempotent
    with pytest.raises(WebSocketError, match="stopped"):
        lib.wait_for_client(timeout=0.2)
    url = lib.start_mock_server(alias="other")
    second = _client(clients, url)
    lib.wait_for_client("other")
    lib.stop_mock_server("other", code=1012, reason="restarting")
    with pytest.raises(ConnectionClosed):
        second.recv(timeout=2)
    assert (second.close_code, second.close_reason) == (1012, "restarting")


def test_numbering_starts_again_at_1_when_the_server_is_started_again(
    lib: RobotWebSocket, mock: str, clients: ExitStack
) -> None:
    _client(clients, mock + "/old")
    assert lib.wait_for_client() == "mock#1"
    lib.stop_mock_server()
    url = lib.start_mock_server()
    _client(clients, url + "/new")
    assert lib.wait_for_client() == "mock#1"
    info = lib.get_connection_info("mock#1")
    assert (info["path"], info["state"]) == ("/new", "open")


def test_disconnect_all_and_close_stop_mock_servers(mock: str, clients: ExitStack) -> None:
    library = RobotWebSocket(timeout=3)
    url = library.start_mock_server()
    client = _client(clients, url)
    library.wait_for_client()
    library.disconnect_all()
    with pytest.raises(ConnectionClosed):
        client.recv(timeout=2)
    assert client.close_code == 1001
    url = library.start_mock_server()
    library.close()
    with pytest.raises(OSError), connect(url, open_timeout=2):
        pass


def test_a_server_is_stopped_when_the_suite_that_started_it_ends(
    lib: RobotWebSocket, clients: ExitStack
) -> None:
    url = lib.start_mock_server(alias="suite")
    lib._context.registry.find("suite").server.owner = "s1-s2"
    client = _client(clients, url)
    name = lib.wait_for_client("suite")
    lib._context.close_owned_by("s1-s3")
    assert lib.get_connection_info(name)["state"] == "open"
    lib._context.close_owned_by("s1")
    with pytest.raises(ConnectionClosed):
        client.recv(timeout=2)
    assert client.close_code == 1001


def test_arguments_are_checked(lib: RobotWebSocket, mock: str) -> None:
    with pytest.raises(InvalidArgument, match="already running"):
        lib.start_mock_server()
    with pytest.raises(InvalidArgument, match="reject"):
        lib.start_mock_server(alias="x", reject=101)
    with pytest.raises(InvalidArgument, match="keyfile"):
        lib.start_mock_server(alias="x", keyfile="key.pem")
    with pytest.raises(InvalidArgument, match="No mock server named 'nope'"):
        lib.wait_for_client("nope")


def test_save_conversation_of_a_client_and_of_the_library_side(
    lib: RobotWebSocket, mock: str, tmp_path: Path
) -> None:
    url = mock + "/chat?room=1"
    lib.connect(url, headers={"Authorization": "Bearer secret-value"})
    name = lib.wait_for_client()
    lib.send(url, "hello")
    assert lib.receive(name) == "hello"
    lib.send(name, b"\x10\x20")
    assert lib.receive(url) == b"\x10\x20"
    server_file = lib.save_conversation(name, str(tmp_path / "dir" / "server.har"))
    client_file = lib.save_conversation(url, str(tmp_path / "client.har"))
    for path in (server_file, client_file):
        text = Path(path).read_text("utf-8")
        assert "secret-value" not in text
        entry = json.loads(text)["log"]["entries"][0]
        assert entry["response"]["status"] == 101
        auth = [h["value"] for h in entry["request"]["headers"] if h["name"] == "Authorization"]
        assert auth == ["***"]
    # Both files describe the conversation as the client saw it, as browsers write HAR
    # files: what the client sent is "send" in the mock server's file too.
    for path in (server_file, client_file):
        messages = json.loads(Path(path).read_text())["log"]["entries"][0]["_webSocketMessages"]
        assert [(m["type"], m["opcode"], m["data"]) for m in messages] == [
            ("send", 1, "hello"),
            ("receive", 2, "ECA="),
        ]
