"""``binary_format=protobuf``: Protocol Buffers messages as documents.

With ``proto`` (a ``.proto`` file, compiled here with ``grpcio-tools``' protoc and the
imports beside it, or a descriptor set from ``protoc --include_imports
--descriptor_set_out``), each frame is parsed by Google's runtime as ``proto_message`` and
becomes a dictionary with the ``.proto`` field names: 64-bit integers as integers, enums by
name (an unknown number stays a number), bytes as bytes, repeated fields as lists, maps as
dictionaries, and fields without presence (proto3 scalars, repeated fields, maps) always
there, at their default when unset, so that a test can read a zero. Message fields and
fields with presence appear only when set. Well-known types (``Timestamp``, ``Struct``,
wrappers, ``Any``...) take their JSON forms.

A dictionary to send is read the same way; ``@type`` names another message type of the
file, and JSON's spellings are accepted too (``lowerCamelCase`` names, 64-bit integers as
text, enum numbers). Without ``proto``, frames are read as ``protoc --decode_raw`` reads
them (:mod:`.protowire`) and dictionaries keyed by field numbers are sent.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import BinaryFormat, EncodeError, MissingPackage, require, undecodable
from .protowire import WireError, decode_raw, encode_raw

_WELL_KNOWN = "google.protobuf."
_BYTES, _ENUM, _MESSAGE, _GROUP = 12, 14, 11, 10
_INTEGERS = frozenset({3, 4, 5, 6, 7, 13, 15, 16, 17, 18})  # every int32/int64 kind
_FLOATS = frozenset({1, 2})
_BOOL, _STRING = 8, 9
_WRAPPERS = frozenset(
    _WELL_KNOWN + name
    for name in (
        "DoubleValue FloatValue Int64Value UInt64Value Int32Value UInt32Value BoolValue "
        "StringValue BytesValue"
    ).split()
)


class Protobuf(BinaryFormat):
    """Protocol Buffers; see the module's description."""

    name = "protobuf"

    def __init__(self, proto: str | Path | None = None, proto_message: str | None = None) -> None:
        self._pool: Any = None
        self._all_types: list[str] = []
        self._classes: dict[str, Any] = {}
        self._type: Any = None
        if proto is None:
            if proto_message is not None:
                raise EncodeError(
                    "proto_message needs proto=, the .proto file or descriptor set that defines it"
                )
            return
        require("google.protobuf", "Protocol Buffers with proto=")
        self._pool, self._all_types = _load_pool(Path(proto))
        self._type = self._descriptor(proto_message) if proto_message else self._only_type()

    # -- set-up -------------------------------------------------------------------------

    def _descriptor(self, name: str) -> Any:
        name = str(name).strip().lstrip(".")
        try:
            return self._pool.FindMessageTypeByName(name)
        except KeyError:
            known = ", ".join(self._user_types()) or "none"
            raise EncodeError(
                f"message type {name!r} is not in the proto file; its types: {known}"
            ) from None

    def _user_types(self) -> list[str]:
        return sorted(n for n in self._all_types if not n.startswith(_WELL_KNOWN))

    def _only_type(self) -> Any:
        types = self._user_types()
        if len(types) != 1:
            raise EncodeError(
                "proto_message names the type of received frames and sent dictionaries: "
                f"give one of {', '.join(types) or '(the file defines no message)'}"
            )
        return self._descriptor(types[0])

    def _class(self, descriptor: Any) -> Any:
        cls = self._classes.get(descriptor.full_name)
        if cls is None:
            from google.protobuf import message_factory

            cls = self._classes[descriptor.full_name] = message_factory.GetMessageClass(descriptor)
        return cls

    # -- frames -------------------------------------------------------------------------

    def decode(self, frame: bytes) -> Any:
        if self._type is None:
            try:
                return decode_raw(frame)
            except (WireError, RecursionError) as error:
                return undecodable(frame, error)
        try:
            message = self._class(self._type)()
            message.ParseFromString(bytes(frame))
            return _document(message, self._pool)
        except Exception as error:  # noqa: BLE001
            # DecodeError for bytes that are not this message, and whatever the runtime
            # raises for input it rejects: a peer's frame must become a document.
            return undecodable(frame, f"not a {self._type.full_name} message: {error}")

    def encode(self, document: Any) -> bytes:
        if isinstance(document, (bytes, bytearray)):
            return bytes(document)
        if self._type is None:
            try:
                return encode_raw(document)
            except ValueError as error:
                raise EncodeError(f"The document cannot be encoded: {error}.") from None
        if not isinstance(document, dict):
            raise EncodeError(
                f"A Protocol Buffers message is a dictionary, not {type(document).__name__}."
            )
        descriptor = self._type
        if "@type" in document:
            descriptor = self._descriptor(str(document["@type"]).rsplit("/", 1)[-1])
            document = {k: v for k, v in document.items() if k != "@type"}
        message = self._class(descriptor)()
        _fill(message, document, descriptor.full_name, self)
        try:
            return message.SerializeToString()  # type: ignore[no-any-return]
        except Exception as error:  # noqa: BLE001
            # EncodeError of the runtime: a proto2 required field left out.
            raise EncodeError(f"{descriptor.full_name} cannot be encoded: {error}.") from None

    @property
    def message_type(self) -> str | None:
        """The full name of the type of received frames, or ``None`` without a schema."""
        return None if self._type is None else self._type.full_name  # type: ignore[no-any-return]


def _load_pool(path: Path) -> tuple[Any, list[str]]:
    """A descriptor pool with the types of ``path`` (a ``.proto`` file or descriptor set),
    and the full names of its message types."""
    from google.protobuf import descriptor_pb2, descriptor_pool

    if not path.is_file():
        raise EncodeError(f"proto file {str(path)!r} does not exist")
    if path.suffix == ".proto":
        data = _compile(path)
    else:
        data = path.read_bytes()
    files = descriptor_pb2.FileDescriptorSet()
    try:
        files.ParseFromString(data)
    except Exception as error:  # noqa: BLE001
        raise EncodeError(
            f"{path} is neither a .proto file nor a descriptor set: {error}"
        ) from None
    pool = descriptor_pool.DescriptorPool()
    names: list[str] = []
    for file in files.file:
        try:
            pool.Add(file)
        except Exception as error:  # noqa: BLE001
            raise EncodeError(
                f"{path}: {file.name} cannot be loaded ({error}); a descriptor set must "
                "hold its imports: protoc --include_imports --descriptor_set_out=..."
            ) from None
        prefix = f"{file.package}." if file.package else ""
        names.extend(_message_names(prefix, file.message_type))
    if not names and not files.file:
        raise EncodeError(f"{path} is neither a .proto file nor a descriptor set")
    return pool, names


def _message_names(prefix: str, messages: Any) -> list[str]:
    names = []
    for message in messages:
        if message.options.map_entry:
            continue
        names.append(prefix + message.name)
        names.extend(_message_names(f"{prefix}{message.name}.", message.nested_type))
    return names


def _compile(path: Path) -> bytes:
    """Compile ``path`` with grpcio-tools' protoc, its folder and the well-known types on the
    import path, into a descriptor set with its imports."""
    try:
        require("grpc_tools", "Compiling a .proto file")
    except MissingPackage as error:
        raise MissingPackage(
            f"{error} (or give a descriptor set: protoc --include_imports "
            "--descriptor_set_out=FILE)"
        ) from error.__cause__
    from importlib.resources import files

    include = files("grpc_tools") / "_proto"
    with tempfile.TemporaryDirectory(prefix="robotwebsocket-proto-") as folder:
        out = Path(folder) / "set.pb"
        # protoc runs in a child process: its messages go to its stderr, where we read
        # them, and a crash of the compiler cannot take the test run with it.
        command = [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"--proto_path={path.parent.resolve()}",
            f"--proto_path={include}",
            "--include_imports",
            f"--descriptor_set_out={out}",
            str(path.resolve()),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0 or not out.exists():
            words = (result.stderr or result.stdout).strip() or f"exit {result.returncode}"
            raise EncodeError(f"{path} does not compile: {words}")
        return out.read_bytes()


# -- messages as documents ---------------------------------------------------------------


def _repeated(field: Any) -> bool:
    flag = getattr(field, "is_repeated", None)
    return bool(flag) if flag is not None else field.label == field.LABEL_REPEATED


def _is_map(field: Any) -> bool:
    return field.type == _MESSAGE and _repeated(field) and field.message_type.GetOptions().map_entry


_PLAIN, _PRESENCE, _REPEATED, _MAP = range(4)
_SCALAR, _NESTED, _NAMED = range(3)


class _Plan:
    """How a message type's fields become a document, worked out once per type: reading
    the descriptor's options for every field of every frame would cost more than parsing."""

    __slots__ = ("defaults", "lists", "maps", "fields")

    def __init__(self, descriptor: Any) -> None:
        #: Fields without presence at their defaults: there even when the frame lacks them.
        self.defaults: dict[str, Any] = {}
        self.lists: list[str] = []
        self.maps: list[str] = []
        #: name -> (shape, kind, the descriptor of the value)
        self.fields: dict[str, tuple[int, int, Any]] = {}
        for field in descriptor.fields:
            if _is_map(field):
                shape, item = _MAP, field.message_type.fields_by_name["value"]
                self.maps.append(field.name)
            elif _repeated(field):
                shape, item = _REPEATED, field
                self.lists.append(field.name)
            else:
                shape, item = (_PRESENCE if field.has_presence else _PLAIN), field
            kind = (
                _NESTED
                if item.type in (_MESSAGE, _GROUP)
                else _NAMED
                if item.type == _ENUM
                else _SCALAR
            )
            if shape == _PLAIN:
                self.defaults[field.name] = _value(item, kind, field.default_value, None)
            self.fields[field.name] = (shape, kind, item)


_PLANS: dict[Any, _Plan] = {}


def _document(message: Any, pool: Any) -> Any:
    descriptor = message.DESCRIPTOR
    plan = _PLANS.get(descriptor)
    if plan is None:
        if descriptor.full_name.startswith(_WELL_KNOWN):
            if descriptor.full_name in _WRAPPERS:
                # The wrapped value as it is: MessageToDict writes 64-bit integers as text.
                return message.value
            from google.protobuf import json_format

            return json_format.MessageToDict(
                message, preserving_proto_field_name=True, descriptor_pool=pool
            )
        plan = _PLANS[descriptor] = _Plan(descriptor)
    document = plan.defaults.copy()
    for name in plan.lists:
        document[name] = []
    for name in plan.maps:
        document[name] = {}
    # ListFields gives the fields that the frame set, in C: far cheaper than asking each.
    for field, value in message.ListFields():
        name = field.name
        shape, kind, item = plan.fields[name]
        if shape == _REPEATED:
            document[name] = (
                list(value) if kind == _SCALAR else [_value(item, kind, one, pool) for one in value]
            )
        elif shape == _MAP:
            # Keys are text, as in the JSON mapping, so that JSONPath reads them.
            document[name] = {
                _key(key): _value(item, kind, one, pool) for key, one in value.items()
            }
        else:
            document[name] = value if kind == _SCALAR else _value(item, kind, value, pool)
    return document


def _key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _value(field: Any, kind: int, value: Any, pool: Any) -> Any:
    if kind == _NESTED:
        return _document(value, pool)
    if kind == _NAMED:
        found = field.enum_type.values_by_number.get(value)
        return found.name if found is not None else value
    return value


# -- documents as messages ---------------------------------------------------------------


def _fill(message: Any, document: Any, path: str, owner: Protobuf) -> None:
    descriptor = message.DESCRIPTOR
    if descriptor.full_name.startswith(_WELL_KNOWN):
        from google.protobuf import json_format

        if descriptor.full_name in _WRAPPERS and isinstance(document, (bytes, bytearray)):
            message.value = bytes(document)
            return
        try:
            json_format.ParseDict(_jsonable(document), message, descriptor_pool=owner._pool)
        except Exception as error:  # noqa: BLE001
            raise EncodeError(f"{path}: not a {descriptor.full_name}: {error}") from None
        return
    if not isinstance(document, dict):
        raise EncodeError(
            f"{path}: a {descriptor.full_name} is a dictionary, not {type(document).__name__}"
        )
    fields = descriptor.fields_by_name
    # An empty dictionary still sets a message field: {} is "present, with no fields".
    message.SetInParent()
    for key, value in document.items():
        field = fields.get(key) or descriptor.fields_by_camelcase_name.get(key)
        if field is None:
            raise EncodeError(
                f"{path}: {descriptor.full_name} has no field {key!r}; its fields: "
                f"{', '.join(fields) or 'none'}"
            )
        if value is None:
            continue
        where = f"{path}.{field.name}"
        composite = field.type in (_MESSAGE, _GROUP) or _repeated(field)
        target: Any = getattr(message, field.name) if composite else None
        if _is_map(field):
            if not isinstance(value, dict):
                raise EncodeError(f"{where}: a map is a dictionary, not {type(value).__name__}")
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            for map_key, item in value.items():
                map_key = _scalar(key_field, map_key, f"{where}[{map_key!r}]")
                if value_field.type == _MESSAGE:
                    _fill(target[map_key], item, f"{where}[{map_key!r}]", owner)
                else:
                    target[map_key] = _scalar(value_field, item, f"{where}[{map_key!r}]")
        elif _repeated(field):
            if not isinstance(value, (list, tuple)):
                raise EncodeError(
                    f"{where}: a repeated field is a list, not {type(value).__name__}"
                )
            for index, item in enumerate(value):
                if field.type in (_MESSAGE, _GROUP):
                    _fill(target.add(), item, f"{where}[{index}]", owner)
                else:
                    target.append(_scalar(field, item, f"{where}[{index}]"))
        elif field.type in (_MESSAGE, _GROUP):
            _fill(target, value, where, owner)
        else:
            scalar = _scalar(field, value, where)
            try:
                setattr(message, field.name, scalar)
            except (TypeError, ValueError) as error:
                # Out of the field's range: 2**40 in an int32.
                raise EncodeError(f"{where}: {error}") from None


def _scalar(field: Any, value: Any, where: str) -> Any:
    kind = field.type
    if kind == _ENUM:
        if isinstance(value, str):
            found = field.enum_type.values_by_name.get(value)
            if found is None:
                names = ", ".join(field.enum_type.values_by_name)
                raise EncodeError(
                    f"{where}: {value!r} is not a {field.enum_type.full_name} ({names})"
                )
            return found.number
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind in _INTEGERS:
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
        elif isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind in _FLOATS:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if value in ("NaN", "Infinity", "-Infinity"):
            return float(value)
    elif kind == _BOOL:
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):  # a map key, written as the JSON mapping does
            return value == "true"
    elif kind == _STRING:
        if isinstance(value, str):
            return value
    elif kind == _BYTES:
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        if isinstance(value, str):
            return value.encode("utf-8")
    raise EncodeError(
        f"{where}: {value!r} is not a value of a {_KIND_NAMES.get(kind, 'scalar')} field"
    )


_KIND_NAMES = {
    1: "double",
    2: "float",
    3: "int64",
    4: "uint64",
    5: "int32",
    6: "fixed64",
    7: "fixed32",
    8: "bool",
    9: "string",
    12: "bytes",
    13: "uint32",
    14: "enum",
    15: "sfixed32",
    16: "sfixed64",
    17: "sint32",
    18: "sint64",
}


def _jsonable(value: Any) -> Any:
    """A value for json_format.ParseDict: bytes as Base64, as the JSON mapping writes them."""
    import base64

    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
