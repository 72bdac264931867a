"""How messages read in log.html."""

from __future__ import annotations

import json

from RobotWebSocket.formatting import PRETTY_FROM, html_table, render
from RobotWebSocket.history import Message


def message(data: str | bytes, seq: int = 1) -> Message:
    return Message(seq, 0.0, data)


def test_a_short_message_is_shown_as_it_came() -> None:
    text = '{"n":1,  "ok":true}'
    assert render(message(text), 1000) == text


def test_a_long_json_message_is_pretty_printed() -> None:
    doc = {
        "id": "order-1",
        "status": "FILLED",
        "fills": [{"qty": n, "px": 100 + n} for n in range(5)],
    }
    text = json.dumps(doc, separators=(",", ":"))
    assert len(text) > PRETTY_FROM
    shown = render(message(text), 10_000)
    assert shown == json.dumps(doc, indent=2)


def test_a_long_xml_message_is_indented() -> None:
    text = (
        "<orders>"
        + "".join(f'<order id="{n}"><qty>{n}</qty></order>' for n in range(5))
        + "</orders>"
    )
    assert len(text) > PRETTY_FROM
    shown = render(message(text), 10_000)
    assert shown.splitlines()[1] == '  <order id="0">'


def test_a_long_text_message_is_cut_with_a_marker() -> None:
    shown = render(message("y" * 500), 100)
    assert shown == "y" * 100 + "... [cut: 400 more characters]"


def test_the_table_masks_before_it_escapes() -> None:
    secret = "a&b<c>'d"
    table = html_table(
        [("sent", message(f"token {secret}"))],
        1000,
        title=f"Sent {secret}",
        mask=lambda text: text.replace(secret, "***"),
    )
    assert "token ***" in table and "Sent ***" in table
    assert "a&amp;b" not in table and "&lt;c&gt;" not in table
