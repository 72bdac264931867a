"""Recorded conversations, read back: what `Replay Conversation` sends and compares, and
what a replaying mock server sends its clients. Pure: no asyncio, no robot.

A recording is a HAR file's first WebSocket entry (``_webSocketMessages``, as Chrome and
`Save Conversation` write it), seen from its client: ``send`` messages are the client's,
``receive`` messages the server's. What was not on the wire between the two is left out:
frames the library sent or consumed by itself (``_auto``, ``_protocol``) and messages a
proxy's fault dropped (``_dropped``); a message a fault replaced counts as its
``_replacement``, which is what crossed.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.ext import parse

from .errors import InvalidArgument

#: Marks of messages that a replay leaves out (see the module docstring).
LEFT_OUT = ("_auto", "_protocol", "_dropped")


@dataclass
class Recorded:
    """One recorded message: its data (bytes for a binary frame) and epoch time."""

    data: str | bytes
    time: float


@dataclass
class Turn:
    """A message the client sent, and what the server sent after it, before the next."""

    sent: Recorded
    replies: list[Recorded] = field(default_factory=list)


@dataclass
class Recording:
    #: What the server sent before the client's first message (greetings).
    greeting: list[Recorded]
    turns: list[Turn]
    started: float | None = None

    @property
    def received(self) -> int:
        return len(self.greeting) + sum(len(t.replies) for t in self.turns)


def read_recording(path: str) -> Recording:
    """The recording in the HAR file at ``path``; fails with the library's own error on a
    file that is not one."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InvalidArgument(f"Cannot read the conversation file {path}: {error}.") from error
    entries = document.get("log", {}).get("entries") if isinstance(document, dict) else None
    entry = next(
        (e for e in entries or () if isinstance(e, dict) and "_webSocketMessages" in e), None
    )
    if entry is None:
        raise InvalidArgument(
            f"{path} is not a conversation file: no HAR entry has _webSocketMessages."
        )
    return recording_of(entry["_webSocketMessages"], path)


def recording_of(messages: Any, source: str = "the file") -> Recording:
    greeting: list[Recorded] = []
    turns: list[Turn] = []
    if not isinstance(messages, list):
        raise InvalidArgument(f"_webSocketMessages of {source} is not a list.")
    for number, item in enumerate(messages, 1):
        if not isinstance(item, dict) or item.get("type") not in ("send", "receive"):
            raise InvalidArgument(
                f"Message {number} of {source} is not a send or receive message: {item!r:.200}."
            )
        if any(item.get(mark) for mark in LEFT_OUT):
            continue
        data: Any = item.get("_replacement", item.get("data", ""))
        if not isinstance(data, (str, bytes)):
            data = json.dumps(data)
        if item.get("opcode") == 2 and "_replacement" not in item:
            try:
                data = base64.b64decode(str(data), validate=True)
            except ValueError as error:
                raise InvalidArgument(
                    f"Binary message {number} of {source} is not base64: {error}."
                ) from error
        recorded = Recorded(data, float(item.get("time") or 0.0))
        if item["type"] == "send":
            turns.append(Turn(recorded))
        elif turns:
            turns[-1].replies.append(recorded)
        else:
            greeting.append(recorded)
    return Recording(greeting, turns)


def compile_ignores(ignore: Any) -> list[Any]:
    """``ignore`` (a JSONPath or a list of them) compiled; fails at once on a bad one."""
    if ignore in (None, "", []):
        return []
    if isinstance(ignore, str):
        paths = [ignore]
    elif isinstance(ignore, (list, tuple)):
        paths = list(ignore)
    else:
        raise InvalidArgument(f"'ignore' takes a JSONPath or a list of them, got {ignore!r:.80}.")
    compiled = []
    for path in paths:
        if not isinstance(path, str) or not path.startswith("$"):
            raise InvalidArgument(f"'ignore' takes JSONPaths starting with '$', got {path!r}.")
        try:
            compiled.append(parse(path))
        except (JsonPathLexerError, JsonPathParserError, Exception) as error:
            raise InvalidArgument(f"'ignore' path {path!r} is not valid: {error}.") from error
    return compiled


_MISSING = "<missing>"


def _json(data: str | bytes) -> Any:
    if isinstance(data, bytes):
        return _MISSING
    try:
        return json.loads(data)
    except ValueError:
        return _MISSING


def differences(
    recorded: str | bytes, received: str | bytes, ignores: list[Any]
) -> list[tuple[str, Any, Any]]:
    """How ``received`` differs from ``recorded``, as (path, recorded value, received
    value): JSON by value (member order aside, ``ignores`` left out), anything else as
    text (binary as bytes)."""
    old, new = _json(recorded), _json(received)
    if old is _MISSING or new is _MISSING:
        if isinstance(recorded, bytes) or isinstance(received, bytes):
            return [] if recorded == received else [("(binary)", recorded, received)]
        return [] if recorded == received else [("(text)", recorded, received)]
    for path in ignores:
        old, new = path.filter(lambda _: True, old), path.filter(lambda _: True, new)
    found: list[tuple[str, Any, Any]] = []
    _diff(old, new, "$", found)
    return found


def _diff(old: Any, new: Any, path: str, found: list[tuple[str, Any, Any]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            where = f"{path}.{key}" if key.isidentifier() else f"{path}[{json.dumps(key)}]"
            if key not in new:
                found.append((where, old[key], _MISSING))
            elif key not in old:
                found.append((where, _MISSING, new[key]))
            else:
                _diff(old[key], new[key], where, found)
    elif isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            where = f"{path}[{index}]"
            if index >= len(new):
                found.append((where, old[index], _MISSING))
            elif index >= len(old):
                found.append((where, _MISSING, new[index]))
            else:
                _diff(old[index], new[index], where, found)
    elif old != new or isinstance(old, bool) != isinstance(new, bool):
        found.append((path, old, new))


def shown(value: Any, limit: int = 200) -> str:
    """A value in a difference report: JSON for JSON values, else its repr, cut."""
    if value is _MISSING:
        return value
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
