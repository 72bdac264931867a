"""A mock server's client served a recorded conversation, on the loop thread.

The client is sent what the recording received before its first send; after each message
the client sends, what the recording received after the corresponding send, each after
its recorded gap (none with ``fast`` timing). A client message that differs from the
recorded one is counted (``replay_mismatches``) and warned about by the next keyword that
reads the connection. One task per client sends, in order; nothing here logs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from ._client import Connection
from .replay import Recorded, Recording, differences, shown

#: The longest recorded gap kept (a recording left open for minutes is not replayed so).
MAX_GAP = 30.0


@dataclass(eq=False)
class ReplayingConnection(Connection):
    """A mock server's client that the server answers from a recording."""

    recording: Any = None
    fast: bool = False
    replay_mismatches: int = 0
    _turn: int = 0
    _queue: Any = None
    _task: Any = None

    def start_replay(self) -> None:
        """The client is connected: send the greeting, then answer as recorded."""
        recording: Recording = self.recording
        self._queue = asyncio.Queue()
        previous = recording.started if recording.started else None
        self._queue.put_nowait(self._timed(recording.greeting, previous))
        self._task = asyncio.ensure_future(self._serve())

    def deliver(self, ws: Any, data: str | bytes) -> None:
        super().deliver(ws, data)
        recording: Recording = self.recording
        index, self._turn = self._turn, self._turn + 1
        if index >= len(recording.turns):
            self.replay_mismatches += 1
            self.note(
                "warn",
                f"replay: the client sent message {index + 1} {shown(data)}, and the "
                f"recording has only {len(recording.turns)}.",
            )
            return
        turn = recording.turns[index]
        found = differences(turn.sent.data, data, [])
        if found:
            self.replay_mismatches += 1
            where, old, new = found[0]
            self.note(
                "warn",
                f"replay: the client's message {index + 1} differs from the recording at "
                f"{where}: recorded {shown(old)}, received {shown(new)}.",
            )
        if self._queue is not None:
            self._queue.put_nowait(self._timed(turn.replies, turn.sent.time))

    def _timed(self, messages: list[Recorded], after: float | None) -> list[tuple[float, Any]]:
        """Each message with the time to wait before it, from the one before."""
        timed = []
        for message in messages:
            gap = 0.0 if self.fast or after is None else message.time - after
            timed.append((min(max(gap, 0.0), MAX_GAP), message.data))
            after = message.time
        return timed

    async def _serve(self) -> None:
        queue = self._queue
        while True:
            batch = await queue.get()
            for gap, data in batch:
                if gap:
                    await asyncio.sleep(gap)
                if not self.is_open:
                    return
                pending = self.send_frames([data], 10.0)
                if pending is not None:
                    try:
                        await pending
                    except Exception:  # noqa: BLE001 - the client left: nothing to serve
                        return

    def _stop_timers(self) -> None:
        super()._stop_timers()
        if self._task is not None:
            self._task.cancel()
