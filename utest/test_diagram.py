"""The SVG sequence diagram of a conversation, parsed back with lxml: arrows, lanes, labels,
kinds, escaping and size. Timings are measured and printed, never asserted."""

from __future__ import annotations

import random
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from robot.utils import compress_text

from RobotWebSocket.diagram import KINDS, Diagram, Event, binary_label, clean, columns, draw

SVG = "{http://www.w3.org/2000/svg}"
T0 = 1_760_000_000.0
CLIENT, SERVER = "library/client", "server"


def conversation(count: int = 12, label_length: int = 30) -> list[Event]:
    """``count`` events over two lanes, every kind among them, labels about
    ``label_length`` characters long."""
    kinds = ["sent", "received", "received", "auto", "ignored", "undecodable", "dropped"]
    events = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        outgoing = kind in ("sent", "auto")
        text = f'{{"n": {n}, "pad": "{"x" * label_length}"}}'[: max(label_length, 12)]
        events.append(
            Event(
                T0 + n * 0.013,
                CLIENT if outgoing else SERVER,
                SERVER if outgoing else CLIENT,
                text,
                kind,
            )
        )
    return events


def parse(diagram: Diagram) -> etree._Element:
    # Strict UTF-8: a lone surrogate that slipped through would fail here.
    return etree.fromstring(diagram.svg.encode("utf-8"))


def arrows(root: etree._Element) -> list[etree._Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class", "").split()[0] == "e"]


def kind_of(group: etree._Element) -> str:
    return group.get("class").split()[1].removeprefix("k-")


def label_of(group: etree._Element) -> str:
    """The label as shown, without the kind's tag."""
    text = group.findall(f"{SVG}text")[-1]
    tag = text.find(f"{SVG}tspan")
    return text.text or "" if tag is None else (tag.tail or "").removeprefix(" ")


def shaft(group: etree._Element) -> tuple[float, float, float]:
    """The arrow's line: x where it starts, x where it ends, y."""
    path = group.find(f"{SVG}path")
    start_x, y, end_x = re.fullmatch(r"M(-?[\d.]+) (-?[\d.]+)H(-?[\d.]+)", path.get("d")).groups()
    return float(start_x), float(end_x), float(y)


def lane_titles(root: etree._Element) -> list[str]:
    return [
        text.text or ""
        for text in root.iter(f"{SVG}text")
        if text.get("class") == "n" and text.get("style") is None
    ]


def lane_xs(root: etree._Element) -> list[float]:
    return [float(path.get("d")[1:].split()[0]) for path in root.iter(f"{SVG}path") if path.get("class") == "v"]  # fmt: skip


def test_one_arrow_per_event() -> None:
    events = conversation(12)
    root = parse(draw(events, [CLIENT, SERVER]))
    groups = arrows(root)
    assert len(groups) == 12
    for group in groups:
        shafts = [p for p in group.findall(f"{SVG}path") if p.get("class") is None]
        assert len(shafts) == 1


def test_arrows_are_in_time_order_from_top_to_bottom() -> None:
    events = conversation(30)
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    groups = arrows(parse(draw(shuffled, [CLIENT, SERVER])))
    ys = [shaft(g)[2] for g in groups]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    assert [label_of(g) for g in groups] == [clean(e.label, 48) for e in events]


def test_equal_times_keep_the_order_given() -> None:
    events = [Event(T0, CLIENT, SERVER, f"m{n}", "sent") for n in range(5)]
    groups = arrows(parse(draw(events, [CLIENT, SERVER])))
    assert [label_of(g) for g in groups] == ["m0", "m1", "m2", "m3", "m4"]


def test_times_are_relative_to_the_first_arrow_and_on_the_clock() -> None:
    events = [Event(T0 + 0.004, CLIENT, SERVER, "a", "sent"), Event(T0 + 1.5, SERVER, CLIENT, "b")]
    groups = arrows(parse(draw(events, [CLIENT, SERVER])))
    first, second = (time.strftime("%H:%M:%S", time.localtime(T0 + s)) for s in (0, 1))
    texts = [[t.text for t in g.findall(f"{SVG}text")][:2] for g in groups]
    assert texts == [[f"{first}.004", "+0.000 s"], [f"{second}.500", "+1.496 s"]]


@pytest.mark.parametrize(
    "lanes",
    [[CLIENT, SERVER], ["client", "mock"], ["alice", "server", "bob", "carol"]],
)
def test_a_lane_per_side_with_its_title(lanes: list[str]) -> None:
    events = [Event(T0 + n, lanes[0], lane, "x", "sent") for n, lane in enumerate(lanes[1:])]
    root = parse(draw(events, lanes))
    assert lane_titles(root) == lanes
    xs = lane_xs(root)
    assert len(xs) == len(lanes) and xs == sorted(xs)
    assert root.findtext(f"{SVG}desc").startswith(f"Lanes: {', '.join(lanes)}.")


def test_lanes_named_by_events_only_are_added_after_the_given_ones() -> None:
    events = [Event(T0, 0, "bob", "hi", "sent"), {"time": T0 + 1, "from_lane": "carol", "to_lane": 1, "label": "yo"}]  # fmt: skip
    root = parse(draw(events, ["alice", "server"]))
    assert lane_titles(root) == ["alice", "server", "bob", "carol"]
    first, second = arrows(root)
    xs = lane_xs(root)
    assert shaft(first)[0] == pytest.approx(xs[0] + 2) and shaft(first)[1] == pytest.approx(
        xs[2] - 2
    )
    assert shaft(second)[0] == pytest.approx(xs[3] - 2) and shaft(second)[1] == pytest.approx(
        xs[1] + 2
    )


def test_arrows_point_from_sender_to_receiver() -> None:
    events = [Event(T0, CLIENT, SERVER, "out", "sent"), Event(T0 + 1, SERVER, CLIENT, "in")]
    root = parse(draw(events, [CLIENT, SERVER]))
    left, right = lane_xs(root)
    out, back = arrows(root)
    assert left < shaft(out)[0] < shaft(out)[1] < right
    assert right > shaft(back)[0] > shaft(back)[1] > left
    # The head sits at the receiving end.
    head = back.find(f"{SVG}path[@class='h']").get("d")
    assert float(head[1:].split()[0]) == pytest.approx(shaft(back)[1])


def test_labels_are_shown_and_long_ones_cut() -> None:
    short = '{"type": "ack"}'
    long = '{"type": "price", "symbol": "ACME", "bid": 101.5, "ask": 101.7, "venue": "X"}'
    events = [Event(T0, SERVER, CLIENT, short), Event(T0 + 1, SERVER, CLIENT, long)]
    first, second = arrows(parse(draw(events, [CLIENT, SERVER], max_label=40)))
    assert label_of(first) == short
    assert label_of(second) == long[:39] + "…"
    assert columns(label_of(second)) == 40


def test_wide_characters_count_two_columns_and_combining_marks_do_not_stack() -> None:
    assert clean("价格" * 20, 10) == "价格价格…"
    assert columns(clean("价格" * 20, 10)) == 9
    zalgo = "Z" + "\u0301" * 50 + "ok"
    assert clean(zalgo, 40) == "Z\u0301\u0301ok"


def test_each_kind_has_its_own_colour_and_dash_and_marked_kinds_a_tag() -> None:
    style = parse(draw(conversation(1), [CLIENT, SERVER])).findtext(f"{SVG}style")
    colours = dict(re.findall(r"\.k-([a-z]+)\{color:(#[0-9a-f]{6})\}", style))
    dashes = dict(re.findall(r"\.k-([a-z]+)>path\{stroke-dasharray:([\d ]+)\}", style))
    assert set(colours) == set(KINDS)
    assert len(set(colours.values())) == len(KINDS)
    marked = set(KINDS) - {"sent", "received"}
    assert set(dashes) == marked and len(set(dashes.values())) == len(marked)
    events = [Event(T0 + n, CLIENT, SERVER, "m", kind) for n, kind in enumerate(KINDS)]
    for group in arrows(parse(draw(events, [CLIENT, SERVER]))):
        kind = kind_of(group)
        tag = group.find(f"{SVG}text/{SVG}tspan")
        assert (tag is None) == (kind in ("sent", "received"))
        if tag is not None:
            assert tag.text == kind


def test_the_legend_lists_the_kinds_drawn() -> None:
    events = [Event(T0, CLIENT, SERVER, "m", "sent"), Event(T0 + 1, SERVER, CLIENT, "m", "ignored")]
    root = parse(draw(events, [CLIENT, SERVER]))
    legend = [g for g in root.iter(f"{SVG}g") if g.get("class", "").startswith("g ")]
    assert [(kind_of(g), g.findtext(f"{SVG}text")) for g in legend] == [
        ("sent", "sent"),
        ("ignored", "ignored"),
    ]


def test_an_unknown_kind_is_drawn_as_other() -> None:
    (group,) = arrows(parse(draw([Event(T0, CLIENT, SERVER, "m", "teleported")])))
    assert kind_of(group) == "other"


def test_a_dropped_message_stops_short_at_a_cross() -> None:
    root = parse(draw([Event(T0, SERVER, CLIENT, "lost", "dropped")], [CLIENT, SERVER]))
    (group,) = arrows(root)
    left, right = lane_xs(root)
    start, end, _ = shaft(group)
    assert start == pytest.approx(right - 2) and left + 20 < end < right
    assert group.find(f"{SVG}path[@class='x']") is not None
    assert group.find(f"{SVG}path[@class='h']") is None


def test_a_note_on_one_lane_is_a_dot_and_a_label() -> None:
    root = parse(draw([Event(T0, SERVER, SERVER, "closed 1000")], [CLIENT, SERVER]))
    (group,) = arrows(root)
    assert group.find(f"{SVG}circle") is not None
    assert label_of(group) == "closed 1000"
    text_x = float(group.findall(f"{SVG}text")[-1].get("x"))
    assert float(root.get("width")) > text_x + columns("closed 1000") * 6.6


def test_mappings_are_events_too() -> None:
    items = [{"time": T0, "from_lane": "client", "to_lane": "mock", "label": "hi", "kind": "sent"}]
    root = parse(draw(items, ["client", "mock"]))
    assert [label_of(g) for g in arrows(root)] == ["hi"]


def test_no_events_draws_the_lanes() -> None:
    diagram = draw([], [CLIENT, SERVER])
    root = parse(diagram)
    assert arrows(root) == [] and lane_titles(root) == [CLIENT, SERVER]
    assert diagram.drawn == 0 and "0 messages" in diagram.text


def test_the_text_fallback_has_a_line_per_arrow_and_the_title_a_summary() -> None:
    diagram = draw(conversation(7), [CLIENT, SERVER], title="Conversation of ws://x/orders")
    summary, *lines = diagram.text.splitlines()
    assert len(lines) == 7
    assert lines[3].endswith(': [auto] {"n": 3, "pad": "xxxxxxxxxxxxx')
    assert " library/client -> server: " in lines[0]
    root = parse(diagram)
    assert root.findtext(f"{SVG}title") == summary
    assert summary.startswith("Conversation of ws://x/orders: 7 messages, ")
    assert "1 ignored" in summary and "1 dropped" in summary


def test_binary_label() -> None:
    assert binary_label(b"\x00\x01\xff") == "3 B: 00 01 ff"
    assert binary_label(bytes(100), 12) == "100 B: 00 00 00 00…"


HOSTILE = [
    "<script>alert(1)</script>",
    "</text></svg><script>alert(document.cookie)</script>",
    "a & b &amp; &#x3c; &lt;",
    "\"quoted\" 'single' `back`",
    "]]><!-- -->",
    "nul\x00 esc\x1b[31m bell\x07 del\x7f c1\x85",
    "lone \ud800 surrogate \udfff and \ufffe\uffff",
    "bidi \u202eevil\u202c \u2066x\u2069",
    "line\nbreak\r\ttab",
    "ünïcödé 价格 😀 ‮",
    "x" * 100_000,
]


@pytest.mark.parametrize("label", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_labels_are_text_not_markup(label: str) -> None:
    events = [Event(T0, SERVER, CLIENT, label), Event(T0 + 1, CLIENT, SERVER, label, "auto")]
    diagram = draw(events, [label, "server"], title=label)
    root = parse(diagram)
    assert "<script" not in diagram.svg.lower()
    assert [child.tag.removeprefix(SVG) for child in root.iter() if isinstance(child.tag, str)] and not root.findall(f".//{SVG}script")  # fmt: skip
    assert {el.tag.removeprefix(SVG) for el in root.iter()} <= {"svg", "title", "desc", "style", "rect", "text", "tspan", "g", "path", "circle"}  # fmt: skip
    assert not any(key.startswith("on") for el in root.iter() for key in el.attrib)
    for group in arrows(root):
        shown = label_of(group)
        assert columns(shown) <= 48
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown)  # fmt: skip
    if label.startswith("<script>"):
        assert label_of(arrows(root)[0]) == label
    assert len(diagram.svg) < 6000


@settings(max_examples=200, deadline=None)
@given(
    labels=st.lists(st.text(alphabet=st.characters(exclude_categories=())), max_size=8),
    title=st.text(alphabet=st.characters(exclude_categories=())),
)
def test_arbitrary_text_never_breaks_the_xml(labels: list[str], title: str) -> None:
    events = [Event(T0 + n, n % 3, (n + 1) % 3, label) for n, label in enumerate(labels)]
    diagram = draw(events, [title, "b", "c"], title=title, max_label=20)
    root = parse(diagram)
    groups = arrows(root)
    assert len(groups) == len(labels)
    for group in groups:
        assert columns(label_of(group)) <= 20
    assert not root.findall(f".//{SVG}script")


def test_at_most_max_events_are_drawn_the_newest() -> None:
    events = conversation(1500)
    diagram = draw(events, [CLIENT, SERVER], max_events=1000)
    groups = arrows(parse(diagram))
    assert (len(groups), diagram.drawn, diagram.omitted) == (1000, 1000, 500)
    assert label_of(groups[-1]) == clean(events[-1].label, 48)
    assert "; 500 earlier not drawn" in diagram.text.splitlines()[0]


def test_size_and_time_of_10_and_1000_events(capsys: pytest.CaptureFixture[str]) -> None:
    sizes = {}
    for count in (10, 1000):
        events = conversation(count, label_length=200)
        start = time.perf_counter()
        diagram = draw(events, [CLIENT, SERVER])
        elapsed = time.perf_counter() - start
        raw = len(diagram.svg.encode("utf-8"))
        # Robot keeps a long log message zlib-compressed and base64-encoded in log.html.
        in_log = len(compress_text(diagram.svg))
        sizes[count] = (raw, in_log)
        with capsys.disabled():
            print(
                f"\ndiagram of {count} events: {raw} bytes of SVG, {in_log} bytes in "
                f"log.html, drawn in {elapsed * 1000:.1f} ms"
            )
        assert len(arrows(parse(diagram))) == count
    # A failing keyword's diagram of ~10 messages adds a few KB to log.html at most.
    assert sizes[10][0] < 6000 and sizes[10][1] < 3000
    # Labels are cut, so each arrow costs a bounded number of bytes.
    assert sizes[1000][0] < 1000 * 400
