"""The question registry: answers compared with a tolerance, per-learner variants."""

import dataclasses

import numpy as np
import pytest

from valuelab.course import Question, close, question, registry, set_variant, variant_rng


def test_close():
    assert close(100.0001, 100) and not close(101, 100) and not close(None, 1)


def test_close_takes_numbers_only_within_a_relative_tolerance():
    assert close(0.6667, 2 / 3)  # 0.005 % off: within the default 0.1 %
    assert close(np.float32(12.0), 12) and close(np.int64(3), 3.0)
    assert close(1_001, 1_000, rel=0.01) and not close(1_011, 1_000, rel=0.01)
    assert close(1e-12, 0) and not close(1e-3, 0)  # near zero: the absolute tolerance
    for odd in ("12", True, [12], {"a": 12}):
        assert not close(odd, 12), odd


def test_variants_draw_the_same_numbers_per_question_and_differ_between_them():
    try:
        set_variant(0)
        assert variant_rng("kpis.q1") is None  # variant 0: the lesson's own numbers
        set_variant(7)
        first = variant_rng("kpis.q1").integers(0, 1_000_000, 5).tolist()
        assert first == variant_rng("kpis.q1").integers(0, 1_000_000, 5).tolist()
        assert first != variant_rng("kpis.q2").integers(0, 1_000_000, 5).tolist()
        set_variant(8)
        assert first != variant_rng("kpis.q1").integers(0, 1_000_000, 5).tolist()
    finally:
        set_variant(0)


def test_question_registers_its_check_and_returns_it_unchanged(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {})

    def verify(answer):
        return answer == 42

    decorated = question(
        "demo.q1", variable="answer", hint="six times seven", points=2, kind="integer"
    )(verify)
    assert decorated is verify
    q = registry._REGISTRY["demo.q1"]
    assert q == Question("demo.q1", "answer", verify, "six times seven", 2.0, False, "integer")
    assert q.topic == "demo" and q.verify(42) and not q.verify(41)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.points = 5
