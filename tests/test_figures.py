"""The plot helpers of probes/records/figures.py draw on small synthetic arrays, without a display or pyplot."""
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from probes.records.figures import (
    against_draws,
    grouped_bars,
    image_and_bars,
    joint_tuning_plot,
    orientation_wheel,
    paired_tuning,
    scatter,
    scatter_panels,
)

ANGLES = np.arange(0, 360, 10.0)
CURVES = np.stack([np.clip(np.cos(np.deg2rad(ANGLES - a)), 0, None) for a in (0, 120, 240)], axis=1)


def saved(figure: Figure, tmp_path, name: str) -> int:
    assert isinstance(figure, Figure)
    path = tmp_path / f"{name}.png"
    figure.savefig(path)
    return path.stat().st_size


@pytest.mark.parametrize("name, draw", [
    ("joint", lambda: joint_tuning_plot(ANGLES, {7: CURVES[:, 0], 9: CURVES[:, 1] * 5, 3: CURVES[:, 2]},
                                   {7: 0.0, 9: 120.0, 3: 240.0})),
    ("joint, silent and unlabelled", lambda: joint_tuning_plot(ANGLES, CURVES * (ANGLES < 200)[:, None])),
    ("wheel", lambda: orientation_wheel({1: 10.0, 2: 100.0, 3: 300.0}, {1: 0.9, 2: 0.5, 3: 0.7}, counted=[1, 3])),
    ("wheel of axes", lambda: orientation_wheel({1: 10.0, 2: 100.0}, period=180.0)),
    ("draws, histogram", lambda: against_draws(np.random.default_rng(0).normal(size=100), 3.0, xlabel="drop",
                                               threshold=2.0)),
    ("draws, dots", lambda: against_draws([0.1, 0.2, np.nan], {"family": [0.5, 0.6], "other": 0.3},
                                         draws_label="twins")),
    ("draws, all equal", lambda: against_draws(np.zeros(100), 0.2)),
    ("bars", lambda: grouped_bars([1, 2, 3], {"intact": [1, 2, 3], "ablated": [0.5, -1, 2]}, ylabel="response")),
    ("bars, long names", lambda: grouped_bars(["unit 1 -> 20", "unit 2 -> 21"], {"w": [1.0, -1.0]})),
    ("scatter", lambda: scatter({"outputs": (np.arange(5), np.arange(5) ** 2)}, identity=True, xlabel="x")),
    ("panels", lambda: scatter_panels({"a": {"p": ([0, 1], [1, 2]), "q": ([1], [0])}, "b": {"p": ([], [])}},
                                      slopes={"half": 0.5})),
    ("paired", lambda: paired_tuning(ANGLES, {"1 vs 2": (CURVES[:, 0], 10 * CURVES[:, 1]),
                                              "flat": (np.zeros(len(ANGLES)), CURVES[:, 2])}, labels=("a", "b"))),
    ("image and bars", lambda: image_and_bars(np.random.rand(3, 16, 16), {4: 0.2, 5: 1.0}, highlight=5,
                                              marks={4: "10°", 5: "90°"}, title="a counterexample")),
])
def test_helpers_draw(name, draw, tmp_path):
    assert saved(draw(), tmp_path, name.replace(" ", "_").replace(",", "")) > 1000


def test_helpers_never_touch_pyplot():
    before = "matplotlib.pyplot" in sys.modules
    joint_tuning_plot(ANGLES, CURVES)
    against_draws([1, 2, 3], 4)
    assert ("matplotlib.pyplot" in sys.modules) == before
