"""A conversation as an inline SVG sequence diagram, for log.html. Pure: no asyncio, no Robot.

A lane per side (``library/client`` and ``server`` for a client connection, ``client`` and
``mock`` for a mock server's client, or any number of lanes for several connections), and
an arrow per message in time order, top to bottom, with its clock time and its time since
the first arrow. The caller gives each arrow's label (the message, or a JSONPath value);
labels are cut at ``max_label`` columns and drawn as untrusted text: every character is
escaped, control and bidirectional-override characters are shown as ``\\xNN``/``\\uNNNN``
and long runs of combining marks are dropped, so no label can break the markup, run into a
neighbouring row or hide itself.

Kinds other than ``sent`` and ``received`` are drawn distinctly twice over, so a reader
without colour tells them apart too: each has its own colour *and* dash pattern, and its
label starts with the kind's name; a dropped message's arrow stops short at a cross. A
legend lists the kinds drawn.

The markup is small (one ``<style>`` block, classes, no markers or ids, so that several
diagrams in one log.html cannot refer to each other's parts) and has no script. Robot's
log.html may be in dark mode: the diagram paints its own white background.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Kinds of arrows, and what each means. ``auto`` is what the library sent by itself (a rule's
#: reply, a heartbeat, a protocol's keep-alive); ``ignored`` arrived and `Ignore Messages`
#: kept it out of the history; ``dropped`` was lost (the history was full, or a side dropped
#: it); ``undecodable`` arrived but its protocol codec could not decode it; ``replaced`` is
#: shown in place of what was on the wire (masked, or rewritten). Any other kind is drawn as
#: ``other``.
KINDS = ("sent", "received", "auto", "ignored", "dropped", "undecodable", "replaced", "other")

# kind: (colour, dash pattern or "", tag written before the label)
_LOOK = {
    "sent": ("#1558b0", "", ""),
    "received": ("#1b7a30", "", ""),
    "auto": ("#7b1fa2", "7 3", "auto"),
    "ignored": ("#6b6b6b", "2 3", "ignored"),
    "dropped": ("#c62828", "9 3 2 3", "dropped"),
    "undecodable": ("#c25e00", "4 2", "undecodable"),
    "replaced": ("#00707a", "12 4", "replaced"),
    "other": ("#444444", "1 4", "other"),
}

_STYLE = (
    ".rws-sd text{font:11px 'DejaVu Sans Mono',Menlo,Consolas,monospace;fill:#1a1a1a;"
    "white-space:pre}"
    ".rws-sd .n{font:bold 12px 'DejaVu Sans',Arial,sans-serif;text-anchor:middle}"
    ".rws-sd .c{font-size:10px;fill:#6b6b6b}"
    ".rws-sd .b{fill:#f1f4f8;stroke:#8a97a8}"
    ".rws-sd .v{stroke:#b7bfca;stroke-dasharray:4 4}"
    # A white halo keeps a lifeline that crosses a label from striking it through.
    ".rws-sd .e>text:last-child{text-anchor:middle;paint-order:stroke;stroke:#fff;"
    "stroke-width:3px}"
    ".rws-sd .e>path,.rws-sd .g>path{fill:none;stroke:currentColor;stroke-width:1.6}"
    ".rws-sd .e>path.x{stroke-dasharray:none;stroke-width:2}"
    ".rws-sd .e>.h{fill:currentColor;stroke:none}"
    ".rws-sd .t{fill:currentColor;font-style:italic}"
    + "".join(
        f".rws-sd .k-{kind}{{color:{colour}}}"
        + (f".rws-sd .k-{kind}>path{{stroke-dasharray:{dash}}}" if dash else "")
        for kind, (colour, dash, _) in _LOOK.items()
    )
    + ".rws-sd .k-ignored text{fill:#6b6b6b}"
)

# Geometry, in pixels. Labels use a monospace font, so a label of n columns is n * _COL wide.
_COL = 6.6
_TITLE_COL = 7.6
_ROW = 28
_PAD = 8
_MIN_GAP = 120
_TOP = 24

_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES: dict[int, str] = {9: "\\t", 10: "\\n", 13: "\\r"}
for _code in [*range(0x20), *range(0x7F, 0xA0)]:
    _ESCAPES.setdefault(_code, f"\\x{_code:02x}")
for _code in [*range(0xD800, 0xE000), 0xFFFE, 0xFFFF, *_BIDI]:
    _ESCAPES[_code] = f"\\u{_code:04x}"
_XML = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;"}


@dataclass(frozen=True)
class Event:
    """One arrow: at epoch ``time`` from lane ``from_lane`` to lane ``to_lane`` (a lane's
    title or index; the same lane for a note on it, such as a close), ``label`` and ``kind``."""

    time: float
    from_lane: str | int
    to_lane: str | int
    label: str
    kind: str = "received"


@dataclass(frozen=True)
class Diagram:
    """What :func:`draw` returns: the ``svg`` markup, its plain-text fallback ``text`` (one
    line per arrow), how many events were ``drawn`` and how many earlier ones were ``omitted``."""

    svg: str
    text: str
    drawn: int
    omitted: int


def _width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def clean(text: Any, max_columns: int) -> str:
    """``text`` made safe to show and cut at ``max_columns`` columns (wide characters count
    two) with ``…`` (not yet XML-escaped)."""
    text = text if isinstance(text, str) else str(text)
    # The slice bounds the work on a huge label; escapes only lengthen what is kept.
    sliced = len(text) > max_columns * 3
    kept: list[str] = []
    widths: list[int] = []
    marks = 0
    for char in text[: max_columns * 3].translate(_ESCAPES):
        width = _width(char) if char > "\x7f" else 1
        if width == 0:
            # A few combining marks make an accent; dozens stack into the rows above.
            marks += 1
            if marks > 2:
                continue
        else:
            marks = 0
        kept.append(char)
        widths.append(width)
    if not sliced and sum(widths) <= max_columns:
        return "".join(kept)
    used = 0
    for n, width in enumerate(widths):
        if used + width > max_columns - 1:
            return "".join(kept[:n]) + "…"
        used += width
    return "".join(kept) + "…"


def columns(text: str) -> int:
    """The width of ``text`` in monospace columns."""
    return sum(_width(char) if char > "\x7f" else 1 for char in text)


def binary_label(data: bytes, max_columns: int = 48) -> str:
    """A label for binary data: its size and first bytes in hex."""
    head = data[: max(1, max_columns // 3)].hex(" ")
    more = "…" if len(data) > max(1, max_columns // 3) else ""
    return f"{len(data)} B: {head}{more}"


def _xml(text: str) -> str:
    return text.translate(_XML)


def _clock(epoch: float) -> str:
    """Local clock time to the millisecond, as Robot's log shows times."""
    whole, millis = divmod(round(epoch * 1000), 1000)
    return time.strftime("%H:%M:%S", time.localtime(whole)) + f".{millis:03d}"


def _event(item: Event | Mapping[str, Any]) -> Event:
    if isinstance(item, Event):
        return item
    return Event(
        float(item["time"]),
        item.get("from_lane", 0),
        item.get("to_lane", 1),
        item.get("label", ""),
        item.get("kind", "received"),
    )


def draw(
    events: Iterable[Event | Mapping[str, Any]],
    lanes: Sequence[str] = (),
    *,
    title: str = "Conversation",
    max_label: int = 48,
    max_events: int = 1000,
) -> Diagram:
    """Draws ``events`` (:class:`Event` or mappings with the same keys) as an SVG sequence
    diagram.

    ``lanes`` are the lanes' titles, left to right; a lane an event names that is not among
    them is added after them. Events are drawn in time order (equal times in the order
    given); only the last ``max_events`` are drawn, and the diagram says how many were left
    out. Labels are cut at ``max_label`` columns.
    """
    max_label = max(8, int(max_label))
    ordered = sorted((_event(item) for item in events), key=lambda e: e.time)
    omitted = max(0, len(ordered) - max(1, max_events))
    ordered = ordered[omitted:]

    titles = [str(lane) for lane in lanes]
    index = {name: i for i, name in enumerate(titles)}

    def lane(ref: str | int) -> int:
        if isinstance(ref, int) and not isinstance(ref, bool) and 0 <= ref < len(titles):
            return ref
        name = str(ref)
        if name not in index:
            index[name] = len(titles)
            titles.append(name)
        return index[name]

    rows = []
    for event in ordered:
        kind = event.kind if event.kind in _LOOK else "other"
        tag = _LOOK[kind][2]
        label = clean(event.label, max_label)
        rows.append((event, lane(event.from_lane), lane(event.to_lane), kind, tag, label))
    if len(titles) < 2:
        titles.extend(["", ""][len(titles) :])
    shown_titles = [clean(name, 28) for name in titles]

    # The gap between lanes fits the widest label over the lanes its arrow spans.
    gap = float(_MIN_GAP)
    for _, a, b, _, tag, label in rows:
        wide = (columns(label) + (len(tag) + 1 if tag else 0)) * _COL + 4 * _PAD
        gap = max(gap, wide / max(1, abs(a - b)))
    gap = max(gap, max(columns(name) for name in shown_titles) * _TITLE_COL + 2 * _PAD)
    t0 = ordered[0].time if ordered else 0.0
    relative = [f"+{event.time - t0:.3f} s" for event, *_ in rows]
    time_col = max([len("12:00:00.000"), *map(len, relative)]) * _COL + 2 * _PAD
    box_ws = [max(40, columns(name) * _TITLE_COL + 16) for name in shown_titles]
    first_x = time_col + box_ws[0] / 2 + _PAD
    xs = [first_x + i * gap for i in range(len(titles))]
    # Room on the right for the last lane's title and for notes on it.
    right = max(
        [box_ws[-1] / 2]
        + [(columns(row[5]) + len(row[4]) + 2) * _COL + 8 for row in rows if row[1] == row[2]]
    )
    width = round(xs[-1] + right + _PAD)
    kinds_drawn = [kind for kind in _LOOK if any(row[3] == kind for row in rows)]

    # The header: the caption, the legend (wrapped to the width), the lane titles.
    out: list[str] = []
    heading = clean(title, 80)
    caption = f"{len(rows)} messages"
    if rows:
        span = rows[-1][0].time - t0
        caption += f", {_clock(t0)} to {_clock(rows[-1][0].time)} ({span:.3f} s)"
    if omitted:
        caption += f"; {omitted} earlier not drawn"
    # Wide enough for the caption, and for the legend on one line unless that is very wide.
    legend_width = sum(46 + len(kind) * _COL for kind in kinds_drawn) + _PAD
    width = max(
        width,
        round((max(columns(heading), len(caption)) + 1) * _COL + 2 * _PAD),
        round(legend_width) if legend_width < 720 else 0,
    )
    out.append(
        f'<text class="n" style="text-anchor:start" x="{_PAD}" y="14">{_xml(heading)}</text>'
        f'<text x="{_PAD}" y="30">{caption}</text>'
    )
    x, y = float(_PAD), 50
    for kind in kinds_drawn:
        item = (32 + len(kind) * _COL) + 14
        if x + item > width and x > _PAD:
            x, y = float(_PAD), y + 16
        out.append(
            f'<g class="g k-{kind}"><path d="M{x:.0f} {y - 4}h26"/>'
            f'<text class="t" x="{x + 32:.0f}" y="{y}">{kind}</text></g>'
        )
        x += item
    top = y + 14
    box_h = 22
    for lane_x, name, box_w in zip(xs, shown_titles, box_ws, strict=True):
        out.append(
            f'<rect class="b" x="{lane_x - box_w / 2:.0f}" y="{top}" width="{box_w:.0f}" '
            f'height="{box_h}" rx="3"/><text class="n" x="{lane_x:.0f}" y="{top + 15}">'
            f"{_xml(name)}</text>"
        )
    first_row = top + box_h + 6
    height = first_row + len(rows) * _ROW + 8
    for lane_x in xs:
        out.append(f'<path class="v" d="M{lane_x:.0f} {top + box_h}V{height - 4}"/>')

    lines = []
    for i, (event, a, b, kind, tag, label) in enumerate(rows):
        row_top = first_row + i * _ROW
        label_y, arrow_y = row_top + 12, row_top + 19
        xa, xb = xs[a], xs[b]
        shown = f'<tspan class="t">{tag}</tspan> {_xml(label)}' if tag else _xml(label)
        if a == b:
            # A note on one lane (a close, say): a dot, the label to its right.
            parts = (
                f'<circle class="h" cx="{xa:.0f}" cy="{arrow_y}" r="4"/>'
                f'<text style="text-anchor:start" x="{xa + 8:.0f}" y="{arrow_y + 4}">{shown}</text>'
            )
        else:
            step = 1 if xb > xa else -1
            end = xb - step * 2
            if kind == "dropped":
                # Lost on the way: the arrow stops short, at a cross.
                end = xa + (xb - xa) * 0.8
                head = f'<path class="x" d="M{end - 5:.0f} {arrow_y - 5}l10 10m0-10l-10 10"/>'
            else:
                head = f'<path class="h" d="M{end:.0f} {arrow_y}l{-step * 9} -4v8z"/>'
            parts = (
                f'<path d="M{xa + step * 2:.0f} {arrow_y}H{end:.0f}"/>{head}'
                f'<text x="{(xa + xb) / 2:.0f}" y="{label_y}">{shown}</text>'
            )
        out.append(
            f'<g class="e k-{kind}"><text class="c" x="{_PAD}" y="{label_y}">'
            f'{_clock(event.time)}</text><text x="{_PAD}" y="{arrow_y + 4}">'
            f"{relative[i]}</text>{parts}</g>"
        )
        route = shown_titles[a] + (f" -> {shown_titles[b]}" if a != b else "")
        lines.append(
            f"{_clock(event.time)} {relative[i]} {route}: {f'[{tag}] ' if tag else ''}{label}"
        )

    counts = ", ".join(f"{sum(1 for row in rows if row[3] == kind)} {kind}" for kind in kinds_drawn)
    summary = f"{heading}: {caption}" + (f" ({counts})" if counts else "")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rws-sd" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>{_xml(summary)}</title>"
        f"<desc>Lanes: {_xml(', '.join(shown_titles))}. One arrow per message, "
        f"oldest at the top.</desc><style>{_STYLE}</style>"
        f'<rect width="100%" height="100%" fill="#fff"/>' + "".join(out) + "</svg>"
    )
    return Diagram(svg, "\n".join([summary, *lines]), len(rows), omitted)
