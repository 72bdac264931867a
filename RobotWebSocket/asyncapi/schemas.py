"""Payload schemas: which validator checks each one, compiled once, and errors worded as
JSON pointers into the message.

AsyncAPI Schema Objects are a superset of JSON Schema draft 7 and are checked with
:class:`jsonschema.Draft7Validator` (the AsyncAPI-only keywords, such as ``discriminator``,
are annotations). ``schemaFormat`` ``application/schema+json;version=draft-04`` (to
``draft-07``, in JSON or YAML) picks that draft's validator; a ``$schema`` inside the payload
does too. Any other format (Avro, RAML, Protobuf, OpenAPI) is not checked.

Two validators share the work. Whether a message conforms is asked of ``fastjsonschema``,
which compiles each schema to Python code once (about 0.2 to 2 µs a message where jsonschema
takes 20 to 250 µs on Kraken's document; docs/decisions.md). It gets the schema bundled: every
``$ref`` (to other files too) copied under ``definitions`` once and pointed at there, so a
recursive schema stays a loop of references, never an endless copy. Why a message does not
conform is asked of jsonschema, which reaches each schema through a ``$ref`` to its place in
one ``referencing`` registry and words every error with its path; where the two disagree,
jsonschema's judgement stands (a definition it finds no error in is matched). Without
fastjsonschema installed, or for a schema it cannot compile, jsonschema does both.

A cheap first test spares most validations when several definitions share a channel: the
string constants a schema demands of top-level members (``const``, a string ``enum``, also
inside ``allOf`` and behind ``$ref``) are collected once, and a message whose member holds
another string cannot be valid against it. Only strings are compared, so JSON's ``1`` and
``true`` never meet Python's equality.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import jsonschema
from jsonschema import Draft4Validator, Draft6Validator, Draft7Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry

from .loader import ContractError, Files, Place

try:
    import fastjsonschema
except ImportError:  # pragma: no cover - jsonschema alone is slower but complete
    fastjsonschema = None  # type: ignore[assignment]

_ASYNCAPI = re.compile(r"^application/vnd\.aai\.asyncapi(\+json|\+yaml)?(;.*)?$")
_JSON_SCHEMA = re.compile(r"^application/schema(\+json|\+yaml)?(;\s*version=(?P<draft>[\w-]+))?$")
_DRAFTS: dict[str, type[Any]] = {
    "draft-04": Draft4Validator,
    "draft-05": Draft4Validator,  # draft-05 changed no keyword
    "draft-06": Draft6Validator,
    "draft-07": Draft7Validator,
}

# A reason is cut past this many characters: jsonschema quotes the whole instance in some.
REASON_LIMIT = 300
# A mismatched constant says "another kind of message", so it counts as this many errors
# when the closest definition is chosen.
CONST_WEIGHT = 10


def validator_class(schema_format: str | None, schema: Any) -> type[Any] | None:
    """The jsonschema validator class for a payload, or None when its format is not checked."""
    if schema_format:
        text = schema_format.strip().replace(" ", "")
        if _ASYNCAPI.match(text):
            return Draft7Validator
        found = _JSON_SCHEMA.match(text)
        if not found:
            return None
        if found.group("draft"):
            return _DRAFTS.get(found.group("draft"))
    if isinstance(schema, dict) and isinstance(schema.get("$schema"), str):
        return jsonschema.validators.validator_for(schema, default=Draft7Validator)  # type: ignore[no-any-return]
    return Draft7Validator


@dataclass(frozen=True)
class Problem:
    """One reason a payload breaks a schema: a JSON pointer into the payload and why."""

    pointer: str
    reason: str
    weight: int = 1

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.reason}"


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(key).replace("~", "~0").replace("/", "~1") for key in path)


def _reason(error: ValidationError) -> str:
    message = " ".join(error.message.split())
    return message if len(message) <= REASON_LIMIT else message[: REASON_LIMIT - 1] + "…"


def _weight(errors: Iterable[Problem]) -> int:
    return sum(problem.weight for problem in errors)


def problems(errors: Iterable[ValidationError]) -> list[Problem]:
    """Errors as problems, a failed ``oneOf``/``anyOf`` replaced by its closest branch's."""
    result = []
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            branches: dict[Any, list[ValidationError]] = defaultdict(list)
            for sub in error.context:
                branches[sub.relative_schema_path[0]].append(sub)
            result += min((problems(branch) for branch in branches.values()), key=_weight)
        else:
            weight = CONST_WEIGHT if error.validator == "const" else 1
            result.append(Problem(_pointer(error.absolute_path), _reason(error), weight))
    result.sort(key=lambda problem: problem.pointer)
    return result


Test = Callable[[Any], bool]


def _admits(constants: dict[str, frozenset[str]]) -> Test:
    """The cheap first test: no top-level member holds a string its schema rules out."""

    def admits(payload: Any) -> bool:
        if isinstance(payload, dict):
            for key, allowed in constants.items():
                value = payload.get(key)
                if value.__class__ is str and value not in allowed:
                    return False
        return True

    return admits


def _boolean(validate: Callable[[Any], Any]) -> Test:
    def is_valid(payload: Any) -> bool:
        try:
            validate(payload)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return is_valid


def _branches(rest: Test, keyword: str, branches: list[tuple[Test, Test]]) -> Test:
    """A schema whose ``oneOf``/``anyOf`` is tested branch by branch, each behind its own
    first test, so the branches a message's constants rule out cost nothing."""

    def is_valid(payload: Any) -> bool:
        if not rest(payload):
            return False
        valid = 0
        for admits, test in branches:
            if admits(payload) and test(payload):
                valid += 1
                if keyword == "anyOf" or valid > 1:
                    break
        return valid == 1 if keyword == "oneOf" else valid > 0

    return is_valid


class Checker:
    """One compiled payload schema."""

    def __init__(
        self, validator: Any, constants: dict[str, frozenset[str]], fast: Test | None = None
    ) -> None:
        self._validator = validator
        self.admits = self._admits = _admits(constants)
        self._constants = constants
        self._test: Test = fast or validator.is_valid
        self.fast = fast is not None

    def is_valid(self, payload: Any) -> bool:
        return self._admits(payload) and self._test(payload)

    def problems(self, payload: Any) -> list[Problem]:
        return problems(self._validator.iter_errors(payload))

    def weight(self, payload: Any) -> tuple[int, list[Problem]]:
        found = self.problems(payload)
        return _weight(found), found


class Schemas:
    """Compiles each payload schema of a document once."""

    def __init__(self, files: Files) -> None:
        self.files = files
        self.registry: Registry = files.registry()
        self._checkers: dict[tuple[Place, str | None], Checker | None] = {}

    def checker(self, place: Place | None, schema_format: str | None) -> Checker | None:
        """The checker of the schema at ``place`` (None for "any payload" is a checker too);
        None when its format is not checked."""
        key = (place, schema_format) if place else (Place(""), schema_format)
        if key not in self._checkers:
            self._checkers[key] = self._compile(place, schema_format)
        return self._checkers[key]

    def _compile(self, place: Place | None, schema_format: str | None) -> Checker | None:
        if place is None:
            return Checker(Draft7Validator(True), {})
        schema = self.files.at(place)
        cls = validator_class(schema_format, schema)
        if cls is None:
            return None
        self.files.check_schema_refs(place)
        try:
            cls.check_schema(schema)
        except jsonschema.SchemaError as error:
            raise ContractError(f"the schema at {place} is not valid: {error.message}") from error
        ref = place.uri + "#" + quote(place.pointer, safe="/~!$&'()*+,;=:@")
        validator = cls({"$ref": ref}, registry=self.registry)
        return Checker(validator, _merge(self._constants(place)), self._fast(place, cls))

    def _fast(self, place: Place, cls: type[Any], depth: int = 0) -> Test | None:
        if fastjsonschema is None or cls not in _DRAFTS.values():
            return None
        schema, chain = self.files.resolve(place)
        place = chain[-1]
        for keyword in ("oneOf", "anyOf"):
            if (
                depth > 3
                or not isinstance(schema, dict)
                or not isinstance(schema.get(keyword), list)
            ):
                continue
            if not schema[keyword] or ({"oneOf", "anyOf"} - {keyword}) & schema.keys():
                continue
            rest = self._compiled(
                self.bundle(place, {k: v for k, v in schema.items() if k != keyword}), cls
            )
            branches = []
            for i in range(len(schema[keyword])):
                branch = place.child(keyword, i)
                test = self._fast(branch, cls, depth + 1)
                if test is None:
                    return None
                branches.append((_admits(_merge(self._constants(branch))), test))
            return None if rest is None else _branches(rest, keyword, branches)
        return self._compiled(self.bundle(place), cls)

    def _compiled(self, bundle: dict[str, Any], cls: type[Any]) -> Test | None:
        bundle["$schema"] = cls.META_SCHEMA["$schema"]
        try:
            # Defaults stay out of the message: fastjsonschema would write them into it.
            # (detailed_exceptions=False would be quicker on failures, but 2.22 cannot
            # compile a const with it.)
            return _boolean(fastjsonschema.compile(bundle, use_default=False, use_formats=False))
        except Exception:  # noqa: BLE001 - any schema it cannot compile is left to jsonschema
            return None

    def bundle(self, place: Place, schema: Any = None) -> dict[str, Any]:
        """The schema at ``place`` (or ``schema``, written there) with every ``$ref`` it reaches copied under ``definitions``
        once: ``{"$ref": "#/definitions/0", "definitions": {"0": ..., "1": ...}}``."""
        names: dict[Place, str] = {}
        definitions: dict[str, Any] = {}

        def name_of(target: Place) -> str:
            if target not in names:
                names[target] = str(len(names))
                definitions[names[target]] = copy(self.files.at(target), target)
            return names[target]

        def copy(node: Any, here: Place) -> Any:
            if isinstance(node, dict):
                if isinstance(node.get("$ref"), str):
                    target = self.files.target(node["$ref"], here)
                    return {"$ref": "#/definitions/" + name_of(target)}
                return {
                    key: value if key in _DATA else copy(value, here.child(key))
                    for key, value in node.items()
                    if key not in ("$id", "id", "$schema") or not isinstance(value, str)
                }
            if isinstance(node, list):
                return [copy(value, here.child(i)) for i, value in enumerate(node)]
            return node

        if schema is None:
            root = name_of(place)
        else:
            root = str(len(names) + 1000000)
            definitions[root] = copy(schema, place)
        return {"$ref": "#/definitions/" + root, "definitions": definitions}

    def _constants(self, place: Place, depth: int = 0) -> Iterator[tuple[str, frozenset[str]]]:
        """The string constants a schema demands of its top-level members."""
        if depth > 8:
            return
        schema, chain = self.files.resolve(place)
        place = chain[-1]
        if not isinstance(schema, dict):
            return
        for key, member in (schema.get("properties") or {}).items():
            if not isinstance(member, dict):
                continue
            member, _ = self.files.follow(member, place.child("properties", key))
            allowed = _strings(member)
            if allowed is not None:
                yield key, allowed
        for i, _ in enumerate(schema.get("allOf") or ()):
            yield from self._constants(place.child("allOf", i), depth + 1)
        for keyword in ("oneOf", "anyOf"):
            branches = schema.get(keyword)
            if not isinstance(branches, list) or not branches:
                continue
            # A member constrained in every branch may hold what any branch allows.
            found = [
                _merge(self._constants(place.child(keyword, i), depth + 1))
                for i in range(len(branches))
            ]
            for key in set.intersection(*(set(branch) for branch in found)):
                yield key, frozenset().union(*(branch[key] for branch in found))

    def value_allowed(self, schema: Place, values: list[Any]) -> bool:
        checker = self.checker(schema, None)
        return checker is None or any(checker.is_valid(value) for value in values)


def _merge(constants: Iterable[tuple[str, frozenset[str]]]) -> dict[str, frozenset[str]]:
    """Constraints on the same member, all of which must hold: what they allow together."""
    result: dict[str, frozenset[str]] = {}
    for key, allowed in constants:
        result[key] = result[key] & allowed if key in result else allowed
    return result


_DATA = frozenset(("enum", "const", "examples", "example", "default"))


def _strings(schema: dict[str, Any]) -> frozenset[str] | None:
    if "const" in schema:
        return frozenset([schema["const"]]) if isinstance(schema["const"], str) else None
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(item, str) for item in enum):
        return frozenset(enum)
    return None
