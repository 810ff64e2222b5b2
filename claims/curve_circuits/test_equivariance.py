"""Curve circuits, equivariance: the weights into the curve family are rotated copies of each other (Naturally
Occurring Equivariance).

Each family unit's footprint (probes/equivariance.py) is its positive expanded weights from the layer it is built
from (probes.circuits.upstream_layer; for lite0 blocks.4.expand), summed over source units, with the family's
mean footprint removed. For every ordered pair of units, unit i's footprint is turned by the difference of their
pre-registered orientations and correlated with unit j's, and the same for the three wrong quarter-turn offsets.
Predictions, fixed on constructed_curves (built equivariant: right-angle correlation 0.88, beats every wrong angle
in 100% of pairs) and its null twin (0.00, 22%) before lite0 ran:
  correlation   median over pairs of the right-angle correlation >= 0.3
  specificity   the right angle beats all three wrong angles in at least half of the pairs (chance: a quarter)

Measured on EfficientNet-Lite0: REFUTED, a finding. Median right-angle correlation 0.071 [-0.19, 0.15], right
angle best in 19% [10, 33] of 42 pairs (chance 25%), null twin 0.00. The footprints in blocks.4.expand are
coarse (10 x 10 positions over the family's 67 px field), but the positive control's planted equivariance is seen
at the same kind of resolution. Kept as a known negative result.
"""
import numpy as np

from fixtures import claim
from probes.circuits import expanded_weights, upstream_layer
from probes.equivariance import footprints, rotation_match
from probes.evidence import bootstrap_ci, wilson_ci


@claim("curve_circuits.equivariance", "The weights into each curve unit are rotated copies of the others': turned by "
       "the difference of preferred orientations they match, turned by a wrong angle they don't.",
       source="Naturally Occurring Equivariance in Neural Networks (Olah et al. 2020); Zoom In, Claim 2",
       kind="weights", expect="refuted", positive="constructed_curves")
def test_family_weights_are_rotated_copies(model, curve_family, preferred, family_field, evidence):
    source = upstream_layer(model, curve_family.layer)
    weights = expanded_weights(model, source, curve_family.layer, curve_family.units, size=family_field.canvas)
    match = rotation_match(footprints(weights), [preferred[u] for u in curve_family.units])
    pairs = len(match.right)
    evidence.record(f"footprint size in {source}", weights.shape[-1])
    evidence.record("median correlation at the wrong angles", float(np.median(match.wrong)), n=pairs)
    evidence.at_least("median correlation of rotated footprints at the right angle", float(np.median(match.right)),
                      0.3, ci=bootstrap_ci(match.right, np.median), n=pairs)
    wins = int(round(match.beats_every_wrong_angle * pairs))
    evidence.at_least("fraction of pairs where the right angle beats every wrong one", match.beats_every_wrong_angle,
                      0.5, ci=wilson_ci(wins, pairs), n=pairs)
