"""Every keyword, called with a wrong-typed or out-of-range value in each argument, fails
with a RobotWebSocket error that says what is wrong, never with a Python error
(``TypeError``, ``AttributeError``, ``OverflowError``...) from deep inside.

The calls are made from Python, past Robot's argument conversion, so they also cover what a
Python caller (or a listener, or a benchmark) can pass.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from robot.libdocpkg import LibraryDocumentation

from RobotWebSocket import RobotWebSocket
from RobotWebSocket.errors import WebSocketError

JUNK: list[Any] = [
    None,
    0,
    -1,
    10**30,
    1.5,
    math.nan,
    math.inf,
    True,
    "",
    "junk",
    "x" * 5000,
    b"\xff\x00",
    [],
    ["a", 1],
    {},
    {"k": [1]},
]

KEYWORDS = {
    kw.name.lower().replace(" ", "_"): [
        arg.name for arg in kw.args if arg.name and arg.kind not in ("VAR_POSITIONAL", "VAR_NAMED")
    ]
    for kw in LibraryDocumentation("RobotWebSocket").keywords
}

_names = (f"fuzz{n}" for n in itertools.count())
CHROME_HAR = Path(__file__).resolve().parents[1] / "atest" / "resources" / "har" / "chrome_echo.har"


class Context:
    """Valid values for every argument; each keyword's own in :meth:`base`."""

    def __init__(self, lib: RobotWebSocket, url: str, tmp: Path) -> None:
        self.lib, self.url, self.tmp = lib, url, tmp
        self.mock_url = ""
        self.conn = lib.connect(url, alias="fuzz-main")
        lib.send(self.conn, '{"a": 1}')
        lib.receive(self.conn)

    def fresh_connection(self) -> str:
        return self.lib.connect(self.url, alias=next(_names))

    def waiting_client(self) -> str:
        self.lib.connect(self.mock_url, alias=next(_names))
        return "fuzz-mock"

    def closed_connection(self) -> str:
        name = self.fresh_connection()
        self.lib.disconnect(name)
        return name

    def fresh_server(self) -> str:
        alias = next(_names)
        self.lib.start_mock_server(alias=alias)
        return alias

    def fresh_proxy(self) -> str:
        alias = next(_names)
        self.lib.start_proxy(self.url, alias=alias)
        return alias

    def base(self, keyword: str) -> dict[str, Any]:
        c = self.conn
        table: dict[str, Callable[[], dict[str, Any]]] = {
            "add_fault": lambda: {"connection": "fuzz-proxy", "action": "drop"},
            "pause_proxy": lambda: {"connection": "fuzz-proxy"},
            "replay_conversation": lambda: {
                "path": str(CHROME_HAR),
                "connection": self.fresh_connection(),
                "ignore": "$.ts",
                "timeout": 2,
            },
            "resume_proxy": lambda: {"connection": "fuzz-proxy"},
            "start_proxy": lambda: {"upstream": self.url, "alias": next(_names)},
            "stop_proxy": lambda: {"proxy": self.fresh_proxy()},
            "clear_messages": lambda: {"connection": c},
            "connect": lambda: {"url": self.url, "alias": next(_names), "timeout": 2},
            "disconnect": lambda: {"connection": self.fresh_connection()},
            "disconnect_all": lambda: {"timeout": 2},
            "get_connection_info": lambda: {"connection": c},
            "get_contract_coverage": lambda: {"connection": c},
            "get_message_count": lambda: {"connection": c, "timeout": 0},
            "log_conversation": lambda: {"connection": c},
            "ignore_messages": lambda: {"connection": "fuzz-rules", "expression": "$.a"},
            "receive": lambda: {"connection": c, "timeout": 0},
            "receive_until": lambda: {
                "connection": c,
                "expression": "$.a",
                "assertion_operator": "==",
                "expected": "1",
                "max_iterations": 1,
                "interval": 0,
            },
            "remove_message_rules": lambda: {"connection": "fuzz-rules"},
            "reply_to_messages": lambda: {
                "connection": "fuzz-rules",
                "expression": "$.a",
                "reply": "r",
            },
            "request_header_should_be": lambda: {
                "connection": c,
                "name": "Host",
                "assertion_operator": "contains",
                "expected": "127",
            },
            "request": lambda: {"connection": c, "message": "{}", "timeout": 0},
            "save_conversation": lambda: {"connection": c, "path": str(self.tmp / "c.har")},
            "send": lambda: {"connection": c, "message": "x", "timeout": 2},
            "send_and_receive": lambda: {"connection": c, "message": '{"a": 1}', "timeout": 2},
            "send_ping": lambda: {"connection": c, "timeout": 2},
            "set_assertion_formatters": lambda: {"formatters": []},
            "should_be_valid_json": lambda: {"value": '{"a": 1}'},
            "should_be_valid_xml": lambda: {"value": "<a/>"},
            "should_not_receive": lambda: {"connection": c, "within": 0},
            "start_heartbeat": lambda: {
                "connection": "fuzz-rules",
                "message": "hb",
                "interval": 100,
            },
            "start_mock_server": lambda: {"alias": next(_names)},
            "stop_mock_server": lambda: {"server": self.fresh_server()},
            "validate_messages": lambda: {"connection": c},
            # A client waiting to be returned, and a closed connection: a valid call returns
            # at once, so a junk timeout that is valid (1.5, True) costs no wait.
            "wait_for_client": lambda: {"server": self.waiting_client(), "timeout": 0},
            "wait_until_closed": lambda: {"connection": self.closed_connection(), "timeout": 0},
        }
        return table[keyword]()


@pytest.fixture(scope="module")
def context(server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    # A junk path such as "junk" is a valid file name: it is written in a folder of the test.
    tmp = tmp_path_factory.mktemp("fuzz")
    here = os.getcwd()
    os.chdir(tmp)
    lib = RobotWebSocket(timeout=2)
    try:
        mock_url = lib.start_mock_server(alias="fuzz-mock")
        lib.start_proxy(server.url("/echo"), alias="fuzz-proxy")
        context = Context(lib, server.url("/echo"), tmp)
        context.mock_url = mock_url
        yield context
    finally:
        lib.close()
        os.chdir(here)


def test_every_keyword_has_valid_base_arguments(context: Context) -> None:
    for keyword in KEYWORDS:
        assert set(context.base(keyword)) <= set(KEYWORDS[keyword]), keyword


CASES = [
    (keyword, argument)
    for keyword, arguments in sorted(KEYWORDS.items())
    if keyword != "disconnect_all"
    for argument in arguments
]


@pytest.mark.parametrize(("keyword", "argument"), CASES)
def test_a_wrong_value_gives_a_library_error(context: Context, keyword: str, argument: str) -> None:
    method = getattr(context.lib, keyword)
    for value in JUNK:
        arguments = {**context.base(keyword), argument: value}
        try:
            method(**arguments)
        except WebSocketError as error:
            assert str(error), (keyword, argument, value)
        except Exception as error:  # noqa: BLE001 - what this test is for
            pytest.fail(
                f"{keyword}({argument}={value!r:.60}) raised {type(error).__name__}: {error}"
            )
        finally:
            context.lib.remove_message_rules("fuzz-rules")


def test_disconnect_all_with_a_wrong_timeout(context: Context) -> None:
    for value in JUNK:
        try:
            context.lib.disconnect_all(timeout=value)
        except WebSocketError:
            pass
