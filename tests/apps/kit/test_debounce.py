"""Debouncing widget events: a burst becomes the first call and the last."""

import threading
import time

from valuelab.apps import kit


def test_debounce_coalesces_a_burst_and_runs_the_last_arguments():
    calls = []
    done = threading.Event()

    @kit.debounced(wait=0.1)
    def refresh(value):
        calls.append(value)
        if value == 49:
            done.set()

    for v in range(50):
        refresh(v)
    assert done.wait(2)
    # first call at once, then trailing call(s) with the latest value: on a busy
    # machine the loop may outlast the wait once or twice, never 50 times
    assert calls[0] == 0 and calls[-1] == 49 and len(calls) <= 4, calls
    time.sleep(0.15)
    refresh(99)  # after a quiet period: runs at once
    assert calls[-1] == 99


def test_debounce_zero_wait_calls_through():
    calls = []
    f = kit.debounced(wait=0)(calls.append)
    for v in range(3):
        f(v)
    assert calls == [0, 1, 2]
