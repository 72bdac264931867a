"""What the contract engine needs of an AsyncAPI document, the same for 2.x and 3.x.

Operations are described from the **server's** view, as 3.x writes them: ``send`` is what
the server sends (2.x ``subscribe``), ``receive`` what it receives (2.x ``publish``).

Not used: bindings other than what addresses say, security schemes, message headers
(a WebSocket message has none), operation traits. Message traits are applied for the
fields the engine reads (name, correlationId, examples, schemaFormat), the message's own
fields taking precedence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .loader import ContractError, Files, Place


@dataclass(eq=False)
class Message:
    """One message definition: ``payload`` is where its schema lives (None: any payload)."""

    name: str
    payload: Place | None
    schema_format: str | None = None
    examples: tuple[Any, ...] = ()
    correlation: str | None = None  # correlationId.location, e.g. $message.payload#/reqid
    place: Place | None = None

    def __repr__(self) -> str:
        return f"Message({self.name!r})"


@dataclass(eq=False)
class Parameter:
    name: str
    enum: tuple[Any, ...] | None = None
    schema: Place | None = None  # 2.x parameter schema


@dataclass(eq=False)
class Channel:
    key: str
    address: str | None
    messages: dict[str, Message] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    servers: tuple[str, ...] | None = None  # names; None: every server

    def __repr__(self) -> str:
        return f"Channel({self.key!r}, address={self.address!r})"


@dataclass(eq=False)
class Reply:
    messages: tuple[Message, ...]
    channel: Channel | None = None
    address: str | None = None  # a runtime expression such as $message.header#/replyTo


@dataclass(eq=False)
class Operation:
    id: str
    action: str  # "send" or "receive", from the server's view
    channel: Channel
    messages: tuple[Message, ...]
    reply: Reply | None = None

    def __repr__(self) -> str:
        return f"Operation({self.id!r}, {self.action})"


@dataclass(eq=False)
class Server:
    name: str
    host: str  # host and port, may hold {variables}
    pathname: str = ""
    protocol: str = ""
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class Document:
    files: Files
    servers: list[Server]
    channels: list[Channel]
    operations: list[Operation]

    @property
    def path(self) -> str:
        return self.files.root.path

    @property
    def version(self) -> str:
        return self.files.version


def read(path: Any) -> Document:
    """Read the AsyncAPI document at ``path`` (and the files it refers to)."""
    files = Files(path)
    builder = _Builder(files)
    return builder.build3() if files.major == 3 else builder.build2()


def _mapping(node: Any, place: Place, what: str) -> dict[str, Any]:
    if node is None:
        return {}
    if not isinstance(node, dict):
        raise ContractError(f"{what} at {place} is not a mapping")
    return node


class _Builder:
    def __init__(self, files: Files) -> None:
        self.files = files
        self.root = files.root
        self.servers_by_place: dict[Place, Server] = {}
        self.channels_by_place: dict[Place, Channel] = {}
        self.messages_by_place: dict[Place, Message] = {}

    # Servers ---------------------------------------------------------------------------

    def servers(self) -> list[Server]:
        place = self.root.child("servers")
        result = []
        for name in _mapping(self.files.document.get("servers"), place, "servers"):
            node, chain = self.files.resolve(place.child(name))
            node = _mapping(node, chain[-1], "server")
            if "url" in node:  # 2.x
                url = str(node["url"])
                rest = url.split("://", 1)[-1]
                host, slash, pathname = rest.partition("/")
                server = Server(name, host, slash + pathname, str(node.get("protocol", "")))
            else:
                server = Server(
                    name,
                    str(node.get("host", "")),
                    str(node.get("pathname") or ""),
                    str(node.get("protocol", "")),
                )
            server.variables = _mapping(node.get("variables"), chain[-1], "variables")
            for step in chain:
                self.servers_by_place[step] = server
            result.append(server)
        return result

    # Messages --------------------------------------------------------------------------

    def message(self, at: Place, key: str | None) -> Message:
        node, chain = self.files.resolve(at)
        for step in chain:
            if step in self.messages_by_place:
                return self.messages_by_place[step]
        place = chain[-1]
        node = dict(_mapping(node, place, "message"))
        merged: dict[str, Any] = {}
        for i, trait in enumerate(node.get("traits") or ()):
            trait, _ = self.files.follow(trait, place.child("traits", i))
            merged.update(_mapping(trait, place, "message trait"))
        merged.update(node)
        node = merged
        if key is None:  # a component's key names a 2.x message without name or messageId
            for step in chain:
                keys = step.pointer.split("/")
                if len(keys) == 4 and keys[1:3] == ["components", "messages"]:
                    key = keys[3]
        payload: Place | None = None
        schema_format = node.get("schemaFormat")
        title = None
        if "payload" in node:
            payload_node, payload_chain = self.files.follow(node["payload"], place.child("payload"))
            payload = payload_chain[-1]
            if isinstance(payload_node, dict) and "schemaFormat" in payload_node:
                if "schema" in payload_node:  # 3.x Multi Format Schema Object
                    schema_format = payload_node["schemaFormat"]
                    payload = payload.child("schema")
                    payload_node, payload_chain = self.files.resolve(payload)
                    payload = payload_chain[-1]
            if isinstance(payload_node, dict):
                title = payload_node.get("title")
        name = node.get("name") or node.get("messageId") or key or title
        examples = []
        for example in node.get("examples") or ():
            if isinstance(example, dict) and "payload" in example:
                examples.append(example["payload"])
        correlation = node.get("correlationId")
        if correlation is not None:
            correlation, _ = self.files.follow(correlation, place.child("correlationId"))
            correlation = correlation.get("location") if isinstance(correlation, dict) else None
        message = Message(
            name=str(name) if name is not None else f"message at {place}",
            payload=payload,
            schema_format=str(schema_format) if schema_format else None,
            examples=tuple(examples),
            correlation=str(correlation) if correlation else None,
            place=place,
        )
        for step in chain:
            self.messages_by_place[step] = message
        return message

    def parameters(self, node: Any, at: Place) -> dict[str, Parameter]:
        result = {}
        for name in _mapping(node, at, "parameters"):
            parameter, chain = self.files.resolve(at.child(name))
            parameter = _mapping(parameter, chain[-1], "parameter")
            enum = parameter.get("enum")
            schema = chain[-1].child("schema") if "schema" in parameter else None
            if schema is not None:
                self.files.check_schema_refs(schema)
            result[name] = Parameter(name, tuple(enum) if isinstance(enum, list) else None, schema)
        return result

    def pick(self, refs: Any, at: Place) -> tuple[Message, ...]:
        """The messages a list of references names (a channel's, mostly)."""
        if not isinstance(refs, list):
            raise ContractError(f"messages at {at} is not a list")
        return tuple(self.message(at.child(i), None) for i in range(len(refs)))

    def channel_of(self, node: Any, at: Place) -> Channel:
        if node is None:
            raise ContractError(f"operation at {at.pointer} has no channel in {at.path}")
        _, chain = self.files.follow(node, at)
        for step in chain:
            if step in self.channels_by_place:
                return self.channels_by_place[step]
        raise ContractError(f"{at} does not name a channel of the document")

    # 3.x ------------------------------------------------------------------------------

    def build3(self) -> Document:
        servers = self.servers()
        channels = []
        place = self.root.child("channels")
        for key in _mapping(self.files.document.get("channels"), place, "channels"):
            node, chain = self.files.resolve(place.child(key))
            at = chain[-1]
            node = _mapping(node, at, "channel")
            address = node.get("address", key)
            channel = Channel(key, None if address is None else str(address))
            for step in chain:
                self.channels_by_place[step] = channel
            for name in _mapping(node.get("messages"), at.child("messages"), "messages"):
                channel.messages[name] = self.message(at.child("messages", name), name)
            channel.parameters = self.parameters(node.get("parameters"), at.child("parameters"))
            if node.get("servers"):
                names = []
                for i, ref in enumerate(node["servers"]):
                    _, server_chain = self.files.follow(ref, at.child("servers", i))
                    server = next(
                        (
                            self.servers_by_place[s]
                            for s in server_chain
                            if s in self.servers_by_place
                        ),
                        None,
                    )
                    if server is None:
                        raise ContractError(f"{at.child('servers', i)} does not name a server")
                    names.append(server.name)
                channel.servers = tuple(names)
            channels.append(channel)
        operations = []
        place = self.root.child("operations")
        for op_id in _mapping(self.files.document.get("operations"), place, "operations"):
            node, chain = self.files.resolve(place.child(op_id))
            at = chain[-1]
            node = _mapping(node, at, "operation")
            action = node.get("action")
            if action not in ("send", "receive"):
                raise ContractError(
                    f"operation {op_id} in {at.path}: action {action!r} is not send or receive"
                )
            channel = self.channel_of(node.get("channel"), at.child("channel"))
            if "messages" in node:
                messages = self.pick(node["messages"], at.child("messages"))
            else:
                messages = tuple(channel.messages.values())
            operation = Operation(str(op_id), action, channel, messages)
            if node.get("reply") is not None:
                operation.reply = self.reply(node["reply"], at.child("reply"), channel)
            operations.append(operation)
        return Document(self.files, servers, channels, operations)

    def reply(self, node: Any, at: Place, channel: Channel) -> Reply:
        node, chain = self.files.follow(node, at)
        at = chain[-1]
        node = _mapping(node, at, "reply")
        reply_channel = None
        if node.get("channel") is not None:
            reply_channel = self.channel_of(node["channel"], at.child("channel"))
        if "messages" in node:
            messages = self.pick(node["messages"], at.child("messages"))
        elif reply_channel is not None:
            messages = tuple(reply_channel.messages.values())
        else:
            messages = ()
        address = None
        if node.get("address") is not None:
            address_node, _ = self.files.follow(node["address"], at.child("address"))
            if isinstance(address_node, dict):
                address = address_node.get("location")
        return Reply(messages, reply_channel, address)

    # 2.x ------------------------------------------------------------------------------

    def build2(self) -> Document:
        servers = self.servers()
        channels, operations = [], []
        place = self.root.child("channels")
        for address in _mapping(self.files.document.get("channels"), place, "channels"):
            node, chain = self.files.resolve(place.child(address))
            at = chain[-1]
            node = _mapping(node, at, "channel")
            channel = Channel(str(address), str(address))
            channel.parameters = self.parameters(node.get("parameters"), at.child("parameters"))
            if node.get("servers"):
                channel.servers = tuple(str(name) for name in node["servers"])
            for verb, action in (("subscribe", "send"), ("publish", "receive")):
                if not isinstance(node.get(verb), dict):
                    continue
                operation_node = node[verb]
                op_at = at.child(verb)
                messages = self.messages2(operation_node.get("message"), op_at.child("message"))
                for message in messages:
                    channel.messages.setdefault(message.name, message)
                op_id = operation_node.get("operationId") or f"{verb} {address}"
                operations.append(Operation(str(op_id), action, channel, messages))
            channels.append(channel)
        return Document(self.files, servers, channels, operations)

    def messages2(self, node: Any, at: Place) -> tuple[Message, ...]:
        if node is None:
            return ()
        resolved, chain = self.files.follow(node, at)
        if isinstance(resolved, dict) and isinstance(resolved.get("oneOf"), list):
            one_of = chain[-1].child("oneOf")
            return tuple(self.message(one_of.child(i), None) for i in range(len(resolved["oneOf"])))
        return (self.message(at, None),)
