"""The one asyncio event loop of the process, in one daemon thread.

Every connection lives on this loop, so pings are answered and messages land in the
histories while Robot runs other keywords. Keywords hand coroutines over with :meth:`run`,
which waits in short slices so that Robot's timeouts and Ctrl-C can interrupt it, and
cancels the coroutine on any exit but success. Nothing here logs: Robot drops log calls
made from other threads, so the loop only records and keywords write the log.

The loop thread holds :attr:`LoopThread.lock` except while it waits for events in
``select()``. A keyword thread that takes the lock while the loop waits may run short,
synchronous loop work itself (:meth:`LoopThread.call_idle`): writing a frame that way needs
no thread wake-up, which is a third of a request/reply round trip (docs/performance.md).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import selectors
import sys
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from .deadline import SLICE

T = TypeVar("T")

# While a connection floods the loop thread with messages, a keyword thread waiting for a
# reply waits for the GIL for up to the switch interval (5 ms by default) at every hand-over.
# A shorter interval keeps request/reply latency low under load, at a small cost in
# throughput (measured in bench/).
SWITCH_INTERVAL = 0.0005


class _HandingSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """The loop's selector: the loop thread lets go of ``lock`` only while it waits for
    events, and takes it back before it handles them."""

    def __init__(self, lock: threading.Lock) -> None:
        super().__init__()
        self.lock = lock

    def select(self, timeout: float | None = None) -> Any:
        self.lock.release()
        try:
            return super().select(timeout)
        finally:
            self.lock.acquire()


class LoopThread:
    """Owns the event loop thread: lazy start, daemon, ordered shutdown."""

    def __init__(self) -> None:
        #: Held by the loop thread except while it waits in ``select()``.
        self.lock = threading.Lock()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._on_shutdown: list[Callable[[], Awaitable[Any]]] = []

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def loop(self) -> asyncio.AbstractEventLoop:
        """The running loop, started on first use."""
        with self._lock:
            if self._loop is None or not self.running:
                loop = asyncio.SelectorEventLoop(_HandingSelector(self.lock))
                ready = threading.Event()
                thread = threading.Thread(
                    target=self._run,
                    args=(loop, ready, self.lock),
                    name="RobotWebSocket-loop",
                    daemon=True,
                )
                thread.start()
                ready.wait()
                self._loop, self._thread = loop, thread
                if sys.getswitchinterval() > SWITCH_INTERVAL:
                    sys.setswitchinterval(SWITCH_INTERVAL)
            return self._loop

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop, ready: threading.Event, lock: threading.Lock) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        lock.acquire()
        try:
            loop.run_forever()
        finally:
            pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()
            lock.release()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and return its result, from any thread but the loop's.

        The coroutine bounds its own time; this side waits in slices of
        :data:`~RobotWebSocket.deadline.SLICE` so that signals are handled promptly.
        """
        return self.wait(self.submit(coro))

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start ``coro`` on the loop without waiting for it."""
        if self.in_loop_thread():
            coro.close()
            raise RuntimeError("RobotWebSocket keywords cannot be called from its event loop.")
        return asyncio.run_coroutine_threadsafe(coro, self.loop())

    def call(self, function: Callable[..., Any], *args: Any) -> concurrent.futures.Future[Any]:
        """Call ``function(*args)`` on the loop without waiting for it. When it returns a
        coroutine, that coroutine runs as a task and the future gets its result; otherwise
        the future gets what it returned, with no task and no further loop iteration.
        Cancelling the future cancels the task."""
        if self.in_loop_thread():
            raise RuntimeError("RobotWebSocket keywords cannot be called from its event loop.")
        loop = self.loop()
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def settle(outcome: asyncio.Future[Any]) -> None:
            if not future.set_running_or_notify_cancel():
                return
            if outcome.cancelled():
                future.cancel()
            elif (error := outcome.exception()) is not None:
                future.set_exception(error)
            else:
                future.set_result(outcome.result())

        def start() -> None:
            if future.cancelled():
                return
            try:
                result = function(*args)
            except BaseException as error:  # noqa: BLE001 - handed to the caller
                if future.set_running_or_notify_cancel():
                    future.set_exception(error)
                return
            if not asyncio.iscoroutine(result):
                if future.set_running_or_notify_cancel():
                    future.set_result(result)
                return
            task = loop.create_task(result)
            task.add_done_callback(settle)
            future.add_done_callback(
                lambda done: loop.call_soon_threadsafe(task.cancel) if done.cancelled() else None
            )

        loop.call_soon_threadsafe(start)
        return future

    def call_idle(
        self, function: Callable[..., T], *args: Any
    ) -> concurrent.futures.Future[T] | None:
        """Call the short, synchronous loop-side ``function(*args)`` from this thread while
        the loop waits for events, as if the loop ran it; its result (or exception) in a
        done future. ``None`` when the loop is busy (or in debug mode): then nothing ran and
        the caller hands the work over with :meth:`call`.

        ``function`` must not block, await or ask for the running loop. What it schedules
        with ``call_soon`` (asyncio does so when a write fails) is run at once: the loop is
        woken for it.
        """
        loop = self._loop
        if loop is None or loop.get_debug() or not self.lock.acquire(blocking=False):
            return None
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        try:
            if self._thread is None or not self._thread.is_alive():
                return None
            future.set_running_or_notify_cancel()
            try:
                future.set_result(function(*args))
            except Exception as error:  # noqa: BLE001 - handed to the caller
                future.set_exception(error)
            finally:
                if getattr(loop, "_ready", True):
                    loop.call_soon_threadsafe(_nothing)
        finally:
            self.lock.release()
        return future

    @classmethod
    def wait(cls, future: concurrent.futures.Future[T]) -> T:
        """The result of ``future``, waiting in slices; cancels it if the wait is interrupted."""
        cls.settle(future)
        return future.result()

    @staticmethod
    def settle(future: concurrent.futures.Future[Any]) -> None:
        """Wait in slices until ``future`` is done, without raising its exception; cancel it
        if the wait itself is interrupted (Robot timeout, Ctrl-C)."""
        try:
            while not future.done():
                concurrent.futures.wait((future,), timeout=SLICE)
        except BaseException:
            future.cancel()
            raise

    def shutdown(self, close: Coroutine[Any, Any, Any] | None = None, timeout: float = 5) -> None:
        """Run ``close`` (closing connections) with a limit, stop the loop, join the thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None or not thread.is_alive():
            if close is not None:
                close.close()
            return
        if close is not None:
            future = asyncio.run_coroutine_threadsafe(close, loop)
            try:
                future.result(timeout)
            except BaseException:  # noqa: BLE001 - shutdown goes on whatever happened
                future.cancel()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)


def _nothing() -> None:
    """Scheduled only to wake the loop."""


#: The process's loop thread, shared by every library instance.
LOOP = LoopThread()
_closers: list[weakref.WeakMethod[Callable[[], Coroutine[Any, Any, Any]]]] = []


def register_closer(closer: Callable[[], Coroutine[Any, Any, Any]]) -> None:
    """Have the bound method ``closer()`` run on the loop when the interpreter exits,
    without keeping its instance alive."""
    _closers.append(weakref.WeakMethod(closer))


def _close_all_at_exit() -> None:
    closers = [closer for ref in _closers if (closer := ref()) is not None]

    async def close_everything() -> None:
        await asyncio.gather(*(closer() for closer in closers), return_exceptions=True)

    LOOP.shutdown(close_everything(), timeout=3)


atexit.register(_close_all_at_exit)
