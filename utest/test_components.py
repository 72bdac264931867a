"""The library is a PythonLibCore DynamicCore built from keyword components: no keyword
class is mixed into it, every keyword reaches libdoc with its documentation, and Python
callers still call keywords as methods of an instance."""

import inspect

import pytest
from robot.libdoc import LibraryDocumentation
from robotlibcore import DynamicCore

import RobotWebSocket as package
from RobotWebSocket import RobotWebSocket
from RobotWebSocket.keywords.base import ContextAware
from RobotWebSocket.registry import ClientEntry, Entry, MockClientEntry, MockServerEntry

LIBRARY = RobotWebSocket()
COMPONENTS = {type(method.__self__) for method in LIBRARY.keywords.values()}


def _defines_keywords(cls: type) -> bool:
    return any(hasattr(member, "robot_name") for member in vars(cls).values())


def test_the_library_class_holds_no_keyword_mixins():
    assert [c for c in RobotWebSocket.__mro__ if _defines_keywords(c)] == []
    assert set(RobotWebSocket.__mro__) <= {RobotWebSocket, *DynamicCore.__mro__}


def test_each_component_holds_the_context_and_inherits_from_no_other_component():
    assert len(COMPONENTS) == 12  # with the proxy and replay components, and contracts
    for component in COMPONENTS:
        assert component.__bases__ == (ContextAware,), component
    contexts = {id(method.__self__.context) for method in LIBRARY.keywords.values()}
    assert contexts == {id(LIBRARY._context)}


def test_every_keyword_is_found_by_libdoc_with_its_documentation():
    doc = LibraryDocumentation("RobotWebSocket")
    names = {kw.name.lower().replace(" ", "_") for kw in doc.keywords}
    assert names == set(LIBRARY.get_keyword_names())
    assert all(kw.doc.strip() and kw.short_doc for kw in doc.keywords)
    # Robot Framework 7.0 and 7.1 expand %TOC% into the list of sections when they read it.
    assert "%TOC%" in doc.doc or "- `Connections`\n- `Sending`" in doc.doc
    assert doc.inits and "Imports the library." in doc.inits[0].doc


@pytest.mark.parametrize("name", sorted(LIBRARY.get_keyword_names()))
def test_every_keyword_is_a_method_of_the_instance(name):
    method = getattr(LIBRARY, name)
    assert inspect.ismethod(method)
    assert method == LIBRARY.keywords[name]


def test_the_suite_listener_is_registered():
    listeners = LIBRARY.ROBOT_LIBRARY_LISTENER
    assert [type(listener).__name__ for listener in listeners] == ["_SuiteListener"]
    assert listeners[0].context is LIBRARY._context


def test_close_disconnects_every_kind(server):
    library = RobotWebSocket()
    url = library.start_mock_server()
    library.connect(url, alias="to-mock")
    client = library.wait_for_client()
    library.connect(server.url("/echo"), alias="echo")
    library.close()
    for name in ("to-mock", client, "echo"):
        assert library.get_connection_info(name)["state"] == "closed"
    kinds = {type(entry) for entry in library._context.registry.entries()}
    assert kinds == {ClientEntry, MockClientEntry, MockServerEntry}


def test_every_kind_of_entry_says_what_it_offers():
    for kind in (ClientEntry, MockClientEntry, MockServerEntry):
        assert issubclass(kind, Entry)
        assert not inspect.isabstract(kind), kind


def test_the_package_exports_the_library():
    assert package.RobotWebSocket is RobotWebSocket
