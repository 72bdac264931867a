"""Protocol Buffers messages to documents and back, for :mod:`.protobuf`: the field walk
over Google's runtime, with each type's plan worked out once."""

from __future__ import annotations

import base64
from typing import Any

from . import EncodeError

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


def to_document(message: Any, pool: Any) -> Any:
    """The document of a parsed message (see :mod:`.protobuf`)."""
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
        return to_document(value, pool)
    if kind == _NAMED:
        found = field.enum_type.values_by_number.get(value)
        return found.name if found is not None else value
    return value


# -- documents as messages ---------------------------------------------------------------


def fill(message: Any, document: Any, path: str, pool: Any) -> None:
    """Set ``message``'s fields from ``document``; :class:`EncodeError` naming the field
    (``path``) that cannot take its value."""
    descriptor = message.DESCRIPTOR
    if descriptor.full_name.startswith(_WELL_KNOWN):
        from google.protobuf import json_format

        if descriptor.full_name in _WRAPPERS and isinstance(document, (bytes, bytearray)):
            message.value = bytes(document)
            return
        try:
            json_format.ParseDict(_jsonable(document), message, descriptor_pool=pool)
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
                    fill(target[map_key], item, f"{where}[{map_key!r}]", pool)
                else:
                    target[map_key] = _scalar(value_field, item, f"{where}[{map_key!r}]")
        elif _repeated(field):
            if not isinstance(value, (list, tuple)):
                raise EncodeError(
                    f"{where}: a repeated field is a list, not {type(value).__name__}"
                )
            for index, item in enumerate(value):
                if field.type in (_MESSAGE, _GROUP):
                    fill(target.add(), item, f"{where}[{index}]", pool)
                else:
                    target.append(_scalar(field, item, f"{where}[{index}]"))
        elif field.type in (_MESSAGE, _GROUP):
            fill(target, value, where, pool)
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
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
