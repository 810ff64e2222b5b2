"""`constructed_curves_twin` (universality's positive control) and its near miss `constructed_curves_twin_straightened`.

The twin must be a second network with curve detectors, not a relabelled copy of `constructed_curves` (a
permutation passes linear CKA and profile matching whatever they measure); the near miss must differ from it in
the curve family's weights and nothing else.
"""
from pathlib import Path

import pytest
import torch

from probes.activations.receptive_field import receptive_field
from probes.constructed import independence
from probes.measures.tuning import centre_responses, tuning_curves
from probes.models import load_model
from probes.models import planted_atlas
from probes.stimuli.sets import curve_set, line_set

TWIN, NEAR_MISS = "constructed_curves_twin", "constructed_curves_twin_straightened"
SOURCE = Path(__file__).resolve().parents[1] / "probes/constructed/twin.py"
STYLE = dict(width_fraction=0.06, foreground=(0.2, 0.1, 0.35), background=(0.95, 0.9, 0.8))


@pytest.fixture(scope="module")
def twin():
    return load_model(TWIN)


@pytest.fixture(scope="module")
def near_miss():
    return load_model(NEAR_MISS)


def test_twin_imports_neither_the_first_network_nor_an_instrument():
    # instruments: tests/test_independence.py; the first network is this control's own rule
    assert independence.violations(SOURCE) == []
    assert not {"probes.constructed.curves", "probes.constructed.curves_near_misses"} & independence.imported_modules(
        SOURCE)


def test_twin_is_another_network_not_a_permutation(twin):
    first = load_model("constructed_curves")
    shapes = sorted(tuple(p.shape) for p in first.module.parameters())
    assert sorted(tuple(p.shape) for p in twin.module.parameters()) != shapes
    assert twin.preprocessing.size != first.preprocessing.size
    family, reference = planted_atlas(TWIN).family("curves"), planted_atlas("constructed_curves").family("curves")
    assert len(family.units) != len(reference.units) and family.layer not in first.layers


def curve_and_line_responses(model, family):
    """The family's centre responses to curves (72 orientations, radius 0.3 of the field) and to straight lines
    (36 orientations), drawn in the claims' confirmation style: (curve set, curve responses, line responses)."""
    field = receptive_field(model, family.layer)
    width = STYLE["width_fraction"] * field.size
    curves = curve_set(field.canvas, orientations=72, radii=[0.3 * field.size], width=width,
                       foreground=STYLE["foreground"], background=STYLE["background"])
    lines = line_set(field.canvas, orientations=36, length=0.6 * field.size, width=width,
                     foreground=STYLE["foreground"], background=STYLE["background"])
    responses = centre_responses(model, family.layer, torch.cat([curves.images, lines.images]),
                                 background=STYLE["background"], units=family.units)
    return curves, responses[:len(curves.images)], responses[len(curves.images):]


def test_planted_curve_units_are_tuned_where_planted_and_prefer_curves_to_lines(twin):
    family = planted_atlas(TWIN).family("curves")
    assert len(family.units) == 36 and sorted(family.preferred_orientation.values()) == [10.0 * j for j in range(36)]
    field = receptive_field(twin, family.layer)
    assert (field.size, field.stride) == (42, 4)
    curves, curve_part, line_part = curve_and_line_responses(twin, family)
    tuning = tuning_curves(curve_part, curves.params["orientation"].numpy())
    errors = [abs((t.preferred_orientation - family.preferred_orientation[u] + 180) % 360 - 180)
              for u, t in zip(family.units, tuning)]
    assert max(errors) < 10 and min(t.vector_strength for t in tuning) > 0.6
    assert (curve_part.max(0) > 2 * line_part.max(0)).all()


def test_near_miss_differs_only_in_the_curve_family_and_has_no_curve_detectors(twin, near_miss):
    family = planted_atlas(NEAR_MISS).family("curves")
    assert planted_atlas(NEAR_MISS).families == planted_atlas(TWIN).families  # the same atlas, handed to the judge
    differing = {name for (name, a), (_, b) in zip(twin.module.named_parameters(), near_miss.module.named_parameters())
                 if not torch.equal(a, b)}
    assert differing == {"network.contours.weight"}
    changed = (twin.module.network.contours.weight != near_miss.module.network.contours.weight).flatten(1).any(1)
    assert changed.nonzero().flatten().tolist() == family.units
    _, curve_part, line_part = curve_and_line_responses(near_miss, family)
    assert (line_part.max(0) > curve_part.max(0)).all()  # line detectors now, every one of them
