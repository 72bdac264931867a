"""The loop timers of a connection: heartbeats and a protocol's keep-alive ticks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from websockets.protocol import State

from .rules import Rule


class Timers:
    """Mixed into :class:`~RobotWebSocket._client.Connection`; runs on the loop only."""

    # What the timers use of the connection they are mixed into.
    ws: Any
    codec: Any
    rulesets: list[Any]
    note: Callable[[str, str], None]
    _timers: dict[str, asyncio.TimerHandle]
    send_for_rule: Callable[[Any, Rule, str], None]
    _carry_out: Callable[[Any, Any], None]

    def start_heartbeats(self, only: Rule | None = None) -> None:
        """Schedule the heartbeats of this name (or just ``only``), each first firing an
        interval from now."""
        loop = asyncio.get_running_loop()
        for ruleset in self.rulesets:
            for rule in ruleset.heartbeats():
                if (only is None or rule is only) and rule.id not in self._timers:
                    self._schedule(loop, rule)

    def _schedule(self, loop: asyncio.AbstractEventLoop, rule: Rule) -> None:
        assert rule.interval is not None and rule.template is not None

        def beat() -> None:
            self._timers.pop(rule.id, None)
            ws = self.ws
            if not rule.active or ws is None or ws.state is not State.OPEN:
                return
            self.send_for_rule(ws, rule, rule.template.text)  # type: ignore[union-attr]
            self.note("heartbeat", f"{rule.id} sent heartbeat {rule.template.text!r}.")  # type: ignore[union-attr]
            self._schedule(loop, rule)

        self._timers[rule.id] = loop.call_later(rule.interval, beat)

    def _start_ticks(self) -> None:
        codec = self.codec
        if codec is None or not codec.tick_interval or "codec" in self._timers:
            return
        loop = asyncio.get_running_loop()
        interval = codec.tick_interval

        def tick() -> None:
            self._timers.pop("codec", None)
            ws = self.ws
            if ws is None or ws.state is not State.OPEN:
                return
            self._carry_out(ws, codec.tick(time.monotonic()))
            self._timers["codec"] = loop.call_later(interval, tick)

        self._timers["codec"] = loop.call_later(interval, tick)

    def _stop_timers(self) -> None:
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
