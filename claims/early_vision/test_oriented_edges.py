"""Early vision: oriented edge detectors form in the first layers, at the earliest layer a discovery screen finds
them (`python -m probes.discover edges`), and are confirmed on gratings, a stimulus discovery never showed them.

Discovery screened layers from the input up with plain brightness steps and stopped at the first layer whose
oriented units (orientation selectivity >= 0.5, natural drive) tile the axes with no gap over 67.5 degrees; the
atlas records each unit's preferred direction there. Confirmation: sinusoidal gratings through the unit's centre,
period 0.6 of its receptive field (at least 3 px), 12 axes over half a turn, 4 phases; a unit's response to an
axis is its best over the phases (so the judgement does not depend on where the stripes fall).

Predictions, fixed before the claim ran on any network:
  median orientation selectivity to gratings                                          >= 0.5
      over units, of (R_peak - R_orthogonal) / (R_peak + R_orthogonal) (a unit that answers gratings of every axis
      alike, or none: 0)
  fraction of units whose grating axis is within 22.5 degrees of their edge axis      >= 0.6
      the edge axis is the atlas's direction, mod 180 (a random axis: 0.25); a unit silent to every grating has
      no grating axis and a unit without a recorded direction no edge axis: both are left out and counted
Both intervals resample the family's units (bootstrap over units; they all see the same gratings, so the units
are the clusters, not independent Wilson trials). If no unit has both axes, the second is inconclusive.
Lite0's 3 x 3 stem alone was kept as a refuted "Gabor filters" claim (test_gabor_filters.py); this claim is where
the issue "A second feature family and universality" asked edges to be looked for instead.
"""
import numpy as np
import pytest

from probes.activations.receptive_field import receptive_field
from probes.measures.tuning import centre_responses, circular_distance, orientation_selectivity
from probes.records.evidence import bootstrap_ci
from probes.records.figures import polar_tuning
from probes.stimuli.sets import grating_set
from zoom_in_claims import claim
from zoom_in_claims.data import require_family

GREY = (0.5, 0.5, 0.5)
AXES, PHASES, PERIOD_FRACTION = 12, 4, 0.6
WITHIN = 22.5


@pytest.fixture(scope="module")
def edge_family(atlas):
    return require_family(atlas, "edges")


@pytest.fixture(scope="module")
def grating_tuning(model, edge_family):
    """(axes,) the gratings' axes and (axes, units) each unit's best response over phases."""
    field = receptive_field(model, edge_family.layer)
    gratings = grating_set(field.canvas, orientations=AXES, period=max(3.0, PERIOD_FRACTION * field.size),
                           phases=PHASES)
    responses = centre_responses(model, edge_family.layer, gratings.images, background=GREY,
                                 units=edge_family.units)
    return gratings.params["orientation"][::PHASES].numpy(), responses.reshape(AXES, PHASES, -1).max(1)


@claim("early_vision.oriented_edges", "At the earliest layer where a screen finds oriented edge detectors, they are "
       "orientation selective to gratings, along the axis of their preferred edge.",
       source="Early Vision overview (conv2d0-conv2d2: Gabor filters, oriented edges); Zoom In, 'Universality'",
       kind="synthetic stimuli", positive="constructed_curves",
       near_miss="constructed_curves_unoriented",
       predictions={"median orientation selectivity to gratings": ">= 0.5",
                    "fraction of units whose grating axis is within 22.5 degrees of their edge axis": ">= 0.6"},
       resample="units")
def test_edge_units_are_tuned_to_gratings_along_their_edge_axis(edge_family, grating_tuning, evidence, figures):
    axes, responses = grating_tuning
    if responses.shape[1] == 0:
        for name in ("median orientation selectivity to gratings",
                     "fraction of units whose grating axis is within 22.5 degrees of their edge axis"):
            evidence.inconclusive(name, "the family has no units")
        return
    selectivity = np.array([orientation_selectivity(axes, responses[:, k], period=180.0)
                            for k in range(responses.shape[1])])
    figures.add("grating tuning", lambda: polar_tuning(  # a lambda: drawn only when a report is written
        np.concatenate([axes, axes + 180.0]), {u: np.concatenate([responses[:, k], responses[:, k]])
                                               for k, u in enumerate(edge_family.units)},
        {u: edge_family.preferred_orientation[u] for u in edge_family.units if u in edge_family.preferred_orientation},
        title=f"{edge_family.layer}: response to gratings by axis", columns=8),
        caption=f"Each unit's best response over {PHASES} phases to gratings of {AXES} axes (drawn twice: an axis "
                "has no direction); dashed: the preferred edge direction the atlas records. The claim: selective "
                "(median >= 0.5), and the best grating axis within 22.5° of the edge axis for 60% of units.",
        units=[f"{edge_family.layer}:{u}" for u in edge_family.units])
    evidence.measure("median orientation selectivity to gratings", float(np.median(selectivity)),
                     ci=bootstrap_ci(selectivity, np.median), n=len(selectivity))
    answers = responses.max(0) > 0  # a unit silent to every grating has no grating axis (its argmax is index 0)
    edge_axis = np.array([edge_family.preferred_orientation.get(u, np.nan) for u in edge_family.units]) % 180.0
    directed = np.isfinite(edge_axis)
    evidence.record("units silent to every grating", int((~answers).sum()), n=len(answers))
    evidence.record("units without an edge direction in the atlas", int((~directed).sum()), n=len(directed))
    judged = answers & directed
    if not judged.any():
        evidence.inconclusive("fraction of units whose grating axis is within 22.5 degrees of their edge axis",
                              "no unit answers a grating and has an edge direction in the atlas")
        return
    grating_axis = axes[responses.argmax(0)]
    agree = (circular_distance(grating_axis[judged], edge_axis[judged], period=180.0) <= WITHIN).astype(float)
    evidence.measure("fraction of units whose grating axis is within 22.5 degrees of their edge axis",
                     float(agree.mean()), ci=bootstrap_ci(agree, np.mean), n=len(agree))
