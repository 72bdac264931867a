"""Which servers and channels of a document a connection URL (or an MQTT topic, or a STOMP
destination) is about.

An address such as ``/v1/marketdata/{symbol}`` becomes a regular expression in which each
``{parameter}`` matches one path segment or topic level (no ``/``), and the value it matched
must then be allowed by the parameter (its ``enum`` in 3.x, its ``schema`` in 2.x). Addresses
are compared without their leading ``/``, so 3.x ``like/comment`` and ``/like/comment`` are
the same channel. A channel whose address is null (3.x: known only at run time) matches
every path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from .model import Channel, Parameter, Server

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")

ValueCheck = Callable[[Parameter, str], bool]


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    names: tuple[str, ...]

    def match(self, text: str) -> dict[str, str] | None:
        found = self.regex.fullmatch(text)
        return None if found is None else dict(zip(self.names, found.groups(), strict=True))


def compile_address(address: str, variable: str = "[^/]+") -> Pattern:
    parts = _PLACEHOLDER.split(address)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"({variable})" for i, part in enumerate(parts)
    )
    return Pattern(re.compile(regex), tuple(parts[1::2]))


def parameter_allows(parameter: Parameter, value: str, schema_check: ValueCheck | None) -> bool:
    if parameter.enum is not None and value not in (str(item) for item in parameter.enum):
        return False
    if parameter.schema is not None and schema_check is not None:
        return schema_check(parameter, value)
    return True


def as_json_value(value: str) -> list[Any]:
    """A path segment as the values a parameter schema may mean: the text, and the number or
    boolean it spells (``/orders/42`` against ``type: integer``)."""
    values: list[Any] = [value]
    try:
        parsed = json.loads(value)
    except ValueError:
        return values
    if isinstance(parsed, (int, float, bool)):
        values.append(parsed)
    return values


class Addresses:
    """Address matching for the channels of one document."""

    def __init__(self, channels: Iterable[Channel], schema_check: ValueCheck | None = None) -> None:
        self.channels = list(channels)
        self.schema_check = schema_check
        self._patterns = {
            id(c): compile_address(c.address.lstrip("/"))
            for c in self.channels
            if c.address is not None
        }

    def channels_at(self, path: str, among: Iterable[Channel] | None = None) -> list[Channel]:
        """The channels whose address matches ``path`` (parameters checked)."""
        path = path.lstrip("/")
        result = []
        for channel in self.channels if among is None else among:
            if channel.address is None:
                result.append(channel)
                continue
            values = self._patterns[id(channel)].match(path)
            if values is None:
                continue
            if all(
                name not in channel.parameters
                or parameter_allows(channel.parameters[name], value, self.schema_check)
                for name, value in values.items()
            ):
                result.append(channel)
        return result


def server_matches(server: Server, url: str) -> bool:
    parts = urlsplit(url)
    pattern = compile_address(server.host, "[^/]*")
    hosts = [parts.netloc.rpartition("@")[2], parts.hostname or ""]
    for host in hosts:
        values = pattern.match(host)
        if values is not None and all(
            _variable_allows(server.variables.get(name), value) for name, value in values.items()
        ):
            break
    else:
        return False
    pathname = server.pathname.strip("/")
    path = parts.path.strip("/")
    return not pathname or path == pathname or path.startswith(pathname + "/")


def _variable_allows(variable: Any, value: str) -> bool:
    if isinstance(variable, dict) and isinstance(variable.get("enum"), list):
        return value in (str(item) for item in variable["enum"])
    return True


@dataclass
class Scope:
    """What a connection URL is about: the servers it matches and its channels."""

    servers: list[Server]
    channels: list[Channel]


def scope_of(
    url: str,
    servers: list[Server],
    addresses: Addresses,
    topics: bool = False,
) -> Scope:
    """The servers ``url`` matches and the channels that apply to it.

    Channels bound to other servers (3.x ``servers``, 2.x channel ``servers``) are left out
    when a server matches; when none matches, servers are left out of the question. An
    address is compared with the URL's path, and also with the path below a matched
    server's ``pathname``. With ``topics`` (MQTT, STOMP), every channel the servers allow
    applies, and each message is matched by its topic later. When no address matches and
    the path is a matched server's ``pathname``, the channels bound to that server apply:
    they share that one endpoint.
    """
    matched = [server for server in servers if server_matches(server, url)]
    names = {server.name for server in matched}
    allowed = [
        channel
        for channel in addresses.channels
        if not matched or channel.servers is None or names & set(channel.servers)
    ]
    if topics:
        return Scope(matched, allowed)
    path = unquote(urlsplit(url).path)
    paths = [path]
    for server in matched:
        pathname = server.pathname.strip("/")
        stripped = path.strip("/")
        if pathname and stripped.startswith(pathname + "/"):
            paths.append(stripped[len(pathname) + 1 :])
    channels: list[Channel] = []
    for candidate in paths:
        for channel in addresses.channels_at(candidate, allowed):
            if channel not in channels:
                channels.append(channel)
    if not any(channel.address is not None for channel in channels):
        for server in matched:
            if server.pathname.strip("/") == path.strip("/"):
                channels += [
                    c
                    for c in allowed
                    if c.servers and server.name in c.servers and c not in channels
                ]
    return Scope(matched, channels)
