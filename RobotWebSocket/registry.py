"""The names keywords work on: one registry of every kind of named connection.

A name stands for an :class:`Entry`. Today there are three kinds:

| kind | name | made by | what it is |
| :class:`ClientEntry` | a URL or an alias | `Connect` (or `Send` to a URL) | one library client connection |
| :class:`MockClientEntry` | ``<alias>#<n>`` | a client connecting to a mock server | one connection, server side |
| :class:`MockServerEntry` | the server's alias | `Start Mock Server` | a group: its clients |
| :class:`ProxySideEntry` | ``<alias>#<n>``, ``<alias>#<n>.upstream`` | a client connecting to a proxy | the client's side, the server's side |
| :class:`ProxyEntry` | the proxy's alias | `Start Proxy` | a group: its clients' sides |

The two groups share :class:`GroupEntry`: a server's clients, adopted and forgotten alike.

Keywords ask the registry, never a kind: `Receive`, `Disconnect`, `Get Connection Info`
and the other keywords on one connection take :meth:`Registry.get`'s ``connection``; `Send`
writes to each of :meth:`Entry.recipients`; `Get Connection Info` adds :meth:`Entry.info`;
`Disconnect All` and the end of a suite close entries through :meth:`Entry.close`; rules
belong to names (:meth:`Registry.ruleset`), whatever is or will be under them.

**Adding a kind** (a proxy's two sides ``proxy#1`` / ``proxy#1.upstream``, a protocol mock
server) is a subclass of :class:`Entry`, and nothing else:

1. ``connection``: the one connection the name stands for, or ``None`` for a group.
2. :meth:`Entry.recipients`: the connections `Send` writes to (a group: its open members,
   each checked as it comes), and :meth:`Entry.sent_note` if a fan-out deserves a line.
3. :meth:`Entry.info`: fields it adds to `Get Connection Info`.
4. ``reopenable``: whether `Send` may open it again after `Disconnect` (only what `Connect`
   made can be: its URL and alias are known).
5. :attr:`Entry.live` (the name is taken while it is), :meth:`Entry.close` and
   :meth:`Entry.closed_note` (the log line after a group is stopped).
6. :meth:`Entry.adopt`: entries it brought in since the last call (a server's new clients),
   for kinds whose members appear on the loop, and :meth:`Entry.forget`: the connections it
   no longer keeps (a server's oldest closed clients past its limit).
7. :attr:`Entry.owner`: the suite that opened it, which closes it when it ends.

The keyword that creates the kind calls :meth:`Registry.add`.

**Threads.** Only Robot's thread changes the registry. The loop never touches it: a server
appends its new clients to its own list under its own lock, and the registry adopts them
(:meth:`Registry.adopt`) at the start of every lookup, on Robot's thread. The registry
itself therefore needs no lock.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from ._client import Connection
from ._proxy import Proxy
from ._server import MockServer, request_headers
from .errors import ConnectionNotFound
from .masking import mask_headers, mask_nested, mask_url
from .rules import RuleSet

#: The server behind a group's name: a mock server or a proxy.
Group = TypeVar("Group", MockServer, Proxy)


class Entry(ABC):
    """What a name of the registry offers the keywords (see the module docstring)."""

    name: str
    #: The one connection the name stands for, ``None`` for a group.
    connection: Connection | None = None
    #: Whether `Send` may open it again once `Disconnect` closed it.
    reopenable: bool = False

    @property
    @abstractmethod
    def owner(self) -> str | None:
        """The suite whose run opened it; it is closed when that suite ends."""

    @abstractmethod
    def recipients(self) -> Iterator[Connection]:
        """The connections `Send` writes to, in order."""

    def sent_note(self, count: int) -> str | None:
        """The log line after `Send` wrote to ``count`` recipients (``None``: no line)."""
        return None

    def info(self) -> dict[str, Any]:
        """Fields added to `Get Connection Info`'s dictionary."""
        return {}

    @property
    @abstractmethod
    def live(self) -> bool:
        """Whether the name is taken: open, or running."""

    @abstractmethod
    async def close(self, code: int, reason: str, limit: float) -> None:
        """Close it on the loop, within ``limit`` seconds (plus the kind's own margin)."""

    def closed_note(self, code: int, reason: str) -> str | None:
        """The log line after :meth:`close` (``None``: the caller counts it instead)."""
        return None

    def adopt(self) -> list[Entry]:
        """Entries this one brought in since the last call (on Robot's thread)."""
        return []

    def forget(self) -> list[Connection]:
        """Connections this one no longer keeps (a server's oldest closed clients past
        its limit): the registry forgets their names too."""
        return []


class ClientEntry(Entry):
    """A library client: `Connect`'s (or `Send`'s) connection to a URL."""

    reopenable = True

    def __init__(self, connection: Connection) -> None:
        self.name = connection.name
        self.connection = connection

    @property
    def owner(self) -> str | None:
        assert self.connection is not None
        return self.connection.owner

    def recipients(self) -> Iterator[Connection]:
        assert self.connection is not None
        yield self.connection

    @property
    def live(self) -> bool:
        return self.connection is not None and self.connection.state != "closed"

    async def close(self, code: int, reason: str, limit: float) -> None:
        assert self.connection is not None
        await self.connection.close(code, reason, limit)


class MockClientEntry(ClientEntry):
    """A client of a mock server, seen from the server: cannot be reopened from this side."""

    reopenable = False

    def info(self) -> dict[str, Any]:
        assert self.connection is not None
        ws = self.connection.ws
        request = getattr(ws, "request", None)
        codec = self.connection.codec
        info = {
            "path": mask_url(request.path) if request is not None else None,
            "request_headers": mask_headers(dict(request_headers(self.connection))),
            "subprotocol": ws.subprotocol if ws is not None else None,
        }
        if codec is not None:
            # What the client sent in its handshake: its credentials are masked.
            info["session"] = mask_nested(codec.session)
        mismatches = getattr(self.connection, "replay_mismatches", None)
        if mismatches is not None:
            info["replay_mismatches"] = mismatches
        return info


class GroupEntry(Entry, Generic[Group]):
    """A server's own name (a mock server's, a proxy's): the group of its clients, which
    the server appends on the loop and forgets past its limit of closed ones."""

    #: What the server is called in log lines.
    kind = "server"

    def __init__(self, server: Group) -> None:
        self.name = server.alias
        self.server: Group = server

    @property
    def owner(self) -> str | None:
        return self.server.owner

    def recipients(self) -> Iterator[Connection]:
        with self.server.condition:
            clients = [c for c in self.server.clients if c.is_open]
        for conn in clients:
            if conn.is_open:  # It may have closed while the others were sent to.
                yield conn

    def sent_note(self, count: int) -> str:
        return f"Sent to {count} client(s) of {self.kind} '{self.name}'."

    @property
    def live(self) -> bool:
        # A stop that was interrupted (``stopped`` but not ``finished``) is done again.
        return not self.server.finished

    async def close(self, code: int, reason: str, limit: float) -> None:
        await self.server.stop(code, reason, limit)

    def members(self, client: Connection) -> list[Entry]:
        """The entries one client brings in."""
        return [MockClientEntry(client)]

    def adopt(self) -> list[Entry]:
        server = self.server
        with server.condition:
            new = server.clients[server.adopted :]
            server.adopted = len(server.clients)
        return [entry for conn in new for entry in self.members(conn)]

    def forget(self) -> list[Connection]:
        return [
            entry.connection
            for conn in self.server.forget_closed()
            for entry in self.members(conn)
            if entry.connection is not None
        ]


class MockServerEntry(GroupEntry[MockServer]):
    """A mock server's own name: the group of its clients."""

    kind = "mock server"

    def closed_note(self, code: int, reason: str) -> str:
        server = self.server
        return (
            f"Stopped mock server '{server.alias}' ({server.url}); "
            f"{len(server.clients)} client(s) closed with code {code}"
            + (f" ({reason})" if reason else "")
            + "."
        )


class ProxySideEntry(MockClientEntry):
    """One side of a proxy pair: ``<alias>#<n>`` (what the client sent; `Send` writes to
    the client) or ``<alias>#<n>.upstream`` (what the server sent; `Send` writes to the
    server)."""

    def info(self) -> dict[str, Any]:
        conn = self.connection
        assert conn is not None
        pair: Any = getattr(conn, "pair", None)
        info = super().info()
        if pair is not None:
            info["upstream"] = pair.upstream.display_url
            info["paused"] = [d.name for d in (pair.to_server, pair.to_client) if d.paused]
        return info


class ProxyEntry(GroupEntry[Proxy]):
    """A proxy's own name: the group of its clients' sides."""

    kind = "proxy"

    def closed_note(self, code: int, reason: str) -> str:
        proxy = self.server
        return (
            f"Stopped proxy '{proxy.alias}' ({proxy.url} to {mask_url(proxy.upstream)}); "
            f"{len(proxy.clients)} client(s) closed with code {code}"
            + (f" ({reason})" if reason else "")
            + ", their servers with 1001."
        )

    def members(self, client: Connection) -> list[Entry]:
        # Each client brings its two sides: ``<alias>#<n>`` and ``<alias>#<n>.upstream``.
        upstream = client.pair.upstream  # type: ignore[attr-defined]
        return [ProxySideEntry(client), ProxySideEntry(upstream)]


class Registry:
    """Every name the keywords know, of every kind, in the order they were first added.

    ``show`` masks secrets in the names that failure messages list.
    """

    def __init__(self, show: Callable[[str], str]) -> None:
        self._entries: dict[str, Entry] = {}
        #: The entries that bring in others (mock servers, proxies), by name: only they are
        #: asked on every look-up, which must not cost a pass over thousands of clients.
        self._groups: dict[str, GroupEntry[Any]] = {}
        #: Message rules by name; they belong to the name and outlive what is under it.
        self.rules: dict[str, RuleSet] = {}
        self._show = show

    def ruleset(self, name: str) -> RuleSet:
        return self.rules.setdefault(name, RuleSet())

    def add(self, entry: Entry) -> None:
        """Put ``entry`` under its name, replacing what was there (the caller checked that
        it is no longer :attr:`Entry.live`)."""
        self._entries[entry.name] = entry
        if isinstance(entry, GroupEntry):
            self._groups[entry.name] = entry
        else:
            self._groups.pop(entry.name, None)

    def adopt(self) -> None:
        """Register what groups brought in on the loop since the last call."""
        for entry in list(self._groups.values()):
            for new in entry.adopt():
                self._entries[new.name] = new
            for gone in entry.forget():
                kept = self._entries.get(gone.name)
                if kept is not None and kept.connection is gone:
                    del self._entries[gone.name]

    def find(self, name: Any) -> Entry | None:
        """The entry under ``name``, of any kind, or ``None``."""
        self.adopt()
        return self._entries.get(name) if isinstance(name, str) else None

    def get(self, name: Any) -> Entry:
        """The entry of the one connection ``name`` stands for; fails, listing the open
        connections, when there is none (a group's name included)."""
        entry = self.find(name)
        if entry is None or entry.connection is None:
            names = ", ".join(self._show(c.name) for c in self.connections() if c.is_open)
            raise ConnectionNotFound(
                f"No connection named '{self._show(mask_url(str(name)))}'. "
                f"Open connections: {names or 'none'}."
            )
        return entry

    def entries(self) -> list[Entry]:
        self.adopt()
        return list(self._entries.values())

    def snapshot(self) -> list[Entry]:
        """The entries, without adopting (for the loop thread, at exit: it only reads)."""
        return list(self._entries.values())

    def connections(self) -> list[Connection]:
        """Every connection of every entry, open or closed."""
        return [e.connection for e in self.entries() if e.connection is not None]

    def using(self, ruleset: RuleSet) -> list[Connection]:
        """The open connections that ``ruleset`` applies to."""
        return [c for c in self.connections() if ruleset in c.rulesets and c.is_open]


async def close_entries(entries: list[Entry], code: int, reason: str, limit: float) -> None:
    """Close ``entries`` at once on the loop; one that fails does not stop the others."""
    await asyncio.gather(*(e.close(code, reason, limit) for e in entries), return_exceptions=True)
