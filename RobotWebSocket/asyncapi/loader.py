"""Reading AsyncAPI documents: files in YAML or JSON, and the ``$ref``s between them.

A document is one root file and every file its ``$ref``s reach. Each file is read once and
named by its ``file:`` URI; a reference is followed relative to the file it is written in,
with an RFC 6901 JSON pointer after ``#``. :class:`Files` follows references one step at a
time and keeps the chain of places it passed (:class:`Place`), because the model needs to
know *which* channel or message a reference names, not only what it contains. Schemas are
handed to jsonschema through :meth:`Files.registry`, a ``referencing`` registry over the same
parsed files, so a schema that refers to itself is resolved as jsonschema resolves any
recursive schema: lazily, without loops.

Everything that is wrong with a document is a :class:`ContractError` naming the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import yaml
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7

try:
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _YamlLoader = yaml.SafeLoader

SUPPORTED = re.compile(r"^(2\.[0-6]|3\.[01])\.\d+$")


class ContractError(ValueError):
    """An AsyncAPI document that cannot be used, or a URL that it does not describe."""


@dataclass(frozen=True)
class Place:
    """Where a node lives: a file's URI and a JSON pointer into it."""

    uri: str
    pointer: str = ""

    def child(self, *keys: str | int) -> Place:
        escaped = (str(k).replace("~", "~0").replace("/", "~1") for k in keys)
        return Place(self.uri, "/".join((self.pointer, *escaped)))

    @property
    def path(self) -> str:
        return url2pathname(urlsplit(self.uri).path)

    def __str__(self) -> str:
        return f"{self.path}#{self.pointer}"


def pointer_keys(pointer: str) -> list[str]:
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"'{pointer}' is not a JSON pointer (it must start with '/')")
    return [k.replace("~1", "/").replace("~0", "~") for k in pointer[1:].split("/")]


def walk(node: Any, pointer: str) -> Any:
    """The node that ``pointer`` names inside ``node``; KeyError when there is none."""
    for key in pointer_keys(pointer):
        if isinstance(node, dict):
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise KeyError(key)
    return node


def parse_text(text: str, name: str) -> Any:
    """JSON or YAML text as Python data; ContractError naming ``name`` when it is neither."""
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            pass  # YAML flow style also starts with a brace; let YAML say what is wrong.
    try:
        return yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        reason = " ".join(str(error).split())
        raise ContractError(f"{name} is not YAML or JSON: {reason}") from error


class Files:
    """The files of one document, each parsed once, and reference following between them."""

    def __init__(self, root: str | Path) -> None:
        path = Path(root).resolve()
        self.root = Place(path.as_uri())
        self._parsed: dict[str, Any] = {}
        self.document = self.load(self.root.uri)
        self._check_version()

    def load(self, uri: str, referrer: Place | None = None) -> Any:
        if uri in self._parsed:
            return self._parsed[uri]
        if not uri.startswith("file:"):
            where = f" (referenced from {referrer})" if referrer else ""
            raise ContractError(f"only references to files are followed, not {uri}{where}")
        path = Path(url2pathname(urlsplit(uri).path))
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as error:
            where = f" (referenced from {referrer})" if referrer else ""
            raise ContractError(f"AsyncAPI file {path} does not exist{where}") from error
        except (OSError, UnicodeDecodeError) as error:
            raise ContractError(f"AsyncAPI file {path} cannot be read: {error}") from error
        self._parsed[uri] = parse_text(text, str(path))
        return self._parsed[uri]

    def _check_version(self) -> None:
        document, name = self.document, self.root.path
        if not isinstance(document, dict) or "asyncapi" not in document:
            raise ContractError(f"{name} is not an AsyncAPI document: it has no 'asyncapi' field")
        version = str(document["asyncapi"])
        if not SUPPORTED.match(version):
            raise ContractError(
                f"{name} is AsyncAPI {version}; the versions read are 2.0 to 2.6 and 3.0 to 3.1"
            )
        self.version = version
        self.major = int(version[0])

    def at(self, place: Place) -> Any:
        """The node at ``place``, or ContractError."""
        document = self.load(place.uri)
        try:
            return walk(document, place.pointer)
        except (KeyError, ValueError) as error:
            raise ContractError(f"{place} does not exist") from error

    def target(self, ref: Any, at: Place) -> Place:
        """The place a ``$ref`` written at ``at`` names."""
        if not isinstance(ref, str):
            raise ContractError(f"$ref at {at} is not a string: {ref!r}")
        address, _, fragment = urljoin(at.uri, ref).partition("#")
        return Place(address, unquote(fragment))

    def follow(self, node: Any, at: Place) -> tuple[Any, list[Place]]:
        """``node`` with its ``$ref``s followed, and the places passed, ``at`` first.

        A chain of references that comes back to a place it passed is an error; a schema
        that refers to itself is not followed here (jsonschema resolves schemas lazily).
        """
        chain = [at]
        while isinstance(node, dict) and "$ref" in node:
            place = self.target(node["$ref"], chain[-1])
            if place in chain:
                raise ContractError(f"$ref at {chain[-1]} goes round in a circle to {place}")
            document = self.load(place.uri, referrer=chain[-1])
            try:
                node = walk(document, place.pointer)
            except (KeyError, ValueError) as error:
                raise ContractError(
                    f"$ref '{node['$ref']}' at {chain[-1]} does not resolve: "
                    f"{place.path} has nothing at '#{place.pointer}'"
                ) from error
            chain.append(place)
        return node, chain

    def resolve(self, at: Place) -> tuple[Any, list[Place]]:
        """The node at ``at`` with references followed, and the chain of places."""
        return self.follow(self.at(at), at)

    def check_schema_refs(self, at: Place) -> None:
        """Raise ContractError for the first ``$ref`` in the schema at ``at`` (and in the
        schemas it reaches) that does not resolve, so a broken schema fails at once rather
        than at the first message. Each place is visited once, so recursion ends."""
        seen: set[Place] = set()
        pending = [at]
        while pending:
            place = pending.pop()
            if place in seen:
                continue
            seen.add(place)
            stack: list[tuple[Any, Place]] = [(self.at(place), place)]
            while stack:
                node, here = stack.pop()
                if isinstance(node, dict):
                    if isinstance(node.get("$ref"), str):
                        _, chain = self.follow({"$ref": node["$ref"]}, here)
                        pending.append(chain[-1])
                    for key, value in node.items():
                        if key not in ("enum", "const", "examples", "example", "default"):
                            stack.append((value, here.child(key)))
                elif isinstance(node, list):
                    stack.extend((value, here.child(i)) for i, value in enumerate(node))

    def registry(self) -> Registry:
        """A ``referencing`` registry over the parsed files (others are read on demand)."""

        def retrieve(uri: str) -> Resource:
            try:
                return DRAFT7.create_resource(self.load(uri))
            except ContractError as error:
                raise NoSuchResource(ref=uri) from error  # type: ignore[call-arg]

        return Registry(retrieve=retrieve).with_resources(  # type: ignore[call-arg]
            (uri, DRAFT7.create_resource(contents)) for uri, contents in self._parsed.items()
        )
