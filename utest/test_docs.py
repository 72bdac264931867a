"""Keyword documentation is the user manual: every keyword has a summary, names each of its
arguments, and has an example table; the committed HTML matches the code."""

import inspect
import json
import re
import sys
from pathlib import Path

import pytest
from robot.libdoc import LibraryDocumentation

from RobotWebSocket import RobotWebSocket

ROOT = Path(__file__).resolve().parents[1]
DOC = LibraryDocumentation("RobotWebSocket")
KEYWORDS = {kw.name: kw for kw in DOC.keywords}
LIBRARY = RobotWebSocket()


def test_the_contract_keywords_exist():
    # The keywords of every capability; each capability adds its own.
    assert set(KEYWORDS) >= {
        "Connect",
        "Disconnect",
        "Disconnect All",
        "Wait Until Closed",
        "Get Connection Info",
        "Send",
        "Receive",
        "Send And Receive",
        "Receive Until",
        "Should Not Receive",
        "Get Message Count",
        "Clear Messages",
        "Should Be Valid Json",
        "Should Be Valid Xml",
        "Set Assertion Formatters",  # added, as in Browser library
        "Ignore Messages",
        "Reply To Messages",
        "Start Heartbeat",
        "Remove Message Rules",
        "Send Ping",
        "Request",
        "Start Mock Server",
        "Wait For Client",
        "Stop Mock Server",
        "Save Conversation",
        "Log Conversation",
        "Start Proxy",
        "Stop Proxy",
        "Add Fault",
        "Pause Proxy",
        "Resume Proxy",
        "Replay Conversation",
        "Validate Messages",
        "Get Contract Coverage",
    }


@pytest.mark.parametrize("name", sorted(KEYWORDS))
def test_every_keyword_has_summary_arguments_and_example(name):
    keyword = KEYWORDS[name]
    assert keyword.short_doc and keyword.short_doc.endswith("."), name
    assert "Example:" in keyword.doc, f"{name} has no example table"
    assert re.search(r"^\| ", keyword.doc.split("Example:", 1)[1], re.M), name
    method = getattr(LIBRARY, name.lower().replace(" ", "_"))
    for argument in inspect.signature(method).parameters:
        assert f"``{argument}``" in keyword.doc, f"{name} does not document '{argument}'"


def test_library_doc_has_the_sections():
    for section in (
        "Connections",
        "Sending",
        "The message history",
        "Extractions",
        "Assertions",
        "Waiting and timeouts",
        "Flow control",
        "Logging and secrets",
        "TLS",
        "Running in parallel",
        "Examples",
    ):
        assert f"= {section} =" in DOC.doc, section
    # Robot Framework 7.0 and 7.1 expand %TOC% into the list of sections when they read it.
    assert "%TOC%" in DOC.doc or "- `Connections`\n- `Sending`" in DOC.doc


@pytest.mark.skipif(
    sys.version_info < (3, 11),
    reason="Python 3.10 reads an argument defaulting to None as Optional, so libdoc shows "
    "'Any | None' where 3.11 and newer, which write the committed file, show 'Any'",
)
def test_committed_html_matches_the_code():
    html = (ROOT / "docs" / "RobotWebSocket.html").read_text(encoding="utf-8")
    match = re.search(r"^libdoc = (\{.*\});?\s*$", html, re.M)
    assert match, "docs/RobotWebSocket.html is not a libdoc file"
    committed = json.loads(match.group(1))
    current = LibraryDocumentation("RobotWebSocket")
    current.convert_docs_to_html()
    now = json.loads(current.to_json())
    key = lambda spec: sorted((k["name"], k["doc"], str(k["args"])) for k in spec["keywords"])  # noqa: E731
    assert key(committed) == key(now), "regenerate the docs: tox -e docs"
