"""Curve circuits, equivariance: the weights into the curve family are rotated copies of each other (Naturally
Occurring Equivariance).

Each family unit's footprint (probes/circuits/equivariance.py) is its positive expanded weights from the layer it is
built from (probes.circuits.wiring.upstream_layer; for lite0 blocks.4.expand), summed over source units, with the
family's mean footprint removed. For every ordered pair of units, unit i's footprint is turned by the difference of
their pre-registered orientations and correlated with unit j's, and the same for the three wrong quarter-turn offsets.
Predictions, fixed on constructed_curves (built equivariant: right-angle correlation 0.88, beats every wrong angle
in 100% of pairs) and its null twin (0.00, 22%) before lite0 ran:
  correlation   median over pairs of the right-angle correlation >= 0.3
  specificity   the right angle beats all three wrong angles in at least half of the pairs (chance: a quarter)
Both intervals resample the unit pairs.
"""
import numpy as np

from probes.circuits.equivariance import footprints, rotation_match
from probes.circuits.wiring import expanded_weights, upstream_layer
from probes.records.evidence import bootstrap_ci
from probes.records.figures import weight_maps
from zoom_in_claims import claim

CORRELATION = "median correlation of rotated footprints at the right angle"
SPECIFIC = "fraction of pairs where the right angle beats every wrong one"


@claim("curve_circuits.equivariance", "The weights into each curve unit are rotated copies of the others': turned by "
       "the difference of preferred orientations they match, turned by a wrong angle they don't.",
       source="Naturally Occurring Equivariance in Neural Networks (Olah et al. 2020); Zoom In, Claim 2",
       kind="weights", expect="refuted", positive="constructed_curves",
       near_miss="constructed_curves_unrotated",
       predictions={CORRELATION: ">= 0.3", SPECIFIC: ">= 0.5"}, resample="unit pairs")
def test_family_weights_are_rotated_copies(model, curve_family, preferred, family_field, evidence, figures):
    source = upstream_layer(model, curve_family.layer)
    weights = expanded_weights(model, source, curve_family.layer, curve_family.units, size=family_field.canvas)
    match = rotation_match(footprints(weights), [preferred[u] for u in curve_family.units])
    pairs = len(match.right)

    def footprint_figure():  # each unit, turned to its nearest neighbour's orientation, beside that neighbour's
        import torch
        from torchvision.transforms.functional import InterpolationMode, rotate

        maps, units = footprints(weights), curve_family.units
        rows, titles = [], []
        for i, unit in enumerate(units):
            offsets = [((preferred[u] - preferred[unit] + 180) % 360) - 180 if u != unit else np.inf for u in units]
            j = int(np.argmin(np.abs(offsets)))
            turned = rotate(maps[i][None], offsets[j], interpolation=InterpolationMode.BILINEAR)[0]
            r = np.corrcoef(turned.flatten().numpy(), maps[j].flatten().numpy())[0, 1]
            rows.append(torch.stack([maps[i], turned, maps[j]]))
            titles += [f"{unit} ({preferred[unit]:.0f}°)", f"turned {offsets[j]:+.0f}°", f"{units[j]}: r={r:.2f}"]
        return weight_maps(torch.cat(rows), titles, columns=3 * min(4, len(rows)))  # four triplets a row

    if pairs:  # a family of one unit has nothing to turn into another
        figures.add("footprints and their rotations", footprint_figure,  # drawn only when a report is written
                    caption=f"Left: each unit's footprint in {source} (positive expanded weights summed over sources, "
                            "the family's mean removed); middle: turned by the orientation difference to its nearest "
                            "neighbour; right: the neighbour's footprint, which it should match (r: their "
                            "correlation).", units=[f"{curve_family.layer}:{u}" for u in curve_family.units])
    evidence.record(f"footprint size in {source}", weights.shape[-1])
    evidence.record("median correlation at the wrong angles", float(np.median(match.wrong)), n=pairs)
    evidence.measure(CORRELATION, float(np.median(match.right)), ci=bootstrap_ci(match.right, np.median), n=pairs)
    wins = (np.asarray(match.right)[:, None] > np.asarray(match.wrong).reshape(pairs, -1)).all(1).astype(float)
    evidence.measure(SPECIFIC, match.beats_every_wrong_angle, ci=bootstrap_ci(wins, np.mean), n=pairs)
