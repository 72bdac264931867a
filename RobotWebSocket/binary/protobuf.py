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
from .protomessages import fill, to_document
from .protowire import WireError, decode_raw, encode_raw

_WELL_KNOWN = "google.protobuf."


class Protobuf(BinaryFormat):
    """Protocol Buffers; see the module's description."""

    name = "protobuf"

    def __init__(self, proto: str | Path | None = None, proto_message: str | None = None) -> None:
        self._pool: Any = None
        self._all_types: list[str] = []
        self._classes: dict[str, Any] = {}
        self._type: Any = None
        #: The runtime's class of received frames, once it has been made.
        self._received: Any = None
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
            received = self._received
            if received is None:
                received = self._received = self._class(self._type)
            return to_document(received.FromString(bytes(frame)), self._pool)
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
        fill(message, document, descriptor.full_name, self._pool)
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
