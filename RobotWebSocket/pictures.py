"""What a conversation picture shows: connections' messages as the arrows of
:mod:`.diagram`. Pure: no asyncio, no Robot.

A side of a connection is a lane. A library client's lanes are its name and its server
(``ws://host:port``, shared by every connection to that server); a mock server's client's
are the client (its name) and the mock server (its alias). Sent messages go from the
library's side to the peer, received ones back; what the library sent by itself, what rules
ignored and what a protocol consumed (a connection's ``wire_log``) are drawn with their own
kinds, and a received message whose codec could not decode it as ``undecodable``. Messages
the history dropped are one note at the top.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .diagram import Diagram, Event, binary_label, draw
from .extraction import Expression, message_matches
from .history import Message

#: ``wire_log`` marks as diagram kinds.
_KIND_OF_MARK = {"auto": "auto", "ignored": "ignored", "protocol": "auto"}


@dataclass
class Side:
    """One connection's messages, read on the loop, and the lanes it is drawn between."""

    name: str
    #: The library's lane (the connection's name, or a mock server's alias) and the peer's.
    ours: str
    theirs: str
    sent: Sequence[Message] = ()
    received: Sequence[Message] = ()
    marked: Sequence[tuple[str, Message, str]] = ()
    dropped: int = 0
    #: Lanes in the order they should appear, left to right.
    lanes: list[str] = field(default_factory=list)


def lanes_of(name: str, url: str, server_alias: str | None) -> tuple[str, str]:
    """(our lane, their lane): a mock server's client is drawn between the client and the
    mock server; a library client between itself and its server's origin."""
    if server_alias is not None:
        return server_alias, name
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else url
    return name, origin


def label_of(message: Message, label: Expression | None) -> str:
    """The arrow's label: the first value ``label`` finds, else the message itself."""
    if label is not None:
        try:
            values = message_matches(label, message, True)
        except Exception:  # noqa: BLE001 - a label is a picture's caption, never a failure
            values = []
        if values:
            value = values[0]
            return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if isinstance(message.data, bytes):
        return binary_label(message.data)
    return message.data


def _received_kind(message: Message) -> str:
    document = message.document
    if isinstance(document, dict) and document.get("type") == "undecodable":
        return "undecodable"
    return "received"


def events_of(side: Side, label: Expression | None = None) -> list[Event]:
    """The arrows of one connection's conversation."""
    ours, theirs = side.ours, side.theirs
    events = [Event(m.time, ours, theirs, label_of(m, label), "sent") for m in side.sent]
    events.extend(
        Event(m.time, theirs, ours, label_of(m, label), _received_kind(m)) for m in side.received
    )
    for direction, message, mark in side.marked:
        start, end = (ours, theirs) if direction == "send" else (theirs, ours)
        kind = _KIND_OF_MARK.get(mark, "other")
        events.append(Event(message.time, start, end, label_of(message, label), kind))
    return events


def picture(
    sides: Sequence[Side],
    last: int,
    label: Expression | None = None,
    title: str = "",
    mask: Callable[[str], str] = str,
) -> Diagram:
    """The diagram of the newest ``last`` messages of ``sides``, merged by time; ``mask``
    is applied to every text drawn (labels, lanes, the title), so that no secret is."""
    events: list[Event] = []
    lanes: list[str] = []
    for side in sides:
        events.extend(events_of(side, label))
        for lane in (side.theirs, side.ours) if _is_mock(side) else (side.ours, side.theirs):
            if lane not in lanes:
                lanes.append(lane)
    events = [
        Event(e.time, mask(str(e.from_lane)), mask(str(e.to_lane)), mask(e.label), e.kind)
        for e in events
    ]
    lanes = [mask(lane) for lane in lanes]
    events.sort(key=lambda event: event.time)
    shown = events[-last:] if last else []
    dropped = sum(side.dropped for side in sides)
    left_out = len(events) - len(shown)
    if dropped and shown:
        first = shown[0].time
        note_lane = mask(sides[0].ours)
        shown.insert(
            0,
            Event(
                first,
                note_lane,
                note_lane,
                f"{dropped} older message(s) were dropped from the history",
                "dropped",
            ),
        )
    names = ", ".join(f"'{mask(side.name)}'" for side in sides)
    heading = title or (
        f"Conversation of {names}: the newest {len(shown) - (1 if dropped and shown else 0)}"
        f" message(s)" + (f" ({left_out} earlier not drawn)" if left_out else "")
    )
    return draw(shown, lanes, title=heading, max_events=max(last + 1, 1))


def _is_mock(side: Side) -> bool:
    # A mock server's client: the client's lane on the left, as in a library client's
    # picture, where the client is the library.
    return side.theirs == side.name


def window_picture(
    side: Side,
    window: Sequence[Message],
    label: Expression | None,
    mask: Callable[[str], str] = str,
) -> Diagram:
    """The picture of a failed wait: the messages it examined, and what was sent among
    them."""
    if not window:
        return picture([side], 0, label, title="No message was examined", mask=mask)
    start, end = window[0].time, window[-1].time
    focused = Side(
        side.name,
        side.ours,
        side.theirs,
        sent=[m for m in side.sent if start <= m.time <= end],
        received=list(window),
        marked=[item for item in side.marked if start <= item[1].time <= end],
    )
    count = len(focused.sent) + len(focused.received) + len(focused.marked)
    return picture(
        [focused],
        count,
        label,
        title=f"The {len(window)} message(s) examined, as a picture",
        mask=mask,
    )
