"""The scheduler simulation runs end to end (a tiny version of its --quick mode) and reports."""

from __future__ import annotations

import json

import pytest
import scheduler_sim


def test_a_tiny_run_compares_every_arm_on_the_same_learners(tmp_path):
    out = tmp_path / "sim.json"
    png = tmp_path / "sim.png"
    result = scheduler_sim.main(
        [
            "--quick",
            "--learners=1",
            "--cards=8",
            "--days=12",
            "--fit-day=10",
            "--retentions=0.9",
            "--modifiers=1.0",
            "--workers=1",
            f"--png={png}",
            f"--json={out}",
        ]
    )
    keys = {arm["key"] for arm in result["arms"]}
    assert keys == {
        "fsrs-learner-days-default-0.9",
        "fsrs-24h-default-0.9",
        "fsrs-learner-days-personal-0.9",
        "fsrs-learner-days-oracle-0.9",
        "sm2-im1.0",
    }
    for arm in result["arms"]:
        assert arm["reviews"] > 8  # every card was introduced and went through its steps
        assert 0 < arm["knowledge"] <= 8
    assert json.loads(out.read_text())["days"] == 12
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_equal_knowledge_is_read_off_a_curve_without_extrapolating():
    curve = [(10.0, 100.0), (20.0, 300.0)]
    assert scheduler_sim.reviews_at(curve, 15.0) == pytest.approx(200.0)
    assert scheduler_sim.reviews_at(curve, 25.0) is None
    assert scheduler_sim.saving_at_equal_knowledge(curve, [(15.0, 400.0)]) == [0.5]


def test_under_fsrs_own_assumptions_retention_comes_out_at_the_desired_retention():
    # The control: memory exactly FSRS's defaults, the same session time every day, no day
    # skipped. What the scheduler predicts is then the truth, so the hidden recall probability
    # at the reviews it schedules must average the desired retention (rounding to whole days
    # and fuzz allowed for). True retention is its noisy draw: a looser bound.
    result = scheduler_sim.main(
        [
            "--control",
            "--only=main",
            "--learners=1",
            "--cards=30",
            "--days=70",
            "--retentions=0.85",
            "--workers=1",
            "--png=",
        ]
    )
    (arm,) = result["arms"]
    assert abs(arm["expected_retention"] - 0.85) < 0.02
    assert abs(arm["true_retention"] - 0.85) < 0.06


def test_the_oracle_schedules_with_the_hidden_parameters_within_fsrs_bounds():
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    specs = scheduler_sim.make_learners(6, cards=4, days=3, seed=2026)
    clamped = 0
    for spec in specs:
        oracle = spec.oracle_parameters
        for w, got, low, high in zip(
            spec.w, oracle, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        ):
            assert low <= got <= high
            assert got == w or (w < low and got == low) or (w > high and got == high)
            clamped += got != w
    assert 0 < clamped < 6 * 21 // 4  # a few factors leave fsrs's bounds, most do not
    control = scheduler_sim.make_learners(1, cards=4, days=3, seed=2026, control=True)[0]
    assert control.oracle_parameters == scheduler_sim.DEFAULT_W
