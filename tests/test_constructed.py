"""The constructed curve network holds what its docstring plants, and the instruments see it.

Each test here failed before the fix named in it (issue "Positive controls"): the instruments were blind to
curve detectors planted at stride 2.
"""
import numpy as np
import pytest
import torch

from probes.activations.receptive_field import receptive_field
from probes.circuits.arc_reading import MIN_SELECTIVITY, read_arcs, source_tuning
from probes.circuits.wiring import expanded_weights, family_readers
from probes.measures.tuning import centre_responses, circular_correlation, joint_tuning, tuning_curves
from probes.models import load_model
from probes.models import planted_atlas
from probes.models.null_model import null_twin
from probes.stimuli.sets import curve_set

STYLE = dict(width_fraction=0.06, radius_fractions=(0.25, 0.35), span=120.0, foreground=(0.2, 0.1, 0.35),
             background=(0.95, 0.9, 0.8))


@pytest.fixture(scope="module")
def constructed():
    return load_model("constructed_curves")


def test_planted_family_is_in_its_atlas(constructed):
    family = planted_atlas("constructed_curves").family("curves")
    assert family.layer == "curves" and family.units == list(range(16))
    assert family.preferred_orientation[4] == 90.0
    assert planted_atlas("efficientnet_lite0") is None


def test_planted_curve_units_are_tuned_where_planted(constructed):
    field = receptive_field(constructed, "curves")
    assert (field.size, field.stride) == (36, 2)
    stimuli = curve_set(field.canvas, orientations=72, radii=[0.3 * field.size], width=2.0)
    responses = centre_responses(constructed, "curves", stimuli.images, background=(1.0, 1.0, 1.0), units=range(16))
    curves = tuning_curves(responses, stimuli.params["orientation"].numpy())
    errors = [abs((c.preferred_orientation - 22.5 * k + 180) % 360 - 180) for k, c in enumerate(curves)]
    assert max(errors) < 10 and min(c.vector_strength for c in curves) > 0.5


def test_joint_tuning_ignores_stimuli_the_family_does_not_answer():
    """Before: an argmax over every stimulus handed silent stimuli to unit 0, and perfect detectors scored a
    circular correlation of 0.50."""
    units = np.arange(8) * 45.0
    stimuli = np.arange(72) * 5.0
    distance = np.abs((stimuli[:, None] - units[None, :] + 180) % 360 - 180)
    responses = np.clip(1 - distance / 15.0, 0, None)  # perfect detectors, silent between neighbours
    argmax_everywhere = units[np.argmax(responses, axis=1)]
    assert circular_correlation(stimuli, argmax_everywhere) < 0.8  # what the old statistic saw
    sweep = joint_tuning(responses, stimuli, units)
    assert 0.2 < sweep.silent < 0.5
    assert sweep.within(45.0) == 1.0 and sweep.correlation > 0.95


def test_arc_reading_sees_planted_tangent_alignment_and_not_random_weights(constructed):
    """Before: the implementation claim kept only 360-degree curve-like sources and summed weights over
    positions; on this network it found 0 selective sources."""
    for model, expect_aligned in ((constructed, True),
                                  (null_twin(constructed, "init", seed=0, images=torch.rand(8, 3, 64, 64)), False)):
        selective = [s for s in source_tuning(model, "edges", STYLE) if s.selectivity >= MIN_SELECTIVITY]
        readings = read_arcs(model, "edges", "curves", {k: 22.5 * k for k in range(0, 16, 4)}, selective)
        tangent = np.median([r.tangent_correlation for r in readings.values()])
        opponent = np.median([r.opponent_contrast() for r in readings.values()])
        if expect_aligned:
            assert tangent > 0.4 and opponent > 2.0
        else:
            assert abs(tangent) < 0.2 and opponent < 0.5


def test_family_readers_are_the_strong_ones_not_the_weak_with_a_large_share():
    """Before: readers were ranked by the share of their input from the family, so 10 units reading almost
    nothing (all of it from the family) outvoted the one unit that reads the family strongly."""
    weights = torch.zeros(12, 20, 3, 3)
    weights[0, :4] = 1.0  # the genuine reader: strong weights from the family (units 0-3)
    weights[0, 4:] = 1.0  # ... and from other units
    weights[1:11, :4] = 1e-3  # weak readers whose whole input is the family
    assert family_readers(weights, range(4)) == [0]


def test_family_readers_of_the_constructed_network_are_its_circle_readers(constructed):
    field = receptive_field(constructed, "shapes")
    weights = expanded_weights(constructed, "curves", "shapes", range(6), size=field.canvas)
    assert sorted(family_readers(weights, range(16))) == [0, 1, 2]


def test_default_discovery_finds_curve_detectors_at_stride_2(tmp_path, natural_images_for, constructed):
    """Before: the screen looked at stride-8 layers only and found nothing in a network whose curves are at
    stride 2. Loaded as a user model would be, by its factory."""
    from probes.discover.__main__ import main

    natural_images_for(constructed)  # skips when there are no photographs
    atlas = tmp_path / "atlas.json"
    user_model = "probes.constructed.curves:network"
    assert main(["curves", "--model", user_model, "--atlas", str(atlas), "--max-images", "100"]) == 0
    from probes.records.atlas import Atlas

    found = Atlas.load(atlas).family("curves")
    assert found.layer == "curves"
    assert set(found.units) <= set(range(16)) and len(found.units) >= 13
