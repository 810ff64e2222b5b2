"""Curves, argument 3 (synthetic stimuli): family units respond to curves near their preferred orientation
far more than to straight lines and sharp angles, and over a range of radii.

Stimuli are the confirmation set (probes/protocol.py), never seen by discovery; each unit's preferred
orientation is the one the atlas pre-registered. Three predictions, each a claim, each a median over units:
  curve/line ratio   >= 2.0   best curve within 10 degrees of the preferred orientation / best line, any orientation
  curve/angle ratio  >= 1.5   same, against 90-degree corners at any orientation
  radius tolerance   >= 0.5   weaker / stronger of the two radii's responses at the preferred orientation, for
                              a unit that keeps its orientation tuning at both radii (vector strength >= 0.5 at
                              each, preferred orientations within 30 degrees); 0 for a unit that doesn't

Measured on EfficientNet-Lite0 (CI run): the line and radius predictions hold; the angle prediction is
refuted, median curve/angle ratio 1.34 [1.17, 1.53] (n=7), a finding (the positive control, constructed_curves,
measures 4.2): lite0's curve units answer sharp corners of their orientation nearly as well as curves, unlike
InceptionV1's. Kept as a known negative result.

What changed in the radius prediction, and why: it used to be the bare response ratio between radii. Once the
receptive field of a null twin was measured before its ReLUs (issue "Positive controls"), the null twin's units
responded to the confirmation curves and the ratio HELD there, 0.73: any unit that answers dark strokes answers
them at both radii, so tolerance alone is vacuous. The paper's point is that a curve detector keeps its
orientation tuning across radii; the condition above was chosen on the null twin and constructed_curves before
lite0 ran again (old lite0 value: 0.96 [0.84, 1.0]).
"""
import numpy as np
import pytest

from fixtures import claim
from probes.evidence import bootstrap_ci
from probes.figures import polar_tuning
from probes.tuning import circular_distance, tuning_curves

NEAR = 10.0
CAP = 100.0  # ratios are capped so a unit silent to lines doesn't dominate the statistics
SOURCE = "Zoom In, Claim 1, argument 3 (synthetic stimuli)"
POSITIVE = "constructed_curves"


def ratio(numerator: float, denominator: float) -> float:
    if denominator <= 0:
        return CAP if numerator > 0 else 0.0
    return min(numerator / denominator, CAP)


@pytest.fixture(scope="module")
def near_preferred(curve_family, preferred, confirmation_curves):
    """(stimulus, unit) mask: curves within NEAR degrees of each unit's pre-registered orientation."""
    orientation = confirmation_curves.stimuli.params["orientation"].numpy()
    return np.stack([circular_distance(orientation, preferred[u]) <= NEAR
                     for u in curve_family.units], axis=1)


def best_curve(confirmation_curves, near_preferred) -> np.ndarray:
    return np.where(near_preferred, confirmation_curves.responses, 0).max(0)


def median_ratio_at_least(evidence, name: str, numerators, denominators, threshold: float) -> None:
    ratios = [ratio(a, b) for a, b in zip(numerators, denominators)]
    evidence.at_least(name, np.median(ratios), threshold, ci=bootstrap_ci(ratios, np.median), n=len(ratios))


@claim("curves.synthetic_stimuli.lines", "Family units respond to curves at their preferred orientation at least "
       "twice as strongly as to straight lines of any orientation.", source=SOURCE, kind="synthetic stimuli", positive=POSITIVE)
def test_curves_beat_lines(confirmation_curves, confirmation_lines, near_preferred, evidence, figures, curve_family,
                           preferred):
    median_ratio_at_least(evidence, "median curve/line ratio", best_curve(confirmation_curves, near_preferred),
                          confirmation_lines.responses.max(0), 2.0)
    curves = confirmation_curves.tuning_curves()
    figures.add("tuning curves", lambda: polar_tuning(  # a lambda: drawn only when a report is written
        curves[0].orientations, {u: c.responses for u, c in zip(curve_family.units, curves)}, preferred,
        title=f"{curve_family.layer}: confirmation curves, mean over radii"),
        caption="Each unit's response to curves by orientation; dashed: its pre-registered preferred orientation.",
        units=[f"{curve_family.layer}:{u}" for u in curve_family.units])


@claim("curves.synthetic_stimuli.angles", "Family units respond to curves at their preferred orientation at least "
       "1.5 times as strongly as to sharp 90-degree angles of any orientation.", source=SOURCE,
       kind="synthetic stimuli", expect="refuted", positive=POSITIVE)
def test_curves_beat_sharp_angles(confirmation_curves, confirmation_corners, near_preferred, evidence):
    median_ratio_at_least(evidence, "median curve/angle ratio", best_curve(confirmation_curves, near_preferred),
                          confirmation_corners.responses.max(0), 1.5)


@claim("curves.synthetic_stimuli.radii", "At their preferred orientation, family units respond to both "
       "confirmation radii, the weaker at least half the stronger.", source=SOURCE, kind="synthetic stimuli", positive=POSITIVE)
def test_curve_response_tolerates_radius(confirmation_curves, near_preferred, evidence):
    radius = confirmation_curves.stimuli.params["radius"].numpy()
    orientation = confirmation_curves.stimuli.params["orientation"].numpy()
    tolerances = []
    for k in range(near_preferred.shape[1]):
        per_radius = [np.where(near_preferred[:, k] & (radius == r), confirmation_curves.responses[:, k], 0).max()
                      for r in np.unique(radius)]
        tunings = [tuning_curves(confirmation_curves.responses[radius == r][:, [k]], orientation[radius == r])[0]
                   for r in np.unique(radius)]
        keeps_tuning = (min(t.vector_strength for t in tunings) >= 0.5 and
                        circular_distance(tunings[0].preferred_orientation, tunings[-1].preferred_orientation) <= 30)
        tolerances.append(ratio(min(per_radius), max(per_radius)) if keeps_tuning else 0.0)
    evidence.at_least("median radius tolerance", np.median(tolerances), 0.5, ci=bootstrap_ci(tolerances, np.median),
                      n=len(tolerances))
