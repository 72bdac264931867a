import threading
import time

import pytest

from RobotWebSocket.history import NOT_PARSED, History, Message


def test_messages_keep_arrival_order_and_sequence_numbers():
    history = History(10)
    for n in range(5):
        history.append_message(Message(0, time.time(), f"m{n}"))
    assert [m.seq for m in history.all()] == [1, 2, 3, 4, 5]
    assert [m.data for m in history.last(2)] == ["m3", "m4"]
    assert [m.data for m in history.since(3)] == ["m3", "m4"]
    assert history.snapshot(1)[0] == 5


def test_oldest_are_dropped_past_maxlen_and_reported_once():
    history = History(3)
    for n in range(7):
        history.append_message(Message(0, time.time(), str(n)))
    assert [m.data for m in history.all()] == ["4", "5", "6"]
    assert history.dropped == 4
    assert history.take_dropped() == 4
    assert history.take_dropped() == 0
    history.append_message(Message(0, time.time(), "7"))
    assert history.take_dropped() == 1


def test_since_an_old_sequence_returns_what_is_kept():
    history = History(2)
    for n in range(5):
        history.append_message(Message(0, time.time(), str(n)))
    assert [m.data for m in history.since(0)] == ["3", "4"]


def test_clear_returns_the_number_removed_and_sequence_goes_on():
    history = History()
    history.append_message(Message(0, time.time(), "a"))
    history.append_message(Message(0, time.time(), "b"))
    assert history.clear() == 2
    assert len(history) == 0
    history.append_message(Message(0, time.time(), "c"))
    assert history.all()[0].seq == 3


def test_buffer_size_must_be_positive():
    with pytest.raises(ValueError):
        History(0)


def test_wait_for_more_wakes_on_append_from_another_thread():
    history = History()
    timer = threading.Timer(0.05, history.append_message, args=(Message(0, time.time(), "late"),))
    timer.start()
    assert history.wait_for_more(0, 5) is True
    assert history.total == 1
    timer.join()


def test_wait_for_more_wakes_on_close_and_times_out_otherwise():
    history = History()
    assert history.wait_for_more(0, 0.01) is False
    threading.Timer(0.05, history.close).start()
    assert history.wait_for_more(0, 5) is True
    assert history.closed


def test_json_is_parsed_once_and_non_json_is_marked(monkeypatch):
    import RobotWebSocket.history as module

    calls = []
    real = module.json_loads
    monkeypatch.setattr(module, "json_loads", lambda text: calls.append(text) or real(text))
    message = Message(1, time.time(), '{"a": 1}')
    assert message.json == {"a": 1}
    assert message.json == {"a": 1}
    assert len(calls) == 1
    assert Message(2, 0, "not json").json is NOT_PARSED
    assert Message(3, 0, b'{"a": 1}').json is NOT_PARSED  # binary never matches JSONPath


def test_xml_is_parsed_safely():
    message = Message(1, 0, '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>')
    root = message.xml
    assert root is NOT_PARSED or "root:" not in (root.text or "")
    assert Message(2, 0, "plain").xml is NOT_PARSED


def test_size_counts_utf8_bytes():
    assert Message(1, 0, "ä").size == 2
    assert Message(1, 0, b"\x00\x01").size == 2


def test_a_batch_enters_the_history_at_its_end_with_one_wake_up():
    history = History(10)
    woken = []
    seen = threading.Event()

    def waiter():
        history.wait_for_more(0, 5)
        woken.append(history.total)
        seen.set()

    thread = threading.Thread(target=waiter)
    thread.start()
    limit = time.monotonic() + 5
    while not history._waiters and time.monotonic() < limit:  # until the waiter waits
        time.sleep(0.001)
    history.batch(True)
    for n in range(3):
        history.append_message(Message(0, 0.0, f"m{n}"))
    assert history.total == 0 and not seen.is_set()  # held back until the read is parsed
    history.batch(False)
    assert seen.wait(5)
    thread.join(5)
    assert woken == [3]
    assert [m.seq for m in history.all()] == [1, 2, 3]


def test_the_messages_of_one_read_share_its_arrival_time():
    # One float for a socket read's messages, not one each: a kept message costs less.
    history = History()
    history.batch(True)
    first, second = history.arrival(), history.arrival()
    history.batch(False)
    assert first is second
    assert abs(first - time.time()) < 60
    before = time.time()
    assert history.arrival() >= before  # outside a read: now


def test_xml_is_parsed_once_and_kept_with_the_memo():
    message = Message(1, 0.0, "<a><b>1</b></a>")
    root = message.xml
    assert root is not NOT_PARSED and message.xml is root
    assert Message(2, 0.0, "plain").xml is NOT_PARSED
