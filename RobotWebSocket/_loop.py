"""The one asyncio event loop of the process, in one daemon thread.

Every connection lives on this loop, so pings are answered and messages land in the
histories while Robot runs other keywords. Only the loop thread touches asyncio and
websockets objects. Keyword threads hand work over with :meth:`LoopThread.call` and wait for
it in short slices (:meth:`LoopThread.wait`), so that Robot's timeouts and Ctrl-C, which
Python raises in the main thread at any bytecode, interrupt the wait and never loop code.
An interrupted wait cancels the work on the loop.

Nothing here logs: Robot drops log calls made from other threads, so the loop only records
and keywords write the log.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import gc
import selectors
import sys
import threading
import weakref
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from .deadline import SLICE

T = TypeVar("T")

# While a connection floods the loop thread with messages, a keyword thread waiting for a
# reply waits for the GIL for up to the switch interval (5 ms by default) at every hand-over.
# A shorter interval keeps request/reply latency low under load; the process's previous
# value comes back when the loop stops.
SWITCH_INTERVAL = 0.0005

#: The garbage collector's thresholds while the loop runs (Python's default is 700, 10, 10):
#: a history of kept messages is made of objects the cyclic collector tracks, and with the
#: default it spent a quarter of an ingestion burst scanning them (docs/performance.md).
GC_THRESHOLDS = (50_000, 20, 20)


class LoopStopped(RuntimeError):
    """The loop thread ended while a keyword waited for work it had handed over."""


class LoopThread:
    """Owns the event loop thread: lazy start, daemon, ordered shutdown.

    ``selector`` makes the loop use another selector class than the platform's default
    (tests run the whole send path on ``select``, ``poll`` and ``epoll``).
    """

    def __init__(self, selector: type[selectors.BaseSelector] | None = None) -> None:
        self._lock = threading.Lock()
        self._selector = selector
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._switch_interval: float | None = None
        self._gc_thresholds: tuple[int, int, int] | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def loop(self) -> asyncio.AbstractEventLoop:
        """The running loop, started on first use."""
        with self._lock:
            if self._loop is None or not self.running:
                selector = self._selector() if self._selector is not None else None
                loop = asyncio.SelectorEventLoop(selector)
                ready = threading.Event()
                thread = threading.Thread(
                    target=self._run, args=(loop, ready), name="RobotWebSocket-loop", daemon=True
                )
                thread.start()
                ready.wait()
                self._loop, self._thread = loop, thread
                if sys.getswitchinterval() > SWITCH_INTERVAL:
                    self._switch_interval = sys.getswitchinterval()
                    sys.setswitchinterval(SWITCH_INTERVAL)
                if gc.get_threshold()[0] < GC_THRESHOLDS[0]:
                    self._gc_thresholds = gc.get_threshold()
                    gc.set_threshold(*GC_THRESHOLDS)
            return self._loop

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
        finally:
            pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    def call(self, function: Callable[..., Any], *args: Any) -> concurrent.futures.Future[Any]:
        """Call ``function(*args)`` on the loop without waiting for it. When it returns a
        coroutine, that coroutine runs as a task and the future gets its result; otherwise
        the future gets what it returned, with no task and no further loop iteration.
        Cancelling the future cancels the task. Whatever ``function`` or its task raises,
        ``KeyboardInterrupt`` and ``SystemExit`` included, goes to the future and never
        stops the loop."""
        if self.in_loop_thread():
            raise RuntimeError("RobotWebSocket keywords cannot be called from its event loop.")
        loop = self.loop()
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()

        # The future stays pending (cancellable) until its outcome is known: a running
        # concurrent future can no longer be cancelled.
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
            task = loop.create_task(_settle(result, future))
            future.add_done_callback(
                lambda done: loop.call_soon_threadsafe(task.cancel) if done.cancelled() else None
            )

        loop.call_soon_threadsafe(start)
        return future

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and return its result, from any thread but the loop's.
        The coroutine bounds its own time; this side waits in slices."""
        if self.in_loop_thread():
            coro.close()
            raise RuntimeError("RobotWebSocket keywords cannot be called from its event loop.")
        return self.wait(self.call(lambda: coro))  # type: ignore[no-any-return]

    def wait(self, future: concurrent.futures.Future[T]) -> T:
        """The result of ``future``, waiting in slices; cancels it if the wait is interrupted."""
        self.settle(future)
        return future.result()

    def settle(self, future: concurrent.futures.Future[Any]) -> None:
        """Wait in slices until ``future`` is done, without raising its exception; cancel it
        if the wait itself is interrupted (Robot timeout, Ctrl-C). Raises
        :class:`LoopStopped` when the loop thread ends first, so that no wait outlives it."""
        thread = self._thread
        try:
            while not future.done():
                concurrent.futures.wait((future,), timeout=SLICE)
                if not future.done() and (thread is None or not thread.is_alive()):
                    raise LoopStopped("The RobotWebSocket event loop stopped.")
        except BaseException:
            future.cancel()
            raise
        if future.cancelled() and (thread is None or not thread.is_alive()):
            # The loop cancelled the work as it stopped.
            raise LoopStopped("The RobotWebSocket event loop stopped.")

    def shutdown(self, close: Coroutine[Any, Any, Any] | None = None, timeout: float = 5) -> None:
        """In order: run ``close`` (closing connections) within ``timeout``, stop the loop,
        join the thread, and give the process its thread switch interval back."""
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
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)
            self._gc_thresholds = None


async def _settle(coro: Coroutine[Any, Any, Any], future: concurrent.futures.Future[Any]) -> None:
    """Run ``coro`` as a task and put its outcome in ``future``. A ``KeyboardInterrupt``
    or ``SystemExit`` from it would otherwise leave the task and stop the loop itself."""
    try:
        result = await coro
    except asyncio.CancelledError:
        future.cancel()
        raise
    except BaseException as error:  # noqa: BLE001 - handed to the caller
        if future.set_running_or_notify_cancel():
            future.set_exception(error)
        return
    if future.set_running_or_notify_cancel():
        future.set_result(result)


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
