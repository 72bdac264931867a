"""The registry's look-ups ask only the groups (mock servers, proxies) for what they brought
in: a test with thousands of clients must not pay a pass over all of them per keyword."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from RobotWebSocket.registry import ClientEntry, Registry


class Counted(ClientEntry):
    """A client entry that counts how often the registry asks it to adopt."""

    asked = 0

    def __init__(self, name: str) -> None:
        self.name = name
        self.connection = None

    def adopt(self) -> list[Any]:
        Counted.asked += 1
        return []

    def recipients(self) -> Iterator[Any]:
        return iter(())


def test_a_look_up_does_not_ask_every_client() -> None:
    registry = Registry(show=str)
    for n in range(1000):
        registry.add(Counted(f"c{n}"))
    Counted.asked = 0
    for n in range(100):
        assert registry.find(f"c{n}") is not None
    assert Counted.asked == 0
