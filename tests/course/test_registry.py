"""The question registry: answers compared with a tolerance, per-learner variants."""

from valuelab.course import close


def test_close():
    assert close(100.0001, 100) and not close(101, 100) and not close(None, 1)
