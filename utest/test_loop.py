import asyncio
import gc
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from RobotWebSocket._loop import GC_THRESHOLDS, LOOP, SWITCH_INTERVAL, LoopStopped, LoopThread

ROOT = Path(__file__).resolve().parents[1]


def test_starts_lazily_as_a_daemon_and_runs_coroutines():
    loop_thread = LoopThread()
    assert not loop_thread.running

    async def answer():
        return threading.current_thread().name

    assert loop_thread.run(answer()) == "RobotWebSocket-loop"
    assert loop_thread.running
    assert loop_thread._thread.daemon
    loop_thread.shutdown()
    assert not loop_thread.running


def test_exceptions_come_back_to_the_caller_including_timeouts():
    async def fails():
        raise asyncio.TimeoutError("inner")

    with pytest.raises(asyncio.TimeoutError):
        LOOP.run(fails())


def test_refuses_calls_from_the_loop_thread():
    async def nested():
        coroutine = asyncio.sleep(0)
        with pytest.raises(RuntimeError, match="cannot be called from its event loop"):
            LOOP.run(coroutine)
        return True

    assert LOOP.run(nested())


def test_an_interrupted_wait_cancels_the_coroutine(monkeypatch):
    started, cancelled = threading.Event(), threading.Event()

    async def forever():
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    import concurrent.futures

    real_wait = concurrent.futures.wait

    def interrupting_wait(futures, timeout=None):
        started.wait(5)
        raise KeyboardInterrupt  # as a Robot timeout or Ctrl-C would, between slices

    monkeypatch.setattr(concurrent.futures, "wait", interrupting_wait)
    with pytest.raises(KeyboardInterrupt):
        LOOP.run(forever())
    monkeypatch.setattr(concurrent.futures, "wait", real_wait)
    assert cancelled.wait(5)


def test_the_process_exits_promptly_with_open_connections(server):
    """No thread keeps the interpreter alive; open connections are closed at exit."""
    code = (
        "import sys; sys.path.insert(0, {!r})\n"
        "from RobotWebSocket import RobotWebSocket\n"
        "lib = RobotWebSocket()\n"
        "lib.connect({!r})\n"
        "print('connected', flush=True)\n"
    ).format(str(ROOT), server.url("/silent"))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=20
    )
    assert result.returncode == 0, result.stderr
    assert "connected" in result.stdout
    assert "Traceback" not in result.stderr


def test_call_runs_functions_and_coroutines_on_the_loop():
    loop_thread = LoopThread()

    def plain(value):
        return value, threading.current_thread().name

    async def later(value):
        await asyncio.sleep(0)
        return value * 2

    assert loop_thread.call(plain, 3).result(5) == (3, "RobotWebSocket-loop")
    assert loop_thread.call(later, 21).result(5) == 42
    failing = loop_thread.call(int, "not a number")
    with pytest.raises(ValueError):
        failing.result(5)
    loop_thread.shutdown()


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit, GeneratorExit])
def test_a_base_exception_from_loop_side_work_reaches_the_caller_and_the_loop_goes_on(error):
    loop_thread = LoopThread()

    def raising():
        raise error("from a callback")

    async def raising_later():
        await asyncio.sleep(0)
        raise error("from a task")

    with pytest.raises(error, match="from a callback"):
        loop_thread.wait(loop_thread.call(raising))
    with pytest.raises(error, match="from a task"):
        loop_thread.wait(loop_thread.call(raising_later))
    assert loop_thread.running
    assert loop_thread.call(lambda: "still serving").result(5) == "still serving"
    loop_thread.shutdown()


def test_a_wait_ends_when_the_loop_thread_dies_under_it():
    loop_thread = LoopThread()
    never = loop_thread.call(lambda: asyncio.sleep(3600))
    loop_thread.loop().call_soon_threadsafe(loop_thread.loop().stop)
    with pytest.raises(LoopStopped):
        loop_thread.wait(never)


def test_the_thread_switch_interval_comes_back_when_the_loop_stops():
    # A distinct value of the process's own, whatever the shared loop set before.
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.004)
    try:
        loop_thread = LoopThread()
        loop_thread.loop()
        assert sys.getswitchinterval() == SWITCH_INTERVAL
        loop_thread.shutdown()
        assert sys.getswitchinterval() == 0.004
    finally:
        sys.setswitchinterval(before)


def test_the_garbage_collector_thresholds_come_back_when_the_loop_stops():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        loop_thread = LoopThread()
        loop_thread.loop()
        assert gc.get_threshold() == GC_THRESHOLDS
        loop_thread.shutdown()
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)
