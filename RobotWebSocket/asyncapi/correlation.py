"""Correlation ids: where a request carries its id, setting a fresh one, and finding it in a
reply.

A place is a path of member names (and list indexes) from the payload's root. It comes from
a message definition's ``correlationId.location`` (``$message.payload#/reqid``, a JSON pointer
after ``#``) or from the ``correlation`` a test gives (``$.reqid``, ``$.meta.id``,
``$['x-id']``, ``$.items[0].id``). Locations in headers (``$message.header#/...``) have no
meaning for a WebSocket message and are not used.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from .loader import pointer_keys

Path = tuple[str | int, ...]

MISSING: Any = type(
    "Missing", (), {"__repr__": lambda self: "MISSING", "__bool__": lambda self: False}
)()

_STEP = re.compile(
    r"""\.(?P<name>[A-Za-z_$][\w$-]*)"""
    r"""|\[\s*(?P<quote>['"])(?P<quoted>(?:\\.|(?!(?P=quote)).)*)(?P=quote)\s*\]"""
    r"""|\[\s*(?P<index>\d+)\s*\]"""
)


def member_path(expression: str) -> Path:
    """The path of a simple JSONPath such as ``$.a.b``, ``$['x-y']`` or ``$.a[0]``.

    ValueError for anything else (filters, wildcards, recursive descent): a correlation
    names one member.
    """
    text = expression.strip()
    if not text.startswith("$"):
        raise ValueError(
            f"correlation '{expression}' is not a JSONPath of one member, such as $.reqid"
        )
    steps: list[str | int] = []
    position = 1
    while position < len(text):
        found = _STEP.match(text, position)
        if found is None:
            raise ValueError(
                f"correlation '{expression}' is not a JSONPath of one member, such as $.reqid "
                f"or $['x-id'] (cannot read '{text[position:]}')"
            )
        if found.group("name") is not None:
            steps.append(found.group("name"))
        elif found.group("index") is not None:
            steps.append(int(found.group("index")))
        else:
            steps.append(re.sub(r"\\(.)", r"\1", found.group("quoted")))
        position = found.end()
    if not steps:
        raise ValueError(f"correlation '{expression}' names the whole message, not a member")
    return tuple(steps)


def location_path(location: str | None) -> Path | None:
    """The payload path of a ``correlationId.location``; None when it is not in the payload."""
    if not location:
        return None
    source, _, pointer = location.strip().partition("#")
    if source.strip() != "$message.payload":
        return None
    try:
        keys = pointer_keys(pointer)
    except ValueError:
        return None
    return tuple(keys) if keys else None


def read(document: Any, path: Path) -> Any:
    """The value at ``path``, or MISSING."""
    for step in path:
        if isinstance(document, dict):
            if str(step) not in document:
                return MISSING
            document = document[str(step)]
        elif isinstance(document, list):
            index = _index(step)
            if index is None or index >= len(document):
                return MISSING
            document = document[index]
        else:
            return MISSING
    return document


def stamp(document: Any, path: Path, value: Any) -> Any:
    """A copy of ``document`` with ``value`` at ``path`` (the member is added when its parent
    exists); the original is left as it is. ValueError when the parent is missing."""
    result = copy.deepcopy(document)
    parent = read(result, path[:-1])
    last = path[-1]
    if isinstance(parent, dict):
        parent[str(last)] = value
    elif isinstance(parent, list) and _index(last) is not None and _index(last) < len(parent):  # type: ignore[operator]
        parent[_index(last)] = value  # type: ignore[index]
    else:
        raise ValueError(f"the message has no member {render(path[:-1])} to hold {render(path)}")
    return result


def fresh(current: Any, number: int) -> Any:
    """A fresh id: ``number``, as text when the member holds text now."""
    return str(number) if isinstance(current, str) else number


def same_id(left: Any, right: Any) -> bool:
    """JSON equality: ``1`` and ``"1"`` differ, ``1`` and ``true`` too, ``1`` and ``1.0`` not."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    return type(left) is type(right) and left == right


def render(path: Path) -> str:
    text = "$"
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif re.fullmatch(r"[A-Za-z_$][\w$]*", step):
            text += f".{step}"
        else:
            text += "['" + step.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return text


def _index(step: str | int) -> int | None:
    if isinstance(step, int):
        return step
    return int(step) if step.isdigit() else None


@dataclass(frozen=True)
class Correlation:
    """Where a request carries its id (``request``) and where replies carry it (``replies``,
    tried in order)."""

    request: Path
    replies: tuple[Path, ...]

    @classmethod
    def of(cls, expression: str) -> Correlation:
        """The correlation a test names (``$.reqid``): the same member both ways."""
        path = member_path(expression)
        return cls(path, (path,))

    def stamp(self, document: Any, number: int) -> tuple[Any, Any]:
        """``document`` with a fresh id (``number``, as text when the member holds text), and
        the id."""
        value = fresh(read(document, self.request), number)
        return stamp(document, self.request, value), value

    def id_of(self, document: Any) -> Any:
        """The id a request carries, or MISSING."""
        return read(document, self.request)

    def reply_id(self, reply: Any) -> Any:
        """The id a reply carries at the first of its places that holds one, or MISSING."""
        for path in self.replies:
            value = read(reply, path)
            if value is not MISSING:
                return value
        return MISSING

    def answers(self, reply: Any, request_id: Any) -> bool:
        """Whether ``reply`` carries ``request_id``."""
        return any(same_id(read(reply, path), request_id) for path in self.replies)

    def __str__(self) -> str:
        replies = ", ".join(render(path) for path in self.replies)
        return f"{render(self.request)} (replies: {replies})"
