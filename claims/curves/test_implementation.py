"""Curves, argument 5 (implementation): reading the weights shows how the family is built — excitation from
earlier curve-like units of aligned orientation, inhibition from opposing ones.

The source is the last layer before the family's with a smaller receptive field (for lite0, blocks.4.expand).
Its units' curve tuning is measured on confirmation-style curves sized to their own field; the selective
ones (vector strength >= 0.5) are the earlier curve features. The weights are the expanded weights
(probes/circuits.py): the effective linear map from each source unit into each family unit, summed over
positions. Predictions: at least 10 selective source units, and the Pearson correlation across (family
unit, source unit) pairs between the weight and cos(orientation difference) >= 0.2.

Measured on EfficientNet-Lite0: REFUTED, r = -0.12 [-0.24, 0.01] over 168 pairs (24 selective source units in
blocks.4.expand). Summed over positions, lite0's weights into its curve units show no orientation alignment;
the selective-source count is not discriminating either (the null twin has 30). Whether a position-resolved
reading (tangent-aligned weights along the arc, as in the Curve Circuits article) holds is open.
"""
import numpy as np
from scipy.stats import pearsonr

from claims.curves.conftest import CONFIRMATION
from fixtures import claim
from probes.circuits import expanded_weights
from probes.evidence import bootstrap_ci
from probes.receptive_field import receptive_field
from probes.stimuli.sets import curve_set
from probes.tuning import centre_responses, tuning_curves


def source_layer(model, family_layer: str) -> str:
    names = list(model.layers)
    size = receptive_field(model, family_layer).size
    for name in reversed(names[:names.index(family_layer)]):
        if receptive_field(model, name).size < size:
            return name
    raise LookupError(f"no layer before {family_layer} with a smaller receptive field")


def curve_tuning(model, layer: str):
    field = receptive_field(model, layer)
    stimuli = curve_set(field.canvas, orientations=36, radii=[f * field.size for f in CONFIRMATION["radius_fractions"]],
                        width=max(1.0, CONFIRMATION["width_fraction"] * field.size), span=CONFIRMATION["span"],
                        foreground=CONFIRMATION["foreground"], background=CONFIRMATION["background"])
    responses = centre_responses(model, layer, stimuli.images, background=CONFIRMATION["background"])
    return tuning_curves(responses, stimuli.params["orientation"].numpy())


@claim("curves.implementation", "Expanded weights into each curve unit excite earlier curve features of aligned "
       "orientation and inhibit opposing ones.", source="Zoom In, Claim 1, argument 5 (implementation); "
       "Curve Circuits", kind="implementation", expect="refuted")
def test_weights_align_with_orientation(model, curve_family, preferred, family_field, evidence):
    source = source_layer(model, curve_family.layer)
    curves = curve_tuning(model, source)
    selective = [j for j, c in enumerate(curves) if c.vector_strength >= 0.5 and c.peak > 0]
    evidence.record(f"source layer {source}: units", len(curves))
    evidence.at_least("selective source units (vector strength >= 0.5)", len(selective), 10, n=len(curves))
    weights = expanded_weights(model, source, curve_family.layer, curve_family.units,
                               size=family_field.canvas).sum((-2, -1)).numpy()  # (family, source)
    alignment, strength = [], []
    for i, unit in enumerate(curve_family.units):
        for j in selective:
            difference = np.deg2rad(preferred[unit] - curves[j].preferred_orientation)
            alignment.append(np.cos(difference))
            strength.append(weights[i, j])
    alignment, strength = np.array(alignment), np.array(strength)
    evidence.record("mean weight, aligned pairs (cos > 0.7)", float(strength[alignment > 0.7].mean()))
    evidence.record("mean weight, opposed pairs (cos < -0.7)", float(strength[alignment < -0.7].mean()))
    pairs = np.arange(len(alignment))
    ci = bootstrap_ci(pairs, lambda index: pearsonr(alignment[index.astype(int)], strength[index.astype(int)]).statistic)
    evidence.at_least("correlation of weight with cos(orientation difference)",
                      pearsonr(alignment, strength).statistic, 0.2, ci=ci, n=len(alignment))
