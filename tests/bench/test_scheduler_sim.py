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
