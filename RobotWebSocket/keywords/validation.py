"""Should Be Valid Json, Should Be Valid Xml."""

from __future__ import annotations

import json
import os
from typing import Any

import jsonschema
from jsonschema.exceptions import SchemaError
from lxml import etree
from robot.api.deco import keyword

from ..arguments import check_path
from ..errors import InvalidArgument, ValidationFailed
from ..history import xml_fromstring
from .base import ContextAware


def _load_schema(schema: Any) -> Any:
    """A JSON Schema from a dictionary, a JSON string, or a file path."""
    if isinstance(schema, (dict, bool)):
        return schema
    if not isinstance(schema, str):
        raise InvalidArgument(
            f"Argument 'schema' must be a dictionary, JSON text or a file path, got "
            f"{type(schema).__name__}."
        )
    text = schema.strip()
    if not text.startswith("{"):
        if not os.path.isfile(text):
            raise InvalidArgument(f"Schema file '{text}' does not exist.")
        with open(text, encoding="utf-8") as handle:
            text = handle.read()
    try:
        return json.loads(text)
    except ValueError as error:
        raise InvalidArgument(f"Schema is not valid JSON: {error}.") from error


def _json_path(path: Any) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class ValidationKeywords(ContextAware):
    """Should Be Valid Json, Should Be Valid Xml."""

    @keyword
    def should_be_valid_json(self, value: Any, schema: Any = None) -> Any:
        """Fails unless ``value`` is JSON (and valid against ``schema``); returns it parsed.

        ``value`` is JSON text, bytes, or an already parsed dictionary or list (a value
        returned by `Receive`). ``schema`` is a JSON Schema as a dictionary, JSON text or a
        file path; the draft named by its ``$schema`` is used (default: the newest).
        A failure lists every broken rule and where in the document it is
        (``$.items[2].qty: -1 is less than the minimum of 1 (rule minimum)``).

        Example:
        | ${msg}= | `Receive` | ${WS} |
        | ${order}= | `Should Be Valid Json` | ${msg} |
        | `Should Be Valid Json` | ${msg} | schema=${CURDIR}/order.schema.json |
        | `Should Be Valid Json` | ${msg} | schema={"type": "object", "required": ["id"]} |
        """
        if isinstance(value, (bytes, bytearray)):
            value = bytes(value).decode("utf-8", "replace")
        if isinstance(value, str):
            try:
                document = json.loads(value)
            except ValueError as error:
                raise ValidationFailed(
                    f"Value is not valid JSON: {error} in {value[:200]!r}."
                ) from error
        else:
            document = value
        if schema is None:
            return document
        loaded = _load_schema(schema)
        validator_class = jsonschema.validators.validator_for(loaded)
        try:
            validator_class.check_schema(loaded)
        except SchemaError as error:
            raise InvalidArgument(f"Schema is not a valid JSON Schema: {error.message}.") from error
        errors = sorted(
            validator_class(loaded).iter_errors(document), key=lambda e: list(e.absolute_path)
        )
        if errors:
            lines = [
                f"{_json_path(e.absolute_path)}: {e.message} (rule {e.validator})" for e in errors
            ]
            raise ValidationFailed(
                f"JSON does not match the schema ({len(errors)} error(s)):\n  " + "\n  ".join(lines)
            )
        self._log("JSON is valid against the schema.")
        return document

    @keyword
    def should_be_valid_xml(self, value: Any, schema: str | None = None) -> Any:
        """Fails unless ``value`` is well-formed XML (and valid against the XSD file
        ``schema``); returns ``value``.

        A failure names the line and the broken rule. Entities are not expanded and nothing
        is fetched over the network while parsing.

        Example:
        | ${msg}= | `Receive` | ${WS} | xpath=/order |
        | `Should Be Valid Xml` | ${msg} |
        | `Should Be Valid Xml` | ${msg} | schema=${CURDIR}/order.xsd |
        """
        raw = value.encode("utf-8") if isinstance(value, str) else value
        if not isinstance(raw, (bytes, bytearray)):
            raise InvalidArgument(f"Value must be XML text, got {type(value).__name__}.")
        try:
            document = xml_fromstring(bytes(raw))
        except etree.XMLSyntaxError as error:
            raise ValidationFailed(f"Value is not well-formed XML: {error}.") from error
        if schema is None:
            return value
        schema = check_path(schema, "schema")
        if not os.path.isfile(schema):
            raise InvalidArgument(f"Schema file '{schema}' does not exist.")
        try:
            xsd = etree.XMLSchema(etree.parse(schema))
        except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
            raise InvalidArgument(f"Schema '{schema}' is not a valid XSD: {error}.") from error
        if not xsd.validate(document):
            lines = [f"line {e.line}: {e.message}" for e in xsd.error_log]
            raise ValidationFailed(
                f"XML does not match the schema ({len(lines)} error(s)):\n  " + "\n  ".join(lines)
            )
        self._log("XML is valid against the schema.")
        return value
