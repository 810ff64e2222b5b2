import numpy as np
import pytest

from probes.measures.tuning import (TuningCurve, circular_correlation, circular_distance, orientation_selectivity,
                           tuning_curves)

ANGLES = np.arange(0, 360, 5.0)


def von_mises(preferred: float, concentration: float) -> np.ndarray:
    return np.exp(concentration * (np.cos(np.deg2rad(ANGLES - preferred)) - 1))


def test_preferred_orientation_and_width_of_a_von_mises_curve():
    curve = TuningCurve(ANGLES, von_mises(130.0, 4.0))
    assert curve.preferred_orientation == pytest.approx(130.0, abs=0.5)
    # half maximum where cos(d) = 1 - ln 2 / k
    expected_width = 2 * np.rad2deg(np.arccos(1 - np.log(2) / 4.0))
    assert curve.tuning_width == pytest.approx(expected_width, abs=10)
    assert 0.7 < curve.vector_strength < 1
    assert curve.echo_ratio < 0.01


def test_flat_and_single_orientation_extremes():
    assert TuningCurve(ANGLES, np.ones_like(ANGLES)).vector_strength == pytest.approx(0, abs=1e-9)
    spike = np.zeros_like(ANGLES)
    spike[10] = 1
    assert TuningCurve(ANGLES, spike).vector_strength == pytest.approx(1)
    assert TuningCurve(ANGLES, np.zeros_like(ANGLES)).vector_strength == 0


def test_circular_helpers():
    assert circular_distance(350, 10) == pytest.approx(20)
    uniform = np.arange(0, 360, 10.0)
    assert circular_correlation(uniform, uniform + 30) == pytest.approx(1)
    assert circular_correlation(uniform, -uniform) == pytest.approx(-1)
    rng = np.random.default_rng(0)
    assert abs(circular_correlation(uniform, rng.uniform(0, 360, len(uniform)))) < 0.4


def test_tuning_curves_average_over_other_parameters():
    orientation = np.array([0, 90, 0, 90.0])
    responses = np.array([[1.0], [0.0], [3.0], [0.0]])
    (curve,) = tuning_curves(responses, orientation)
    assert curve.responses.tolist() == [2.0, 0.0]


def test_orientation_selectivity_of_an_edge_unit_and_of_an_untuned_unit():
    directions = np.arange(0, 360, 10.0)
    cosine_edge = np.clip(np.cos(np.deg2rad(directions - 40)), 0, None)
    assert orientation_selectivity(directions, cosine_edge) > 0.95
    assert orientation_selectivity(directions, np.ones_like(directions)) == 0.0
    axes = np.arange(0, 180, 15.0)  # gratings: orientation is an axis, orthogonal is 90 away modulo 180
    assert orientation_selectivity(axes, np.cos(np.deg2rad(axes - 165)) ** 2, period=180.0) > 0.95
