"""Extraction expressions: JSONPath, XPath and regular expressions over messages.

Pure: no asyncio, no Robot. The rules (API.md, *Extractions* and *One message*):

* ``$...`` or ``jsonpath=...`` is JSONPath (jsonpath-ng's extended parser, with filters),
  ``/...`` or ``xpath=...`` is XPath 1.0 (lxml), ``regex=...`` a Python regular expression.
* Evaluated on *one message*, a JSONPath whose first step on the root is a filter, wildcard,
  index or slice applies to the message itself when it is a JSON array, else to a list
  holding just the message. Over a window (``last`` > 1) the path is evaluated on the JSON
  array of the window's messages; a path that starts with a member name (``$.status``) is
  applied to each message of the window in turn.
* The value is the first match within the most recent message that matches.

Because messages never change, each message keeps its own matches per expression
(``Message.memo``), and compiled expressions are cached, so judging a window of 50 again
after a new message arrives evaluates only the new message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import jsonpath_ng
from jsonpath_ng import Child, Descendants, Fields, Index, Root, Slice
from jsonpath_ng.ext import parse as jsonpath_parse
from jsonpath_ng.ext.filter import Filter
from lxml import etree

from .errors import InvalidExpression
from .history import NOT_PARSED, Message

Kind = Literal["jsonpath", "xpath", "regex"]
#: How a JSONPath's first step on the root reads: a member name, a per-element selector
#: (filter or wildcard/slice), or an index into the array.
RootStep = Literal["member", "each", "index"]

# jsonpath-ng 1.16 added a node for ``*``; older versions read it as a slice or a field.
_Wildcard = getattr(jsonpath_ng, "Wildcard", None)

_PREFIXES: tuple[tuple[str, Kind], ...] = (
    ("jsonpath=", "jsonpath"),
    ("xpath=", "xpath"),
    ("regex=", "regex"),
)


@dataclass(frozen=True, eq=False)
class Expression:
    """A compiled extraction expression."""

    source: str
    kind: Kind
    body: str
    compiled: Any
    root_step: RootStep = "member"
    #: For a path of member names only (``$.a.b``, ``$['x-y']``), the names: read with
    #: dictionary look-ups, many times faster than jsonpath-ng's ``find``.
    members: tuple[str, ...] | None = None
    _bytes_regex: list[Any] = field(default_factory=list, repr=False)

    def bytes_regex(self) -> Any:
        """The pattern compiled for binary messages, or ``None`` if it has no bytes form."""
        if not self._bytes_regex:
            try:
                self._bytes_regex.append(re.compile(self.body.encode("utf-8")))
            except (re.error, UnicodeError, OverflowError):
                self._bytes_regex.append(None)
        return self._bytes_regex[0]


def _root_step(path: Any, body: str) -> RootStep:
    """How the first step on the root reads (see :data:`RootStep`)."""
    node = path
    while isinstance(node, (Child, Descendants)):
        if isinstance(node.left, Root):
            right = node.right
            if not isinstance(node, Child):
                return "member"
            if isinstance(right, (Filter, Slice)):
                return "each"
            if isinstance(right, Index):
                return "index"
            if _is_wildcard(right):
                # jsonpath-ng 1.16 parses ``$[*]`` and ``$.*`` alike; what the user wrote
                # tells the element wildcard from the member wildcard.
                return "each" if body.lstrip()[1:].lstrip().startswith("[") else "member"
            return "member"
        node = node.left
    return "member"


_MEMBER_PATH = re.compile(r"\$(?:\.[A-Za-z_][A-Za-z0-9_-]*|\['[^'\\]*'\]|\[\"[^\"\\]*\"\])+")
_MEMBER_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\['([^'\\]*)'\]|\[\"([^\"\\]*)\"\]")


def _member_names(body: str) -> tuple[str, ...] | None:
    """The names of a path made of member steps only, else ``None``."""
    text = body.strip()
    if not _MEMBER_PATH.fullmatch(text):
        return None
    return tuple(a or b or c for a, b, c in _MEMBER_STEP.findall(text[1:]))


def _is_wildcard(node: Any) -> bool:
    if _Wildcard is not None and isinstance(node, _Wildcard):
        return True
    return isinstance(node, Fields) and node.fields == ("*",)


def compile_expression(source: str) -> Expression:
    """Compile ``source``; fail at once with the parser's complaint when it is malformed."""
    if not isinstance(source, str) or not source.strip():
        raise InvalidExpression(f"Expression must be a non-empty string, got {source!r:.80}.")
    return _compile(source)


@lru_cache(maxsize=512)
def _compile(source: str) -> Expression:
    kind: Kind | None = None
    body = source
    for prefix, prefix_kind in _PREFIXES:
        if source.startswith(prefix):
            kind, body = prefix_kind, source[len(prefix) :]
            break
    else:
        stripped = source.lstrip()
        if stripped.startswith("$"):
            kind = "jsonpath"
        elif stripped.startswith("/") or stripped.startswith("("):
            kind = "xpath"
    if kind is None:
        raise InvalidExpression(
            f"Cannot tell what kind of expression {source!r} is: start a JSONPath with '$', "
            "an XPath with '/', or prefix it with 'jsonpath=', 'xpath=' or 'regex='."
        )
    compiled: Any
    if kind == "jsonpath":
        try:
            compiled = jsonpath_parse(body)
        except Exception as error:  # noqa: BLE001 - jsonpath-ng raises many kinds; all mean "invalid"
            raise InvalidExpression(f"Invalid JSONPath {source!r}: {error}") from error
        return Expression(
            source, kind, body, compiled, _root_step(compiled, body), _member_names(body)
        )
    if kind == "xpath":
        try:
            compiled = etree.XPath(body)
        except (etree.XPathSyntaxError, ValueError) as error:
            raise InvalidExpression(f"Invalid XPath {source!r}: {error}") from error
        return Expression(source, kind, body, compiled)
    try:
        compiled = re.compile(body)
    except (re.error, OverflowError) as error:
        raise InvalidExpression(f"Invalid regex {source!r}: {error}") from error
    return Expression(source, kind, body, compiled)


# -- matches within one message -------------------------------------------------------------


def _xpath_value(item: Any) -> Any:
    if isinstance(item, etree._Element):
        if len(item):
            return etree.tostring(item, encoding=str).strip()
        return item.text or ""
    if isinstance(item, str):
        return str(item)
    return item


def _xpath_matches(expr: Expression, message: Message) -> list[Any]:
    root = message.xml
    if root is NOT_PARSED:
        return []
    try:
        result = expr.compiled(root)
    except etree.XPathEvalError:
        return []
    if isinstance(result, list):
        return [_xpath_value(item) for item in result]
    if isinstance(result, float) and result.is_integer():
        return [int(result)]
    return [_xpath_value(result)]


def _regex_matches(expr: Expression, message: Message) -> list[Any]:
    data = message.searched
    pattern = expr.compiled
    if isinstance(data, bytes):
        pattern = expr.bytes_regex()
        if pattern is None:
            return []
    group = 1 if pattern.groups else 0
    return [match.group(group) for match in pattern.finditer(data)]


def _jsonpath_matches(expr: Expression, message: Message, one_message: bool) -> list[Any]:
    doc = message.json
    if doc is NOT_PARSED:
        return []
    members = expr.members
    if members is not None:
        for name in members:
            if not isinstance(doc, dict) or name not in doc:
                return []
            doc = doc[name]
        return [doc]
    if expr.root_step != "member":
        doc = doc if (one_message and isinstance(doc, list)) else [doc]
    return [match.value for match in expr.compiled.find(doc)]


def message_matches(expr: Expression, message: Message, one_message: bool = True) -> list[Any]:
    """Every match of ``expr`` in ``message``, computed once per message and mode."""
    key = (expr, one_message and expr.kind == "jsonpath")
    memo = message.memo
    if memo is None:
        memo = message.memo = {}
    else:
        found = memo.get(key)
        if found is not None:
            return found
    if expr.kind == "jsonpath":
        matches = _jsonpath_matches(expr, message, one_message)
    elif expr.kind == "xpath":
        matches = _xpath_matches(expr, message)
    else:
        matches = _regex_matches(expr, message)
    memo[key] = matches
    return matches


# -- values over a window -------------------------------------------------------------------


@dataclass
class Extraction:
    """What an expression gave over a window: whether it resolved, and the value."""

    found: bool
    value: Any = None
    message: Message | None = None
    window: Sequence[Message] = ()


NOTHING = Extraction(False)


def _window_index_matches(expr: Expression, window: Sequence[Message]) -> list[tuple[int, Any]]:
    """Evaluate a root-index path (``$[0]``, ``$[-1:]``) on the JSON array of the window."""
    parsed = [(message, message.json) for message in window]
    parsed = [(message, doc) for message, doc in parsed if doc is not NOT_PARSED]
    out = []
    for match in expr.compiled.find([doc for _, doc in parsed]):
        node = match
        while node.context is not None and node.context.context is not None:
            node = node.context
        (position,) = node.path.indices[:1] or (0,)
        out.append((position % len(parsed), match.value))
    return out


def extract(
    expr: Expression, window: Sequence[Message], one_message: bool, all_matches: bool = False
) -> Extraction:
    """The value of ``expr`` over ``window`` (messages in arrival order).

    ``one_message`` is true when the window is ``last=1``; then a JSONPath is judged on the
    message itself. With ``all_matches`` the value is the list of every match, in arrival
    order; otherwise it is the first match within the most recent message that matches.
    """
    if not window:
        return NOTHING
    if expr.kind == "jsonpath" and expr.root_step == "index" and not one_message:
        indexed = sorted(_window_index_matches(expr, window), key=lambda item: item[0])
        if not indexed:
            return NOTHING
        json_messages = [m for m in window if m.json is not NOT_PARSED]
        if all_matches:
            return Extraction(True, [value for _, value in indexed], json_messages[indexed[-1][0]])
        newest = indexed[-1][0]
        first = next(value for i, value in indexed if i == newest)
        return Extraction(True, first, json_messages[newest])
    if all_matches:
        values: list[Any] = []
        newest_message = None
        for message in window:
            matches = message_matches(expr, message, one_message)
            if matches:
                values.extend(matches)
                newest_message = message
        return Extraction(True, values, newest_message) if values else NOTHING
    for message in reversed(window):
        matches = message_matches(expr, message, one_message)
        if matches:
            return Extraction(True, matches[0], message)
    return NOTHING
